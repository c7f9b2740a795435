// CSV rows cut by a separator typed in a value: « 14;5 » for 14,5 splits a grade in two cells, and
// either the cell beyond the header would be dropped or the « 5 » would be read as the next column's.
import { cellText, type HeaderMatch } from '../readers/columns.js';
import type { Row, Workbook } from '../readers/table.js';

/** Why a CSV row is not read: a value beyond the header, or a grade cut beside the column after it. */
export interface CutRow {
  code: 'ROW_EXTRA_CELLS' | 'ROW_GRADE_SPLIT';
  value: string;
}

/** Digits alone, as the decimals of a grade cut by « 14;5 » leave them. */
const DECIMALS = /^\d{1,2}$/;

/**
 * For a CSV, how a row was cut by a separator typed in a value (« 14;5 » for 14,5), or undefined:
 * - ROW_EXTRA_CELLS, a value beyond the header's last column (`14 | 5`): the cell would be dropped;
 * - ROW_GRADE_SPLIT, a whole grade followed by one or two digits in the next column, where the rows
 *   under the header seldom hold digits (an « Observations » mostly empty or written): the cut
 *   pushed « 5 » into that column. Its length cannot tell: spreadsheets and hand-typed lines end
 *   with separators or not, row by row. A column of numbers after the grade (Rang, Total, Points)
 *   is not taken for a cut.
 */
export function extraCellsOf(
  format: Workbook['format'],
  match: HeaderMatch,
): (row: Row) => CutRow | undefined {
  if (format !== 'csv') {
    return () => undefined;
  }
  const rows = match.sheet.rows;
  const width = rows[match.headerRowIndex]?.cells.length ?? 0;
  const below = rows.slice(match.headerRowIndex + 1, match.headerRowIndex + 21);
  const grade = match.columns['grade'];
  // The column after the grade holds digits in at most half the rows under the header.
  const next = grade === undefined ? undefined : grade + 1;
  const wordy =
    next !== undefined &&
    below.filter((row) => DECIMALS.test(cellText(row.cells[next]).trim())).length * 2 <=
      below.length;
  const from = Math.min(width - 1, grade ?? width - 1, match.columns['result'] ?? width - 1);

  return (row) => {
    if (row.cells.length > width) {
      const texts = row.cells.map((cell) => cellText(cell).trim());
      const last = texts.findLastIndex((text) => text !== '');
      if (last >= width) {
        return {
          code: 'ROW_EXTRA_CELLS',
          value: texts.slice(Math.max(0, from), last + 1).join(' | '),
        };
      }
    }
    if (!wordy || grade === undefined || next === undefined) {
      return undefined;
    }
    const [whole, decimals] = [cellText(row.cells[grade]).trim(), cellText(row.cells[next]).trim()];
    return /^\d+$/.test(whole) && DECIMALS.test(decimals)
      ? { code: 'ROW_GRADE_SPLIT', value: `${whole} | ${decimals}` }
      : undefined;
  };
}
