// Writes grades, set-based, keyed by (assessment, student): replaying a file rewrites the same
// values, never adds a row. A grade entered once identities are known (state L) is flagged for the
// after-lift report: the state is read here, under a lock that every state change waits for, and
// writes to one assessment take turns (statesAtWrite). A grade handed in earlier never replaces one
// handed in later (GRADE_UPSERT). Jury results are written by result-store.ts.
import { copyUpsert, type CopyUpsert } from '../store/copy.js';
import { confirmUnchangedGrades } from './grade-confirm.js';
import type { Knex } from 'knex';
import type { AbsenceCode, AnonymityState } from '../domain/types.js';
import type { ErrorList, KeyedRow } from './rows.js';
import type { ChannelInput } from './types.js';

/**
 * Who hands grades in and when: the source (`fichier`, `lecteur-optique`, `saisie`), the file's
 * intake (null for a typed grade), the person or `service`, and when they were handed in (the
 * time its file was saved, never after its drop; for a typed grade, the moment its write lock was
 * held). A grade handed in earlier never replaces one handed in later (GRADE_UPSERT).
 */
export interface GradeOrigin {
  source: string;
  intakeId: number | null;
  by: string;
  /** ISO text to the microsecond (ChannelInput.receivedAt). */
  receivedAt: string;
}

/** SQL giving a timestamptz `expression` as ISO text in UTC, to the microsecond. */
export function exactInstant(expression: string): string {
  return `to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** Where a file's grades come from: its channel, its intake, the service, its drop time. */
export function fileOrigin(
  input: Pick<ChannelInput, 'channel' | 'intakeId' | 'receivedAt'>,
): GradeOrigin {
  return {
    source: input.channel === 'lecteur-optique' ? 'lecteur-optique' : 'fichier',
    intakeId: input.intakeId,
    by: 'service',
    receivedAt: input.receivedAt,
  };
}

/** One grade to write. */
export interface GradeWrite {
  assessmentId: number;
  studentNumber: string;
  value: string | null;
  absence: AbsenceCode | null;
  /**
   * Where the grade was read, to list it when it replaces one: its row, the value the receipt shows
   * (the key typed there, or the grade cell itself where the key may not be shown) and the receipt
   * column that value was read in.
   */
  source?: { row: number; key: string; column: string };
}

/**
 * The key a row was matched by, as a receipt line shows it: the anonymous number typed, under
 * « N° anonyme », or else the student number, under « N° étudiant ».
 */
export function keyOf(row: KeyedRow): { key: string; column: string } {
  const number = row.text('number');
  return number !== ''
    ? { key: number, column: 'N° anonyme' }
    : { key: row.text('student'), column: 'N° étudiant' };
}

/** A stored grade as a receipt shows it: a decimal comma, an absence code as it is. */
function shown(grade: string | null): string {
  return (grade ?? '').replace('.', ',');
}

/** « Avant : ABI ; maintenant : 7,50. »: a replaced grade as a receipt notice shows it. */
export function replacedDetail(
  before: string | null,
  after: string | null,
  sameTime = false,
): string {
  // Two files saved at the same instant (a zip's two-second times) cannot be put in order.
  const order = sameTime
    ? ' Les deux fichiers portent la même heure d’enregistrement : celui traité le dernier ' +
      'l’emporte, vérifiez que c’est le bon.'
    : '';
  return `Avant : ${shown(before)} ; maintenant : ${shown(after)}.${order}`;
}

/**
 * The receipt summary's sentence on the grades a file replaced (none when it replaced none), and
 * on those of them a file saved at the same instant had given: their order was decided by which
 * file was processed last, which the notices say row by row and a person reading the summary must
 * not miss (trial).
 */
export function replacedSummary(count: number, sameTime = 0): string {
  const tied =
    sameTime > 0
      ? ` Dont ${sameTime} donnée(s) par un fichier enregistré à la même heure que celui-ci : ` +
        'le fichier traité le dernier l’emporte, vérifiez que c’est le bon.'
      : '';
  return count > 0
    ? ` ${count} note(s) déjà enregistrée(s) remplacée(s) (voir les avis).${tied}`
    : '';
}

/**
 * What a receipt adds once a file's grades are written: how many of the kept grades were already
 * recorded as they are (left untouched: a file dropped again changes nothing), and how many were
 * written after the lift of anonymity (flagged for the manager's list of late changes).
 */
export async function writtenSummary(
  trx: Knex.Transaction,
  counts: { kept: number; written: number },
  intakeId: number | null,
  states: StatesAtWrite,
): Promise<string> {
  const unchanged = counts.kept - counts.written;
  let text =
    unchanged > 0
      ? ` ${unchanged} note(s) identique(s) à celle(s) déjà enregistrée(s) : rien n'a changé pour elle(s).`
      : '';
  const lifted = liftedIn(states);
  if (counts.written > 0 && intakeId !== null && lifted.length > 0) {
    // Rows this file wrote carry its intake; those it left untouched keep the one before.
    const late = (await trx('grade')
      .where({ intake_id: intakeId })
      .whereRaw('assessment_id = any(?::int[])', [lifted])
      .count<Array<{ n: string | number }>>({ n: '*' })) as Array<{ n: string | number }>;
    const n = Number(late[0]?.n ?? 0);
    if (n > 0) {
      text +=
        ` ${n} note(s) enregistrée(s) après la levée de l'anonymat : elles sont signalées au ` +
        'gestionnaire dans la liste des notes modifiées après la levée.';
    }
  }
  return text;
}

