// Commands that run the service: intake (once or watching), workers, audit verification. The
// long-running ones stop cleanly on SIGINT/SIGTERM: no new job is taken, the jobs in hand finish.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../domain/errors.js';
import { CHANNELS } from '../intake/inbox.js';
import { inboxRootExists } from '../intake/inbox-root.js';
import { runOnce } from '../intake/runner.js';
import { strayFiles, strayLines } from '../intake/strays.js';
import { watchInbox } from '../intake/watcher.js';
import { everyDay } from '../jobs/in-process-schedule.js';
import type { JobQueue } from '../jobs/queue.js';
import type { AppContext } from '../services/context.js';
import { reconcile, sweepOutbox } from '../services/reconcile.js';
import { verifyAudit } from '../store/audit.js';
import { overridesOf, positiveInteger } from './options.js';
import { openQueue, say, withContext, type OpenedQueue } from './runtime.js';

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** The reconciliation as a BullMQ job body: rescans through `producer`, returns a short summary. */
function reconcileHandler(ctx: AppContext, producer: JobQueue): () => Promise<string> {
  return async () => {
    const outcome = await reconcile(ctx, producer);
    return `${outcome.scan.submitted} file(s), ${outcome.reports.length} report(s)`;
  };
}

/** Without Redis, the watching process runs the nightly reconciliation itself (daily crons only). */
function inProcessReconcile(ctx: AppContext, queue: JobQueue): { stop(): void } | null {
  const cron = ctx.config.reconcileCron;
  if (cron === null) {
    return null;
  }
  const timer = everyDay(cron, async () => {
    await reconcile(ctx, queue).catch((err: unknown) =>
      ctx.log.error({ err }, 'reconciliation failed'),
    );
  });
  if (!timer) {
    ctx.log.warn({ cron }, 'only a daily cron runs without Redis: reconciliation not scheduled');
  }
  return timer;
}

async function watchUntilSignal(c: AppContext, { queue, bull }: OpenedQueue): Promise<void> {
  const nightly = bull ? null : inProcessReconcile(c, queue);
  if (bull) {
    await bull.module.scheduleReconcile(bull.queue, c.config.reconcileCron);
  }
  const watcher = watchInbox(c, queue);
  say(`Surveillance de ${c.config.inbox} (Ctrl+C pour arrêter).`);
  await untilSignal();
  nightly?.stop();
  // The queue first: in-process, the job in hand finishes and no other starts; then the watcher.
  const watching = watcher.close();
  await queue.close();
  await watching;
}

/** The database's clock: drops are stamped by it, so a pass is bounded by it too. */
async function dbNow(c: AppContext): Promise<Date> {
  const result = (await c.db.raw('select now() as at')) as { rows: Array<{ at: Date | string }> };
  return new Date(result.rows[0]?.at ?? Date.now());
}

const OUTCOME_WORDS: Array<[string, string]> = [
  ['imported', 'importé(s)'],
  ['partial', 'importé(s) en partie'],
  ['rejected', 'refusé(s)'],
  ['duplicate', 'déjà reçu(s)'],
];

/**
 * « 3 fichier(s) traité(s) : 2 importé(s), 1 refusé(s) » for the drops registered since `since`
 * and finished: counted in one place, so that the total and its parts agree even when another
 * process took some of the files (three `run --once` at once printed « 0 fichier(s) traité(s) :
 * 3 importé(s) », a trial).
 */
async function outcomesSince(c: AppContext, since: Date): Promise<string> {
  const rows = (await c
    .db('intake_drop')
    .where('dropped_at', '>=', since)
    .whereNotNull('outcome')
    .groupBy('outcome')
    .select('outcome')
    .count({ n: '*' })) as Array<{ outcome: string; n: number | string }>;
  const counts = new Map(rows.map((r) => [r.outcome, Number(r.n)]));
  const parts = OUTCOME_WORDS.filter(([outcome]) => (counts.get(outcome) ?? 0) > 0).map(
    ([outcome, words]) => `${counts.get(outcome)} ${words}`,
  );
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  return `${total} fichier(s) traité(s)${parts.length > 0 ? ` : ${parts.join(', ')}` : ''}`;
}

