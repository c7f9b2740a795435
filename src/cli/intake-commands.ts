// Commands about the intake's health: the reconciliation run by hand (the nightly job runs the same),
// and the manager's dismissal of a grade file dropped by mistake.
import type { Command } from 'commander';
import { strayFiles, strayLines } from '../intake/strays.js';
import { dismissFile } from '../services/dismiss.js';
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
    strayLines(await strayFiles(c.config.inbox)).forEach((line) => say(line));
  } finally {
    await queue.close();
    redis?.disconnect();
  }
}

interface DismissOptions {
  ctn: string;
  reason: string;
  as: string;
}

function registerDismiss(program: Command): void {
  program
    .command('intake')
    .description('boîte de dépôt')
    .command('dismiss <fichier>')
    .description(
      'classer sans suite un fichier de notes ou de résultats déposé par erreur, refusé ou ' +
        "importé partiellement : il ne retient plus la levée de l'anonymat (gestionnaire de " +
        "l'anonymat, motif obligatoire, journalisé)",
    )
    .requiredOption('--ctn <code>', 'CTN concerné')
    .requiredOption('--reason <motif>', 'motif (fichier d’une autre épreuve, fichier illisible …)')
    .requiredOption('--as <login>', 'utilisateur qui agit (gestionnaire de l’anonymat du CTN)')
    .action((file: string, o: DismissOptions, cmd: Command) =>
      withContext(async (c) => {
        const done = await dismissFile(c, o.as, o.ctn, file, o.reason);
        say(
          done.already
            ? `Déjà classé sans suite : ${done.line}.`
            : `Classé sans suite : ${done.line}. Il ne retient plus la levée de l'anonymat ; ` +
                'un nouveau dépôt sous le même nom comptera de nouveau. Classement journalisé.',
        );
        if (done.stillRecorded > 0) {
          say(
            `Attention : ${done.stillRecorded} note(s) ou résultat(s) importé(s) de ce fichier ` +
              'restent enregistrés : classer sans suite ne les retire pas. Si le fichier a été ' +
              'déposé par erreur, corrigez-les (fichier corrigé ou anonymat grade … --replace) ' +
              'avant la levée.',
          );
        }
      }, overridesOf(cmd)),
    );
}

/** Registers the intake commands. */
export function registerIntakeCommands(program: Command): void {
  registerDismiss(program);

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
