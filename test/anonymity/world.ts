// A small world for the anonymity tests, on PGlite or on a throw-away Postgres database: CTN A
// (students with canary identities, template A-JANV validated on MAT101) and CTN B (template
// B-JANV validated on BIO101), built through the real services and the real intake. A test may
// leave either template posed only (P).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../../src/config/config.js';
import { isAppError } from '../../src/domain/errors.js';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { pose, validate, type TemplateRef } from '../../src/services/anonymity.js';
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

/** A student planted so that any trace of them is unmistakable. */
export interface Canary {
  studentNumber: string;
  lastName: string;
  firstName: string;
  /** As the referential gives it: dd/mm/yyyy. */
  birth: string;
}

/** What the tests need of the world. */
export interface AnonWorld {
  home: string;
  ctx: AppContext;
  canaries: Canary[];
  refA: TemplateRef;
  refB: TemplateRef;
  numbersA: Array<{ number: string; student: string }>;
  numbersB: Array<{ number: string; student: string }>;
}

const HEADER =
  'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP;LIB_ELP';

/** `count` canaries: made-up surnames no French text contains, numbers with leading zeros. */
export function canaries(count: number, offset: number): Canary[] {
  return Array.from({ length: count }, (_, i) => ({
    studentNumber: String(offset + i * 7_919).padStart(8, '0'),
    lastName: `KANARYX${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + ((i / 26) | 0))}`,
    firstName: `Zélie${String.fromCharCode(97 + (i % 26))}`,
    birth: `${String((i % 28) + 1).padStart(2, '0')}/${String((i % 12) + 1).padStart(2, '0')}/${1990 + (i % 9)}`,
  }));
}

function referential(students: Canary[], vet: string, elp: [string, string]): Buffer {
  const lines = students.map((s) =>
    [s.studentNumber, s.lastName, s.firstName, s.birth, vet, '101', YEAR, ...elp].join(';'),
  );
  return Buffer.from(`\ufeff${[HEADER, ...lines].join('\r\n')}\r\n`, 'utf8');
}

/** The code and French message of the refusal `promise` ends with; throws when it does not refuse. */
export async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string }> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isAppError(error)) {
    throw new Error(`expected a refusal, got ${String(error)}`);
  }
  return { code: error.code, message: error.message };
}

/** Writes a file into `inbox/<ctn>/<channel>/`. */
export async function dropFile(
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

async function declare(ctx: AppContext): Promise<void> {
  await addUser(ctx, 'admin', 'admin', 'Administrateur', true);
  const people: Array<[string, string, 'manager' | 'grade_office' | 'jury' | 'reader']> = [
    ['gest-A', 'A', 'manager'],
    ['gest-A2', 'A', 'manager'],
    ['scol-A', 'A', 'grade_office'],
    ['jury-A', 'A', 'jury'],
    ['lect-A', 'A', 'reader'],
    ['gest-B', 'B', 'manager'],
  ];
  for (const ctn of ['A', 'B']) {
    await addCtn(ctx, 'admin', ctn, `CTN ${ctn}`);
  }
  for (const [login, ctn, role] of people) {
    await addUser(ctx, 'admin', login, `Utilisateur ${login}`, false);
    await grant(ctx, 'admin', login, ctn, role);
  }
}

async function template(
  ctx: AppContext,
  ctn: string,
  objectCode: string,
  validated: boolean,
): Promise<TemplateRef> {
  const actor = `gest-${ctn}`;
  const code = `${ctn}-JANV`;
  await addPeriod(ctx, actor, { ctn, year: YEAR, code: 'JANV', label: 'Examens de janvier' });
  await addModality(ctx, actor, {
    ctn,
    year: YEAR,
    period: 'JANV',
    objectCode,
    session: 1,
    stage: 'admission',
    scale: 20,
  });
  await addRule(ctx, actor, {
    ctn,
    code: 'SEQ5',
    kind: 'sequential',
    width: 5,
    prefix: '',
    check: 'damm',
    start: 1,
  });
  await addTemplate(ctx, actor, {
    ctn,
    year: YEAR,
    code,
    label: code,
    period: 'JANV',
    rule: 'SEQ5',
    attribution: 'per_template',
    autoNewcomers: false,
    assessments: [{ objectCode, session: 1, stage: 'admission' }],
  });
  const ref = { ctn, year: YEAR, code };
  await pose(ctx, actor, ref);
  if (validated) {
    await validate(ctx, actor, ref);
  }
  return ref;
}

async function numbersOf(ctx: AppContext, code: string): Promise<AnonWorld['numbersA']> {
  const rows = (await ctx
    .db('anonymous_number as n')
    .join('anonymity_template as t', 't.id', 'n.template_id')
    .where('t.code', code)
    .orderBy('n.number')
    .select('n.number', 'n.student_number')) as Array<{ number: string; student_number: string }>;
  return rows.map((r) => ({ number: r.number, student: r.student_number }));
}

/**
 * Builds the world on PGlite (`databaseUrl` null) or on the Postgres database given; the templates
 * of the CTNs in `posedOnly` are left in P (numbers posed, anonymity not validated).
 */
export async function buildAnonWorld(
  log: Logger,
  databaseUrl: string | null,
  size = 24,
  overrides: Partial<Config> = {},
  posedOnly: readonly string[] = [],
): Promise<AnonWorld> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-anon-'));
  const config = loadConfig(process.env, {
    home,
    databaseUrl,
    redisUrl: null,
    ...NO_WAITS,
    ...overrides,
  });
  const ctx = await createContext(config, log);
  await declare(ctx);

  const planted = canaries(size, 1_234);
  const others = canaries(4, 98_000_000).map((c) => ({ ...c, lastName: `B${c.lastName}` }));
  await dropFile(
    ctx,
    'A',
    'referentiel',
    'ref-A.csv',
    referential(planted, 'SL1MAT', ['MAT101', 'Analyse 1']),
  );
  await dropFile(
    ctx,
    'B',
    'referentiel',
    'ref-B.csv',
    referential(others, 'SL1BIO', ['BIO101', 'Biologie']),
  );
  await runOnce(ctx, new InProcessQueue(ctx));

  const refA = await template(ctx, 'A', 'MAT101', !posedOnly.includes('A'));
  const refB = await template(ctx, 'B', 'BIO101', !posedOnly.includes('B'));
  return {
    home,
    ctx,
    canaries: planted,
    refA,
    refB,
    numbersA: await numbersOf(ctx, 'A-JANV'),
    numbersB: await numbersOf(ctx, 'B-JANV'),
  };
}
