// The one place that reads process.env and config/anonymat.json (conventions.md habit 3).
// Validated once at start-up; every other module receives the frozen object.
import { parsePrintSettings, type PrintSettings } from '../outputs/pdf/layouts.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { loadColumnProfiles, type ColumnProfiles } from '../readers/profiles.js';

/** Typed, validated, frozen configuration of the service. */
export interface Config {
  /** Root folder holding inbox/, outbox/, archive/, error/ and var/ (env ANONYMAT_HOME, default: cwd). */
  home: string;
  /** Folder watched for dropped files (env ANONYMAT_INBOX, default: <home>/inbox). */
  inbox: string;
  /** Folder receiving every file the service writes (env ANONYMAT_OUTBOX, default: <home>/outbox). */
  outbox: string;
  /** Processed input files are moved here (default: <home>/archive). */
  archive: string;
  /** Input files that could not be processed are moved here (default: <home>/error). */
  errorDir: string;
  /** Embedded database and local state (default: <home>/var). */
  varDir: string;
  /** Postgres connection URL (env DATABASE_URL); null means embedded PGlite under varDir. */
  databaseUrl: string | null;
  /** Redis connection URL (env REDIS_URL); null means jobs run in-process. */
  redisUrl: string | null;
  /** Academic year used when a command does not name one (env ANONYMAT_YEAR, default 2026 = 2026/2027). */
  defaultYear: number;
  /** Milliseconds size and mtime must hold still before a file is taken (env ANONYMAT_STABLE_MS, default 2000). */
  stableMs: number;
  /**
   * Milliseconds a file whose end is not written yet (text without a final line break, a zip without
   * its end record) must hold still before it is taken (env ANONYMAT_UNFINISHED_STABLE_MS, default 60000).
   */
  unfinishedStableMs: number;
  /** Largest input file accepted, in bytes (env ANONYMAT_MAX_FILE_BYTES, default 50 MiB). */
  maxFileBytes: number;
  /** Milliseconds between two full rescans of the inbox while watching (default 60000). */
  rescanMs: number;
  /** Use polling instead of native events (network shares; env ANONYMAT_POLLING=1). */
  polling: boolean;
  /** Listen to file-system events (default on); ANONYMAT_WATCH_EVENTS=0 leaves the intake to rescans. */
  watchEvents: boolean;
  /** Milliseconds a job lock lasts: a dead worker's job is taken back after it (env ANONYMAT_JOB_LOCK_MS, 30000). */
  jobLockMs: number;
  /** Longest wait between two retries of a job in an outage (env ANONYMAT_RETRY_MAX_MS, default 60000). */
  retryMaxMs: number;
  /** Cron of the nightly reconciliation, null when off (env ANONYMAT_RECONCILE_CRON, "30 2 * * *"; "off"). */
  reconcileCron: string | null;
  /** Minutes after which an open drop is reported stuck (env ANONYMAT_STUCK_MINUTES, default 30). */
  stuckMinutes: number;
  /** Result codes that mean a session-1 pass (no session 2 for those students). */
  passingResultCodes: readonly string[];
  /** Result codes accepted in jury files, with their French label. */
  resultCodes: Readonly<Record<string, string>>;
  /** Channels where valid rows are imported even when others are rejected. */
  partialChannels: readonly string[];
  /** Log level (env LOG_LEVEL, default warn: logs go to stderr, the CLI's answers to stdout). */
  logLevel: string;
  /** Key of the grade-entry workbook fingerprints (env ANONYMAT_SECRET); null: a random key kept in var/. */
  secret: string | null;
  /** BullMQ queue prefix (env ANONYMAT_QUEUE_PREFIX, default anonymat). */
  queuePrefix: string;
  /** Optical-reader column profiles and the profile of each inbox folder (<home>/config/column-profiles.json). */
  columnProfiles: ColumnProfiles;
  /** Label sheets, PV and attendance layout (`print` in config/anonymat.json; defaults: A4 3×8, Code 128). */
  print: PrintSettings;
}

const DEFAULT_RESULT_CODES: Record<string, string> = {
  ADM: 'Admis',
  AJ: 'Ajourné',
  ADMI: 'Admissible',
  NADI: 'Non admissible',
  VAL: 'Validé',
  NVAL: 'Non validé',
  ADJ: 'Admis par décision du jury',
  AJAC: 'Ajourné mais accès autorisé à étape sup.',
  DEF: 'Défaillant',
};

interface FileConfig {
  passingResultCodes?: string[];
  resultCodes?: Record<string, string>;
  partialChannels?: string[];
  stableMs?: number;
  unfinishedStableMs?: number;
  rescanMs?: number;
  maxFileBytes?: number;
  reconcileCron?: string;
  stuckMinutes?: number;
  print?: unknown;
}

