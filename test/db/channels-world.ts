// A small world for the channel tests, built through the real services and the real intake on
// embedded PGlite: CTN A (two ELPs, one template validated, one still posed) and CTN B (one
// template validated), a referential of each dropped in its inbox, and A's grade-entry workbooks.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { pino } from 'pino';
import { afterAll, beforeAll, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { loadConfig } from '../../src/config/config.js';
import { CHANNELS } from '../../src/intake/inbox.js';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import {
  ENTRY_HEADER_ROW,
  ENTRY_SHEET_NAME,
  FINGERPRINT_SHEET_NAME,
} from '../../src/outputs/grade-entry-workbook.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { pose, validate, type TemplateRef } from '../../src/services/anonymity.js';
import { createContext, type AppContext } from '../../src/services/context.js';
import { writeGradeWorkbooks } from '../../src/services/reports.js';
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

const HEADER =
  'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP;LIB_ELP';
const LAST = [
  'MARTIN',
  'BERNARD',
  'DUBOIS',
  'LEFÈVRE',
  "N'DIAYE",
  'LE GALL',
  'MARTÍNEZ',
  'FRANÇOIS',
];
const FIRST = ['Léa', 'Hugo', 'Chloé', 'Noé', 'Élodie', 'Maëlys'];

/** One anonymous number and its holder. */
export interface Numbered {
  number: string;
  student: string;
}

/** What the tests need to know about the world. */
export interface World {
  home: string;
  ctx: AppContext;
  /** Student numbers of CTN A (8 digits, several with leading zeros). */
  studentsA: string[];
  assessments: { mat101: number; mat102: number; admi102: number; bio101: number };
  /** Numbers per assessment (per-template numbers of A-ADMI and B-JANV under their assessment). */
  numbers: { mat101: Numbered[]; mat102: Numbered[]; admi102: Numbered[]; bio101: Numbered[] };
  /** Absolute paths of the grade-entry workbooks of A-JANV. */
  workbooks: { mat101: string; mat102: string };
}

/** Eight-digit student numbers spread over the range, so that most start with zeros. */
function studentNumbers(count: number, offset: number): string[] {
  return Array.from({ length: count }, (_, i) => String(offset + i * 3_137_011).padStart(8, '0'));
}

/** An Apogée extraction: `;`, UTF-8 with BOM, CRLF, one row per student and ELP. */
function referentialCsv(students: string[], vet: string, elps: Array<[string, string]>): Buffer {
  const lines = [HEADER];
  students.forEach((s, i) => {
    const birth = `${String((i % 28) + 1).padStart(2, '0')}/${String((i % 12) + 1).padStart(2, '0')}/${2003 + (i % 4)}`;
    for (const [code, label] of elps) {
      lines.push(
        [
          s,
          LAST[i % LAST.length],
          FIRST[i % FIRST.length],
          birth,
          vet,
          '101',
          YEAR,
          code,
          label,
        ].join(';'),
      );
    }
  });
  return Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'),
  ]);
}

/** CSV lines as a spreadsheet saves them: a line break after each, the last one too. */
export function csvLines(lines: readonly string[]): string {
  return lines.map((line) => `${line}\r\n`).join('');
}

/** Writes a file into `inbox/<ctn>/<channel>/`. */
export async function drop(
  ctx: AppContext,
  ctn: string,
  channel: string,
  name: string,
  bytes: Buffer | string,
): Promise<void> {
  const dir = path.join(ctx.config.inbox, ctn, channel);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, name), bytes);
}

/** Every receipt written for a CTN so far. */
export async function receipts(ctx: AppContext, ctn: string): Promise<Receipt[]> {
  const dir = path.join(ctx.config.outbox, ctn, 'accuses');
  const names = (await readdir(dir, { recursive: true }).catch(() => [] as string[])).filter((n) =>
    n.endsWith('.receipt.json'),
  );
  return Promise.all(
    names.map(async (n) => JSON.parse(await readFile(path.join(dir, n), 'utf8')) as Receipt),
  );
}

/** Polls until the one receipt of `name` is written; returns it. */
export function receiptOf(ctx: AppContext, ctn: string, name: string): Promise<Receipt> {
  return vi.waitFor(
    async () => {
      const found = (await receipts(ctx, ctn)).filter((r) => r.file === name);
      if (found.length !== 1) {
        throw new Error(`${found.length} receipt(s) for ${name}`);
      }
      return found[0] as Receipt;
    },
    { timeout: 5_000, interval: 50 },
  );
}

/** Runs the intake over whatever is in the inbox, then returns the receipt of `name`. */
export async function intake(ctx: AppContext, ctn: string, name: string): Promise<Receipt> {
  await runOnce(ctx, new InProcessQueue(ctx));
  return receiptOf(ctx, ctn, name);
}

