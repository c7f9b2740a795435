// Structured JSON logging (pino). Fields first, short constant messages (conventions.md habit 5).
import { pino, type Logger } from 'pino';

/** The process-wide logger; LOG_LEVEL selects the level, logs go to stderr so CLI output stays clean. */
export const log: Logger = pino(
  // 'warn' until the configuration sets the level (cli/runtime.ts), so start-up stays quiet.
  { level: 'warn', base: { service: 'anonymat' } },
  pino.destination(2),
);

export type { Logger };
