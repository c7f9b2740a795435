// Cells and rows of a worksheet in the reader shape: dates as French Excel shows them, blank text
// as blank, and the clean-ups done once a sheet is read (row order, merged areas).

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

/** Text as read; text that is only spaces is a blank cell. */
export function textCell(text: string): Cell {
  return text.trim() === '' ? BLANK : { kind: 'text', raw: text };
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

function corners(ref: string): { top: number; left: number; bottom: number; right: number } {
  const [from = '', to = from] = ref.split(':');
  return {
    top: Number(from.replace(/^\$?[A-Z]+\$?/i, '')),
    left: columnOf(from.replace(/\$/g, '')),
    bottom: Number(to.replace(/^\$?[A-Z]+\$?/i, '')),
    right: columnOf(to.replace(/\$/g, '')),
  };
}

/** Blanks every cell of a merged area but its top-left one, then drops rows left empty. */
export function applyMerges(rows: Row[], merges: string[]): Row[] {
  const byNumber = new Map(rows.map((row) => [row.number, row]));
  for (const ref of merges) {
    const { top, left, bottom, right } = corners(ref);
    // A crafted area can span a million rows: walk whichever is shorter, the area or the rows read.
    const numbers =
      bottom - top < byNumber.size
        ? Array.from({ length: Math.max(0, bottom - top + 1) }, (_, at) => top + at)
        : rows.map((row) => row.number).filter((number) => number >= top && number <= bottom);
    for (const number of numbers) {
      const cells = byNumber.get(number)?.cells;
      if (!cells) {
        continue;
      }
      for (let column = left; column <= Math.min(right, cells.length); column += 1) {
        if (number !== top || column !== left) {
          cells[column - 1] = BLANK;
        }
      }
      trimTrailingBlanks(cells);
    }
  }
  return rows.filter((row) => row.cells.length > 0);
}
