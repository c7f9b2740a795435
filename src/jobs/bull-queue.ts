// The BullMQ side of the job queue (queue.ts): the queue the intake submits to, the workers, the
// nightly reconciliation's schedule. Loaded only by a process configured with REDIS_URL.
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { DropJob } from '../intake/register.js';
import type { Logger } from '../log.js';
import type { AppContext } from '../services/context.js';
import { MAX_JOB_ATTEMPTS, retryDelay } from './failures.js';
import { attemptImport, IMPORT_FILE_JOB, outcomeWord } from './import-job.js';
import { QUEUE_NAME, RECONCILE_JOB, importJobId, type JobQueue } from './queue.js';

/** A Redis connection as BullMQ needs it (no per-command retry limit). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** Submits jobs to BullMQ. */
export class BullQueue implements JobQueue {
  readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly pending = new Set<string>();
  private readonly eventsConnection: Redis;
  private closing: Promise<void> | null = null;

  /** `log` receives connection errors (Redis away: ioredis reconnects on its own); console without it. */
  constructor(
    private readonly connection: Redis,
    prefix: string,
    log?: Logger,
  ) {
    this.queue = new Queue(QUEUE_NAME, { connection, prefix });
    this.eventsConnection = connection.duplicate();
    this.events = new QueueEvents(QUEUE_NAME, { connection: this.eventsConnection, prefix });
    if (log) {
      const warn = (err: Error): void => log.warn({ err }, 'queue connection error');
      this.queue.on('error', warn);
      this.events.on('error', warn);
      this.eventsConnection.on('error', warn);
    }
  }

  async submit(job: DropJob): Promise<void> {
    const jobId = importJobId(job);
    const existing = await this.queue.getJob(jobId);
    if (existing && (await existing.isFailed())) {
      // Given up by BullMQ (outage longer than the attempts, stalled too often) while the drop is
      // still open in Postgres: the scan revives it.
      await existing.retry('failed');
    } else if (!existing) {
      await this.queue.add(IMPORT_FILE_JOB, job, {
        jobId,
        attempts: MAX_JOB_ATTEMPTS,
        backoff: { type: 'custom' },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    }
    this.pending.add(jobId);
  }

  async drain(): Promise<void> {
    await this.events.waitUntilReady();
    for (const jobId of [...this.pending]) {
      const job = await this.queue.getJob(jobId);
      if (job && !(await job.isCompleted()) && !(await job.isFailed())) {
        await job.waitUntilFinished(this.events).catch(() => undefined);
      }
      this.pending.delete(jobId);
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.events.close();
      await this.queue.close();
      this.eventsConnection.disconnect();
    })();
    return this.closing;
  }
}

/** What a worker does with a job other than import-file (the reconciliation). */
export type OtherJobHandler = (job: Job) => Promise<unknown>;

/**
 * Starts a BullMQ worker. Close it to stop: BullMQ waits for the jobs in hand, so a SIGTERM never
 * leaves a file half-done. A worker that dies (SIGKILL, power) loses its lock after `jobLockMs`;
 * another worker's stalled check puts the job back and processDrop resumes it.
 */
export function startWorker(
  ctx: AppContext,
  connection: Redis,
  concurrency = 1,
  other?: OtherJobHandler,
): Worker {
  const lockMs = ctx.config.jobLockMs;
  // BullMQ does not close a connection it was given: this one is ours to end with the worker.
  const own = connection.duplicate();
  own.on('error', (err) => ctx.log.warn({ err }, 'worker connection error'));
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job) => {
      if (job.name !== IMPORT_FILE_JOB) {
        if (!other) {
          throw new Error(`no handler for job ${job.name}`);
        }
        return other(job);
      }
      const outcome = await attemptImport(ctx, job.data as DropJob, job.attemptsMade + 1);
      return outcomeWord(outcome);
    },
    {
      connection: own,
      prefix: ctx.config.queuePrefix,
      concurrency,
      lockDuration: lockMs,
      stalledInterval: Math.max(1000, Math.round(lockMs / 2)),
      maxStalledCount: 5,
      settings: {
        backoffStrategy: (attemptsMade) => retryDelay(attemptsMade, ctx.config.retryMaxMs),
      },
    },
  );
  worker.on('failed', (job, err) => ctx.log.warn({ jobId: job?.id, err }, 'job failed'));
  worker.on('error', (err) => ctx.log.warn({ err }, 'worker error'));
  worker.on('closed', () => own.disconnect());
  return worker;
}

/** Registers (or updates) the reconciliation's cron in Redis; every process may call it, once wins. */
export async function scheduleReconcile(queue: BullQueue, cron: string | null): Promise<void> {
  if (cron === null) {
    await queue.queue.removeJobScheduler(RECONCILE_JOB);
    return;
  }
  await queue.queue.upsertJobScheduler(
    RECONCILE_JOB,
    { pattern: cron },
    { name: RECONCILE_JOB, data: {}, opts: { attempts: 3, backoff: { type: 'custom' } } },
  );
}

/** Warns loudly when Redis may evict keys: queued jobs would silently vanish. */
export async function checkEvictionPolicy(connection: Redis, ctx: AppContext): Promise<void> {
  const reply = (await connection.config('GET', 'maxmemory-policy')) as string[];
  const policy = reply[1];
  if (policy && policy !== 'noeviction') {
    ctx.log.error({ policy }, 'redis maxmemory-policy is not noeviction: jobs may be lost');
    process.stderr.write(
      `ATTENTION : Redis est configuré avec maxmemory-policy=${policy} : des travaux peuvent ` +
        'disparaître sans trace. Réglez maxmemory-policy sur noeviction.\n',
    );
  }
}
