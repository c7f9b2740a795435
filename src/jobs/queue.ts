// Carries import-file jobs from the intake to the workers: BullMQ on Redis when REDIS_URL is set,
// otherwise the same handler in this process. Payloads carry ids and hashes, never names.
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { DropJob } from '../intake/register.js';
import { processDrop } from '../intake/process-drop.js';
import type { AppContext } from '../services/context.js';

/** Job name, persisted in Redis: never rename. */
export const IMPORT_FILE_JOB = 'import-file';
const QUEUE_NAME = 'intake';

/** Where jobs go. */
export interface JobQueue {
  /** Hands a job over; resolves once it is accepted (in-process: once it has run). */
  submit(job: DropJob): Promise<void>;
  /** Resolves when every job submitted so far has finished. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Runs jobs one after another in this process (no Redis). */
export class InProcessQueue implements JobQueue {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: AppContext) {}

  submit(job: DropJob): Promise<void> {
    this.chain = this.chain.then(async () => {
      await processDrop(this.ctx, job);
    });
    return this.chain;
  }

  drain(): Promise<void> {
    return this.chain;
  }

  close(): Promise<void> {
    return this.chain;
  }
}

/** A Redis connection as BullMQ needs it (no per-command retry limit). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** Submits jobs to BullMQ; job ids derive from the drop so a job submitted twice exists once. */
export class BullQueue implements JobQueue {
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly pending = new Set<string>();

  constructor(
    private readonly connection: Redis,
    prefix: string,
  ) {
    this.queue = new Queue(QUEUE_NAME, { connection, prefix });
    this.events = new QueueEvents(QUEUE_NAME, { connection: connection.duplicate(), prefix });
  }

  async submit(job: DropJob): Promise<void> {
    const jobId = `drop-${job.dropId}-${job.sha256.slice(0, 16)}`;
    await this.queue.add(IMPORT_FILE_JOB, job, {
      jobId,
      attempts: 8,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: false,
    });
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

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
  }
}

/** Starts a BullMQ worker running import-file jobs; close it to stop after the current job. */
export function startWorker(ctx: AppContext, connection: Redis, concurrency = 1): Worker {
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job<DropJob>) => {
      const outcome = await processDrop(ctx, job.data);
      return 'receipt' in outcome ? outcome.receipt.status : outcome.skipped;
    },
    { connection: connection.duplicate(), prefix: ctx.config.queuePrefix, concurrency },
  );
  worker.on('failed', (job, err) => ctx.log.warn({ jobId: job?.id, err }, 'job failed'));
  return worker;
}

/** Warns loudly when Redis may evict keys: queued jobs would silently vanish. */
export async function checkEvictionPolicy(connection: Redis, ctx: AppContext): Promise<void> {
  const reply = (await connection.config('GET', 'maxmemory-policy')) as string[];
  const policy = reply[1];
  if (policy && policy !== 'noeviction') {
    ctx.log.warn({ policy }, 'redis maxmemory-policy is not noeviction: jobs may be lost');
    process.stderr.write(
      `ATTENTION : Redis est configuré avec maxmemory-policy=${policy} ; réglez-le sur noeviction.\n`,
    );
  }
}
