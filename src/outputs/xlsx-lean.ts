// A workbook rebuilt from the cells a reader gave (a CSV, .ods or .xls), written straight as XML
// and zipped here, without exceljs: for the annotated copy of a 5,000-row CSV, exceljs's writer
// and the garbage it left took most of the CPU of the whole import (issue 7). It writes what the
// copy needs and no more: the cells at their own rows and columns (numbers and booleans typed,
// text neutralised by `safeText` so that nothing becomes a formula), filled cells with their notes
// (the service as author), and one table sheet styled as `addTableSheet` and `addTableRow` style it
// (bold filled bordered header, frozen, repeated on printed pages, A4 one page wide).
import type { Cell, Row } from '../readers/table.js';
import type { CellInput } from './xlsx-layout.js';
import { leanPackage, sheetPath, STYLE } from './xlsx-lean-parts.js';
import {
  printSetup,
  ROW_FORMAT,
  SHEET_HEAD,
  TableSheetWriter,
  textCell,
} from './xlsx-lean-sheet.js';
import { textWidth } from './text-fit.js';
import { clampText, columnName, SharedStrings } from './xlsx-lean-text.js';
import { deflatedPart, dosStamp } from './zip-write.js';

/** A cell to fill with a colour (ARGB) and annotate with a note; row and column 1-based. */
export interface CellMark {
  row: number;
  column: number;
  fill: string;
  note: string;
}

/** A sheet of cells as read, under a name the workbook accepts (see `freeSheetName`). */
export interface LeanSheet {
  name: string;
  rows: readonly Row[];
  marks?: readonly CellMark[];
}

/** A table sheet: header row, column widths as `addTableSheet` takes them, rows of values. */
export interface LeanTable {
  name: string;
  headers: string[];
  widths: number[];
  rows: CellInput[][];
}

/** Excel's last row and column: a cell beyond them cannot be written. */
const MAX_ROW = 1_048_576;
const MAX_COLUMN = 16_384;
/** Widest a rebuilt sheet's column is made (in characters), and how many columns are sized. */
const MAX_DATA_WIDTH = 60;
const SIZED_COLUMNS = 256;
/** Excel's width of a column nobody sized. */
const DEFAULT_WIDTH = 8.43;

/** The rows, cells and written area of a sheet as it is built. */
class SheetBody {
  readonly rows: string[] = [];
  private top = 0;
  private bottom = 0;
  private left = MAX_COLUMN;
  private right = 0;

  /** Adds row `number` of `cells` (XML, columns ascending) spanning `first`…`last`. */
  add(number: number, cells: string, first: number, last: number, attributes = ''): void {
    this.rows.push(`<row r="${number}"${attributes}>${cells}</row>`);
    this.top ||= number;
    this.bottom = number;
    this.left = Math.min(this.left, first);
    this.right = Math.max(this.right, last);
  }

  /** The `dimension` element: the area holding cells. */
  dimension(): string {
    const ref =
      this.right === 0
        ? 'A1'
        : `${columnName(this.left)}${this.top}:${columnName(this.right)}${this.bottom}`;
    return `<dimension ref="${ref}"/>`;
  }
}

/** A cell's XML, `''` for a blank one without style. */
function cellXml(
  ref: string,
  cell: Cell | undefined,
  style: number,
  strings: SharedStrings,
): string {
  const s = style > 0 ? ` s="${style}"` : '';
  switch (cell?.kind) {
    case undefined:
    case 'blank':
      break;
    case 'number':
      if (Number.isFinite(cell.value)) {
        return `<c r="${ref}"${s}><v>${cell.value}</v></c>`;
      }
      return textCell(ref, s, cell.raw, strings);
    case 'bool':
      return `<c r="${ref}"${s} t="b"><v>${cell.value ? 1 : 0}</v></c>`;
    case 'text':
    case 'date':
    case 'error':
    case 'formula_no_value':
      return textCell(ref, s, cell.raw, strings);
  }
  return s ? `<c r="${ref}"${s}/>` : '';
}

/** Rows in ascending order, one per number (a later row's cells over an earlier one's). */
function ordered(rows: readonly Row[]): readonly Row[] {
  if (rows.every((row, i) => i === 0 || row.number > (rows[i - 1]?.number ?? 0))) {
    return rows;
  }
  const merged = new Map<number, Cell[]>();
  for (const row of rows) {
    const cells = merged.get(row.number) ?? [];
    row.cells.forEach((cell, i) => (cells[i] = cell));
    merged.set(row.number, cells);
  }
  return [...merged]
    .sort(([a], [b]) => a - b)
    .map(([number, cells]) => ({
      number,
      cells: Array.from(cells, (c) => c ?? { kind: 'blank' }),
    }));
}

/** Writes one row: its cells and the marked cells of `marks` (sorted by column), in column order. */
function addRow(
  body: SheetBody,
  number: number,
  cells: readonly Cell[],
  marks: readonly CellMark[],
  context: { strings: SharedStrings; styleOf: (fill: string) => number },
): void {
  let xml = '';
  let first = 0;
  let last = 0;
  let m = 0;
  const end = Math.min(MAX_COLUMN, Math.max(cells.length, marks.at(-1)?.column ?? 0));
  for (let column = 1; column <= end; column += 1) {
    while ((marks[m]?.column ?? MAX_COLUMN + 1) < column) {
      m += 1;
    }
    const mark = marks[m]?.column === column ? marks[m] : undefined;
    const style = mark ? context.styleOf(mark.fill) : 0;
    const cell = cellXml(
      `${columnName(column)}${number}`,
      cells[column - 1],
      style,
      context.strings,
    );
    if (cell !== '') {
      xml += cell;
      first ||= column;
      last = column;
    }
  }
  if (xml !== '') {
    body.add(number, xml, first, last);
  }
}

