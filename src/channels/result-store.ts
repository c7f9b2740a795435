// Writes jury results (result codes), set-based, keyed by (assessment, student) as grades are, on
// the row of the grade they go with and leaving the grade untouched. As for grades (grade-store.ts):
// an unchanged result is not rewritten, a result handed in earlier never replaces one handed in
// later (`result_received_at`, migration 012), and a result written after the lift is flagged.
import type { Knex } from 'knex';
import { liftedIn, statesAtWrite, type StatesAtWrite } from './grade-store.js';

/** One jury result to write. */
export interface ResultWrite {
  assessmentId: number;
  studentNumber: string;
  result: string;
}

/** Who hands results in and when (a file's drop, or `service` for the intake). */
export interface ResultOrigin {
  intakeId: number | null;
  by: string;
  receivedAt: string;
}

/** What a write did: results written, and results not written since a later one is recorded. */
export interface ResultsWritten {
  written: number;
  newerKept: number;
}

const UNNEST = 'unnest(?::int[], ?::text[], ?::text[], ?::boolean[]) as w(a, s, r, late)';

/**
 * Upserts jury results; `states`, when the caller read them to decide on the write, are those of
 * statesAtWrite, else they are read here (taking the locks that order writes to an assessment).
 */
export async function writeResults(
  trx: Knex.Transaction,
  results: ResultWrite[],
  origin: ResultOrigin,
  states?: StatesAtWrite,
): Promise<ResultsWritten> {
  if (results.length === 0) {
    return { written: 0, newerKept: 0 };
  }
  const lifted = new Set(
    liftedIn(
      states ??
        (await statesAtWrite(
          trx,
          results.map((r) => r.assessmentId),
        )),
    ),
  );
  const columns = [
    results.map((r) => r.assessmentId),
    results.map((r) => r.studentNumber),
    results.map((r) => r.result),
    results.map((r) => lifted.has(r.assessmentId)),
  ];
  const kept = (await trx.raw(
    `select count(*)::int as n from ${UNNEST}
       join grade g on g.assessment_id = w.a and g.student_number = w.s
      where g.result_received_at > ?::timestamptz and g.result is distinct from w.r`,
    [...columns, origin.receivedAt] as unknown as Knex.RawBinding[],
  )) as { rows: Array<{ n: number }> };
  const written = (await trx.raw(
    `insert into grade (assessment_id, student_number, result, source, intake_id, entered_by,
                        changed_after_lift, result_received_at)
     select w.a, w.s, w.r, 'jury', ?::bigint, ?::text, w.late, ?::timestamptz from ${UNNEST}
     on conflict (assessment_id, student_number) do update
        set result = excluded.result,
            changed_after_lift = grade.changed_after_lift or excluded.changed_after_lift,
            result_received_at = excluded.result_received_at,
            updated_at = now()
      where grade.result is distinct from excluded.result
        and (grade.result_received_at is null
             or grade.result_received_at <= excluded.result_received_at)`,
    [origin.intakeId, origin.by, origin.receivedAt, ...columns] as unknown as Knex.RawBinding[],
  )) as { rowCount?: number | null; affectedRows?: number };
  return {
    written: written.rowCount ?? written.affectedRows ?? 0,
    newerKept: kept.rows[0]?.n ?? 0,
  };
}

/** The receipt's sentence on results not written, a later one being recorded (none: ''). */
export function newerResultsSummary(count: number): string {
  return count > 0
    ? ` ${count} résultat(s) non enregistré(s) : un résultat plus récent, déposé après ce ` +
        'fichier, est gardé.'
    : '';
}
