// The import-file job as both modes run it: processDrop, with failures sorted (failures.ts).
// In BullMQ the retry and its backoff belong to the queue; in-process they are this loop.
import { processDrop, quarantineDrop, type DropOutcome } from '../intake/process-drop.js';
import type { DropJob } from '../intake/register.js';
import type { AppContext } from '../services/context.js';
import { classifyFailure, failureLabel, retryDelay, UNEXPECTED_ATTEMPTS } from './failures.js';

/** Job name, persisted in Redis: never rename. */
export const IMPORT_FILE_JOB = 'import-file';

/** A short word for what a job did, stored as the BullMQ job's return value. */
export function outcomeWord(outcome: DropOutcome): string {
  return 'receipt' in outcome ? outcome.receipt.status : outcome.skipped;
}

/**
 * One attempt (the `attempt`-th, from 1): an outage is rethrown so the caller retries it; an
 * unexpected failure is rethrown too, until its last attempt, when the file is quarantined.
 */
export async function attemptImport(
  ctx: AppContext,
  job: DropJob,
  attempt: number,
): Promise<DropOutcome> {
  try {
    return await processDrop(ctx, job);
  } catch (error: unknown) {
    const kind = classifyFailure(error);
    ctx.log.warn({ err: error, dropId: job.dropId, attempt, kind }, 'import attempt failed');
    if (kind === 'unexpected' && attempt >= UNEXPECTED_ATTEMPTS) {
      return quarantineDrop(ctx, job, failureLabel(error));
    }
    throw error;
  }
}

/** Runs a job in this process until it has an outcome, waiting out outages with backoff. */
export async function runImportInProcess(
  ctx: AppContext,
  job: DropJob,
  stopping: () => boolean,
): Promise<DropOutcome | null> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await attemptImport(ctx, job, attempt);
    } catch {
      // Already logged by attemptImport; on shutdown the open drop waits for the next start.
      if (stopping()) {
        return null;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, retryDelay(attempt, ctx.config.retryMaxMs)),
      );
    }
  }
}
