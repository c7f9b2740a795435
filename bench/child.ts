// A bench child process: `import <url> <home> <file>` imports one grade file and prints its time
// and peak memory; `worker <url> <home> <prefix>` runs a BullMQ worker until SIGTERM.
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { runOnce } from '../src/intake/runner.js';
import { InProcessQueue, redisConnection, startWorker } from '../src/jobs/queue.js';
import { closeContext } from '../src/services/context.js';
import { lastOutcome, timed } from './measure.js';
import { contextOn, CTN, REDIS_URL } from './world.js';

const MB = 1024;

async function importOne(url: string, home: string, file: string): Promise<void> {
  const ctx = await contextOn(url, home);
  const baseline = process.resourceUsage().maxRSS / MB;
  await copyFile(file, path.join(ctx.config.inbox, CTN, 'notes', path.basename(file)));
  const ms = await timed(() => runOnce(ctx, new InProcessQueue(ctx)));
  const outcome = await lastOutcome(ctx);
  const peak = process.resourceUsage().maxRSS / MB;
  await closeContext(ctx);
  process.stdout.write(`${JSON.stringify({ ms, peakMb: peak, baselineMb: baseline, outcome })}\n`);
}

async function work(url: string, home: string, prefix: string): Promise<void> {
  const ctx = await contextOn(url, home, { redisUrl: REDIS_URL, queuePrefix: prefix });
  const connection = redisConnection(REDIS_URL);
  const worker = startWorker(ctx, connection, 1);
  await worker.waitUntilReady();
  process.stdout.write('ready\n');

  process.once('SIGTERM', () => {
    void (async () => {
      await worker.close();
      connection.disconnect();
      await closeContext(ctx);
      process.exit(0);
    })();
  });
}

const [mode, url = '', home = '', last = ''] = process.argv.slice(2);
const run = mode === 'import' ? importOne(url, home, last) : work(url, home, last);
run.catch((error: unknown) => {
  process.stderr.write(
    `child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
