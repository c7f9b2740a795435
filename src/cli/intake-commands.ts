// Commands about the intake's health: the reconciliation run by hand (the nightly job runs the same).
import type { Command } from 'commander';
import { reconcile, type ReconcileOutcome } from '../services/reconcile.js';
import type { AppContext } from '../services/context.js';
import { overridesOf } from './options.js';
import { openQueue, say, withContext } from './runtime.js';

/** Prints what a reconciliation did, one line per CTN. */
export function sayReconciliation(outcome: ReconcileOutcome): void {
  say(`${outcome.scan.submitted} fichier(s) repris dans la boîte de dépôt.`);
  for (const r of outcome.reports) {
    say(
      `CTN ${r.ctn} : ${r.numbered} numéro(s) attribué(s), ${r.anomalies} anomalie(s) ; rapport : ${r.path}`,
    );
  }
}

async function reconcileByHand(c: AppContext, ctn: string | undefined): Promise<void> {
  const { queue, redis } = await openQueue(c);
  try {
    // In-process the files found run before this returns; with Redis they wait for the workers.
    sayReconciliation(await reconcile(c, queue, ctn));
  } finally {
    await queue.close();
    redis?.disconnect();
  }
}

/** Registers the intake commands. */
export function registerIntakeCommands(program: Command): void {
  program
    .command('reconcile')
    .description(
      'rapprochement : reprendre la boîte de dépôt, numéroter les nouveaux inscrits (maquettes configurées), contrôler la cohérence, écrire le rapport',
    )
    .option('--ctn <code>', 'un seul CTN (par défaut : tous)')
    .action((o: { ctn?: string }, cmd: Command) =>
      withContext((c) => reconcileByHand(c, o.ctn), overridesOf(cmd)),
    );
}
