// Writes grades and jury results, set-based, keyed by (assessment, student): replaying a file
// rewrites the same values, never adds a row. A grade entered once identities are known (state L)
// is flagged for the after-lift report.
import { copyUpsert, type CopyUpsert } from '../store/copy.js';
import type { Knex } from 'knex';
import type { AbsenceCode } from '../domain/types.js';
import { batches } from '../store/bulk.js';

/** One grade to write. */
export interface GradeWrite {
  assessmentId: number;
  studentNumber: string;
  value: string | null;
  absence: AbsenceCode | null;
  afterLift: boolean;
}

/** One jury result to write. */
export interface ResultWrite {
  assessmentId: number;
  studentNumber: string;
  result: string;
  afterLift: boolean;
}

const CHANGED = `grade.changed_after_lift or (excluded.changed_after_lift and
  (grade.value is distinct from excluded.value or grade.absence is distinct from excluded.absence))`;

/** How a grade row is written: keyed by (assessment, student), an unchanged grade left untouched. */
export const GRADE_UPSERT: CopyUpsert = {
  table: 'grade',
  columns: [
    'assessment_id',
    'student_number',
    'value',
    'absence',
    'source',
    'intake_id',
    'entered_by',
    'changed_after_lift',
  ],
  conflict: ['assessment_id', 'student_number'],
  set: [
    'value = excluded.value',
    'absence = excluded.absence',
    'source = excluded.source',
    'intake_id = excluded.intake_id',
    'entered_by = excluded.entered_by',
    `changed_after_lift = ${CHANGED}`,
    'updated_at = now()',
  ],
  changedWhen: '(grade.value, grade.absence) is distinct from (excluded.value, excluded.absence)',
};

/**
 * Upserts grades (value or absence): COPY into a staging table, then one upsert that leaves an
 * unchanged grade untouched (its earlier source and intake stay), so replaying rewrites nothing.
 * Keys must be unique within one call (channels drop duplicated numbers first).
 */
export async function writeGrades(
  trx: Knex.Transaction,
  grades: GradeWrite[],
  source: string,
  intakeId: number | null,
  by: string,
): Promise<void> {
  if (grades.length === 0) {
    return;
  }
  await copyUpsert(
    trx,
    GRADE_UPSERT,
    grades.map((g) => [
      g.assessmentId,
      g.studentNumber,
      g.value,
      g.absence,
      source,
      intakeId,
      by,
      g.afterLift,
    ]),
  );
}

/** Upserts jury results, leaving grades untouched. */
export async function writeResults(
  trx: Knex.Transaction,
  results: ResultWrite[],
  intakeId: number | null,
  by: string,
): Promise<void> {
  const rows = results.map((r) => ({
    assessment_id: r.assessmentId,
    student_number: r.studentNumber,
    result: r.result,
    source: 'jury',
    intake_id: intakeId,
    entered_by: by,
    changed_after_lift: r.afterLift,
  }));
  for (const batch of batches(rows)) {
    await trx('grade')
      .insert(batch)
      .onConflict(['assessment_id', 'student_number'])
      .merge({
        result: trx.raw('excluded.result'),
        changed_after_lift: trx.raw(
          'grade.changed_after_lift or (excluded.changed_after_lift and grade.result is distinct from excluded.result)',
        ),
        updated_at: trx.fn.now(),
      });
  }
}
