// An Excel workbook read a chunk of rows at a time (issue 4), for grade workbooks of a million rows:
// the rows a channel imports are streamed from the sheet part and never all held. What must be known
// before the first row is resolved is read first: the archive vetted and the shared strings read as
// readers/xlsx-fast.ts does, then each sheet scanned once without building cells for its merged
// areas (written after the rows), hidden columns and row order, then its first rows (where the
// header is looked for). The rows after the header are read again from the start of the part.
//
// Same rows, numbers, cells and refusals as readWorkbook (test/readers/xlsx-stream.test.ts): the
// scan without cells runs the same tag reader (xlsx-fast-sheet.ts) and refuses what it would, and
// merged areas are applied by the same sweep. A sheet whose rows are out of order, which no known
// writer produces, is read whole, as readWorkbook must sort it.

import { AppError } from '../domain/errors.js';
import type { HeaderMatch } from './columns.js';
import type { Row, Sheet, Workbook } from './table.js';
import { MergedAreas } from './xlsx-fast-cells.js';
import {
  SheetHandler,
  SheetOutline,
  withHiddenColumns,
  type SheetTags,
} from './xlsx-fast-sheet.js';
import { openXlsx, readSheet, scanPart, scanWholePart, type OpenedXlsx } from './xlsx-fast.js';

/** Rows of each sheet read ahead: readers/columns.ts looks for a header among as many. */
const HEAD_ROWS = 20;

/** How to read a workbook as a stream. */
export interface XlsxSourceOptions {
  /** Sheets read whole into the head, such as the signed fingerprint of a grade-entry workbook. */
  wholeSheets?: readonly string[];
}

/** A workbook as a source of rows: the first rows of every sheet, and the rows under a header. */
export interface XlsxSource {
  /** Every sheet with its first rows (all of them for a sheet read whole). */
  head: Workbook;
  /** The rows of the matched sheet after the header row, in order, a batch at a time as needed. */
  rowsAfter(match: HeaderMatch): AsyncIterable<readonly Row[]>;
}

type OpenedSheet = OpenedXlsx['sheets'][number];

/** One sheet once outlined: streamed from its part, or held whole. */
type SheetPlan =
  { kind: 'stream'; sheet: OpenedSheet; tags: SheetTags } | { kind: 'whole'; rows: readonly Row[] };

/**
 * The rows of a sheet in order, merged areas applied, parsed a chunk at a time and handed over by
 * the chunk: one promise per chunk rather than per row (measured: 0.5 s less per million rows).
 */
function sheetRows(book: OpenedXlsx, sheet: OpenedSheet, tags: SheetTags): AsyncGenerator<Row[]> {
  const completed: Row[] = [];
  const handler = new SheetHandler(book.shared, book.styles, book.date1904, (row) => {
    completed.push(row);
  });
  const areas = new MergedAreas(tags.merges);
  const take = (): Row[] => completed.splice(0).filter((row) => areas.keeps(row));

  return scanPart(book.bytes, sheet.entry, handler, take);
}

/** The first `count` rows of a sheet; the rest of its part is not inflated. */
async function firstRows(chunks: AsyncIterable<Row[]>, count: number): Promise<Row[]> {
  const first: Row[] = [];
  for await (const rows of chunks) {
    first.push(...rows.slice(0, count - first.length));
    if (first.length >= count) {
      break;
    }
  }
  return first;
}

/** Outlines a sheet (refusing what reading it would refuse) and reads its head. */
async function planSheet(
  book: OpenedXlsx,
  sheet: OpenedSheet,
  whole: boolean,
): Promise<{ plan: SheetPlan; head: Sheet }> {
  const outline = new SheetOutline(book.shared);
  await scanWholePart(book.bytes, sheet.entry, outline);

  if (whole || !outline.ordered) {
    const read = await readSheet(book, sheet);
    return { plan: { kind: 'whole', rows: read.rows }, head: read };
  }
  const rows = await firstRows(sheetRows(book, sheet, outline), HEAD_ROWS);
  const head = withHiddenColumns({ name: sheet.name, state: sheet.state, rows }, outline);
  return { plan: { kind: 'stream', sheet, tags: outline }, head };
}

/**
 * Opens an .xlsx or .xlsm workbook as a stream of rows. Refuses it as readWorkbook does (bounds,
 * encryption, DTD, damage, FILE_NO_DATA when every sheet is empty) before a row is handed over.
 */
export async function xlsxSource(
  bytes: Buffer,
  options: XlsxSourceOptions = {},
): Promise<XlsxSource> {
  const book = await openXlsx(bytes);
  const wholeNames = new Set(options.wholeSheets ?? []);

  const plans = new Map<Sheet, SheetPlan>();
  const heads: Sheet[] = [];
  for (const sheet of book.sheets) {
    const { plan, head } = await planSheet(book, sheet, wholeNames.has(sheet.name));
    plans.set(head, plan);
    heads.push(head);
  }
  if (heads.every((sheet) => sheet.rows.length === 0)) {
    throw new AppError('FILE_NO_DATA');
  }

  return {
    head: { format: 'xlsx', sheets: heads },
    async *rowsAfter(match) {
      const plan = plans.get(match.sheet);
      if (!plan) {
        throw new Error('rowsAfter: the header was not found in this workbook');
      }
      if (plan.kind === 'whole') {
        yield plan.rows.slice(match.headerRowIndex + 1);
        return;
      }
      // The rows down to the header are parsed again: the head holds at most 20 of them.
      let skip = match.headerRowIndex + 1;
      for await (const rows of sheetRows(book, plan.sheet, plan.tags)) {
        yield skip > 0 ? rows.slice(skip) : rows;
        skip = Math.max(0, skip - rows.length);
      }
    },
  };
}