/** Marks (sorted) by row. */
function marksByRow(marks: readonly CellMark[]): Map<number, CellMark[]> {
  const byRow = new Map<number, CellMark[]>();
  for (const mark of marks) {
    const row = byRow.get(mark.row);
    if (row) {
      row.push(mark);
    } else {
      byRow.set(mark.row, [mark]);
    }
  }
  return byRow;
}

/** The marks a sheet can hold, sorted by row then column. */
function writableMarks(marks: readonly CellMark[]): CellMark[] {
  return marks
    .filter((m) => m.row >= 1 && m.row <= MAX_ROW && m.column >= 1 && m.column <= MAX_COLUMN)
    .sort((a, b) => a.row - b.row || a.column - b.column);
}

/** The XML of a sheet of cells as read, its marked cells filled (and given a note elsewhere). */
function cellsSheetXml(
  sheet: LeanSheet,
  marks: readonly CellMark[],
  context: { strings: SharedStrings; styleOf: (fill: string) => number },
): string {
  const body = new SheetBody();
  const byRow = marksByRow(marks);
  const markRows = [...byRow.keys()];
  let m = 0;
  const flushMarksBefore = (number: number): void => {
    for (; m < markRows.length && (markRows[m] ?? 0) < number; m += 1) {
      const row = markRows[m] ?? 0;
      addRow(body, row, [], byRow.get(row) ?? [], context);
    }
  };
  for (const row of ordered(sheet.rows)) {
    if (row.number < 1 || row.number > MAX_ROW) {
      continue;
    }
    flushMarksBefore(row.number);
    const rowMarks = markRows[m] === row.number ? byRow.get(markRows[m++] ?? 0) : undefined;
    addRow(body, row.number, row.cells, rowMarks ?? [], context);
  }
  flushMarksBefore(MAX_ROW + 1);

  const notes = marks.length > 0 ? '<legacyDrawing r:id="rId2"/>' : '';
  // Printed as every outbox sheet is (A4, one page wide, the sheet's name in the footer), each
  // column as wide as its widest text, up to a limit.
  return (
    `${SHEET_HEAD}<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>${body.dimension()}${ROW_FORMAT}` +
    `${columnWidths(sheet.rows)}<sheetData>${body.rows.join('')}</sheetData>` +
    `${printSetup('portrait')}${notes}</worksheet>`
  );
}

/** The `cols` element sizing each column (of the first SIZED_COLUMNS) to its widest text. */
function columnWidths(rows: readonly Row[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.cells.slice(0, SIZED_COLUMNS).forEach((cell, i) => {
      const text = cell.kind === 'blank' ? '' : cell.raw;
      if (text !== '') {
        widths[i] = Math.max(widths[i] ?? 0, Math.min(MAX_DATA_WIDTH, textWidth(text) + 1));
      }
    });
  }
  const cols = Array.from(widths, (w, i) =>
    w === undefined || w <= DEFAULT_WIDTH
      ? ''
      : `<col min="${i + 1}" max="${i + 1}" width="${Math.ceil(w)}" customWidth="1"/>`,
  ).join('');
  return cols === '' ? '' : `<cols>${cols}</cols>`;
}

/**
 * The .xlsx of `sheets` then `table`, in that order; the notes of the marked cells (of one sheet
 * at most) name `author`. Sheet names must already be ones Excel accepts, distinct.
 */
export function leanWorkbook(sheets: LeanSheet[], table: LeanTable, author: string): Buffer {
  const strings = new SharedStrings();
  const fills: string[] = [];
  const styleOf = (fill: string): number => {
    const at = fills.includes(fill) ? fills.indexOf(fill) : fills.push(fill) - 1;
    return STYLE.firstFill + at;
  };
  const marked = sheets.findIndex((sheet) => (sheet.marks?.length ?? 0) > 0);
  const marks = writableMarks(sheets[marked]?.marks ?? []);

  const now = new Date();
  const stamp = dosStamp(now);
  const parts = sheets.map((sheet, i) => {
    const xml = cellsSheetXml(sheet, i === marked ? marks : [], { strings, styleOf });
    return deflatedPart(sheetPath(i), Buffer.from(xml, 'utf8'), stamp);
  });
  // Laid out as the receipt's list: landscape, each row as tall as its wrapped text, filtered.
  const list = new TableSheetWriter(
    { ...table, orientation: 'landscape', fitRows: true, filter: true },
    strings,
    sheetPath(sheets.length),
    stamp,
  );
  table.rows.forEach((row) => list.addRow(row));
  parts.push(list.finish());

  const notes = marks.map((mark) => ({
    row: mark.row,
    column: mark.column,
    text: clampText(mark.note),
  }));
  return leanPackage({
    names: [...sheets.map((sheet) => sheet.name), table.name],
    sheets: parts,
    strings,
    fills,
    printTitles: { sheet: sheets.length, row: 1 },
    author,
    now,
    stamp,
    notes: { sheet: marked, notes },
  });
}
