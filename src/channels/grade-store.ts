// Writes grades and jury results, set-based, keyed by (assessment, student): replaying a file
// rewrites the same values, never adds a row. A grade entered once identities are known (state L)
// is flagged for the after-lift report.
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

/** Upserts grades (value or absence), one statement per batch. */
export async function writeGrades(
  trx: Knex.Transaction,
  grades: GradeWrite[],
  source: string,
  intakeId: number | null,
  by: string,
): Promise<void> {
  const rows = grades.map((g) => ({
    assessment_id: g.assessmentId,
    student_number: g.studentNumber,
    value: g.value,
    absence: g.absence,
    source,
    intake_id: intakeId,
    entered_by: by,
    changed_after_lift: g.afterLift,
  }));
  for (const batch of batches(rows)) {
    await trx('grade')
      .insert(batch)
      .onConflict(['assessment_id', 'student_number'])
      .merge({
        value: trx.raw('excluded.value'),
        absence: trx.raw('excluded.absence'),
        source: trx.raw('excluded.source'),
        intake_id: trx.raw('excluded.intake_id'),
        entered_by: trx.raw('excluded.entered_by'),
        changed_after_lift: trx.raw(CHANGED),
        updated_at: trx.fn.now(),
      });
  }
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
