// Grade files imported a chunk of rows at a time, so that memory stays flat however long the file:
// each chunk is resolved (numbers → students, state checks) and parsed, then COPYed into a staging
// table; duplicates across the whole file, the counts and the final upsert are one SQL statement
// each. A workbook goes through the same code as a CSV stream (its rows are already in memory).
import { AppError } from '../domain/errors.js';
import { headingsRead, type ColumnSpec, type HeaderMatch } from '../readers/columns.js';
import type { Row, Workbook } from '../readers/table.js';
import {
  assessmentColumnRefusal,
  boundNameContradiction,
  titleContradiction,
} from './assessment-column.js';
import { GradeStage } from './grade-stage.js';
import { listFaults } from './grade-settlement.js';
import { blanksSummary, newerKeptSummary, replacedSummary, writtenSummary } from './grade-store.js';
import { boundAssessment, gradeColumn, keyColumns, visibleOnly } from './grades.js';
import { JURY_RESULT_COLUMN, noteOtherChannelColumns } from './other-channel.js';
import { assessmentsSentence, settle } from './settle.js';
import { normaliseNumber, type TemplateCache } from './numbers.js';
import {
  recheckStates,
  resolveByNumber,
  type ImportOperation,
  type Resolution,
} from './resolve.js';
import { resolveByIdentity } from './resolve-identity.js';
import {
  assertEntrySheetRead,
  entrySheetFirst,
  reportMissingRows,
  type SentWorkbook,
} from './returned-workbook.js';
import { extraCellsOf, type CutRow } from './row-cut.js';
import { ErrorList, findTableHeader, keyed, type KeyedRow } from './rows.js';
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
  /**
   * The data rows below the header row, in file order, a batch at a time: a reader hands over what
   * one slice of the file held, so that no row costs a promise of its own.
   */
  rowsAfter(match: HeaderMatch): Iterable<readonly Row[]> | AsyncIterable<readonly Row[]>;
}

/** A workbook already read as a source. */
export function workbookSource(workbook: Workbook): RowSource {
  return {
    head: workbook,
    rowsAfter: (match) => [match.sheet.rows.slice(match.headerRowIndex + 1)],
  };
}

/** A stream of batches of rows as a source: its first rows are read ahead to find the header. */
export function streamSource(
  format: Workbook['format'],
  batches: Iterable<readonly Row[]>,
): RowSource {
  const iterator = batches[Symbol.iterator]();
  const first: Row[] = [];
  while (first.length < HEAD_ROWS) {
    const next = iterator.next();
    if (next.done) {
      break;
    }
    next.value.forEach((row) => first.push(row));
  }
  return {
    head: { format, sheets: [{ name: '', state: 'visible', rows: first.slice(0, HEAD_ROWS) }] },
    *rowsAfter(match) {
      yield first.slice(match.headerRowIndex + 1);
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        yield next.value;
      }
    },
  };
}