/** What a receipt says of rows without a grade: nothing written, a grade already there kept. */
export function blanksSummary(blanks: number): string {
  return blanks > 0
    ? ` ${blanks} ligne(s) sans note : rien n'est enregistré pour elle(s), une note déjà enregistrée reste inchangée.`
    : '';
}

/**
 * Lists, as receipt notices, the grades among `grades` that would replace a different grade
 * already recorded, and those that will not, a grade handed in later than `receivedAt` being
 * recorded (rows without a source are not listed). Call it under the locks of statesAtWrite, so
 * that no other write to these assessments commits between this look and the write.
 */
export async function listReplaced(
  trx: Knex.Transaction,
  grades: GradeWrite[],
  receivedAt: string,
  errors: ErrorList,
): Promise<{ replaced: number; newerKept: number; sameTime: number }> {
  const traced = grades.filter((g) => g.source !== undefined);
  if (traced.length === 0) {
    return { replaced: 0, newerKept: 0, sameTime: 0 };
  }
  const changed = (await trx.raw(
    `select w.i, coalesce(g.value::text, g.absence) as before, ${NEWER} as newer,
            g.received_at = ?::timestamptz as same_time
       from unnest(?::int[], ?::int[], ?::text[], ?::numeric[], ?::text[]) as w(i, a, s, v, x)
       join grade g on g.assessment_id = w.a and g.student_number = w.s
      where (g.value, g.absence) is distinct from (w.v, w.x)
        -- A row holding a jury result only had no grade to replace (unless a later one is kept).
        and (g.value is not null or g.absence is not null or ${NEWER})
      order by w.i`,
    [
      receivedAt,
      receivedAt,
      traced.map((_, i) => i),
      traced.map((g) => g.assessmentId),
      traced.map((g) => g.studentNumber),
      traced.map((g) => g.value),
      traced.map((g) => g.absence),
      receivedAt,
    ] as unknown as Knex.RawBinding[],
  )) as {
    rows: Array<{ i: number; before: string | null; newer: boolean; same_time: boolean | null }>;
  };
  let newerKept = 0;
  let tied = 0;
  for (const { i, before, newer, same_time: sameTime } of changed.rows) {
    const g = traced[i];
    if (g?.source) {
      newerKept += newer ? 1 : 0;
      tied += !newer && sameTime === true ? 1 : 0;
      errors.note(
        g.source.row,
        g.source.column,
        newer ? 'GRADE_NEWER_KEPT' : 'GRADE_REPLACED',
        g.source.key,
        newer
          ? keptDetail(before, g.value ?? g.absence)
          : replacedDetail(before, g.value ?? g.absence, sameTime === true),
      );
    }
  }
  return { replaced: changed.rows.length - newerKept, newerKept, sameTime: tied };
}

/**
 * Whether the grade recorded (`g`) was handed in after the incoming one, whose time is the
 * statement's first binding: then it stays (GRADE_UPSERT).
 */
export const NEWER = 'coalesce(g.received_at > ?::timestamptz, false)';

/** « Gardée : 14,00 ; ce fichier : 12,00. »: a grade kept over the file's, as a notice shows it. */
export function keptDetail(kept: string | null, file: string | null): string {
  return `Gardée : ${shown(kept)} ; ce fichier : ${shown(file)}.`;
}

/** The receipt summary's sentence on grades not written, a later one being recorded. */
export function newerKeptSummary(count: number): string {
  return count > 0
    ? ` ${count} note(s) non enregistrée(s) : une note plus récente, remise ou saisie après le ` +
        'dernier enregistrement de ce fichier, est gardée (voir les avis).'
    : '';
}

/** The first key of the advisory locks that order writes to one assessment (`grad` in ASCII). */
const GRADE_WRITE_LOCKS = 0x67726164;

/** The state of each assessment a write covers, read under its lock (null: in no template). */
export type StatesAtWrite = ReadonlyMap<number, AnonymityState | null>;

/**
 * The state of each of `assessmentIds`, read once the rows of their templates are held `for share`
 * until commit. Every state change holds its template's row `for update` from before its checks to
 * its commit (lockTemplate, services/anonymity.ts), so these states hold until the write commits:
 * a lift either sees the grades written or they are flagged as written after it, and a validate
 * (P → V) committed while a file was being resolved is seen here (recheckStates, resolve.ts). A
 * state read earlier in the import, without the lock, may be the one a change committing meanwhile
 * replaces. Call it in the writing transaction, before deciding to write.
 */
