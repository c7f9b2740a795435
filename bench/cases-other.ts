// Cases 5 and 6: a pose for a whole year group against the COPY of the same rows; label PDFs with
// barcodes against the same PDF with text only.
import { pose } from '../src/services/anonymity.js';
import type { Knex } from 'knex';
import { copyRows, type CopyValue } from '../src/store/copy.js';
import { median, result, timed, type CaseResult } from './measure.js';
import { enrolForPose, POSE_REF, undoPose, type World } from './world.js';

const POSE_COLUMNS = ['year', 'number', 'template_id', 'assessment_id', 'student_number'];

/**
 * The reference table (unlogged, no constraint: the floor, as for every case) and, for the note
 * only, a table with anonymous_number's own indexes, constraints and foreign keys.
 */
async function preparePoseTables(db: Knex): Promise<void> {
  await db.raw(
    'create unlogged table if not exists bench_pose_floor (year integer, number text, template_id integer, assessment_id integer, student_number text)',
  );
  await db.raw('create table bench_pose_table (like anonymous_number including all)');
  await db.raw(
    `alter table bench_pose_table
       add foreign key (template_id) references anonymity_template(id),
       add foreign key (assessment_id) references assessment(id),
       add foreign key (student_number) references student(student_number)`,
  );
}

/** The rows the pose stored, as COPY rows, in the order the table gives them. */
async function posedRows(db: Knex, students: number): Promise<CopyValue[][]> {
  const rows = (await db('anonymous_number as n')
    .join('anonymity_template as t', 't.id', 'n.template_id')
    .where('t.code', POSE_REF.code)
    .select(POSE_COLUMNS.map((c) => `n.${c}`))) as Array<Record<string, CopyValue>>;
  if (rows.length !== students) {
    throw new Error(`pose drew ${rows.length} numbers for ${students} students`);
  }
  return rows.map((r) => POSE_COLUMNS.map((c) => r[c] ?? null));
}

/** Truncates `table`, then times a COPY of `rows` into it. */
async function timedCopy(db: Knex, table: string, rows: CopyValue[][]): Promise<number> {
  await db.raw(`truncate ${table}`);
  return timed(() => copyRows(db, table, POSE_COLUMNS, rows));
}

/** Case 5: pose for `students` students (drawn, attributed, committed, audited) vs COPY of the rows. */
export async function poseCase(
  world: World,
  students: number,
  reps: number,
): Promise<Record<string, CaseResult>> {
  const db = world.ctx.db;
  await enrolForPose(world.ctx, students);
  await preparePoseTables(db);

  const poses: number[] = [];
  const copies: number[] = [];
  const tableCopies: number[] = [];
  for (let rep = 0; rep < reps; rep += 1) {
    poses.push(await timed(() => pose(world.ctx, 'gest', POSE_REF)));
    const rows = await posedRows(db, students);
    copies.push(await timedCopy(db, 'bench_pose_floor', rows));
    tableCopies.push(await timedCopy(db, 'bench_pose_table', rows));
    await undoPose(world.ctx);
    // The next pose draws the same numbers again: clear the withdrawn rows' index entries first,
    // so every repetition measures a first pose, like the first one (untimed).
    await db.raw('vacuum anonymous_number');
  }

  const table = median(tableCopies);
  const vsTable = (median(poses) / table).toFixed(2);
  return {
    pose: result(
      median(poses),
      median(copies),
      3,
      `${students} students, ms; reference = COPY of the same rows into an unlogged table without constraints; COPY into a table with anonymous_number's constraints: ${table.toFixed(1)} ms (pose = ${vsTable}× that)`,
    ),
  };
}

/** Case 6: `count` labels with Code 128 bars vs the same sheet without barcodes. */
export async function labelsCase(count: number, reps: number): Promise<Record<string, CaseResult>> {
  const { buildLabelPdf } = await import('../src/outputs/pdf/labels.js');
  const { GRIDS } = await import('../src/outputs/pdf/layouts.js');
  const grid = GRIDS['3x8'];
  if (!grid) {
    throw new Error('no 3x8 grid');
  }
  const template = {
    templateId: 1,
    templateCode: 'T-BENCH',
    templateLabel: 'Bench',
    ctn: 'U',
    year: 2026,
    periodLabel: 'Janvier',
  };
  const assessment = {
    assessmentId: 1,
    objectCode: 'MAT101',
    objectLabel: 'Analyse 1',
    session: 1 as const,
    stage: 'admission' as const,
    year: 2026,
    scale: 20,
  };
  const labels = Array.from({ length: count }, (_, i) => ({
    number: String(1_000_000 + i),
    assessment,
  }));

  const bars: number[] = [];
  const text: number[] = [];
  for (let rep = 0; rep < reps; rep += 1) {
    text.push(await timed(() => buildLabelPdf(template, labels, { grid, symbology: 'none' })));
    bars.push(await timed(() => buildLabelPdf(template, labels, { grid, symbology: 'code128' })));
  }
  return {
    'labels-pdf': result(
      median(bars),
      median(text),
      1.6,
      `${count} labels, ms; reference = same PDF, text only`,
    ),
  };
}
