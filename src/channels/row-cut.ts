// CSV rows cut by a separator typed in a value: « 14;5 » for 14,5 splits a grade in two cells, and
// either the cell beyond the header would be dropped or the « 5 » would be read as the next column's.
import { cellText, normaliseHeader, type HeaderMatch } from '../readers/columns.js';
import type { Row, Workbook } from '../readers/table.js';

/** Why a CSV row is not read: a value beyond the header, or a grade cut beside the column after it. */
export interface CutRow {
  code: 'ROW_EXTRA_CELLS' | 'ROW_GRADE_SPLIT';
  /** The receipt's column: the grade's for a cut grade; none for cells beyond the header. */
  column: string | null;
  value: string;
}

/** Digits alone, as the decimals of a grade cut by « 14;5 » leave them. */
const DECIMALS = /^\d{1,3}$/;
/** A number as a column of figures holds it: rank, points, bonus, question score (« -0,5 »). */
const FIGURE = /^[-+]?\d+(?:[.,]\d+)?$/;
/** Headings of columns written in words: a cut pushes digits into them. */
const WORDED =
  /observ|comment|remarq|apprec|annot|motif|correct(?:eur|rice)|\bnom\b|prenom|libelle/;
/** Headings of columns of figures (besides those with a « / », as in « Points /40 »). */
const FIGURED = /rang|point|total|bonus|malus|coef|note|moyenne|score|bareme|session|^q\d|\d/;

/** Whether the column at `index` holds words (a cut pushes digits into it), judged by its heading
 *  first, else by the rows under the header: figures in at most half of them. */
function holdsWords(match: HeaderMatch, index: number): boolean {
  const rows = match.sheet.rows;
  const text = cellText(rows[match.headerRowIndex]?.cells[index]);
  const heading = normaliseHeader(text);
  if (WORDED.test(heading)) {
    return true;
  }
  if (FIGURED.test(heading) || text.includes('/')) {
    return false;
  }
  const below = rows.slice(match.headerRowIndex + 1, match.headerRowIndex + 21);
  const figures = below.filter((row) => FIGURE.test(cellText(row.cells[index]).trim())).length;
  return figures * 2 <= below.length;
}

/**
 * For a CSV, how a row was cut by a separator typed in a value (« 14;5 » for 14,5), or undefined:
 * - ROW_EXTRA_CELLS, a value beyond the header's last column (`14 | 5`): the cell would be dropped;
 * - ROW_GRADE_SPLIT, a whole grade followed by one to three digits in the next column when that
 *   column holds words (« Observations », or unnamed and mostly empty): the cut pushed « 5 » into
 *   it. A row's length cannot tell: spreadsheets and hand-typed lines end with separators or not,
 *   row by row. A column of figures after the grade (Rang, Points, Total, a question's score) is
 *   not taken for a cut, nor is a cut into it caught.
 */
export function extraCellsOf(
  format: Workbook['format'],
  match: HeaderMatch,
): (row: Row) => CutRow | undefined {
  if (format !== 'csv') {
    return () => undefined;
  }
  const width = match.sheet.rows[match.headerRowIndex]?.cells.length ?? 0;
  const grade = match.columns['grade'];
  const next = grade !== undefined && holdsWords(match, grade + 1) ? grade + 1 : undefined;
  const from = Math.min(width - 1, grade ?? width - 1, match.columns['result'] ?? width - 1);

  return (row) => {
    if (row.cells.length > width) {
      const texts = row.cells.map((cell) => cellText(cell).trim());
      const last = texts.findLastIndex((text) => text !== '');
      if (last >= width) {
        return {
          code: 'ROW_EXTRA_CELLS',
          column: null,
          value: texts.slice(Math.max(0, from), last + 1).join(' | '),
        };
      }
    }
    if (grade === undefined || next === undefined) {
      return undefined;
    }
    const [whole, decimals] = [cellText(row.cells[grade]).trim(), cellText(row.cells[next]).trim()];
    return /^\d+$/.test(whole) && DECIMALS.test(decimals)
      ? { code: 'ROW_GRADE_SPLIT', column: 'Note', value: `${whole} | ${decimals}` }
      : undefined;
  };
}
