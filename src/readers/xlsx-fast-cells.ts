// Cells and rows of a worksheet in the reader shape: dates as French Excel shows them, blank text
// as blank, and the clean-ups done once a sheet is read (row order, merged areas).

import { AppError, isAppError } from '../domain/errors.js';
import type { Cell, Row } from './table.js';

const A_CODE = 'A'.charCodeAt(0);

/** The one blank cell every empty position shares: blank cells are most of a sparse sheet. */
export const BLANK: Cell = Object.freeze({ kind: 'blank' });

/** An ISO date-time as `t="d"` cells hold it: the wall-clock time written, whatever the zone. */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** Column number (1-based) of a reference such as `AB12`; 0 when there is none. */
export function columnOf(reference: string): number {
  let column = 0;
  for (let at = 0; at < reference.length; at += 1) {
    const code = reference.charCodeAt(at) & ~0x20;
    if (code < A_CODE || code > A_CODE + 25) {
      break;
    }
    column = column * 26 + (code - A_CODE + 1);
  }
  return column;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Excel's own limit: no cell of a spreadsheet holds more characters. */
export const MAX_CELL_CHARS = 32_767;

/**
 * Text as read; text that is only spaces is a blank cell. Longer text than a spreadsheet's cell
 * holds refuses the file (CELL_TOO_LONG): 10 MB pasted in a remark took the identity look beside
 * the numbers to gigabytes and stopped every import behind it (trial).
 */
export function textCell(text: string): Cell {
  if (text.length > MAX_CELL_CHARS) {
    throw new AppError('CELL_TOO_LONG', `(${text.length.toLocaleString('fr-FR')} caractères)`);
  }
  return text.trim() === '' ? BLANK : { kind: 'text', raw: text };
}

/** A CELL_TOO_LONG error with the cell's place (« ligne 2, colonne C ») in its detail. */
export function placedError(error: unknown, row: number, column: number): unknown {
  if (!isAppError(error, 'CELL_TOO_LONG')) {
    return error;
  }
  const length = error.detail?.replace(/^\(|\)$/g, '') ?? '';
  return new AppError(
    'CELL_TOO_LONG',
    `(ligne ${row}, colonne ${columnLetters(column)} : ${length})`,
  );
}

/** « A », « Z », « AA » for columns 1, 26, 27. */
function columnLetters(column: number): string {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}

/** A date cell from milliseconds since 1970 (UTC), shown as French Excel does (`dd/mm/yyyy[ hh:mm]`). */
export function dateCell(ms: number): Cell {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) {
    return { kind: 'error', raw: '#DATE!' };
  }
  const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  const hasTime = date.getUTCHours() + date.getUTCMinutes() + date.getUTCSeconds() > 0;
  const time = hasTime ? ` ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}` : '';
  return {
    kind: 'date',
    iso: `${pad(y, 4)}-${pad(m)}-${pad(d)}`,
    raw: `${pad(d)}/${pad(m)}/${pad(y, 4)}${time}`,
  };
}

/** A `t="d"` cell (ISO 8601 text, written by some tools instead of a serial number). */
export function isoDateCell(text: string): Cell {
  const match = ISO_DATE.exec(text.trim());
  if (!match) {
    return { kind: 'error', raw: text };
  }
  const [year, month, day, hours, minutes, seconds] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  return dateCell(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hours, minutes, seconds));
}

/** Drops the blank cells at the end of a row, in place. */
function trimTrailingBlanks(cells: Cell[]): void {
  while (cells.length > 0 && cells[cells.length - 1]?.kind === 'blank') {
    cells.pop();
  }
}

/** Rows by number; of two rows with one number, the later in the file wins (as in exceljs). */
export function sortRows(rows: Row[]): Row[] {
  const byNumber = new Map<number, Row>();
  for (const row of rows) {
    byNumber.set(row.number, row);
  }
  return [...byNumber.values()].sort((a, b) => a.number - b.number);
}

/** One merged area, by its first and last rows and columns. */
interface Area {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

function corners(ref: string): Area {
  const [from = '', to = from] = ref.split(':');
  return {
    top: Number(from.replace(/^\$?[A-Z]+\$?/i, '')),
    left: columnOf(from.replace(/\$/g, '')),
    bottom: Number(to.replace(/^\$?[A-Z]+\$?/i, '')),
    right: columnOf(to.replace(/\$/g, '')),
  };
}

/**
 * The merged areas of a sheet, applied to its rows in increasing row number: every cell of an area
 * but its top-left one reads as blank, and a row left empty is dropped. One sweep over the rows, so
 * a stream of rows is cleaned as it comes and a crafted area spanning a million rows costs one step
 * per row read, not per row it claims.
 */
export class MergedAreas {
  /** Areas whose first row is not reached yet, the lowest first row last. */
  private readonly waiting: Area[];
  /** Areas covering the rows reached so far. */
  private readonly current: Area[] = [];

  constructor(refs: readonly string[]) {
    this.waiting = refs
      .map(corners)
      .filter((area) => !Number.isNaN(area.top) && !Number.isNaN(area.bottom))
      .sort((a, b) => b.top - a.top);
  }

  /** Blanks the cells of `row` that an area covers but does not start; false when none is left. */
  keeps(row: Row): boolean {
    const areas = this.reach(row.number);
    if (areas.length === 0) {
      return true;
    }

    const cells = row.cells;
    for (const { top, left, right } of areas) {
      for (let column = Math.max(1, left); column <= Math.min(right, cells.length); column += 1) {
        if (row.number !== top || column !== left) {
          cells[column - 1] = BLANK;
        }
      }
    }
    trimTrailingBlanks(cells);
    return cells.length > 0;
  }

  /** The areas covering row `number`; rows must come in increasing number. */
  private reach(number: number): Area[] {
    for (let next = this.waiting.at(-1); next && next.top <= number; next = this.waiting.at(-1)) {
      this.current.push(next);
      this.waiting.pop();
    }
    // Areas ended above this row are dropped in place: no array is made per row.
    let kept = 0;
    for (const area of this.current) {
      if (area.bottom >= number) {
        this.current[kept] = area;
        kept += 1;
      }
    }
    this.current.length = kept;
    return this.current;
  }
}

/** The rows of a whole sheet (in order) once its merged areas are applied. */
export function applyMerges(rows: Row[], merges: readonly string[]): Row[] {
  const areas = new MergedAreas(merges);
  return rows.filter((row) => areas.keeps(row));
}
