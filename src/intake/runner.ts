// Drives the intake: a full scan (at start-up, on demand, periodically; the watcher, watcher.ts,
// adds file events). A file is registered only once its size and time hold still (longer when its
// end is unfinished, stillness.ts) and still hold at the claim; registering then submitting is
// idempotent, so a scan and a watch event meeting on the same file, or two processes scanning the
// same inbox, do no harm. Each scan also puts back the released files written to since (rewritten.ts).
import { retryDelay } from '../jobs/failures.js';
import type { JobQueue } from '../jobs/queue.js';
import type { AppContext } from '../services/context.js';
import { fileSignature, listInbox, type InboxFile } from './inbox.js';
import { registerDrop, savedAt } from './register.js';
import { changedReleases, returnRewritten, type ChangedRelease } from './rewritten.js';
import { Stillness } from './stillness.js';

/**
 * What one scan did: files handed to the queue, files still moving (or held back), files that
 * failed to register, released files put back in the inbox because they went on being written.
 */
export interface ScanResult {
  submitted: number;
  unstable: number;
  failed: number;
  returned: number;
  /** How long until the first file held back for its unfinished end may be taken; 0: none is. */
  heldBackMs: number;
}

/** How a scan is run: what it remembers of earlier scans, and when to stop taking files. */
export interface ScanOptions {
  /** Shared by the scans of one watcher or run; a scan without one holds back unfinished files. */
  stillness?: Stillness;
  stopping?: () => boolean;
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The paths whose size and time did not move over `stableMs` (checked for all at once), with their
 * signature, unless their end is unfinished and they have not held still long enough
 * (stillness.ts); and how long the first of those still waits.
 */
async function stillPaths(
  paths: string[],
  stableMs: number,
  stillness: Stillness,
): Promise<{ still: Map<string, string>; heldBackMs: number }> {
  const firstLook = Date.now();
  const before = await Promise.all(paths.map((p) => fileSignature(p)));
  await sleep(stableMs);
  const after = await Promise.all(paths.map((p) => fileSignature(p)));

  const still = new Map<string, string>();
  let heldBackMs = 0;
  for (const [i, absolute] of paths.entries()) {
    const signature = after[i];
    if (!signature || before[i] !== signature) {
      continue;
    }
    const wait = await stillness.waitLeft(absolute, signature, firstLook);
    if (wait === 0) {
      still.set(absolute, signature);
    } else {
      heldBackMs = heldBackMs === 0 ? wait : Math.min(heldBackMs, wait);
    }
  }
  stillness.keepOnly(new Set(paths.filter((_, i) => after[i] && before[i] === after[i])));
  return { still, heldBackMs };
}

/**
 * In the order they were saved, then by path: the order their grades were handed in (a drop's
 * hand-in time is when its file was saved, migration 014), so that receipts come in that order too.
 */
function bySave(
  files: InboxFile[],
  still: Map<string, string>,
): Array<{ file: InboxFile; signature: string }> {
  const stable = files.flatMap((file) => {
    const signature = still.get(file.absolute);
    return signature ? [{ file, signature }] : [];
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

/** Puts back in the inbox the released files that went on being written and now hold still. */
async function returnStill(
  ctx: AppContext,
  changes: ChangedRelease[],
  still: Map<string, string>,
): Promise<number> {
  let returned = 0;
  for (const change of changes) {
    const signature = still.get(change.absolute);
    if (signature && (await returnRewritten(ctx, change, signature))) {
      returned += 1;
    }
  }
  return returned;
}

/**
 * Scans the inbox once and submits every stable file; a file that fails waits for the next scan.
 * Released files that went on being written are put back in the inbox, for the next scan.
 */
export async function scanInbox(
  ctx: AppContext,
  queue: JobQueue,
  {
    stillness = new Stillness(ctx.config.unfinishedStableMs),
    stopping = () => false,
  }: ScanOptions = {},
): Promise<ScanResult> {
  const files = await listInbox(ctx.config.inbox);
  const changes = await changedReleases(ctx);
  const paths = [...files.map((f) => f.absolute), ...changes.map((c) => c.absolute)];
  const { still, heldBackMs } =
    paths.length > 0
      ? await stillPaths(paths, ctx.config.stableMs, stillness)
      : { still: new Map<string, string>(), heldBackMs: 0 };
  const stable = bySave(files, still);

  const result: ScanResult = {
    submitted: 0,
    unstable: files.length - stable.length,
    failed: 0,
    returned: 0,
    heldBackMs,
  };
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
  result.returned = stopping() ? 0 : await returnStill(ctx, changes, still);
  result.unstable += changes.length - result.returned;
  return result;
}

/** Processes whatever is in the inbox, then returns (`anonymat run --once`). */
export async function runOnce(ctx: AppContext, queue: JobQueue): Promise<number> {
  const stillness = new Stillness(ctx.config.unfinishedStableMs);
  let total = 0;
  for (let round = 0; round < 1000; round += 1) {
    const { submitted, unstable, failed, returned, heldBackMs } = await scanInbox(ctx, queue, {
      stillness,
    });
    await queue.drain();
    total += submitted;
    // After a round that processed files, one more look: a file replaced while it was imported
    // (or written to after it was released) is back in the inbox by now, for a drop of its own.
    if (submitted === 0 && unstable === 0 && failed === 0 && returned === 0) {
      break;
    }
    if (failed > 0) {
      await sleep(retryDelay(round + 1, ctx.config.retryMaxMs));
    } else if (submitted === 0 && returned === 0 && heldBackMs > 0) {
      // Only files whose end is unfinished left: look again when the first may be taken.
      await sleep(heldBackMs);
    }
  }
  return total;
}
