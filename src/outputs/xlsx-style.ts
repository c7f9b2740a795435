// The look and the plumbing every outbox workbook shares: workbook properties, the title block,
// the styled and frozen header row, column widths, A4 printing, and the one way a value reaches a
// cell (text through `safeText`). Builders describe their content; this file lays it out.
//
// Spreadsheets do not size rows for text a library wrote (LibreOffice keeps the default height,
// Excel too until someone edits the row): every wrapped or large row gets its height here, from
// the estimate of text-fit.ts, so that nothing is cut off when the file is printed as it comes.

import ExcelJS from 'exceljs';

import { safeText } from './safe-text.js';
import { withNoteAuthor } from './xlsx-note-author.js';
import { fitsWidth, linesHeight, wrappedLines } from './text-fit.js';
import {
  A4,
  type CellInput,
  DEFAULT_WIDTH,
  freeSheetName,
  HEADER_COLOUR,
  headerWidths,
  MARGINS,
  type Orientation,
  OUTPUT_AUTHOR,
  PAGE_FOOTER,
  sheetFont,
  TITLE_SIZE,
} from './xlsx-layout.js';

// The shared constants live apart from exceljs (xlsx-layout.ts); builders keep finding them here.
export * from './xlsx-layout.js';

/** Number format of grades: two decimals, shown with a decimal comma by a French spreadsheet. */
export const GRADE_FORMAT = '0.00';

/** What a table sheet shows above and in its header row. */
export interface TableLayout {
  /** Bold title in the first row; no title block at all when absent (mail-merge sheets). */
  title?: string;
  /** Context lines under the title (template, assessment, year …). */
  lines?: string[];
  headers: string[];
  /** Column widths in characters, one per header; widened where a header word would not fit. */
  widths: number[];
  /** Text printed at the top of every page, e.g. "CONFIDENTIEL". */
  pageHeader?: string;
  /** Portrait unless the table is too wide to be read once shrunk to a portrait page. */
  orientation?: Orientation;
}

const HEADER_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: HEADER_COLOUR },
};

const THIN_BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  bottom: { style: 'thin' },
  left: { style: 'thin' },
  right: { style: 'thin' },
};

/** A new workbook whose properties name the service, never a person. */
export function createWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = OUTPUT_AUTHOR;
  wb.lastModifiedBy = OUTPUT_AUTHOR;

  return wb;
}

/** The .xlsx bytes of a workbook. */
export async function workbookBytes(wb: ExcelJS.Workbook): Promise<Buffer> {
  // Deflate's fastest level: sheet XML is repetitive, so files grow little, and the default level
  // spent more time compressing a 10,000-row annotated copy than building it (issue 7).
  const data = await wb.xlsx.writeBuffer({
    zip: { compression: 'DEFLATE', compressionOptions: { level: 1 } },
  });

  // exceljs types its result as a bare ArrayBuffer; under Node it is already a Buffer.
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
  // Cell notes name the service too, not exceljs's « Author ».
  return withNoteAuthor(bytes, OUTPUT_AUTHOR);
}

/** The value a cell receives: text neutralised so it can never start a formula. */
export function cellValue(value: CellInput): ExcelJS.CellValue {
  return typeof value === 'string' ? safeText(value) : value;
}

/** Appends a row of values (text neutralised, numbers typed) and returns it. */
export function addValues(ws: ExcelJS.Worksheet, values: CellInput[]): ExcelJS.Row {
  return ws.addRow(values.map(cellValue));
}

/** Appends a bordered table row (text neutralised, numbers typed) and returns it. */
export function addTableRow(ws: ExcelJS.Worksheet, values: CellInput[]): ExcelJS.Row {
  const row = addValues(ws, values);
  borderRow(row, values.length);

  return row;
}

