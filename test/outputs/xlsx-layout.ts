// Finds the cells of a workbook whose text would be cut off once printed, from the workbook alone
// (no spreadsheet program): a text wider than its cell with a filled cell next to it or running
// past the last column, a number wider than its cell (printed "###"), wrapped text taller than its
// row. Widths come from the same estimate the builders use (src/outputs/text-fit.ts), so this
// catches a builder that forgets to size a row or a column, not an error of the estimate itself:
// the rendering through LibreOffice (render-sheets.ts) is the check of the estimate.

import ExcelJS from 'exceljs';

import { fitsWidth, linesHeight, wrappedLines } from '../../src/outputs/text-fit.js';
import { cellWidth } from '../../src/outputs/xlsx-style.js';

/** A cell that would not print whole. */
export interface LayoutFinding {
  sheet: string;
  cell: string;
  problem: 'trop large' | 'trop haut' | '###';
  text: string;
}

/** The text a cell shows: strings as they are, numbers in their two-decimal or general format. */
function shown(cell: ExcelJS.Cell): string | null {
  const value = cell.value;
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return cell.numFmt === '0.00' ? value.toFixed(2) : String(value);
  }
  return null;
}

/** Width a text may run over: its cell, then the empty cells on its right up to the last column. */
function roomToTheRight(ws: ExcelJS.Worksheet, cell: ExcelJS.Cell, width: number): number {
  let room = width;
  const row = ws.getRow(Number(cell.row));
  for (let c = Number(cell.col) + 1; c <= ws.columnCount; c += 1) {
    const next = row.getCell(c);
    if (next.value !== null && next.value !== undefined && next.value !== '') {
      break;
    }
    if (next.master.address !== next.address) {
      continue;
    }
    room += ws.getColumn(c).width ?? 9;
  }
  return room;
}

function check(ws: ExcelJS.Worksheet, cell: ExcelJS.Cell): LayoutFinding['problem'] | null {
  const text = shown(cell);
  if (text === null || cell.master.address !== cell.address) {
    return null;
  }
  const size = cell.font?.size ?? 11;
  const bold = cell.font?.bold === true;
  const width = cellWidth(ws, cell);
  const rowHeight = ws.getRow(Number(cell.row)).height ?? linesHeight(1);

  if (cell.alignment?.wrapText) {
    return linesHeight(wrappedLines(text, width, size, bold), size) > rowHeight + 1
      ? 'trop haut'
      : null;
  }
  if (linesHeight(1, size) > rowHeight + 1) {
    return 'trop haut';
  }
  if (typeof cell.value === 'number') {
    return fitsWidth(text, width, size, bold) ? null : '###';
  }
  return fitsWidth(text, roomToTheRight(ws, cell, width), size, bold) ? null : 'trop large';
}

/** Every cell of the visible sheets that would be cut off once printed. */
export async function layoutFindings(bytes: Buffer): Promise<LayoutFinding[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const findings: LayoutFinding[] = [];

  for (const ws of wb.worksheets.filter((w) => w.state === 'visible')) {
    ws.eachRow((row) => {
      row.eachCell((cell) => {
        const problem = check(ws, cell);
        if (problem) {
          findings.push({ sheet: ws.name, cell: cell.address, problem, text: shown(cell) ?? '' });
        }
      });
    });
  }
  return findings;
}