/** Rows read and not yet resolved: the rows to import, and the rows not read (with why) to list. */
interface Chunk {
  rows: KeyedRow[];
  unread: Array<{
    row: number;
    code: 'ROW_HIDDEN' | CutRow['code'];
    column?: string | null;
    value?: string;
  }>;
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
 * Lets the event loop turn once every `rows` calls (and only then costs a promise): a reader that
 * parses without waiting on I/O would otherwise hold back the replies the chunk in flight waits for.
 */
function pacer(rows: number): () => Promise<void> | undefined {
  let count = 0;
  return () => (++count % rows === 0 ? new Promise((resolve) => setImmediate(resolve)) : undefined);
}

/**
 * Puts a row with a key into its chunk: a hidden row, or a CSV row with cells beyond the header, to
 * be listed as not read; any other to be imported. Says which.
 */
function place(
  chunk: Chunk,
  row: Row,
  keyedRow: KeyedRow,
  extraCells: (row: Row) => CutRow | undefined,
): 'hidden' | 'split' | 'kept' {
  if (row.hidden) {
    chunk.unread.push({ row: row.number, code: 'ROW_HIDDEN' });
    return 'hidden';
  }
  const cut = extraCells(row);
  if (cut !== undefined) {
    chunk.unread.push({ row: row.number, ...cut });
    return 'split';
  }
  chunk.rows.push(keyedRow);
  return 'kept';
}

/** The refusal of a file with grades but no key column, with the headings it read. */
function keyMissing(match: HeaderMatch): AppError {
  const read = headingsRead(match.sheet, match.headerRowIndex);
  return new AppError('COLUMN_MISSING', `(« N° anonyme » ou « COD_ETU »${read})`);
}

/** Where the header is and which key the rows are resolved by; throws when the file cannot be read as grades. */
function plan(
  input: ChannelInput,
  head: Workbook,
): { match: HeaderMatch; specs: ColumnSpec[]; bound: SentWorkbook | undefined } {
  const bound = boundAssessment(input, head);
  // A returned workbook is read from its entry sheet first: a sheet of instructions put before it
  // was read instead, and the file refused for a header it never had (trial).
  const sheets = bound ? entrySheetFirst(head) : head;
  const data = visibleOnly(sheets);
  const specs = keyColumns(data, gradeColumn(data));
  // The whole head: a hidden sheet holding a table of grades refuses the file.
  const match = findTableHeader(sheets, specs);
  if (bound) {
    assertEntrySheetRead(sheets, match);
  }
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

/**
 * Why the file cannot be read row by row at all: no column naming the exam of a file keyed by
 * student number, or its exam in doubt. A returned workbook's signed fingerprint names its exam,
 * whatever its title says; a file name naming another one is a doubt the person settles.
 */
async function wholeFileDoubt(
  input: ChannelInput,
  match: HeaderMatch,
  bound: SentWorkbook | undefined,
): Promise<AppError | null> {
  return (
    (await assessmentColumnRefusal(input, match)) ??
    (bound
      ? await boundNameContradiction(input, bound.assessmentId)
      : await titleContradiction(input, match))
  );
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
  // Decisions are not read here: a « Résultat » column beside the grades is named on the receipt.
  noteOtherChannelColumns(match, JURY_RESULT_COLUMN, 'jury', errors);
  const unmatched = await wholeFileDoubt(input, match, bound);
  if (unmatched) {
    errors.addError(null, null, unmatched);
    return settle(input, 0, 0, errors, true, 'note');
  }
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
    unread.forEach((u) => errors.add(u.row, u.column ?? null, u.code, u.value));
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
    for await (const batch of source.rowsAfter(match)) {
      for (const row of batch) {
        const turn = pace();
        if (turn) {
          await turn;
        }
        const keyedRow = keyed(row, match);
        if (!specs.some((s) => keyedRow.text(s.key) !== '')) {
          continue;
        }
        const placed = place(chunk, row, keyedRow, extraCells);
        read += placed === 'hidden' ? 0 : 1;
        if (placed === 'kept') {
          returned?.add(normaliseNumber(keyedRow.text('number')));
          if (chunk.rows.length >= CHUNK_ROWS) {
            await flush();
          }
        }
      }
    }
    await flush();
  } finally {
    // A read that fails leaves no statement running on the transaction it is about to roll back.
    await behind.settled();
  }
  await behind.done();

  if (read === 0 || !keyFound) {
    errors.addError(null, null, read === 0 ? new AppError('FILE_NO_DATA') : keyMissing(match));
    return settle(input, 0, 0, errors, true, 'note');
  }
  await reportMissingRows(input, returned, bound, errors);

  const operation = byNumber ? 'import_by_number' : 'import_by_identity';
  return finish(input, stage, errors, read, { operation, refused: stateRefusal !== null });
}

/**
 * Decides the file again on the states at write time (a state change committed while it was read
 * refuses it as one seen up front would), settles the receipt, lists the grades the file replaces,
 * then writes the kept grades.
 */
async function finish(
  input: ChannelInput,
  stage: GradeStage,
  errors: ErrorList,
  read: number,
  decided: { operation: ImportOperation; refused: boolean },
): Promise<ChannelResult> {
  await stage.analyse();
  // What needs only the stage is read before the re-check takes the locks other writes to these
  // assessments wait for: with four workers importing into one exam, each statement run under them
  // waited for its process to be scheduled again (the locks were held 5 times as long as with one).
  let settlement = await stage.settlement();
  let names = await stage.assessments();
  // Before the re-check takes out the rows of an assessment now refused: they were matched too.
  const matched = stage.assessmentIds();
  const check = await recheckStates(
    input,
    decided.operation,
    matched,
    (ids) => stage.take(ids),
    errors,
  );
  if (check.stateRefusal !== null) {
    // Rows were taken out: settled again on what is left, as if they had been refused up front.
    settlement = await stage.settlement();
    names = await stage.assessments();
  }
  const stateRefusal = decided.refused || check.stateRefusal !== null;
  listFaults(settlement, errors);
  const { kept, blanks } = settlement;
  // Whether the file is refused does not depend on notices: the grades it replaces are listed only
  // when it is written, and the receipt is settled again so that its counts include them.
  const refused = settle(input, read, kept, errors, stateRefusal, 'note').status === 'rejected';
  // Not refused, the file keeps every assessment it matched (one taken out refuses it).
  let compared = refused
    ? { fresh: 0, recorded: 0, changed: 0, newer: false }
    : await stage.compare(matched);
  const newerKept = compared.newer ? await stage.newerKept(errors) : 0;
  if (newerKept > 0) {
    compared = await stage.compare(matched);
  }
  const replaced = refused ? { count: 0, sameTime: 0 } : await stage.replaced(errors, compared);
  // Rows whose grade stays the later one's are not recorded: the counts say so.
  const result = settle(input, read, kept - newerKept, errors, stateRefusal, 'note');
  result.assessmentIds = matched;
  result.summary += assessmentsSentence(names);
  if (!refused) {
    result.summary +=
      replacedSummary(replaced.count, replaced.sameTime) + newerKeptSummary(newerKept);
    const written = await stage.write(check.states, matched, kept - newerKept, compared);
    result.summary += await writtenSummary(
      input.trx,
      { kept: kept - newerKept, written },
      input.intakeId,
      check.states,
    );
    result.summary += blanksSummary(blanks);
  }
  return result;
}