function fail(variable: string, expected: string, value: string): never {
  throw new Error(`configuration: ${variable} must be ${expected}, got ${JSON.stringify(value)}`);
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    fail(name, 'a non-negative integer', raw);
  }
  return value;
}

function cronFrom(env: NodeJS.ProcessEnv, fallback: string): string | null {
  const raw = (env.ANONYMAT_RECONCILE_CRON ?? fallback).trim();
  if (raw === '' || raw === 'off') {
    return null;
  }
  const fields = raw.split(/\s+/);
  if (
    fields.length < 5 ||
    fields.length > 6 ||
    !fields.every((f) => /^[\d*/,\-A-Za-z?LW#]+$/.test(f))
  ) {
    fail('ANONYMAT_RECONCILE_CRON', 'a cron expression of 5 or 6 fields, or "off"', raw);
  }
  return raw;
}

function readFileConfig(home: string): FileConfig {
  const file = path.join(home, 'config', 'anonymat.json');
  if (!existsSync(file)) {
    return {};
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as FileConfig;
  } catch (error: unknown) {
    throw new Error(`configuration: ${file} is not valid JSON (${String(error)})`, {
      cause: error,
    });
  }
}

/** Which of DATABASE_URL and REDIS_URL the environment sets (unchecked): the demo says it ignores them. */
export function serverUrlsSet(env: NodeJS.ProcessEnv = process.env): string[] {
  return ['DATABASE_URL', 'REDIS_URL'].filter((name) => (env[name] ?? '') !== '');
}

function urlOrNull(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return null;
  }
  try {
    new URL(raw);
  } catch {
    fail(name, 'a URL', raw);
  }
  return raw;
}

/** Reads and validates the configuration from the environment and `<home>/config/anonymat.json`. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Config> = {},
): Config {
  const home = path.resolve(overrides.home ?? env.ANONYMAT_HOME ?? process.cwd());
  const file = readFileConfig(home);
  const under = (name: string, envName: string): string => path.resolve(home, env[envName] ?? name);

  const config: Config = {
    home,
    inbox: under('inbox', 'ANONYMAT_INBOX'),
    outbox: under('outbox', 'ANONYMAT_OUTBOX'),
    archive: under('archive', 'ANONYMAT_ARCHIVE'),
    errorDir: under('error', 'ANONYMAT_ERROR_DIR'),
    varDir: under('var', 'ANONYMAT_VAR'),
    databaseUrl: urlOrNull(env, 'DATABASE_URL'),
    redisUrl: urlOrNull(env, 'REDIS_URL'),
    defaultYear: intFrom(env, 'ANONYMAT_YEAR', 2026),
    stableMs: intFrom(env, 'ANONYMAT_STABLE_MS', file.stableMs ?? 2000),
    unfinishedStableMs: intFrom(
      env,
      'ANONYMAT_UNFINISHED_STABLE_MS',
      file.unfinishedStableMs ?? 60_000,
    ),
    maxFileBytes: intFrom(env, 'ANONYMAT_MAX_FILE_BYTES', file.maxFileBytes ?? 50 * 1024 * 1024),
    rescanMs: intFrom(env, 'ANONYMAT_RESCAN_MS', file.rescanMs ?? 60_000),
    polling: env.ANONYMAT_POLLING === '1',
    watchEvents: env.ANONYMAT_WATCH_EVENTS !== '0',
    jobLockMs: intFrom(env, 'ANONYMAT_JOB_LOCK_MS', 30_000),
    retryMaxMs: intFrom(env, 'ANONYMAT_RETRY_MAX_MS', 60_000),
    reconcileCron: cronFrom(env, file.reconcileCron ?? '30 2 * * *'),
    stuckMinutes: intFrom(env, 'ANONYMAT_STUCK_MINUTES', file.stuckMinutes ?? 30),
    passingResultCodes: file.passingResultCodes ?? ['ADM', 'ADJ', 'VAL', 'ADMI'],
    resultCodes: file.resultCodes ?? DEFAULT_RESULT_CODES,
    partialChannels: file.partialChannels ?? ['lecteur-optique'],
    logLevel: env.LOG_LEVEL ?? 'warn',
    secret: env.ANONYMAT_SECRET || null,
    queuePrefix: env.ANONYMAT_QUEUE_PREFIX ?? 'anonymat',
    columnProfiles: loadColumnProfiles(home),
    print: parsePrintSettings(file.print),
    ...overrides,
  };
  return Object.freeze(config);
}
