// Shared ground for the intake tests: a home with a small graded world (CTN Q, one ELP, one
// template under V with its numbers), file builders, and the tally that says what became of every
// file (receipts on disk, outcomes in Postgres, inputs moved out of the inbox).
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config/config.js';
import { listInbox } from '../../src/intake/inbox.js';
import { registerDrop, type DropJob } from '../../src/intake/register.js';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { pose, validate } from '../../src/services/anonymity.js';
import { createContext, type AppContext } from '../../src/services/context.js';
import {
  addCtn,
  addModality,
  addPeriod,
  addRule,
  addTemplate,
  addUser,
  grant,
} from '../../src/services/setup.js';
import { NO_WAITS } from '../support/config.js';

export const YEAR = 2026;
export const CTN = 'Q';
const HEADER =
  'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP;LIB_ELP';

/** A fresh home folder. */
export function tempHome(label: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `anonymat-${label}-`));
}

/** A context on PGlite (databaseUrl null) or Postgres, in-process jobs unless overridden. */
export async function openContext(home: string, overrides: Partial<Config>): Promise<AppContext> {
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'silent' },
    { home, databaseUrl: null, redisUrl: null, ...NO_WAITS, ...overrides },
  );
  return createContext(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
}

/** Eight-digit student numbers, most with leading zeros. */
export function studentNumbers(count: number, offset = 1_000): string[] {
  return Array.from({ length: count }, (_, i) => String(offset + i * 7_919).padStart(8, '0'));
}

/** A referential CSV (Apogée extraction) enrolling `students` in `elp`. */
export function referentialCsv(students: string[], elp = 'MAT1'): string {
  const rows = students.map((s, i) =>
    [s, `NOM${i}`, `Prénom${i}`, '01/02/2005', 'VETQ', '1', YEAR, elp, 'Mathématiques'].join(';'),
  );
  return [HEADER, ...rows].join('\r\n') + '\r\n';
}

/** A grade CSV keyed by anonymous number. */
export function gradeCsv(rows: Array<[string, string]>): string {
  return ['N° anonyme;Note', ...rows.map(([n, g]) => `${n};${g}`)].join('\r\n') + '\r\n';
}

