// Grade files imported a chunk of rows at a time, so that memory stays flat however long the file:
// each chunk is resolved (numbers → students, state checks) and parsed, then COPYed into a staging
// table; duplicates across the whole file, the counts and the final upsert are one SQL statement
// each. A workbook goes through the same code as a CSV stream (its rows are already in memory).
import { AppError } from '../domain/errors.js';
import { gradeToStorage, parseGrade } from '../domain/grades.js';
import { cellText, findHeader, type ColumnSpec, type HeaderMatch } from '../readers/columns.js';
import type { Row, Workbook } from '../readers/table.js';
import { copyRows, upsertFrom, type CopyValue } from '../store/copy.js';
import { GRADE_UPSERT, replacedDetail, replacedSummary } from './grade-store.js';
import {
  boundAssessment,
  gradeCell,
  gradeColumn,
  keyColumns,
  noteAlias,
  settle,
  visibleOnly,
} from './grades.js';
import { normaliseNumber, type TemplateCache } from './numbers.js';
import { resolveByIdentity, resolveByNumber, type Resolution } from './resolve.js';
import { reportMissingRows, type SentWorkbook } from './returned-workbook.js';
import { ErrorList, keyed, LISTED_ERRORS, refuseHiddenColumns, type KeyedRow } from './rows.js';
import type { ChannelInput, ChannelResult } from './types.js';

/** Rows resolved, parsed and staged per round trip. */
const CHUNK_ROWS = 5_000;
/** Rows read between two turns of the event loop while a chunk is in flight. */
const YIELD_ROWS = 500;
/** Rows read ahead of a stream to find its header (columns.ts scans as many). */
const HEAD_ROWS = 20;

/** A table to import: where to look for the header and fingerprint, and the rows below a header. */
export interface RowSource {
  /** The whole workbook, or the first rows of a stream as a one-sheet workbook. */
  head: Workbook;
  /** The data rows below the header row, in file order. */
  rowsAfter(match: HeaderMatch): Iterable<Row> | AsyncIterable<Row>;
}

/** A workbook already read as a source. */
export function workbookSource(workbook: Workbook): RowSource {
  return { head: workbook, rowsAfter: (match) => match.sheet.rows.slice(match.headerRowIndex + 1) };
}

/** A stream of rows as a source: its first rows are read ahead to find the header. */
export async function streamSource(
  format: Workbook['format'],
  rows: AsyncIterable<Row>,
): Promise<RowSource> {
  const iterator = rows[Symbol.asyncIterator]();
  const first: Row[] = [];
  while (first.length < HEAD_ROWS) {
    const next = await iterator.next();
    if (next.done) {
      break;
    }
    first.push(next.value);
  }
  return {
    head: { format, sheets: [{ name: '', state: 'visible', rows: first }] },
    async *rowsAfter(match) {
      yield* first.slice(match.headerRowIndex + 1);
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield next.value;
      }
    },
  };
}

const STAGE_COLUMNS = [
  'row_no',
  'key_text',
  'assessment_id',
  'student_number',
  'value',
  'absence',
  'blank',
  'after_lift',
  'grade_text',
  'error_code',
  'error_detail',
] as const;

/** Rows read and not yet resolved: the rows to import, and the rows not read (with why) to list. */
interface Chunk {
  rows: KeyedRow[];
  unread: Array<{ row: number; code: 'ROW_HIDDEN' | 'ROW_EXTRA_CELLS'; value?: string }>;
}

/** Runs tasks one at a time behind the code that starts them: a new one waits for the one in flight. */
class OneInFlight {
  private current: Promise<void> = Promise.resolve();

  /** Waits for the task in flight (throwing its failure), then starts `task` without waiting. */
  async start(task: () => Promise<void>): Promise<void> {
    await this.current;
    this.current = task();
    // Awaited by the next start or by done(); a failure until then is not unhandled.
    this.current.catch(() => undefined);
  }

  /** Waits for the task in flight, throwing its failure. */
  done(): Promise<void> {
    return this.current;
  }

  /** Waits for the task in flight, whatever its outcome. */
  settled(): Promise<void> {
    return this.current.catch(() => undefined);
  }
}

