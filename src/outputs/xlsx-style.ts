// The look and the plumbing every outbox workbook shares: workbook properties, the title block,
// the styled and frozen header row, column widths, A4 printing, and the one way a value reaches a
// cell (text through `safeText`). Builders describe their content; this file lays it out.

import ExcelJS from 'exceljs';

import { safeText } from './safe-text.js';

/** Author written in every workbook's properties: the service, never a person. */
export const OUTPUT_AUTHOR = 'anonymat';

/** Number format of grades: two decimals, shown with a decimal comma by a French spreadsheet. */
export const GRADE_FORMAT = '0.00';

/** A value a builder puts in a cell: text (neutralised), a typed number, or nothing. */
export type CellInput = string | number | null;

/** What a table sheet shows above and in its header row. */
export interface TableLayout {
  /** Bold title in the first row; no title block at all when absent (mail-merge sheets). */
  title?: string;
  /** Context lines under the title (template, assessment, year …). */
  lines?: string[];
  headers: string[];
  /** Column widths in characters, one per header. */
  widths: number[];
  /** Text printed at the top of every page, e.g. "CONFIDENTIEL". */
  pageHeader?: string;
}

const HEADER_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFD9E1F2' },
};

const THIN_BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  bottom: { style: 'thin' },
  left: { style: 'thin' },
  right: { style: 'thin' },
};

// Characters Excel refuses in a sheet name, and its length limit.
const SHEET_NAME_FORBIDDEN = /[*?:/\\[\]]/g;
const SHEET_NAME_MAX = 31;

// A4 is paper size 9 in the OOXML numbering; margins are in inches.
const A4 = 9;
const MARGINS = { left: 0.5, right: 0.5, top: 0.75, bottom: 0.75, header: 0.3, footer: 0.3 };

/** A new workbook whose properties name the service, never a person. */
export function createWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = OUTPUT_AUTHOR;
  wb.lastModifiedBy = OUTPUT_AUTHOR;

  return wb;
}

/** The .xlsx bytes of a workbook. */
export async function workbookBytes(wb: ExcelJS.Workbook): Promise<Buffer> {
  const data = await wb.xlsx.writeBuffer();

  // exceljs types its result as a bare ArrayBuffer; under Node it is already a Buffer.
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
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

/** Appends label/value rows, labels in bold; returns the first row number written. */
export function addPairs(ws: ExcelJS.Worksheet, pairs: Array<[string, CellInput]>): number {
  const first = ws.rowCount + 1;

  for (const [label, value] of pairs) {
    const row = addValues(ws, [label, value]);
    row.getCell(1).font = { bold: true };
    row.getCell(2).alignment = { horizontal: 'left', wrapText: true };
  }

  return first;
}

/** Bold, filled, bordered and wrapped: the look of every header row. */
export function styleHeaderRow(row: ExcelJS.Row): void {
  row.font = { bold: true };

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

/** A4 portrait, one page wide, the header row (if any) repeated on every page, pages numbered. */
export function setupA4Portrait(
  ws: ExcelJS.Worksheet,
  headerRow?: number,
  pageHeader?: string,
): void {
  ws.pageSetup = {
    paperSize: A4,
    orientation: 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    // 0 lets the sheet run over as many pages as it needs.
    fitToHeight: 0,
    margins: MARGINS,
    ...(headerRow === undefined ? {} : { printTitlesRow: `${headerRow}:${headerRow}` }),
  };

  // Header and footer strings are Excel codes (&C centre, &P page, &N pages): only our own
  // constants go in, never data, since an ampersand in data would be read as a code.
  ws.headerFooter = {
    oddHeader: pageHeader ? `&C&B${pageHeader}` : '',
    oddFooter: '&RPage &P / &N',
  };
}

/** Writes the bold title and its context lines, then a blank row; nothing when there is no title. */
export function addTitleBlock(ws: ExcelJS.Worksheet, title?: string, lines: string[] = []): void {
  if (title === undefined) {
    return;
  }

  addValues(ws, [title]).font = { bold: true, size: 14 };

  for (const line of lines) {
    addValues(ws, [line]);
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
  addTitleBlock(ws, layout.title, layout.lines);

  const header = addValues(ws, layout.headers);
  styleHeaderRow(header);

  setColumnWidths(ws, layout.widths);
  freezeThrough(ws, header.number);
  setupA4Portrait(ws, header.number, layout.pageHeader);

  return ws;
}

/** A sheet name Excel accepts and the workbook does not hold yet ("ABC S1", "ABC S1 (2)" …). */
export function uniqueSheetName(wb: ExcelJS.Workbook, wanted: string): string {
  // exceljs 4.4 writes the print-titles reference as 'name'!$4:$4 without doubling an apostrophe
  // of the name, which corrupts the reference: the typographic apostrophe reads the same in French.
  const base =
    wanted.replace(SHEET_NAME_FORBIDDEN, ' ').replace(/'/g, '’').trim().slice(0, SHEET_NAME_MAX) ||
    'Feuille';
  const taken = new Set(wb.worksheets.map((ws) => ws.name.toLowerCase()));

  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n += 1) {
    const suffix = ` (${n})`;
    name = base.slice(0, SHEET_NAME_MAX - suffix.length) + suffix;
  }

  return name;
}
