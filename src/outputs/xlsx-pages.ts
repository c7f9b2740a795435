// Where a printed sheet's pages will break, estimated from row heights the way Excel lays out A4
// pages (15-point rows for 11-point text; LibreOffice draws its rows a little lower and so fits a
// few more per page): enough to keep a block such as a PV's signatures on one page.

import type ExcelJS from 'exceljs';

import { LINE_HEIGHT } from './text-fit.js';
import { DEFAULT_WIDTH, MARGINS } from './xlsx-style.js';

// Printable area of an A4 page (8.27 × 11.69 inches) inside the margins, in points.
const ACROSS = MARGINS.left + MARGINS.right;
const DOWN = MARGINS.top + MARGINS.bottom;
const PRINTABLE = {
  portrait: { width: (8.27 - ACROSS) * 72, height: (11.69 - DOWN) * 72 },
  landscape: { width: (11.69 - ACROSS) * 72, height: (8.27 - DOWN) * 72 },
};

/** Width of the used columns once printed, in points (a column unit is 7 pixels, plus 5). */
function printedWidth(ws: ExcelJS.Worksheet): number {
  let pixels = 0;
  for (let c = 1; c <= ws.columnCount; c += 1) {
    pixels += Math.trunc((ws.getColumn(c).width ?? DEFAULT_WIDTH) * 7 + 5);
  }

  return pixels * 0.75;
}

/**
 * Starts a new printed page at `firstRow` when the rows from there to the end (a PV's figures and
 * signatures) would otherwise be split over two pages. Page breaks are estimated from the row
 * heights, with two lines of slack for the spreadsheet's own rounding.
 */
export function keepTogether(ws: ExcelJS.Worksheet, firstRow: number): void {
  const area = PRINTABLE[ws.pageSetup.orientation === 'landscape' ? 'landscape' : 'portrait'];
  const scale = Math.min(1, area.width / printedWidth(ws));
  const capacity = area.height / scale - 2 * LINE_HEIGHT;
  const height = (row: number): number => ws.getRow(row).height ?? LINE_HEIGHT;
  const titles = /^(\d+):/.exec(ws.pageSetup.printTitlesRow ?? '')?.[1];
  const repeated = titles === undefined ? 0 : height(Number(titles));

  let used = 0;
  let page = 0;
  let blockPage = 0;
  let block = 0;
  for (let row = 1; row <= ws.rowCount; row += 1) {
    if (used + height(row) > capacity) {
      page += 1;
      used = repeated;
    }
    used += height(row);
    blockPage = row === firstRow ? page : blockPage;
    block += row >= firstRow ? height(row) : 0;
  }

  if (page !== blockPage && block + repeated <= capacity && firstRow > 1) {
    ws.getRow(firstRow - 1).addPageBreak();
  }
}
