// The world a benchmark runs in: its own Postgres database (created, dropped after) or a PGlite
// folder, one CTN, students enrolled by SQL (fast, and not what is measured), and a template
// posed and validated whose numbers the grade files use.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { pino } from 'pino';
import { loadConfig } from '../src/config/config.js';
import { pose, validate, withdraw, type TemplateRef } from '../src/services/anonymity.js';
import { closeContext, createContext, type AppContext } from '../src/services/context.js';
import {
  addCtn,
  addModality,
  addPeriod,
  addRule,
  addTemplate,
  addUser,
  grant,
} from '../src/services/setup.js';

export const YEAR = 2026;
export const CTN = 'U';
export const ADMIN_URL =
  process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A running world. */
export interface World {
  ctx: AppContext;
  home: string;
  /** Postgres URL of the world's own database, or null on PGlite. */
  url: string | null;
  /** Anonymous numbers of the import template, in student order. */
  numbers: string[];
  importAssessment: number;
  close(): Promise<void>;
}

/** A fresh Postgres database named for this run; returns its URL and a function dropping it. */
export async function createDatabase(
  tag: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `anonymat_bench_${tag}_${process.pid}_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: ADMIN_URL });
  await admin.raw(`create database ${name}`);
  await admin.destroy();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;

  const drop = async (): Promise<void> => {
    const again = knexFactory({ client: 'pg', connection: ADMIN_URL });
    await again.raw(`drop database if exists ${name} with (force)`);
    await again.destroy();
  };
  return { url: url.toString(), drop };
}

/** A context on an existing database (or PGlite folder) with its own inbox and outbox. */
export async function contextOn(
  url: string | null,
  home: string,
  extra: object = {},
): Promise<AppContext> {
  const config = loadConfig(
    {},
    {
      home,
      databaseUrl: url,
      redisUrl: null,
      stableMs: 0,
      // Optical readers misread a few numbers: valid rows go in, the rest are listed in the receipt.
      partialChannels: ['notes', 'lecteur-optique'],
      maxFileBytes: 500 * 1024 * 1024,
      ...extra,
    },
  );
  // As the owner: the floors create unlogged tables the restricted service role may not create.
  return createContext(config, pino({ level: 'silent' }), { asOwner: true });
}

async function seedStudents(ctx: AppContext, count: number): Promise<void> {
  const db = ctx.db;
  // Names spread as in a real roster (about fifty students per name in a million): one name for
  // everybody gave Postgres statistics no university has (every name lookup read the whole table).
  await db.raw(
    `insert into student (student_number, last_name, first_name)
     select lpad(g::text, 8, '0'), 'NOM' || (g % 20011), 'PRENOM' || (g % 997)
     from generate_series(1, ?) g`,
    [count],
  );
  for (const [kind, code] of [
    ['VET', 'VBENCH'],
    ['ELP', 'IMPORT'],
    ['ELP', 'POSE'],
  ]) {
    await db('teaching_object').insert({ kind, code, label: `Objet ${code}`, ctn: CTN });
  }
  const id = async (code: string): Promise<number> =>
    ((await db('teaching_object').where({ code }).first('id')) as { id: number }).id;
  await db.raw(
    `insert into admin_enrolment (student_number, vet_id, year) select student_number, ?, ? from student`,
    [await id('VBENCH'), YEAR],
  );
  await db.raw(
    `insert into pedagogic_enrolment (student_number, object_id, year) select student_number, ?, ? from student`,
    [await id('IMPORT'), YEAR],
  );
}

/** Enrols the first `count` students on POSE, the object the pose case draws numbers for. */
export async function enrolForPose(ctx: AppContext, count: number): Promise<void> {
  const object = (await ctx.db('teaching_object').where({ code: 'POSE' }).first('id')) as {
    id: number;
  };
  await ctx.db.raw(
    `insert into pedagogic_enrolment (student_number, object_id, year)
     select lpad(g::text, 8, '0'), ?, ? from generate_series(1, ?) g`,
    [object.id, YEAR, count],
  );
}

async function declare(ctx: AppContext): Promise<void> {
  await addUser(ctx, 'admin', 'admin', 'Administrateur', true);
  await addCtn(ctx, 'admin', CTN, 'CTN Université');
  await addUser(ctx, 'admin', 'gest', 'Gestionnaire', false);
  await grant(ctx, 'admin', 'gest', CTN, 'manager');
  await mkdir(path.join(ctx.config.inbox, CTN, 'notes'), { recursive: true });
  await addPeriod(ctx, 'gest', { ctn: CTN, year: YEAR, code: 'JANV', label: 'Examens de janvier' });
  await addRule(ctx, 'gest', {
    ctn: CTN,
    code: 'SEQ7',
    kind: 'sequential',
    width: 7,
    prefix: '',
    check: 'damm',
    start: 1,
  });
}

async function template(ctx: AppContext, code: string, objectCode: string): Promise<number> {
  const assessment = await addModality(ctx, 'gest', {
    ctn: CTN,
    year: YEAR,
    period: 'JANV',
    objectCode,
    session: 1,
    stage: 'admission',
    scale: 20,
  });
  await addTemplate(ctx, 'gest', {
    ctn: CTN,
    year: YEAR,
    code,
    label: code,
    period: 'JANV',
    rule: 'SEQ7',
    attribution: 'per_assessment',
    autoNewcomers: false,
    assessments: [{ objectCode, session: 1, stage: 'admission' }],
  });
  return assessment;
}

/** The pose template's reference. */
export const POSE_REF: TemplateRef = { ctn: CTN, year: YEAR, code: 'T-POSE' };

/** Builds a world of `students` students, all under the import template (posed, validated). */
export async function buildWorld(students: number, onPglite = false): Promise<World> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-bench-'));
  const database = onPglite ? null : await createDatabase('w');
  const ctx = await contextOn(database?.url ?? null, home);

  await declare(ctx);
  await seedStudents(ctx, students);
  const importAssessment = await template(ctx, 'T-IMPORT', 'IMPORT');
  await template(ctx, 'T-POSE', 'POSE');
  const ref: TemplateRef = { ctn: CTN, year: YEAR, code: 'T-IMPORT' };
  await pose(ctx, 'gest', ref);
  await validate(ctx, 'gest', ref);
  // Tables as autovacuum would have left them on a live database: the world was bulk-loaded a moment
  // ago. Without statistics, plans made for empty tables (nested loops over a million rows) would be
  // measured; without a vacuum, every index-only check of a student (the references of a grade)
  // would visit the heap too, which autovacuum's insert threshold spares a live database.
  await ctx.db.raw('vacuum analyze');

  const rows = (await ctx
    .db('anonymous_number')
    .where({ assessment_id: importAssessment })
    .orderBy('student_number')
    .select('number')) as Array<{ number: string }>;

  return {
    ctx,
    home,
    url: database?.url ?? null,
    numbers: rows.map((r) => r.number),
    importAssessment,
    close: async () => {
      await closeContext(ctx);
      await database?.drop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Undoes a pose of the pose template so that it can be measured again. */
export async function undoPose(ctx: AppContext): Promise<void> {
  await withdraw(ctx, 'gest', POSE_REF);
}