export async function statesAtWrite(
  trx: Knex.Transaction,
  assessmentIds: Iterable<number>,
): Promise<StatesAtWrite> {
  const ids = [...new Set(assessmentIds)];
  if (ids.length === 0) {
    return new Map();
  }
  // In id order: a write covering several templates takes them in the same order as any other.
  await trx.raw(
    `select t.id from anonymity_template t
      where t.id in (select template_id from template_assessment
                      where assessment_id = any(?::int[]))
      order by t.id
      for share of t`,
    [ids],
  );
  // Writes to one assessment take turns from here to their commit (in id order, as above): two
  // files for one exam imported at once would otherwise each list the grades recorded before both,
  // and the one committing second replace the other's grades with no notice on either receipt.
  await trx.raw(
    `select count(pg_advisory_xact_lock(${GRADE_WRITE_LOCKS}, id))
       from (select distinct unnest(?::int[]) as id order by 1) as ordered`,
    [ids],
  );
  // A statement of its own: under read committed, a statement that waited for a lock still reads
  // the other rows as they were when it started, before the state change committed.
  const found = (await trx('template_assessment')
    .whereRaw('assessment_id = any(?::int[])', [ids])
    .select('assessment_id', 'state')) as Array<{ assessment_id: number; state: AnonymityState }>;
  const states = new Map<number, AnonymityState | null>(ids.map((id) => [id, null]));
  found.forEach((r) => states.set(r.assessment_id, r.state));
  return states;
}

/** The assessments lifted (L) among `states`: what they receive is flagged as changed after it. */
export function liftedIn(states: StatesAtWrite): number[] {
  return [...states].filter(([, state]) => state === 'L').map(([id]) => id);
}

const CHANGED = `grade.changed_after_lift or (excluded.changed_after_lift and
  (grade.value is distinct from excluded.value or grade.absence is distinct from excluded.absence))`;

/**
 * How a grade row is written: keyed by (assessment, student), an unchanged grade left untouched, and
 * a grade handed in later than the incoming one kept (a long file dropped before its correction but
 * committing after it leaves the correction standing; its receipt lists the rows, listReplaced).
 */
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
    'received_at',
  ],
  conflict: ['assessment_id', 'student_number'],
  set: [
    'value = excluded.value',
    'absence = excluded.absence',
    'source = excluded.source',
    'intake_id = excluded.intake_id',
    'entered_by = excluded.entered_by',
    `changed_after_lift = ${CHANGED}`,
    'received_at = excluded.received_at',
    'updated_at = now()',
  ],
  changedWhen: `(grade.value, grade.absence) is distinct from (excluded.value, excluded.absence)
    and (grade.received_at is null or grade.received_at <= excluded.received_at)`,
};

/**
 * Upserts grades (value or absence): COPY into a staging table, then one upsert that leaves an
 * unchanged grade untouched (its earlier source and intake stay), so replaying rewrites nothing.
 * Keys must be unique within one call (channels drop duplicated numbers first). A grade of a
 * lifted assessment is flagged as changed after the lift; `states`, when the caller already read
 * them to decide on the write, are those of statesAtWrite, else they are read here.
 */
export async function writeGrades(
  trx: Knex.Transaction,
  grades: GradeWrite[],
  origin: GradeOrigin,
  states?: StatesAtWrite,
): Promise<number> {
  if (grades.length === 0) {
    return 0;
  }
  const ids = grades.map((g) => g.assessmentId);
  const lifted = new Set(liftedIn(states ?? (await statesAtWrite(trx, ids))));
  const written = await copyUpsert(
    trx,
    GRADE_UPSERT,
    grades.map((g) => [
      g.assessmentId,
      g.studentNumber,
      g.value,
      g.absence,
      origin.source,
      origin.intakeId,
      origin.by,
      lifted.has(g.assessmentId),
      origin.receivedAt,
    ]),
  );
  await advanceClock(trx, written > 0 ? ids : [], origin.receivedAt);
  if (written < grades.length) {
    await confirmUnchangedGrades(trx, grades, origin.receivedAt);
  }
  return written;
}

/**
 * Records that grades handed in at `receivedAt` were written to `assessmentIds` (grade_clock, the
 * latest per assessment). Call it after every GRADE_UPSERT that wrote rows, under the locks of
 * statesAtWrite.
 */
export async function advanceClock(
  trx: Knex.Transaction,
  assessmentIds: Iterable<number>,
  receivedAt: string,
): Promise<void> {
  const ids = [...new Set(assessmentIds)];
  if (ids.length === 0) {
    return;
  }
  await trx.raw(
    `insert into grade_clock (assessment_id, received_at)
     select id, ?::timestamptz from unnest(?::int[]) as id
     on conflict (assessment_id)
     do update set received_at = greatest(grade_clock.received_at, excluded.received_at)`,
    [receivedAt, ids],
  );
}