/** Width of a cell in column units: its column, or every column of the merged area it starts. */
export function cellWidth(ws: ExcelJS.Worksheet, cell: ExcelJS.Cell): number {
  const width = (column: number): number => ws.getColumn(column).width ?? DEFAULT_WIDTH;
  const merged = mergedRange(ws, cell);
  let total = 0;
  for (let c = merged.left; c <= merged.right; c += 1) {
    total += width(c);
  }

  return total;
}

/** Columns covered by the merged area a cell starts (the cell alone when it is not merged). */
function mergedRange(ws: ExcelJS.Worksheet, cell: ExcelJS.Cell): { left: number; right: number } {
  // exceljs keeps merges in a private map keyed by the top-left address.
  const merges = (ws as unknown as { _merges?: Record<string, { right: number } | undefined> })
    ._merges;
  const right = merges?.[cell.address]?.right ?? Number(cell.col);

  return { left: Number(cell.col), right };
}

/** Gives a row the height its wrapped cells need (never less than one line of its largest font). */
export function fitRowHeight(ws: ExcelJS.Worksheet, row: ExcelJS.Row): void {
  let height = 0;
  row.eachCell((cell) => {
    // The other cells of a merged area read the value of its first cell: count that one once.
    if (cell.master.address !== cell.address) {
      return;
    }
    const size = cell.font?.size ?? 11;
    const text = typeof cell.value === 'string' ? cell.value : '';
    const lines = cell.alignment?.wrapText
      ? wrappedLines(text, cellWidth(ws, cell), size, cell.font?.bold === true)
      : 1;
    height = Math.max(height, linesHeight(lines, size));
  });

  if (height > linesHeight(1)) {
    row.height = height;
  }
}

/**
 * Lets free text (an object label, a name) wrap in `columns` of a row that would otherwise cut it,
 * the whole row then aligned to the top and as tall as its longest text. Rows whose text fits
 * keep the default style: a 20,000-row sheet pays nothing for it.
 */
export function wrapColumns(ws: ExcelJS.Worksheet, row: ExcelJS.Row, columns: number[]): void {
  const cut = columns.filter((c) => {
    const cell = row.getCell(c);
    return typeof cell.value === 'string' && !fitsWidth(cell.value, cellWidth(ws, cell));
  });
  if (cut.length === 0) {
    return;
  }

  row.alignment = { vertical: 'top' };
  for (const c of cut) {
    row.getCell(c).alignment = { vertical: 'top', wrapText: true };
  }
  fitRowHeight(ws, row);
}

/** Appends label/value rows, labels in bold over `labelSpan` columns; returns the first row. */
export function addPairs(
  ws: ExcelJS.Worksheet,
  pairs: Array<[string, CellInput]>,
  labelSpan = 1,
): number {
  const first = ws.rowCount + 1;
  const valueColumn = labelSpan + 1;

  for (const [label, value] of pairs) {
    const row = addValues(ws, [label, ...new Array<CellInput>(labelSpan - 1).fill(null), value]);
    if (labelSpan > 1) {
      ws.mergeCells(row.number, 1, row.number, labelSpan);
    }
    row.getCell(1).font = sheetFont({ bold: true });
    row.getCell(1).alignment = { vertical: 'top' };
    row.getCell(valueColumn).alignment = { horizontal: 'left', vertical: 'top', wrapText: true };
    fitRowHeight(ws, row);
  }

  return first;
}

/** A sheet of label/value pairs under a title (receipt and report summaries), set up for A4. */
export function addPairsSheet(
  wb: ExcelJS.Workbook,
  name: string,
  layout: { title: string; lines?: string[]; widths: [number, number] },
  pairs: Array<[string, CellInput]>,
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(uniqueSheetName(wb, name));
  setColumnWidths(ws, layout.widths);
  addTitleBlock(ws, layout.title, layout.lines, 2);
  addPairs(ws, pairs);
  setupA4(ws);

  return ws;
}

/** Bold, filled, bordered and wrapped: the look of every header row. */
export function styleHeaderRow(row: ExcelJS.Row): void {
  row.font = sheetFont({ bold: true });

  row.eachCell((cell) => {
    cell.fill = HEADER_FILL;
    cell.border = THIN_BORDER;
    cell.alignment = { vertical: 'middle', wrapText: true };
  });
}