async function runService(c: AppContext, once: boolean): Promise<void> {
  await sweepOutbox(c);
  const opened = await openQueue(c);
  const { queue, redis, bull } = opened;
  const worker =
    redis && bull ? bull.module.startWorker(c, redis, 1, reconcileHandler(c, queue)) : null;
  try {
    if (once) {
      const since = await dbNow(c);
      await runOnce(c, queue);
      say(`${await outcomesSince(c, since)}. Accusés de réception dans ${c.config.outbox}.`);
      strayLines(await strayFiles(c.config.inbox)).forEach((line) => say(line));
    } else {
      await watchUntilSignal(c, opened);
    }
  } finally {
    await worker?.close();
    await queue.close();
    redis?.disconnect();
  }
}

/** Says on the console, once at start, that this worker cannot see the inbox (logged too). */
async function warnInboxAbsent(c: AppContext): Promise<void> {
  if (await inboxRootExists(c)) {
    return;
  }
  process.stderr.write(
    `ATTENTION : le dossier de dépôt ${c.config.inbox} n'existe pas sur cette machine : ce ` +
      'travailleur ne trouvera aucun des fichiers déposés et les classera comme disparus. ' +
      'Vérifiez ANONYMAT_HOME (ou --home) et que le partage y est monté.\n',
  );
}

async function runWorker(c: AppContext, concurrency: number): Promise<void> {
  const { queue, redis, bull } = await openQueue(c);
  if (!redis || !bull) {
    throw new AppError('WORKER_NEEDS_REDIS');
  }
  await sweepOutbox(c);
  await warnInboxAbsent(c);
  await bull.module.scheduleReconcile(bull.queue, c.config.reconcileCron);
  const worker = bull.module.startWorker(c, redis, concurrency, reconcileHandler(c, queue));
  say('Travailleur démarré (SIGTERM pour arrêter après les travaux en cours).');

  const signal = await untilSignal();
  c.log.info({ signal }, 'worker stopping after the jobs in hand');
  // BullMQ's close waits for the active jobs: a file is never left between commit and release.
  await worker.close();
  await queue.close();
  redis.disconnect();
}

/** Registers the service commands. */
export function registerServiceCommands(program: Command): void {
  program
    .command('migrate')
    .description('mettre le schéma de la base à jour')
    .action((_o: unknown, cmd: Command) =>
      withContext(() => Promise.resolve(say('Base à jour.')), overridesOf(cmd)),
    );

  program
    .command('inbox <ctn>')
    .description("créer les dossiers de dépôt d'un CTN")
    .action((ctn: string, _o: unknown, cmd: Command) =>
      withContext(async (c) => {
        for (const channel of CHANNELS) {
          await mkdir(path.join(c.config.inbox, ctn, channel), { recursive: true });
        }
        say(`Dossiers de dépôt créés sous ${path.join(c.config.inbox, ctn)}.`);
      }, overridesOf(cmd)),
    );

  program
    .command('run')
    .description('traiter la boîte de dépôt (--once : une passe puis fin ; sinon surveillance)')
    .option('--once', 'traiter ce qui est déposé puis s’arrêter', false)
    .action((o: { once: boolean }, cmd: Command) =>
      withContext((c) => runService(c, o.once), overridesOf(cmd)),
    );

  program
    .command('worker')
    .description('exécuter les travaux de la file Redis (REDIS_URL requis)')
    .option('--concurrency <n>', 'travaux simultanés (au moins 1)', positiveInteger, 1)
    .action((o: { concurrency: number }, cmd: Command) =>
      withContext((c) => runWorker(c, o.concurrency), overridesOf(cmd)),
    );

  program
    .command('audit')
    .description("journal d'audit")
    .command('verify')
    .description("vérifier l'intégrité du journal d'audit")
    .action((_o: unknown, cmd: Command) =>
      withContext(async (c) => {
        const result = await verifyAudit(c.db);
        if (result.ok) {
          say(`Journal d'audit intègre : ${result.count} entrée(s).`);
        } else {
          say(`Journal d'audit ALTÉRÉ à l'entrée n° ${result.brokenAtSeq}.`);
          process.exitCode = 3;
        }
      }, overridesOf(cmd)),
    );
}
