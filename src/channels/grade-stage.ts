// A grade file's rows once resolved, in a temporary table of the import's transaction: duplicates
// across the whole file, the faults to list, the grades replaced and the final upsert are one SQL
// statement each over it.
import { gradeToStorage, parseGrade } from '../domain/grades.js';
import { copyRows, upsertFrom, type CopyValue } from '../store/copy.js';
import { confirmUnchanged } from './grade-confirm.js';
import {
  advanceClock,
  fileOrigin,
  GRADE_UPSERT,
  keptDetail,
  keyOf,
  liftedIn,
  NEWER,
  replacedDetail,
  type StatesAtWrite,
} from './grade-store.js';
import { settleStage, type Settlement } from './grade-settlement.js';
import { gradeCell } from './grades.js';
import { assessmentNames, noteAlias } from './settle.js';
import type { Resolution, RowKey } from './resolve.js';
import type { ErrorList } from './rows.js';
import type { ChannelInput } from './types.js';

const STAGE_COLUMNS = [
  'row_no',
  'key_text',
  'key_column',
  'assessment_id',
  'student_number',
  'value',
  'absence',
  'blank',
  'grade_text',
  'error_code',
  'error_detail',
] as const;

/** A staged row's grade columns: its value or absence, or why it could not be read. */
interface GradeFields {
  value: CopyValue;
  absence: CopyValue;
  blank: boolean;
  text: string | null;
  code: string | null;
  detail: string | null;
}

const NO_GRADE: GradeFields = {
  value: null,
  absence: null,
  blank: false,
  text: null,
  code: null,
  detail: null,
};

let stageSerial = 0;

/** The rows of one file once resolved, in a temporary table dropped at commit. */
export class GradeStage {
  /** The assessments of the rows staged and not taken out: kept as they are staged, never re-read. */
  private readonly matched = new Set<number>();

  private constructor(
    private readonly input: ChannelInput,
    readonly table: string,
  ) {}

  static async create(input: ChannelInput): Promise<GradeStage> {
    stageSerial += 1;
    const table = `grade_stage_${stageSerial}`;
    await input.trx.raw(
      `create temporary table ${table} (
         row_no integer not null, key_text text, key_column text not null,
         assessment_id integer not null, student_number text not null, value numeric(6, 2),
         absence text, blank boolean not null, grade_text text,
         error_code text, error_detail text, dup boolean not null default false
       ) on commit drop`,
    );
    return new GradeStage(input, table);
  }

  /**
   * Parses each resolved row's grade against its assessment's scale and stages it; an absence
   * code typed another way (`abs`) is listed as a notice as it is read.
   */
  async add(
    resolved: Resolution['resolved'],
    scales: Map<number, number>,
    errors: ErrorList,
  ): Promise<void> {
    const missing = [...new Set(resolved.map((r) => r.assessmentId))].filter(
      (id) => !scales.has(id),
    );
    if (missing.length > 0) {
      const found = (await this.input
        .trx('assessment')
        .whereIn('id', missing)
        .select('id', 'scale')) as Array<{ id: number; scale: string }>;
      found.forEach((a) => scales.set(a.id, Number(a.scale)));
    }
    const rows = resolved.map((r): CopyValue[] => {
      this.matched.add(r.assessmentId);
      const cell = gradeCell(r.row.get('grade'));
      const parsed =
        'error' in cell
          ? { ok: false as const, code: cell.error }
          : parseGrade(cell, { scale: scales.get(r.assessmentId) ?? 20 });
      const { key, column } = keyOf(r.row);
      const { number } = r.row;
      // In STAGE_COLUMNS order, built whole: a row's array is the only one it costs.
      const row = (grade: GradeFields): CopyValue[] => [
        number,
        key,
        column,
        r.assessmentId,
        r.studentNumber,
        grade.value,
        grade.absence,
        grade.blank,
        grade.text,
        grade.code,
        grade.detail,
      ];
      if (!parsed.ok) {
        const detail = 'detail' in parsed ? (parsed.detail ?? null) : null;
        return row({ ...NO_GRADE, text: r.row.text('grade'), code: parsed.code, detail });
      }
      if (parsed.grade.kind === 'blank') {
        return row({ ...NO_GRADE, blank: true });
      }
      noteAlias(errors, number, 'Note', parsed);
      return row({ ...NO_GRADE, ...gradeToStorage(parsed.grade) });
    });
    await copyRows(this.input.trx, this.table, STAGE_COLUMNS, rows);
  }

