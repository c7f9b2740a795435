// Writes jury results (result codes), set-based, keyed by (assessment, student) as grades are, on
// the row of the grade they go with and leaving the grade untouched. As for grades (grade-store.ts):
// an unchanged result is not rewritten, a result handed in earlier never replaces one handed in
// later (`result_received_at`, migration 012), and a result written after the lift is flagged.
import type { Knex } from 'knex';
import { liftedIn, statesAtWrite, type StatesAtWrite } from './grade-store.js';
import type { ErrorList } from './rows.js';

/** One jury result to write. */
export interface ResultWrite {
  assessmentId: number;
  studentNumber: string;
  result: string;
  /** Where it was read, to list it when a later result is kept over it: row, key typed, column. */
  source?: { row: number; key: string; column: string };
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
  /** Results recorded before that the write changed. */
  replaced: number;
}

const ARRAYS = 'unnest(?::int[], ?::text[], ?::text[], ?::boolean[])';
const UNNEST = `${ARRAYS} as w(a, s, r, late)`;
/** The same rows numbered from 1 in the order given. */
const NUMBERED = `${ARRAYS} with ordinality as w(a, s, r, late, i)`;

/**
 * Upserts jury results; `states`, when the caller read them to decide on the write, are those of
 * statesAtWrite, else they are read here (taking the locks that order writes to an assessment).
 * The results not written, a later one being kept, are listed on `errors` when they have a source.
 */
export async function writeResults(
  trx: Knex.Transaction,
  results: ResultWrite[],
  origin: ResultOrigin,
  states?: StatesAtWrite,
  errors?: ErrorList,
): Promise<ResultsWritten> {
  if (results.length === 0) {
    return { written: 0, newerKept: 0, replaced: 0 };
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
  const { replaced, newerKept } = await listChanged(
    trx,
    results,
    columns,
    origin.receivedAt,
    errors,
  );
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
  const count = written.rowCount ?? written.affectedRows ?? 0;
  if (count + newerKept < results.length) {
    await confirmUnchangedResults(trx, columns, origin.receivedAt);
  }
  return { written: count, newerKept, replaced };
}

/**
 * Counts, and lists on `errors` as notices, the results recorded that this write changes
 * (RESULT_REPLACED) and those a later one recorded keeps from it (RESULT_NEWER_KEPT).
 */
async function listChanged(
  trx: Knex.Transaction,
  results: ResultWrite[],
  columns: unknown[][],
  receivedAt: string,
  errors?: ErrorList,
): Promise<{ replaced: number; newerKept: number }> {
  const changed = (await trx.raw(
    `select w.i - 1 as i, g.result, coalesce(g.result_received_at > ?::timestamptz, false) as newer
       from ${NUMBERED} join grade g on g.assessment_id = w.a and g.student_number = w.s
      where g.result is distinct from w.r
        and (g.result is not null or g.result_received_at > ?::timestamptz)
      order by w.i`,
    [receivedAt, ...columns, receivedAt] as unknown as Knex.RawBinding[],
  )) as { rows: Array<{ i: number | string; result: string | null; newer: boolean }> };
  let newerKept = 0;
  for (const { i, result, newer } of changed.rows) {
    newerKept += newer ? 1 : 0;
    const write = results[Number(i)];
    if (errors && write?.source) {
      const { row, key, column } = write.source;
      const detail = newer
        ? `Gardé : ${result ?? ''} ; ce fichier : ${write.result}.`
        : `Avant : ${result ?? ''} ; maintenant : ${write.result}.`;
      errors.note(row, column, newer ? 'RESULT_NEWER_KEPT' : 'RESULT_REPLACED', key, detail);
    }
  }
  return { replaced: changed.rows.length - newerKept, newerKept };
}

/**
 * A result handed in again as it is recorded takes this hand-in's time, as a grade does
 * (grade-confirm.ts): a file carrying results saved before it, imported later, keeps it.
 */
async function confirmUnchangedResults(
  trx: Knex.Transaction,
  columns: unknown[][],
  receivedAt: string,
): Promise<void> {
  await trx.raw(
    `update grade g set result_received_at = ?::timestamptz from ${UNNEST}
      where g.assessment_id = w.a and g.student_number = w.s and g.result = w.r
        and (g.result_received_at is null or g.result_received_at < ?::timestamptz)`,
    [receivedAt, ...columns, receivedAt] as unknown as Knex.RawBinding[],
  );
}

/**
 * What a jury file's receipt adds once its results are written: those it changed (listed) and
 * those already recorded as they are (left untouched).
 */
export function resultsWrittenSummary(results: number, done: ResultsWritten): string {
  const unchanged = results - done.written - done.newerKept;
  return (
    (done.replaced > 0
      ? ` ${done.replaced} résultat(s) déjà enregistré(s) remplacé(s) (voir les avis).`
      : '') +
    (unchanged > 0
      ? ` ${unchanged} résultat(s) identique(s) à celui ou ceux déjà enregistré(s) : rien n'a changé pour eux.`
      : '') +
    newerResultsSummary(done.newerKept, true)
  );
}

/**
 * The receipt's sentence on results not written, a later one being recorded (none: ''); `listed`
 * when the receipt lists them row by row.
 */
export function newerResultsSummary(count: number, listed = false): string {
  return count > 0
    ? ` ${count} résultat(s) non enregistré(s) : un résultat plus récent, remis après le dernier ` +
        `enregistrement de ce fichier, est gardé${listed ? ' (voir les avis)' : ''}.`
    : '';
}
