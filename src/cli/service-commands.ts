// Commands that run the service: intake (once or watching), workers, audit verification.
import type { Command } from 'commander';
import { runOnce, watchInbox } from '../intake/runner.js';
import { startWorker } from '../jobs/queue.js';
import { verifyAudit } from '../store/audit.js';
import { overridesOf } from './options.js';
import { openQueue, say, withContext } from './runtime.js';
import { CHANNELS } from '../intake/inbox.js';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
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
      withContext(async (c) => {
        const { queue, redis } = await openQueue(c);
        const worker = redis ? startWorker(c, redis) : null;
        try {
          if (o.once) {
            say(
              `${await runOnce(c, queue)} fichier(s) traité(s). Accusés de réception dans ${c.config.outbox}.`,
            );
          } else {
            const watcher = watchInbox(c, queue);
            say(`Surveillance de ${c.config.inbox} (Ctrl+C pour arrêter).`);
            await untilSignal();
            await watcher.close();
          }
        } finally {
          await worker?.close();
          await queue.close();
          redis?.disconnect();
        }
      }, overridesOf(cmd)),
    );

  program
    .command('worker')
    .description('exécuter les travaux de la file Redis (REDIS_URL requis)')
    .option('--concurrency <n>', 'travaux simultanés', '1')
    .action((o: { concurrency: string }, cmd: Command) =>
      withContext(async (c) => {
        const { redis } = await openQueue(c);
        if (!redis) {
          throw new Error('REDIS_URL is required for a worker');
        }
        const worker = startWorker(c, redis, Number(o.concurrency) || 1);
        say('Travailleur démarré (SIGTERM pour arrêter après le travail en cours).');
        await untilSignal();
        await worker.close();
        redis.disconnect();
      }, overridesOf(cmd)),
    );

  program
    .command('audit')
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