/** One row of the grade table. */
export interface GradeRow {
  assessment_id: number;
  student_number: string;
  value: string | null;
  absence: string | null;
  result: string | null;
}

/** Every grade row, in a stable order: compared whole to prove a rejected file wrote nothing. */
export async function gradeTable(ctx: AppContext): Promise<GradeRow[]> {
  return (await ctx
    .db('grade')
    .orderBy(['assessment_id', 'student_number'])
    .select('assessment_id', 'student_number', 'value', 'absence', 'result')) as GradeRow[];
}

/** Grades of one assessment by student: '12.50' for a value, the code for an absence. */
export async function gradesOf(
  ctx: AppContext,
  assessmentId: number,
): Promise<Map<string, string>> {
  const rows = (await gradeTable(ctx)).filter(
    (r) => r.assessment_id === assessmentId && (r.value !== null || r.absence !== null),
  );
  return new Map(rows.map((r) => [r.student_number, r.absence ?? Number(r.value).toFixed(2)]));
}

/** What a teacher types in a grade cell: a number, a text, or nothing. */
export type Typed = string | number | null;

/**
 * A grade-entry workbook filled with exceljs as a teacher would: `typed(i)` in the grade cell of
 * the i-th number row; `tamper` may edit the hidden fingerprint sheet. Returns the numbers in order.
 */
export async function fillWorkbook(
  file: string,
  typed: (i: number) => Typed,
  tamper?: (hidden: ExcelJS.Worksheet) => void,
): Promise<{ bytes: Buffer; numbers: string[] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile(file)) as unknown as ArrayBuffer);
  const numbers: string[] = [];
  wb.getWorksheet(ENTRY_SHEET_NAME)?.eachRow((row, n) => {
    const number = row.getCell(1).value;
    if (n > ENTRY_HEADER_ROW && typeof number === 'string') {
      numbers.push(number);
      row.getCell(2).value = typed(numbers.length - 1);
    }
  });

  const hidden = wb.getWorksheet(FINGERPRINT_SHEET_NAME);
  if (tamper && hidden) {
    tamper(hidden);
  }
  return { bytes: Buffer.from(await wb.xlsx.writeBuffer()), numbers };
}

async function declare(ctx: AppContext): Promise<void> {
  await addUser(ctx, 'admin', 'admin', 'Administrateur', true);
  for (const ctn of ['A', 'B']) {
    await addCtn(ctx, 'admin', ctn, `CTN ${ctn}`);
    await addUser(ctx, 'admin', `gest-${ctn}`, `Gestionnaire anonymat ${ctn}`, false);
    await grant(ctx, 'admin', `gest-${ctn}`, ctn, 'manager');
    for (const channel of CHANNELS) {
      await mkdir(path.join(ctx.config.inbox, ctn, channel), { recursive: true });
    }
  }
}

async function defineCycle(ctx: AppContext): Promise<World['assessments']> {
  await addPeriod(ctx, 'gest-A', {
    ctn: 'A',
    year: YEAR,
    code: 'JANV',
    label: 'Examens de janvier',
  });
  await addPeriod(ctx, 'gest-B', {
    ctn: 'B',
    year: YEAR,
    code: 'JANV',
    label: 'Examens de janvier',
  });
  const modality = (
    actor: string,
    ctn: string,
    objectCode: string,
    stage: 'admission' | 'admissibility',
  ): Promise<number> =>
    addModality(ctx, actor, {
      ctn,
      year: YEAR,
      period: 'JANV',
      objectCode,
      session: 1,
      stage,
      scale: 20,
    });
  const assessments = {
    mat101: await modality('gest-A', 'A', 'MAT101', 'admission'),
    mat102: await modality('gest-A', 'A', 'MAT102', 'admission'),
    admi102: await modality('gest-A', 'A', 'MAT102', 'admissibility'),
    bio101: await modality('gest-B', 'B', 'BIO101', 'admission'),
  };

  for (const ctn of ['A', 'B']) {
    await addRule(ctx, `gest-${ctn}`, {
      ctn,
      code: 'SEQ5',
      kind: 'sequential',
      width: 5,
      prefix: '',
      check: 'damm',
      start: 1,
    });
  }
  const template = (
    ctn: string,
    code: string,
    attribution: 'per_template' | 'per_assessment',
    list: Array<[string, 'admission' | 'admissibility']>,
  ): Promise<number> =>
    addTemplate(ctx, `gest-${ctn}`, {
      ctn,
      year: YEAR,
      code,
      label: code,
      period: 'JANV',
      rule: 'SEQ5',
      attribution,
      autoNewcomers: false,
      assessments: list.map(([objectCode, stage]) => ({ objectCode, session: 1, stage })),
    });
  await template('A', 'A-JANV', 'per_assessment', [
    ['MAT101', 'admission'],
    ['MAT102', 'admission'],
  ]);
  await template('A', 'A-ADMI', 'per_template', [['MAT102', 'admissibility']]);
  await template('B', 'B-JANV', 'per_template', [['BIO101', 'admission']]);
  return assessments;
}

