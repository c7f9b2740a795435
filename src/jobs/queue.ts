// Carries import-file jobs from the intake to the workers: BullMQ on Redis when REDIS_URL is set
// (bull-queue.ts), otherwise the same handler in this process. Payloads carry ids and hashes, never
// names. Postgres is the truth: a job lost with Redis is submitted again by the next scan (its drop
// is still open). This module does not load BullMQ: a process without Redis (the embedded default,
// a one-shot import) is spared its memory.
import type { DropJob } from '../intake/register.js';
import type { AppContext } from '../services/context.js';
import { runImportInProcess } from './import-job.js';

export { IMPORT_FILE_JOB } from './import-job.js';

/** Queue name, persisted in Redis: never rename. */
export const QUEUE_NAME = 'intake';

/** Job name of the nightly reconciliation, persisted in Redis: never rename. */
export const RECONCILE_JOB = 'reconcile';

/** Where jobs go. */
export interface JobQueue {
  /** Hands a job over; resolves once it is accepted (in-process: once it has run). */
  submit(job: DropJob): Promise<void>;
  /** Resolves when every job submitted so far has finished. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Runs jobs one after another in this process (no Redis), retrying outages until an outcome. */
export class InProcessQueue implements JobQueue {
  private chain: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(private readonly ctx: AppContext) {}

  submit(job: DropJob): Promise<void> {
    // Errors end here so one job never breaks the chain: a drop left open is met by the next scan.
    this.chain = this.chain.then(async () => {
      if (this.closing) {
        return;
      }
      await runImportInProcess(this.ctx, job, () => this.closing).catch((err: unknown) =>
        this.ctx.log.error({ err, dropId: job.dropId }, 'job left for the next scan'),
      );
    });
    return this.chain;
  }

  drain(): Promise<void> {
    return this.chain;
  }

  /** Stops taking jobs; the one running finishes (or, in an outage, waits for the next start). */
  close(): Promise<void> {
    this.closing = true;
    return this.chain;
  }
}

/** The stable BullMQ id of a drop's job: a job submitted twice (scan, replay) exists once. */
export function importJobId(job: DropJob): string {
  return `drop-${job.dropId}-${job.sha256.slice(0, 16)}`;
}
