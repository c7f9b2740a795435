// The annotated copy of a person's own .xlsx (see annotated-copy.ts): their workbook as exceljs
// loads it, the faulty cells filled and commented, the list sheet added. Its own module, loaded on
// the first .xlsx copy, so that exceljs stays out of a process that never makes one.
import ExcelJS from 'exceljs';

import { ERROR_HEADERS, ERROR_WIDTHS, LIST_SHEET } from './annotated-copy.js';
import type { Sheet } from '../readers/table.js';
import type { CellMark } from './xlsx-lean.js';
import { addTableRow, addTableSheet, workbookBytes, type CellInput } from './xlsx-style.js';

/** Fills and comments the marked cells of a loaded workbook's sheet. */
function markFaults(ws: ExcelJS.Worksheet, marks: CellMark[]): void {
  for (const mark of marks) {
    const cell = ws.getCell(mark.row, mark.column);
    // A loaded workbook's cells share style objects: setting `fill` on one would colour every cell
    // of the same style (a whole returned grade sheet). The faulty cell gets a style of its own.
    const fill: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: mark.fill } };
    cell.style = { ...cell.style, fill };
    cell.note = mark.note;
  }
}

/**
 * Every formula of the workbook replaced by the result it was saved with (nothing when it was saved
 * without one), every hyperlink by its text: no formula from an input is passed on (design.md §7),
 * and the identity scan reads what a person sees. A spreadsheet that recalculates on opening showed
 * `CONCATENATE("DUP","ONT")` as DUPONT, and a link « voir fiche » kept a student's address (trial M).
 */
function plainValues(wb: ExcelJS.Workbook): void {
  wb.eachSheet((ws) => {
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (cell.type === ExcelJS.ValueType.Formula) {
          const result: unknown = cell.result;
          cell.value = result === undefined ? null : (result as ExcelJS.CellValue);
        } else if (cell.type === ExcelJS.ValueType.Hyperlink) {
          cell.value = cell.text;
        }
      });
    });
  });
}

function addErrorSheet(wb: ExcelJS.Workbook, list: CellInput[][]): void {
  const ws = addTableSheet(wb, LIST_SHEET, { headers: ERROR_HEADERS, widths: ERROR_WIDTHS });
  for (const values of list) {
    addTableRow(ws, values).alignment = { vertical: 'top', wrapText: true };
  }
}

/**
 * The person's .xlsx as it is, marked, with the list added; null when exceljs cannot load it. The
 * marked worksheet is the data sheet, found by name.
 */
export async function personsCopy(
  bytes: Buffer,
  sheet: Sheet,
  marks: CellMark[],
  list: CellInput[][],
): Promise<Buffer | null> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(new Uint8Array(bytes).buffer);
  } catch {
    // The service's own reader read this file: a library failing on it must not cost the copy.
    return null;
  }

  plainValues(wb);
  const ws = wb.getWorksheet(sheet.name) ?? wb.worksheets[0];
  if (ws) {
    markFaults(ws, marks);
  }
  addErrorSheet(wb, list);
  return workbookBytes(wb);
}
