// Process plumbing shared by the commands: context set-up, French error reporting, queue choice.
import { loadConfig, type Config } from '../config/config.js';
import { isAppError } from '../domain/errors.js';
import {
  BullQueue,
  InProcessQueue,
  checkEvictionPolicy,
  redisConnection,
  type JobQueue,
} from '../jobs/queue.js';
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

/** The job queue the configuration asks for: BullMQ with REDIS_URL, in-process otherwise. */
export async function openQueue(
  ctx: AppContext,
): Promise<{ queue: JobQueue; redis: ReturnType<typeof redisConnection> | null }> {
  if (!ctx.config.redisUrl) {
    return { queue: new InProcessQueue(ctx), redis: null };
  }
  const redis = redisConnection(ctx.config.redisUrl);
  await checkEvictionPolicy(redis, ctx);
  return { queue: new BullQueue(redis, ctx.config.queuePrefix, ctx.log), redis };
}

/** Prints a line for the person at the terminal. */
export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