  /**
   * Gives the planner the stage's statistics once every row is in. A temporary table is never
   * analysed by autovacuum: without them, every statement joining the stage with `grade` was planned
   * for 30 rows, and a re-import of 100,000 rows probed the grade index once per row where a hash
   * join reads the table once (the join of the update confirming them: 880 → 200 ms, measured). Call it after
   * the last `add`.
   */
  async analyse(): Promise<void> {
    // The columns the joins and filters read, from a small sample: 10 ms for 100,000 rows, where
    // the default sample of every column took 60-80 ms (measured).
    await this.input.trx.raw('set local default_statistics_target = 10');
    await this.input.trx.raw(
      `analyze ${this.table} (assessment_id, student_number, dup, blank, error_code)`,
    );
    await this.input.trx.raw('reset default_statistics_target');
  }

  /**
   * Marks the stage's duplicates and reads its faults and counts (settleStage). The stage is this
   * import's alone: call it before the locks of statesAtWrite, which other writes to the same
   * assessments wait for, and again if rows are taken out after it.
   */
  settlement(): Promise<Settlement> {
    return settleStage(this.input.trx, this.table);
  }

  /**
   * The assessments the file's rows were matched to (but those taken out for their state), as a
   * person names them (`MAT101 session 1`).
   */
  assessments(): Promise<string[]> {
    return assessmentNames(this.input.trx, this.assessmentIds());
  }

  /**
   * How the grades to write stand against those recorded, in one join of the stage with `grade`:
   * how many have no grade recorded yet, and how many would change a grade recorded. Call it under
   * the locks of statesAtWrite (no other write to these assessments commits until this one does),
   * with the assessments the rows were resolved to, and again after newerKept when it took rows
   * out; `replaced` and `write` then run only the statements that have work to do.
   */
  async compare(assessmentIds: number[]): Promise<StageComparison> {
    // `newer` from the assessments' clocks (grade_clock), almost always false: it spares every
    // import newerKept's join of the file's rows with the grades, and a statement of its own.
    const found = (await this.input.trx.raw(
      `select count(*) filter (where g.student_number is null)::int as fresh,
              count(*) filter (where g.student_number is not null)::int as recorded,
              count(*) filter (where g.student_number is not null
                                 and (g.value, g.absence) is distinct from (s.value, s.absence))::int
                as changed,
              exists (select 1 from grade_clock c where c.assessment_id = any(?::int[])
                                                   and c.received_at > ?::timestamptz) as newer
       from ${this.table} s
       left join grade g on g.assessment_id = s.assessment_id and g.student_number = s.student_number
       where not s.dup and s.error_code is null and not s.blank`,
      [assessmentIds, this.input.receivedAt],
    )) as { rows: StageComparison[] };
    return found.rows[0] ?? { fresh: 0, recorded: 0, changed: 0, newer: false };
  }

  /**
   * Lists on the receipt, as notices, the grades this file changes: another grade was recorded for
   * the same number (an earlier file, a typed entry). The import still replaces it (a corrected file
   * is how grades are corrected), but never unseen. Returns how many there are, and how many of
   * them a file saved at the same instant gave; `compared` (compare) spares the look when no grade
   * changes.
   */
  async replaced(
    errors: ErrorList,
    compared: StageComparison,
  ): Promise<{ count: number; sameTime: number }> {
    if (compared.changed === 0) {
      return { count: 0, sameTime: 0 };
    }
    // As many rows as the list still takes of GRADE_REPLACED, which has a limit of its own: a file
    // with more row errors than a receipt lists still lists the grades it replaces. At least one
    // row comes back whenever there is one, since it carries the total.
    const changed = (await this.input.trx.raw(
      `select s.row_no, s.key_text, s.key_column, g.value::text as old_value, g.absence as old_absence,
              s.value::text as new_value, s.absence as new_absence, count(*) over ()::int as total,
              g.received_at = ?::timestamptz as same_time,
              count(*) filter (where g.received_at = ?::timestamptz) over ()::int as same_total
       from ${this.table} s
       join grade g on g.assessment_id = s.assessment_id and g.student_number = s.student_number
       where not s.dup and s.error_code is null and not s.blank
         and (g.value, g.absence) is distinct from (s.value, s.absence)
         -- A row holding a jury result only had no grade to replace.
         and (g.value is not null or g.absence is not null)
       order by s.row_no
       limit greatest(?::int, 1)`,
      [this.input.receivedAt, this.input.receivedAt, errors.noticesListable('GRADE_REPLACED')],
    )) as { rows: Array<Replaced & { same_total: number }> };
    for (const r of changed.rows) {
      const before = r.old_value ?? r.old_absence;
      const after = r.new_value ?? r.new_absence;
      errors.note(
        r.row_no,
        r.key_column,
        'GRADE_REPLACED',
        r.key_text ?? undefined,
        replacedDetail(before, after, r.same_time === true),
      );
    }
    const total = changed.rows[0]?.total ?? 0;
    errors.countUnlistedNotices(Math.max(0, total - changed.rows.length));
    return { count: total, sameTime: changed.rows[0]?.same_total ?? 0 };
  }