/**
 * Lets the event loop turn once every `rows` calls: a reader that parses without waiting on I/O
 * would otherwise hold back the replies the chunk in flight waits for.
 */
function pacer(rows: number): () => Promise<void> | undefined {
  let count = 0;
  return () => (++count % rows === 0 ? new Promise((resolve) => setImmediate(resolve)) : undefined);
}

/**
 * For a CSV, the cells of a row from the header's last column on (`14 | 5`) when it holds more
 * than the header has columns, or undefined: a separator typed for the decimal comma (« 14;5 » for
 * 14,5) splits a grade in two, and the cell beyond the header would be dropped unseen, storing 14.
 */
function extraCellsOf(
  format: Workbook['format'],
  match: HeaderMatch,
): (row: Row) => string | undefined {
  const width = match.sheet.rows[match.headerRowIndex]?.cells.length ?? 0;
  if (format !== 'csv') {
    return () => undefined;
  }
  return (row) =>
    row.cells.length > width && row.cells.slice(width).some((cell) => cellText(cell).trim() !== '')
      ? row.cells
          .slice(Math.max(0, width - 1))
          .map((cell) => cellText(cell))
          .join(' | ')
      : undefined;
}

let stageSerial = 0;

/** The rows of one file once resolved, in a temporary table dropped at commit. */
class GradeStage {
  private constructor(
    private readonly input: ChannelInput,
    readonly table: string,
  ) {}

