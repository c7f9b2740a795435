// Watches the inbox with chokidar: file events, a start-up scan and periodic rescans (runner.ts).
// Loaded only by a process that watches: a one-shot run or a worker does not carry chokidar.
import { watch, type FSWatcher } from 'chokidar';
import type { JobQueue } from '../jobs/queue.js';
import type { AppContext } from '../services/context.js';
import { fileSignature, locate, type InboxFile } from './inbox.js';
import { scanInbox, sleep, submitFile } from './runner.js';
import { strayFiles } from './strays.js';

/** A running watcher; close it to stop watching and wait for the submitted jobs. */
export interface InboxWatcher {
  /** Runs one rescan now (also what the timer does); resolves when it is over. */
  rescan(): Promise<void>;
  close(): Promise<void>;
}

/** Logs once each file the inbox will never take where it lies (intake/strays.ts). */
async function warnStrays(ctx: AppContext, told: Set<string>): Promise<void> {
  for (const stray of await strayFiles(ctx.config.inbox)) {
    if (!told.has(stray.relative)) {
      told.add(stray.relative);
      ctx.log.warn(
        { file: stray.relative, why: stray.why },
        'inbox file never processed where it lies',
      );
    }
  }
}

/**
 * Watches the inbox until closed: events (unless off), a start-up scan and periodic rescans.
 * Closing stops taking files; jobs already handed over are the queue's to finish (close it too).
 */
export function watchInbox(ctx: AppContext, queue: JobQueue): InboxWatcher {
  const waiting = new Set<string>();
  let closed = false;
  const onFile = (absolute: string): void => {
    const file = locate(ctx.config.inbox, absolute);
    if (!file || waiting.has(absolute) || closed) {
      return;
    }
    waiting.add(absolute);
    void settle(ctx, queue, file)
      .catch((err: unknown) => ctx.log.warn({ err, ctn: file.ctn }, 'intake event failed'))
      .finally(() => waiting.delete(absolute));
  };

  const watcher: FSWatcher | null = ctx.config.watchEvents
    ? watch(ctx.config.inbox, {
        ignoreInitial: true,
        depth: 2,
        followSymlinks: false,
        usePolling: ctx.config.polling,
        // Network shares: one stat per file and second is plenty next to the stability delay.
        interval: 1000,
        binaryInterval: 1000,
      })
    : null;
  watcher?.on('add', onFile).on('change', onFile);

  // One scan at a time: a slow scan (thousands of files) is never overlapped by the next tick.
  let scanning: Promise<void> | null = null;
  const told = new Set<string>();
  const rescan = (): Promise<void> => {
    scanning ??= scanInbox(ctx, queue, () => closed)
      .then(() => warnStrays(ctx, told))
      .catch((err: unknown) => ctx.log.error({ err }, 'rescan failed'))
      .finally(() => {
        scanning = null;
      });
    return scanning;
  };
  void rescan();
  const timer = setInterval(() => void rescan(), ctx.config.rescanMs);

  return {
    rescan,
    async close() {
      closed = true;
      clearInterval(timer);
      await watcher?.close();
      await scanning;
    },
  };
}

/** Waits for one file to hold still, then registers it; a file still moving is left to the rescan. */
async function settle(ctx: AppContext, queue: JobQueue, file: InboxFile): Promise<void> {
  let before = await fileSignature(file.absolute);
  while (before !== null) {
    await sleep(ctx.config.stableMs);
    const after = await fileSignature(file.absolute);
    if (after === before) {
      if (!(await submitFile(ctx, queue, file, after))) {
        ctx.log.debug({ ctn: file.ctn, channel: file.channel }, 'file moved at claim');
      }
      return;
    }
    before = after;
  }
}
