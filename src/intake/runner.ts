// Drives the intake: a full scan (at start-up, on demand, periodically; the watcher, watcher.ts,
// adds file events). A file is registered only once its size and time hold still (and still hold
// at the claim); registering then submitting is idempotent, so a scan and a watch event meeting on
// the same file, or two processes scanning the same inbox, do no harm.
import { retryDelay } from '../jobs/failures.js';
import type { JobQueue } from '../jobs/queue.js';
import type { AppContext } from '../services/context.js';
import { fileSignature, listInbox, type InboxFile } from './inbox.js';
import { registerDrop, savedAt } from './register.js';

/** What one scan did: files handed to the queue, files still moving, files that failed to register. */
export interface ScanResult {
  submitted: number;
  unstable: number;
  failed: number;
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Files whose size and time did not move over `stableMs` (checked for all files at once), in the
 * order they were saved, then by path: the order their grades were handed in (a drop's hand-in
 * time is when its file was saved, migration 014), so that receipts come in that order too.
 */
async function stableFiles(
  files: InboxFile[],
  stableMs: number,
): Promise<Array<{ file: InboxFile; signature: string }>> {
  const before = await Promise.all(files.map((f) => fileSignature(f.absolute)));
  await sleep(stableMs);
  const after = await Promise.all(files.map((f) => fileSignature(f.absolute)));
  const stable = files.flatMap((file, i) => {
    const signature = after[i];
    return signature && before[i] === signature ? [{ file, signature }] : [];
  });
  return stable.sort(
    (a, b) =>
      savedAt(a.signature) - savedAt(b.signature) ||
      (a.file.absolute < b.file.absolute ? -1 : a.file.absolute > b.file.absolute ? 1 : 0),
  );
}

/** Registers one stable file and hands its job over; false when it moved again before the claim. */
async function submitFile(
  ctx: AppContext,
  queue: JobQueue,
  file: InboxFile,
  signature: string,
): Promise<boolean> {
  // Unsafe names are registered too: the job refuses them with a receipt instead of ignoring them.
  const job = await registerDrop(ctx, file, signature);
  if (!job) {
    return false;
  }
  await queue.submit(job);
  return true;
}

/** Scans the inbox once and submits every stable file; a file that fails waits for the next scan. */
export async function scanInbox(
  ctx: AppContext,
  queue: JobQueue,
  stopping: () => boolean = () => false,
): Promise<ScanResult> {
  const files = await listInbox(ctx.config.inbox);
  const stable = files.length > 0 ? await stableFiles(files, ctx.config.stableMs) : [];

  const result: ScanResult = { submitted: 0, unstable: files.length - stable.length, failed: 0 };
  for (const { file, signature } of stable) {
    if (stopping()) {
      // Shutting down: what is left waits in the inbox for the next start-up scan.
      result.unstable += 1;
      continue;
    }
    try {
      if (await submitFile(ctx, queue, file, signature)) {
        result.submitted += 1;
      } else {
        result.unstable += 1;
      }
    } catch (err: unknown) {
      // Database or Redis away: the file stays in the inbox and the next scan tries again.
      result.failed += 1;
      ctx.log.warn({ err, ctn: file.ctn, channel: file.channel }, 'file not registered');
    }
  }
  return result;
}

/** Processes whatever is in the inbox, then returns (`anonymat run --once`). */
export async function runOnce(ctx: AppContext, queue: JobQueue): Promise<number> {
  let total = 0;
  for (let round = 0; round < 1000; round += 1) {
    const { submitted, unstable, failed } = await scanInbox(ctx, queue);
    await queue.drain();
    total += submitted;
    // After a round that processed files, one more look: a file replaced while it was imported
    // is back in the inbox by now, to be processed as a drop of its own.
    if (submitted === 0 && unstable === 0 && failed === 0) {
      break;
    }
    if (failed > 0) {
      await sleep(retryDelay(round + 1, ctx.config.retryMaxMs));
    }
  }
  return total;
}
