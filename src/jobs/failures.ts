// Sorting of job failures (issue 3, point 5). Bad input never reaches here: processDrop turns it
// into a `rejected` receipt. What is left is either an outage (database, Redis, disk busy), retried
// with backoff for as long as it lasts while the file waits in the inbox, or the unexpected, retried
// a few times (it may be an outage we do not recognise) and then quarantined into error/.

/** How a failed job is treated. */
export type FailureKind = 'transient' | 'unexpected';

/** Attempts given to a job failing for an unexpected reason before its file goes to error/. */
export const UNEXPECTED_ATTEMPTS = 5;

/** Attempts BullMQ allows a job; at a 60 s cap this is more than a day of outage. */
export const MAX_JOB_ATTEMPTS = 2_000;

// Node and driver error codes of a connection or resource that is away for now.
const TRANSIENT_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EMFILE',
  'ENFILE',
  'EBUSY',
  'EAGAIN',
  'ENOSPC',
]);

// SQLSTATE: 08 connection, 53 resources but 53200 (out of memory: a query a file makes too big runs
// out of it again at every attempt; PGlite's retried for ever and held every file back, trial),
// 57P0x shutdown, 40001/40P01 serialisation and deadlock, 55P03 lock not available.
const TRANSIENT_SQLSTATE = /^(08|53[0134]|57P0|40001|40P01|55P03)/;

// Drivers that report an outage without a code (pg pool, knex pool, ioredis).
const TRANSIENT_MESSAGE = new RegExp(
  [
    'Connection terminated',
    'connection error',
    'Knex: Timeout acquiring a connection',
    'Connection is closed',
    "Stream isn't writeable",
    'Reached the max retries per request',
  ].join('|'),
  'i',
);

/** Whether a job failure is an outage worth waiting out, or something unexpected. */
export function classifyFailure(error: unknown): FailureKind {
  const found = error as { code?: unknown; name?: unknown; message?: unknown } | null;
  const code = typeof found?.code === 'string' ? found.code : '';
  const name = typeof found?.name === 'string' ? found.name : '';
  const message = typeof found?.message === 'string' ? found.message : '';

  if (TRANSIENT_ERRNO.has(code) || TRANSIENT_SQLSTATE.test(code)) {
    return 'transient';
  }
  if (name === 'KnexTimeoutError' || name === 'MaxRetriesPerRequestError') {
    return 'transient';
  }
  return TRANSIENT_MESSAGE.test(message) ? 'transient' : 'unexpected';
}

/** A short label of a failure for a receipt: its code or class, never its message (it may quote data). */
export function failureLabel(error: unknown): string {
  const found = error as { code?: unknown; name?: unknown } | null;
  const code = typeof found?.code === 'string' ? found.code : null;
  const name = typeof found?.name === 'string' ? found.name : 'Error';
  return code ? `${name} ${code}` : name;
}

/** Delay before attempt `attempt + 1`: 0.5 s doubling, capped at `maxMs`, with ±20 % jitter. */
export function retryDelay(attempt: number, maxMs: number): number {
  const base = Math.min(maxMs, 500 * 2 ** Math.min(Math.max(attempt - 1, 0), 20));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