  static async create(input: ChannelInput): Promise<GradeStage> {
    stageSerial += 1;
    const table = `grade_stage_${stageSerial}`;
    await input.trx.raw(
      `create temporary table ${table} (
         row_no integer not null, key_text text, assessment_id integer not null,
         student_number text not null, value numeric(6, 2), absence text, blank boolean not null,
         after_lift boolean not null, grade_text text, error_code text, error_detail text,
         dup boolean not null default false
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
      const cell = gradeCell(r.row.get('grade'));
      const parsed =
        'error' in cell
          ? { ok: false as const, code: cell.error }
          : parseGrade(cell, { scale: scales.get(r.assessmentId) ?? 20 });
      const base = [
        r.row.number,
        r.row.text('number') || r.row.text('student'),
        r.assessmentId,
        r.studentNumber,
      ];
      if (!parsed.ok) {
        const detail = 'detail' in parsed ? (parsed.detail ?? null) : null;
        return [
          ...base,
          null,
          null,
          false,
          r.state === 'L',
          r.row.text('grade'),
          parsed.code,
          detail,
        ];
      }
      if (parsed.grade.kind === 'blank') {
        return [...base, null, null, true, r.state === 'L', null, null, null];
      }
      noteAlias(errors, r.row.number, 'Note', parsed);
      const { value, absence } = gradeToStorage(parsed.grade);
      return [...base, value, absence, false, r.state === 'L', null, null, null];
    });
    await copyRows(this.input.trx, this.table, STAGE_COLUMNS, rows);
  }

  /**
   * Lists the rows whose (assessment, student) appears twice (none of them is kept) and the grades
   * that could not be read, in row order; returns how many grades are kept and how many were blank.
   */
  async settleRows(errors: ErrorList): Promise<{ kept: number; blanks: number }> {
    const trx = this.input.trx;
    await trx.raw(
      `update ${this.table} s set dup = true from (
         select assessment_id, student_number from ${this.table}
         group by assessment_id, student_number having count(*) > 1
       ) d where s.assessment_id = d.assessment_id and s.student_number = d.student_number`,
    );
    const faults = (await trx.raw(
      `select row_no, key_text, grade_text, error_code, error_detail, dup from ${this.table}
       where dup or error_code is not null order by row_no`,
    )) as { rows: Fault[] };
    for (const f of faults.rows) {
      if (f.dup) {
        // The value shown is what the person typed in the key column, never a resolved identity.
        errors.add(f.row_no, 'N° anonyme', 'NUMBER_DUPLICATED', f.key_text ?? '');
      } else {
        errors.add(
          f.row_no,
          'Note',
          f.error_code as Parameters<ErrorList['add']>[2],
          f.grade_text ?? '',
          f.error_detail ?? undefined,
        );
      }
    }
    const counts = (await trx.raw(
      `select count(*) filter (where not blank)::int as kept, count(*) filter (where blank)::int as blanks
       from ${this.table} where not dup and error_code is null`,
    )) as { rows: Array<{ kept: number; blanks: number }> };
    return counts.rows[0] ?? { kept: 0, blanks: 0 };
  }

  /** The assessments the file's rows were matched to, as a person names them (`MAT101 session 1`). */
  async assessments(): Promise<string[]> {
    const found = (await this.input.trx.raw(
      `select distinct o.code, a.session from ${this.table} s
       join assessment a on a.id = s.assessment_id join teaching_object o on o.id = a.object_id
       order by o.code, a.session`,
    )) as { rows: Array<{ code: string; session: number }> };
    return found.rows.map((a) => `${a.code} session ${a.session}`);
  }

  /**
   * Lists on the receipt, as notices, the grades this file changes: another grade was recorded for
   * the same number (an earlier file, a typed entry). The import still replaces it (a corrected file
   * is how grades are corrected), but never unseen. Returns how many there are.
   */
  async replaced(errors: ErrorList): Promise<number> {
    const changed = (await this.input.trx.raw(
      `select s.row_no, s.key_text, g.value::text as old_value, g.absence as old_absence,
              s.value::text as new_value, s.absence as new_absence, count(*) over ()::int as total
       from ${this.table} s
       join grade g on g.assessment_id = s.assessment_id and g.student_number = s.student_number
       where not s.dup and s.error_code is null and not s.blank
         and (g.value, g.absence) is distinct from (s.value, s.absence)
       order by s.row_no
       limit ${LISTED_ERRORS}`,
    )) as { rows: Replaced[] };
    for (const r of changed.rows) {
      const before = r.old_value ?? r.old_absence;
      const after = r.new_value ?? r.new_absence;
      errors.note(
        r.row_no,
        'Note',
        'GRADE_REPLACED',
        r.key_text ?? undefined,
        replacedDetail(before, after),
      );
    }
    const total = changed.rows[0]?.total ?? 0;
    errors.unlisted += Math.max(0, total - changed.rows.length);
    return total;
  }

  /** Writes the kept grades in one upsert that leaves unchanged grades untouched. */
  async write(source: string): Promise<void> {
    await upsertFrom(
      this.input.trx,
      GRADE_UPSERT,
      `select assessment_id, student_number, value, absence, ?::text, ?::bigint, 'service', after_lift
       from ${this.table} where not dup and error_code is null and not blank`,
      [source, this.input.intakeId],
    );
  }
}

interface Replaced {
  row_no: number;
  key_text: string | null;
  old_value: string | null;
  old_absence: string | null;
  new_value: string | null;
  new_absence: string | null;
  total: number;
}

interface Fault {
  row_no: number;
  key_text: string | null;
  grade_text: string | null;
  error_code: string;
  error_detail: string | null;
  dup: boolean;
}

/** Where the header is and which key the rows are resolved by; throws when the file cannot be read as grades. */
function plan(
  input: ChannelInput,
  head: Workbook,
): { match: HeaderMatch; specs: ColumnSpec[]; bound: SentWorkbook | undefined } {
  const bound = boundAssessment(input, head);
  const data = visibleOnly(head);
  const specs = keyColumns(data, gradeColumn(data));
  const match = findHeader(data, specs);
  refuseHiddenColumns(match);
  return { match, specs, bound };
}

/** The plan of a file, or its refusal when it cannot be read as grades. */
function planOrRefusal(
  input: ChannelInput,
  head: Workbook,
  errors: ErrorList,
): ReturnType<typeof plan> | ChannelResult {
  try {
    return plan(input, head);
  } catch (error: unknown) {
    if (!(error instanceof AppError)) {
      throw error;
    }
    errors.addError(null, null, error);
    return settle(input, 0, 0, errors, true, 'note');
  }
}

/** Imports a grade file, a chunk of rows at a time. */
export async function importGradeSource(
  input: ChannelInput,
  source: RowSource,
): Promise<ChannelResult> {
  const errors = new ErrorList();
  const layout = planOrRefusal(input, source.head, errors);
  if (!('match' in layout)) {
    return layout;
  }
  const { match, specs, bound } = layout;
  const byNumber = match.columns.number !== undefined;
  const keyFound = byNumber || match.columns.student !== undefined;

  const stage = await GradeStage.create(input);
  const templates: TemplateCache = new Map();
  const scales = new Map<number, number>();
  const returned = bound && byNumber ? new Set<string>() : null;
  let stateRefusal: Resolution['stateRefusal'] = null;
  let read = 0;
  let chunk: Chunk = { rows: [], unread: [] };
  const extraCells = extraCellsOf(source.head.format, match);

  // One chunk is resolved and staged while the next is read: Postgres works on one core while the
  // file is parsed on the other. At most one chunk is in flight, so memory stays flat.
  const flushChunk = async ({ rows, unread }: Chunk): Promise<void> => {
    // Hidden rows are listed when their chunk is flushed, so the receipt lists errors in the same
    // order (and the same first LISTED_ERRORS of them) as when chunks were flushed one by one.
    unread.forEach((u) => errors.add(u.row, null, u.code, u.value));
    if (rows.length === 0 || !keyFound) {
      return;
    }
    const resolution = byNumber
      ? await resolveByNumber(input, rows, errors, bound, templates)
      : await resolveByIdentity(input, rows, errors);
    stateRefusal ??= resolution.stateRefusal;
    await stage.add(resolution.resolved, scales, errors);
  };
  const behind = new OneInFlight();
  const flush = async (): Promise<void> => {
    const full = chunk;
    chunk = { rows: [], unread: [] };
    await behind.start(() => flushChunk(full));
  };

  const pace = pacer(YIELD_ROWS);
  try {
    for await (const row of source.rowsAfter(match)) {
      await pace();
      const keyedRow = keyed(row, match);
      if (!specs.some((s) => keyedRow.text(s.key) !== '')) {
        continue;
      }
      if (row.hidden) {
        chunk.unread.push({ row: row.number, code: 'ROW_HIDDEN' });
        continue;
      }
      const extra = extraCells(row);
      if (extra !== undefined) {
        read += 1;
        chunk.unread.push({ row: row.number, code: 'ROW_EXTRA_CELLS', value: extra });
        continue;
      }
      read += 1;
      returned?.add(normaliseNumber(keyedRow.text('number')));
      chunk.rows.push(keyedRow);
      if (chunk.rows.length >= CHUNK_ROWS) {
        await flush();
      }
    }
    await flush();
  } finally {
    // A read that fails leaves no statement running on the transaction it is about to roll back.
    await behind.settled();
  }
  await behind.done();

  if (read === 0 || !keyFound) {
    errors.addError(
      null,
      null,
      read === 0
        ? new AppError('FILE_NO_DATA')
        : new AppError('COLUMN_MISSING', '(« N° anonyme » ou « COD_ETU »)'),
    );
    return settle(input, 0, 0, errors, true, 'note');
  }
  await reportMissingRows(input, returned, bound, errors);

  return finish(input, stage, errors, read, stateRefusal !== null);
}

/** Settles the receipt, lists the grades the file replaces, then writes the kept grades. */
async function finish(
  input: ChannelInput,
  stage: GradeStage,
  errors: ErrorList,
  read: number,
  stateRefusal: boolean,
): Promise<ChannelResult> {
  const { kept, blanks } = await stage.settleRows(errors);
  // Whether the file is refused does not depend on notices: the grades it replaces are listed only
  // when it is written, and the receipt is settled again so that its counts include them.
  const refused = settle(input, read, kept, errors, stateRefusal, 'note').status === 'rejected';
  const replaced = refused ? 0 : await stage.replaced(errors);
  const result = settle(input, read, kept, errors, stateRefusal, 'note');
  const assessments = await stage.assessments();
  if (assessments.length > 0) {
    result.summary += ` Épreuve(s) : ${assessments.join(', ')}.`;
  }
  if (!refused) {
    result.summary += replacedSummary(replaced);
    await stage.write(input.channel === 'lecteur-optique' ? 'lecteur-optique' : 'fichier');
    if (blanks > 0) {
      result.summary += ` ${blanks} ligne(s) sans note laissée(s) vide(s).`;
    }
  }
  return result;
}
