// Watches the inbox with chokidar: file events, a start-up scan and periodic rescans (runner.ts).
// Loaded only by a process that watches: a one-shot run or a worker does not carry chokidar.
import { watch, type FSWatcher } from 'chokidar';
import type { JobQueue } from '../jobs/queue.js';
import type { AppContext } from '../services/context.js';
import { locate } from './inbox.js';
import { scanInbox } from './runner.js';
import { Stillness } from './stillness.js';
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
  let closed = false;
  // An event asks for a scan rather than registering its own file: files arriving together (an
  // original and its correction copied at once, times kept) are then registered, and their
  // receipts written, in the order they were saved (scanInbox), not in the order their copies
  // ended. Which grade wins does not hang on it: a drop is dated by its file's save (migration 014).
  const onFile = (absolute: string): void => {
    if (!closed && locate(ctx.config.inbox, absolute)) {
      void rescan();
    }
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

  // One scan at a time: a slow scan (thousands of files) is never overlapped by the next tick. An
  // event heard during a scan, whose file that scan may have listed too early, gets one more.
  let scanning: Promise<void> | null = null;
  let again = false;
  const told = new Set<string>();
  // How long each file has held still, across rescans: one whose end is unfinished waits longer.
  const stillness = new Stillness(ctx.config.unfinishedStableMs);
  let heldBack: NodeJS.Timeout | undefined;
  const rescan = (): Promise<void> => {
    if (scanning) {
      again = true;
      return scanning;
    }
    scanning = scanInbox(ctx, queue, { stillness, stopping: () => closed })
      .then((result) => {
        // A released file put back in the inbox is taken by the next scan, at once; a file held
        // back for its unfinished end, as soon as it may be taken rather than at a later tick.
        again ||= result.returned > 0;
        clearTimeout(heldBack);
        if (result.heldBackMs > 0 && !closed) {
          heldBack = setTimeout(() => void rescan(), result.heldBackMs);
        }
        return warnStrays(ctx, told);
      })
      .catch((err: unknown) => ctx.log.error({ err }, 'rescan failed'))
      .finally(() => {
        scanning = null;
        if (again && !closed) {
          again = false;
          void rescan();
        }
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
      clearTimeout(heldBack);
      await watcher?.close();
      await scanning;
    },
  };
}
