// A grade handed in again as it is recorded keeps its value and row, so that a re-import changes no
// grade (issue 7), but it takes the time of this later hand-in: that time decides whether a file
// imported afterwards may replace the grade (GRADE_UPSERT, grade-store.ts). A file saved between the
// two hand-ins may reach the inbox at any time later (a mailbox, a share copied late): it must find
// the grade confirmed and keep it (GRADE_NEWER_KEPT), as it would a changed one. The assessments'
// clocks move on too. (Confirming only while such a file was already waiting let one arriving
// later replace the confirmed grade: trial.)
import type { Knex } from 'knex';
import { advanceClock, type GradeWrite } from './grade-store.js';

/**
 * Gives the time `receivedAt` to the grades recorded exactly as `incoming` gives them (a select of
 * assessment_id, student_number, value, absence) and handed in earlier; returns how many. Call it
 * under the locks of statesAtWrite, after the write, with the assessments the incoming rows belong to.
 */
export async function confirmUnchanged(
  trx: Knex.Transaction,
  incoming: { select: string; bindings: readonly unknown[] },
  receivedAt: string,
  assessmentIds: Iterable<number>,
): Promise<number> {
  const result = (await trx.raw(
    `update grade g set received_at = ?::timestamptz
       from (${incoming.select}) as w (assessment_id, student_number, value, absence)
      where g.assessment_id = w.assessment_id and g.student_number = w.student_number
        and (g.received_at is null or g.received_at < ?::timestamptz)
        and (g.value, g.absence) is not distinct from (w.value, w.absence)`,
    [receivedAt, ...incoming.bindings, receivedAt] as Knex.RawBinding[],
  )) as { rowCount?: number; affectedRows?: number };
  const confirmed = result.rowCount ?? result.affectedRows ?? 0;
  await advanceClock(trx, confirmed > 0 ? assessmentIds : [], receivedAt);
  return confirmed;
}

/** confirmUnchanged over grades held in memory. */
export function confirmUnchangedGrades(
  trx: Knex.Transaction,
  grades: readonly GradeWrite[],
  receivedAt: string,
): Promise<number> {
  return confirmUnchanged(
    trx,
    {
      select: 'select * from unnest(?::int[], ?::text[], ?::numeric[], ?::text[])',
      bindings: [
        grades.map((g) => g.assessmentId),
        grades.map((g) => g.studentNumber),
        grades.map((g) => g.value),
        grades.map((g) => g.absence),
      ],
    },
    receivedAt,
    grades.map((g) => g.assessmentId),
  );
}
