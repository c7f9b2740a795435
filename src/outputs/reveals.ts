// Per-student reveals before the lift (levées individuelles d'anonymat), as both PVs list them:
// the number, the assessment, who revealed, when and why; never the identity behind the number,
// so the list stays in an anonymous PV.

import type ExcelJS from 'exceljs';

import { frenchDateTime } from './french.js';
import type { RevealRow } from './types.js';
import { addTableRow, addTableSheet, fitRowHeight } from './xlsx-style.js';

/** Title of the list, on the PDF PV and as the spreadsheet's sheet name. */
export const REVEALS_TITLE = 'Levées individuelles d’anonymat';

/** Sheet name of the list in the spreadsheet PV (a persisted name: tests and users look for it). */
export const REVEALS_SHEET = 'Levées individuelles';

/** Column titles of the list. */
export const REVEAL_HEADERS = ['N° anonyme', 'Épreuve', 'Par', 'Le', 'Motif'];

/** One reveal as the cells of its line. */
export function revealCells(r: RevealRow): string[] {
  return [r.number, r.objectCode ?? 'Toutes', r.actor, frenchDateTime(r.at), r.reason];
}

/** Adds the sheet listing the reveals, header in the first row; nothing when there are none. */
export function addRevealSheet(wb: ExcelJS.Workbook, reveals: readonly RevealRow[]): void {
  if (reveals.length === 0) {
    return;
  }

  const ws = addTableSheet(wb, REVEALS_SHEET, {
    headers: REVEAL_HEADERS,
    widths: [14, 12, 16, 18, 48],
  });
  for (const reveal of reveals) {
    const row = addTableRow(ws, revealCells(reveal));
    row.alignment = { vertical: 'top', wrapText: true };
    fitRowHeight(ws, row);
  }
}