async function numbersOf(
  ctx: AppContext,
  templateCode: string,
  assessmentId: number | null,
): Promise<Numbered[]> {
  const query = ctx
    .db('anonymous_number as n')
    .join('anonymity_template as t', 't.id', 'n.template_id')
    .where('t.code', templateCode)
    .orderBy('n.number')
    .select('n.number', 'n.student_number');
  const rows = (await (assessmentId === null
    ? query.whereNull('n.assessment_id')
    : query.where('n.assessment_id', assessmentId))) as Array<{
    number: string;
    student_number: string;
  }>;
  return rows.map((r) => ({ number: r.number, student: r.student_number }));
}

/** Builds the world in a fresh home, on PGlite or the given Postgres; built once per describe. */
export async function buildWorld(databaseUrl: string | null = null): Promise<World> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-channels-'));
  // No stability waits: a test's files are written whole before a run looks at them.
  const config = loadConfig(process.env, { home, databaseUrl, redisUrl: null, ...NO_WAITS });
  const ctx = await createContext(config, pino({ level: 'silent' }));
  await declare(ctx);

  const studentsA = studentNumbers(30, 4_211);
  await drop(
    ctx,
    'A',
    'referentiel',
    'extraction-apogee-A.csv',
    referentialCsv(studentsA, 'SL1MAT', [
      ['MAT101', 'Analyse 1'],
      ['MAT102', 'Algèbre linéaire'],
    ]),
  );
  await drop(
    ctx,
    'B',
    'referentiel',
    'extraction-apogee-B.csv',
    referentialCsv(studentsNumbersB(), 'SL1BIO', [['BIO101', 'Biologie cellulaire']]),
  );
  for (const [ctn, name] of [
    ['A', 'extraction-apogee-A.csv'],
    ['B', 'extraction-apogee-B.csv'],
  ] as const) {
    const receipt = await intake(ctx, ctn, name);
    if (receipt.status !== 'imported') {
      throw new Error(`referential of ${ctn} not imported: ${JSON.stringify(receipt.errors)}`);
    }
  }

  const assessments = await defineCycle(ctx);
  const ref = (ctn: string, code: string): TemplateRef => ({ ctn, year: YEAR, code });
  await pose(ctx, 'gest-A', ref('A', 'A-JANV'));
  await validate(ctx, 'gest-A', ref('A', 'A-JANV'));
  await pose(ctx, 'gest-A', ref('A', 'A-ADMI'));
  await pose(ctx, 'gest-B', ref('B', 'B-JANV'));
  await validate(ctx, 'gest-B', ref('B', 'B-JANV'));

  const books = await writeGradeWorkbooks(ctx, 'gest-A', ref('A', 'A-JANV'));
  const book = (code: string): string =>
    books.find((b) => path.basename(b.path).includes(code))?.path ?? '';
  return {
    home,
    ctx,
    studentsA,
    assessments,
    numbers: {
      mat101: await numbersOf(ctx, 'A-JANV', assessments.mat101),
      mat102: await numbersOf(ctx, 'A-JANV', assessments.mat102),
      admi102: await numbersOf(ctx, 'A-ADMI', null),
      bio101: await numbersOf(ctx, 'B-JANV', null),
    },
    workbooks: { mat101: book('MAT101'), mat102: book('MAT102') },
  };
}

/** CTN B's own students, none shared with A. */
function studentsNumbersB(): string[] {
  return Array.from({ length: 6 }, (_, i) => `9900000${i}`);
}

/**
 * Builds a world before a describe block's tests (on its own Postgres database for the Postgres
 * tier) and removes it after them; returns the world once built.
 */
export function worldFor(target: { postgres: boolean }, tag: string): () => World {
  let database: TestDatabase | null = null;
  let world: World | undefined;
  beforeAll(async () => {
    database = target.postgres ? await createTestDatabase(tag) : null;
    world = await buildWorld(database?.url ?? null);
  });
  afterAll(async () => {
    await world?.ctx.db.destroy();
    if (world) {
      await rm(world.home, { recursive: true, force: true });
    }
    await database?.drop();
  });
  return () => {
    if (!world) {
      throw new Error('the world is built before the tests run');
    }
    return world;
  };
}