  /**
   * Lists as notices, then takes out of the stage, the grades that will not be written because a
   * different grade handed in after this file was dropped is recorded (a later file, committed
   * first, or a typed entry): the write would keep it anyway (GRADE_UPSERT), and the receipt says
   * so row by row. Call it under the locks of statesAtWrite, before `replaced`, when `compare`
   * found a grade written since this file was handed in (`newer`), then compare again. Returns how
   * many.
   */
  async newerKept(errors: ErrorList): Promise<number> {
    const kept = (await this.input.trx.raw(
      `with gone as (
         delete from ${this.table} s using grade g
          where g.assessment_id = s.assessment_id and g.student_number = s.student_number
            and not s.dup and s.error_code is null and not s.blank and ${NEWER}
            and (g.value, g.absence) is distinct from (s.value, s.absence)
          returning s.row_no, s.key_text, s.key_column, g.value::text as old_value,
                    g.absence as old_absence, s.value::text as new_value, s.absence as new_absence)
       select *, count(*) over ()::int as total from gone order by row_no limit greatest(?::int, 1)`,
      [this.input.receivedAt, errors.noticesListable('GRADE_NEWER_KEPT')],
    )) as { rows: Replaced[] };
    for (const r of kept.rows) {
      errors.note(
        r.row_no,
        r.key_column,
        'GRADE_NEWER_KEPT',
        r.key_text ?? undefined,
        keptDetail(r.old_value ?? r.old_absence, r.new_value ?? r.new_absence),
      );
    }
    const total = kept.rows[0]?.total ?? 0;
    errors.countUnlistedNotices(Math.max(0, total - kept.rows.length));
    return total;
  }

  /** The assessments the staged rows were resolved to (but those taken out), in id order. */
  assessmentIds(): number[] {
    return [...this.matched].sort((a, b) => a - b);
  }

  /**
   * Takes the rows of `assessmentIds` out of the stage and returns them, to be listed as refused
   * for their state: the file is then settled as if the resolution had refused them up front.
   */
  async take(assessmentIds: number[]): Promise<RowKey[]> {
    const taken = (await this.input.trx.raw(
      `delete from ${this.table} where assessment_id = any(?::int[])
       returning row_no, key_text, assessment_id`,
      [assessmentIds],
    )) as { rows: Array<{ row_no: number; key_text: string | null; assessment_id: number }> };
    assessmentIds.forEach((id) => this.matched.delete(id));
    return taken.rows.map((r) => ({
      row: r.row_no,
      key: r.key_text ?? '',
      assessmentId: r.assessment_id,
    }));
  }

  /**
   * Writes the kept grades in one upsert that leaves unchanged grades untouched; those of an
   * assessment lifted in `states` (statesAtWrite, read for every staged assessment) are flagged
   * as changed after the lift. `assessmentIds` are those the rows were resolved to: their clocks
   * move on when a grade is written. `kept` is how many grades are to be written: those of them
   * found already recorded as they are may be confirmed (grade-confirm.ts). `compared` (compare)
   * says which of the update and the insert have rows to write.
   */
  async write(
    states: StatesAtWrite,
    assessmentIds: number[],
    kept: number,
    compared: StageComparison,
  ): Promise<number> {
    const origin = fileOrigin(this.input);
    const written = await upsertFrom(
      this.input.trx,
      GRADE_UPSERT,
      `select assessment_id, student_number, value, absence, ?::text, ?::bigint, ?::text,
              assessment_id = any(?::int[]), ?::timestamptz
       from ${this.table} where not dup and error_code is null and not blank`,
      [origin.source, origin.intakeId, origin.by, liftedIn(states), origin.receivedAt],
      {
        existing: compared.changed > 0,
        missing: compared.fresh > 0,
        recorded: compared.recorded > 0,
      },
    );
    await advanceClock(this.input.trx, written > 0 ? assessmentIds : [], origin.receivedAt);
    if (written === kept) {
      return written;
    }
    await confirmUnchanged(
      this.input.trx,
      {
        select: `select assessment_id, student_number, value, absence from ${this.table}
                 where not dup and error_code is null and not blank`,
        bindings: [],
      },
      origin.receivedAt,
      assessmentIds,
    );
    return written;
  }
}

/**
 * The grades to write: how many have none recorded yet, how many have one (changed or not), how
 * many change one recorded.
 */
export interface StageComparison {
  fresh: number;
  recorded: number;
  changed: number;
  /** Whether a grade handed in after this file was written to one of its assessments since. */
  newer: boolean;
}

interface Replaced {
  row_no: number;
  key_text: string | null;
  key_column: string;
  old_value: string | null;
  old_absence: string | null;
  new_value: string | null;
  new_absence: string | null;
  total: number;
  same_time: boolean | null;
}