/** Thin borders around every cell of a data row, as printed tables need. */
export function borderRow(row: ExcelJS.Row, columns: number): void {
  for (let column = 1; column <= columns; column += 1) {
    row.getCell(column).border = THIN_BORDER;
  }
}

/** Sets column widths, in characters, from the first column on. */
export function setColumnWidths(ws: ExcelJS.Worksheet, widths: number[]): void {
  widths.forEach((width, index) => {
    ws.getColumn(index + 1).width = width;
  });
}

/** Keeps every row up to and including `headerRow` in view while scrolling. */
export function freezeThrough(ws: ExcelJS.Worksheet, headerRow: number): void {
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: headerRow, topLeftCell: `A${headerRow + 1}` }];
}

/** How a sheet prints: the repeated header row, a confidentiality header, the orientation. */
export interface PrintLayout {
  headerRow?: number;
  pageHeader?: string;
  orientation?: Orientation;
}

/** A4, one page wide, the header row (if any) repeated on every page, pages numbered. */
export function setupA4(ws: ExcelJS.Worksheet, print: PrintLayout = {}): void {
  ws.pageSetup = {
    paperSize: A4,
    orientation: print.orientation ?? 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    // 0 lets the sheet run over as many pages as it needs.
    fitToHeight: 0,
    margins: MARGINS,
    ...(print.headerRow === undefined
      ? {}
      : { printTitlesRow: `${print.headerRow}:${print.headerRow}` }),
  };

  // Header and footer strings are Excel codes (&C centre, &A sheet name, &P page, &N pages): only
  // our own constants go in, never data, since an ampersand in data would be read as a code. The
  // sheet name tells the pages of a many-sheet workbook apart once printed.
  ws.headerFooter = {
    oddHeader: print.pageHeader ? `&C&B${print.pageHeader}` : '',
    oddFooter: PAGE_FOOTER,
  };
}

/**
 * Writes the bold title and its context lines, then a blank row; nothing when there is no title.
 * With `columns`, each line is merged over that many columns and wraps there instead of running
 * past the printed area.
 */
export function addTitleBlock(
  ws: ExcelJS.Worksheet,
  title?: string,
  lines: string[] = [],
  columns = 1,
): void {
  if (title === undefined) {
    return;
  }

  const titleRow = addValues(ws, [title]);
  titleRow.getCell(1).font = sheetFont({ bold: true, size: TITLE_SIZE });
  const rows = [titleRow, ...lines.map((line) => addValues(ws, [line]))];

  for (const row of rows) {
    if (columns > 1) {
      ws.mergeCells(row.number, 1, row.number, columns);
    }
    row.getCell(1).alignment = { vertical: 'top', wrapText: true };
    fitRowHeight(ws, row);
  }

  ws.addRow([]);
}

/** A sheet with its title block and styled header row, frozen and set up for A4 printing. */
export function addTableSheet(
  wb: ExcelJS.Workbook,
  name: string,
  layout: TableLayout,
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(uniqueSheetName(wb, name));
  setColumnWidths(ws, headerWidths(layout.headers, layout.widths));
  addTitleBlock(ws, layout.title, layout.lines, layout.headers.length);

  const header = addValues(ws, layout.headers);
  styleHeaderRow(header);
  fitRowHeight(ws, header);

  freezeThrough(ws, header.number);
  setupA4(ws, {
    headerRow: header.number,
    pageHeader: layout.pageHeader,
    orientation: layout.orientation,
  });

  return ws;
}

/** A sheet name Excel accepts and the workbook does not hold yet ("ABC S1", "ABC S1 (2)" …). */
export function uniqueSheetName(wb: ExcelJS.Workbook, wanted: string): string {
  return freeSheetName(
    wb.worksheets.map((ws) => ws.name),
    wanted,
  );
}
