// A grade handed in again as it is recorded leaves its row untouched, so that a re-import rewrites
// nothing (issue 7); the row then keeps the time of the earlier hand-in. That time decides whether a
// file still to be imported may replace the grade (GRADE_UPSERT, grade-store.ts): a file dropped
// between the two hand-ins, imported last, would replace a grade handed in after it. While such a
// file is pending, the rows a hand-in confirms take its time, and the assessments' clocks move on,
// so that the pending file keeps them and its receipt lists them (GRADE_NEWER_KEPT).
import type { Knex } from 'knex';
import { advanceClock, type GradeWrite } from './grade-store.js';

/** Channels whose files write grades (a maquette comes through `notes`). */
const GRADE_CHANNELS = ['notes', 'lecteur-optique'];

/**
 * Whether a file of `channels` handed in before `receivedAt` is still to be imported or being
 * imported.
 */
export async function earlierDropPending(
  trx: Knex.Transaction,
  receivedAt: string,
  channels = GRADE_CHANNELS,
): Promise<boolean> {
  // A drop is marked done only after its import committed and its file left the inbox: one not
  // done may still write, one done never will again (dropped anew, it is a drop of its own).
  const found = (await trx.raw(
    `select exists (select 1 from intake_drop d join intake_file f on f.id = d.intake_id
                     where not d.done and f.channel = any(?::text[])
                       and coalesce(d.handed_in_at, d.dropped_at) < ?::timestamptz) as pending`,
    [channels, receivedAt],
  )) as { rows: Array<{ pending: boolean }> };
  return found.rows[0]?.pending ?? false;
}

/**
 * Gives the time `receivedAt` to the grades recorded exactly as `incoming` gives them (a select of
 * assessment_id, student_number, value, absence) and handed in earlier, when a grade file dropped
 * before `receivedAt` is pending; returns how many. Call it under the locks of statesAtWrite, after
 * the write, with the assessments the incoming rows belong to.
 */
export async function confirmUnchanged(
  trx: Knex.Transaction,
  incoming: { select: string; bindings: readonly unknown[] },
  receivedAt: string,
  assessmentIds: Iterable<number>,
): Promise<number> {
  if (!(await earlierDropPending(trx, receivedAt))) {
    return 0;
  }
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
