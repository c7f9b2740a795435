// Cases 5 and 6: a pose for a whole year group against the COPY of the same rows; label PDFs with
// barcodes against the same PDF with text only.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pose } from '../src/services/anonymity.js';
import { copyRows } from '../src/store/copy.js';
import { median, result, timed, type CaseResult } from './measure.js';
import { enrolForPose, POSE_REF, undoPose, type World } from './world.js';

/** Case 5: pose for `students` students (drawn, attributed, committed, audited) vs COPY of the rows. */
export async function poseCase(
  world: World,
  students: number,
  reps: number,
): Promise<Record<string, CaseResult>> {
  const db = world.ctx.db;
  await enrolForPose(world.ctx, students);
  await db.raw(
    'create unlogged table if not exists bench_pose_floor (year integer, number text, template_id integer, assessment_id integer, student_number text)',
  );

  const poses: number[] = [];
  const copies: number[] = [];
  for (let rep = 0; rep < reps; rep += 1) {
    poses.push(await timed(() => pose(world.ctx, 'gest', POSE_REF)));
    const rows = (await db('anonymous_number as n')
      .join('anonymity_template as t', 't.id', 'n.template_id')
      .where('t.code', POSE_REF.code)
      .select(
        'n.year',
        'n.number',
        'n.template_id',
        'n.assessment_id',
        'n.student_number',
      )) as Array<{
      year: number;
      number: string;
      template_id: number;
      assessment_id: number;
      student_number: string;
    }>;
    if (rows.length !== students) {
      throw new Error(`pose drew ${rows.length} numbers for ${students} students`);
    }
    await db.raw('truncate bench_pose_floor');
    const values = rows.map((r) => [
      r.year,
      r.number,
      r.template_id,
      r.assessment_id,
      r.student_number,
    ]);
    copies.push(
      await timed(() =>
        copyRows(
          db,
          'bench_pose_floor',
          ['year', 'number', 'template_id', 'assessment_id', 'student_number'],
          values,
        ),
      ),
    );
    await undoPose(world.ctx);
  }
  return {
    pose: result(
      median(poses),
      median(copies),
      3,
      `${students} students, ms; reference = COPY of the same rows`,
    ),
  };
}

const LABELS_MODULE = new URL('../src/outputs/pdf/labels.ts', import.meta.url);

/** Case 6: `count` labels with Code 128 bars vs the same sheet without barcodes. */
export async function labelsCase(count: number, reps: number): Promise<Record<string, CaseResult>> {
  if (!existsSync(fileURLToPath(LABELS_MODULE))) {
    return {
      'labels-pdf': {
        median: 0,
        reference: 0,
        ratio: 0,
        goal: 1.6,
        note: 'SKIPPED: src/outputs/pdf/labels.ts not there',
      },
    };
  }
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