/** Writes a file into `inbox/Q/<channel>/`; returns its absolute path. */
export async function dropFile(
  ctx: AppContext,
  channel: string,
  name: string,
  bytes: string | Buffer,
): Promise<string> {
  const dir = path.join(ctx.config.inbox, CTN, channel);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

/** Drops `bytes` in `inbox/Q/notes/` and registers it; returns its path and job. */
export async function registeredDrop(
  ctx: AppContext,
  name: string,
  bytes: string | Buffer,
): Promise<{ file: string; job: DropJob }> {
  const file = await dropFile(ctx, 'notes', name, bytes);
  const found = (await listInbox(ctx.config.inbox)).find((f) => f.absolute === file);
  return { file, job: (await registerDrop(ctx, found!))! };
}

/** SHA-256 hex of `bytes`. */
export function sha(bytes: string | Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256 of each notes/ file kept in archive/ (or `root`) under `name` (`<drop>-<sha8>-[n-]name`), sorted. */
export async function archivedShas(
  ctx: AppContext,
  name: string,
  root = ctx.config.archive,
): Promise<string[]> {
  const dir = path.join(root, CTN, 'notes');
  const names = (await readdir(dir)).filter((n) => n.endsWith(`-${name}`));
  return (await Promise.all(names.map(async (n) => sha(await readFile(path.join(dir, n)))))).sort();
}

/** The graded world: students of CTN Q and the anonymous number of each, under V. */
export interface GradedWorld {
  students: string[];
  /** Number of each student, in the order of `students`. */
  numbers: string[];
  assessmentId: number;
}

/** Declares CTN Q, its manager `gest`, and the referential of `students` through the real intake. */
export async function declareCtn(ctx: AppContext, students: string[]): Promise<void> {
  await addUser(ctx, 'admin', 'admin', 'Administrateur', true);
  await addCtn(ctx, 'admin', CTN, 'CTN de test');
  await addUser(ctx, 'admin', 'gest', 'Gestionnaire', false);
  await grant(ctx, 'admin', 'gest', CTN, 'manager');
  await dropFile(ctx, 'referentiel', 'referentiel.csv', referentialCsv(students));
  await runOnce(ctx, new InProcessQueue(ctx));
}

/** Builds the graded world: referential, template T (per assessment, auto newcomers as asked), pose, validate. */
export async function buildGradedWorld(
  ctx: AppContext,
  count: number,
  autoNewcomers = false,
): Promise<GradedWorld> {
  const students = studentNumbers(count);
  await declareCtn(ctx, students);
  const [assessmentId = 0] = await validatedTemplate(ctx, CTN, ['MAT1'], autoNewcomers);

  const rows = (await ctx.db('anonymous_number').select('number', 'student_number')) as Array<{
    number: string;
    student_number: string;
  }>;
  const byStudent = new Map(rows.map((r) => [r.student_number, r.number]));
  return { students, numbers: students.map((s) => byStudent.get(s) ?? ''), assessmentId };
}

/**
 * Period JANV, rule R6 and template T (one number per assessment) over the session-1 assessments of
 * `objects` of `ctn` (its manager is `gest`), numbers posed and validated; returns the assessments.
 */
export async function validatedTemplate(
  ctx: AppContext,
  ctn: string,
  objects: string[],
  autoNewcomers = false,
): Promise<number[]> {
  await addPeriod(ctx, 'gest', { ctn, year: YEAR, code: 'JANV', label: 'Janvier' });
  const assessments = objects.map((objectCode) => ({
    objectCode,
    session: 1 as const,
    stage: 'admission' as const,
  }));
  const ids: number[] = [];
  for (const a of assessments) {
    ids.push(await addModality(ctx, 'gest', { ctn, year: YEAR, period: 'JANV', ...a, scale: 20 }));
  }
  await addRule(ctx, 'gest', {
    ctn,
    code: 'R6',
    kind: 'random',
    width: 6,
    prefix: '',
    check: 'none',
    start: 1,
  });
  await addTemplate(ctx, 'gest', {
    ctn,
    year: YEAR,
    code: 'T',
    label: 'Janvier',
    period: 'JANV',
    rule: 'R6',
    attribution: 'per_assessment',
    autoNewcomers,
    assessments,
  });
  const ref = { ctn, year: YEAR, code: 'T' };
  await pose(ctx, 'gest', ref);
  await validate(ctx, 'gest', ref);
  return ids;
}

/** The grade file `i` of a run sets, as typed (decimal comma) and as stored. */
export function gradeOf(i: number): { typed: string; stored: string } {
  const cents = (i % 4) * 25;
  return {
    typed: `${i % 20},${String(cents).padStart(2, '0')}`,
    stored: ((i % 20) + cents / 100).toFixed(2),
  };
}

/** Every receipt written for CTN Q (all channels). */
export async function allReceipts(ctx: AppContext): Promise<Receipt[]> {
  const root = path.join(ctx.config.outbox, CTN, 'accuses');
  const found: Receipt[] = [];
  for (const dir of [root, ...(await subdirs(root))]) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (name.endsWith('.receipt.json')) {
        found.push(JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Receipt);
      }
    }
  }
  return found;
}

async function subdirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
}

/** Files still waiting in `inbox/Q/<channel>/`. */
export async function inboxLeft(ctx: AppContext, channel: string): Promise<string[]> {
  return readdir(path.join(ctx.config.inbox, CTN, channel)).catch(() => []);
}

/** Outcome counts by drop, from Postgres: how many drops of each file name reached which outcome. */
export async function dropOutcomes(
  ctx: AppContext,
): Promise<Array<{ file_name: string; outcome: string | null; done: boolean }>> {
  return (await ctx
    .db('intake_drop')
    .orderBy('id')
    .select('file_name', 'outcome', 'done')) as Array<{
    file_name: string;
    outcome: string | null;
    done: boolean;
  }>;
}

/** Counts values: `{ imported: 3, duplicate: 1 }`. */
export function tally(values: Array<string | null>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) {
    counts[String(v)] = (counts[String(v)] ?? 0) + 1;
  }
  return counts;
}

/** Prints a figure a test measured, for the closing note. */
export function figure(label: string, value: unknown): void {
  process.stdout.write(`FIGURE ${label}: ${JSON.stringify(value)}\n`);
}
