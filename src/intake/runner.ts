// Drives the intake: a full scan (at start-up, on demand, periodically) and a chokidar watcher.
// A file is registered only once its size and time hold still; registering then submitting is
// idempotent, so a scan and a watch event meeting on the same file do no harm.
import { lstat } from 'node:fs/promises';
import { watch, type FSWatcher } from 'chokidar';
import type { JobQueue } from '../jobs/queue.js';
import type { AppContext } from '../services/context.js';
import { isSafeName, listInbox, locate, waitStable, type InboxFile } from './inbox.js';
import { registerDrop } from './register.js';

async function signature(file: InboxFile): Promise<string | null> {
  try {
    const s = await lstat(file.absolute);
    return s.isFile() ? `${s.size}:${s.mtimeMs}` : null;
  } catch {
    return null;
  }
}

/** Files whose size and time did not move over `stableMs` (checked for all files at once). */
async function stableFiles(files: InboxFile[], stableMs: number): Promise<InboxFile[]> {
  const before = await Promise.all(files.map(signature));
  await new Promise((resolve) => setTimeout(resolve, stableMs));
  const after = await Promise.all(files.map(signature));
  return files.filter((_, i) => before[i] !== null && before[i] === after[i]);
}

async function submitFile(ctx: AppContext, queue: JobQueue, file: InboxFile): Promise<void> {
  if (!isSafeName(file.name)) {
    ctx.log.warn({ ctn: file.ctn, channel: file.channel }, 'unsafe file name skipped');
    return;
  }
  const job = await registerDrop(ctx, file);
  await queue.submit(job);
}

/** Scans the inbox once and submits every stable file; counts those submitted and those still moving. */
export async function scanInbox(
  ctx: AppContext,
  queue: JobQueue,
): Promise<{ submitted: number; unstable: number }> {
  const files = (await listInbox(ctx.config.inbox)).filter((f) => isSafeName(f.name));
  const stable = files.length > 0 ? await stableFiles(files, ctx.config.stableMs) : [];
  for (const file of stable) {
    await submitFile(ctx, queue, file);
  }
  return { submitted: stable.length, unstable: files.length - stable.length };
}

/** Processes whatever is in the inbox, then returns (`anonymat run --once`). */
export async function runOnce(ctx: AppContext, queue: JobQueue): Promise<number> {
  let total = 0;
  for (let round = 0; round < 1000; round += 1) {
    const { submitted, unstable } = await scanInbox(ctx, queue);
    await queue.drain();
    total += submitted;
    if (unstable === 0) {
      break;
    }
  }
  return total;
}

/** Watches the inbox until stopped: events, a start-up scan and periodic rescans. */
export function watchInbox(ctx: AppContext, queue: JobQueue): { close(): Promise<void> } {
  const onFile = (absolute: string): void => {
    const file = locate(ctx.config.inbox, absolute);
    if (!file) {
      return;
    }
    void waitStable(absolute, ctx.config.stableMs)
      .then((stable) => (stable ? submitFile(ctx, queue, file) : undefined))
      .catch((err: unknown) => ctx.log.error({ err }, 'intake failed'));
  };

  const watcher: FSWatcher = watch(ctx.config.inbox, {
    ignoreInitial: true,
    depth: 2,
    followSymlinks: false,
    usePolling: ctx.config.polling,
  });
  watcher.on('add', onFile).on('change', onFile);

  const rescan = (): void => {
    void scanInbox(ctx, queue).catch((err: unknown) => ctx.log.error({ err }, 'rescan failed'));
  };
  rescan();
  const timer = setInterval(rescan, ctx.config.rescanMs);

  return {
    async close() {
      clearInterval(timer);
      await watcher.close();
      await queue.drain();
    },
  };
}
