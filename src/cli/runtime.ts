// Process plumbing shared by the commands: context set-up, French error reporting, queue choice.
import { loadConfig, type Config } from '../config/config.js';
import { isAppError } from '../domain/errors.js';
import type { Redis } from 'ioredis';
import type * as BullModule from '../jobs/bull-queue.js';
import type { BullQueue } from '../jobs/bull-queue.js';
import { InProcessQueue, type JobQueue } from '../jobs/queue.js';
import { log } from '../log.js';
import { closeContext, createContext, type AppContext } from '../services/context.js';

/** Runs a command body with a context, printing AppErrors in French (exit 2) and the unexpected (exit 1). */
export async function withContext(
  body: (ctx: AppContext) => Promise<void>,
  overrides: Partial<Config> = {},
): Promise<void> {
  let ctx: AppContext | null = null;
  try {
    const config = loadConfig(undefined, overrides);
    log.level = config.logLevel;
    ctx = await createContext(config, log);
    await body(ctx);
  } catch (error: unknown) {
    if (isAppError(error)) {
      process.stderr.write(`Refusé [${error.code}] : ${error.message}\n`);
      process.exitCode = 2;
    } else {
      log.error({ err: error }, 'command failed');
      process.stderr.write(
        `Erreur inattendue : ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    if (ctx) {
      await closeContext(ctx);
    }
  }
}

/** A job queue opened for the configuration; `bull` is set with REDIS_URL only. */
export interface OpenedQueue {
  queue: JobQueue;
  redis: Redis | null;
  /** The BullMQ queue and the module that runs workers and schedules, loaded only with Redis. */
  bull: { queue: BullQueue; module: typeof BullModule } | null;
}

/**
 * The job queue the configuration asks for: BullMQ with REDIS_URL, in-process otherwise. BullMQ
 * is loaded only in the first case: a process without Redis does not carry it.
 */
export async function openQueue(ctx: AppContext): Promise<OpenedQueue> {
  if (!ctx.config.redisUrl) {
    return { queue: new InProcessQueue(ctx), redis: null, bull: null };
  }
  const module = await import('../jobs/bull-queue.js');
  const redis = module.redisConnection(ctx.config.redisUrl);
  await module.checkEvictionPolicy(redis, ctx);
  const queue = new module.BullQueue(redis, ctx.config.queuePrefix, ctx.log);
  return { queue, redis, bull: { queue, module } };
}

/**
 * Lets the reader of the output go away early (`anonymat … | head -1`) without a stack trace.
 * Node reports a closed pipe as an 'error' event on the stream, which kills the process when no
 * one listens. Here the printing stops and the command runs to its end, exit code unchanged: a
 * pose or a lift must not stop halfway because `head` had read enough. Later writes to the
 * destroyed stream are dropped silently by Node.
 */
export function tolerateClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') {
        throw error;
      }
    });
  }
}

/** Prints a line for the person at the terminal. */
export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
