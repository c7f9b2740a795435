// Turns the scanned tags of one worksheet into rows of typed cells, the way readers/xlsx.ts reads
// them through exceljs: shared and inline strings, numbers, booleans, errors, the cached value of a
// formula, dates by the cell's number format, hidden rows and columns, merged areas read once.

import type { Cell, Row, Sheet } from './table.js';
import { attribute, type XmlHandler } from './xlsx-fast-scan.js';

/** Cell styles of a workbook: custom number formats by id, and the format id of each style index. */
export interface Styles {
  formats: Map<number, string>;
  xfs: number[];
}

/** Built-in number formats Excel shows as dates or times (ECMA-376 §18.8.30, plus the East Asian ones). */
const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51,
  52, 53, 54, 55, 56, 57, 58,
]);
const MS_PER_DAY = 86_400_000;
/** Days from the 1900 system's day 0 to 1970-01-01, and the shift of the 1904 system. */
const UNIX_EPOCH_SERIAL = 25_569;
const SYSTEM_1904_SHIFT = 1_462;
const A_CODE = 'A'.charCodeAt(0);

/** True when a custom number format displays a date or a time. */
export function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** A date cell from milliseconds since 1970, shown as French Excel does (`dd/mm/yyyy[ hh:mm]`). */
function dateCell(ms: number): Cell {
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

function textCell(text: string): Cell {
  return text.trim() === '' ? { kind: 'blank' } : { kind: 'text', raw: text };
}

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

/** The pieces of one `<c>` element gathered while it is scanned. */
interface CellDraft {
  column: number;
  type: string;
  style: number;
  value: string | null;
  formula: string | null;
  inline: string | null;
}

/** Scans one worksheet; call `sheet` once the part is read. */
export class SheetHandler implements XmlHandler {
  private readonly rows: Row[] = [];
  private readonly hiddenColumns: number[] = [];
  private readonly merges: string[] = [];
  private rowNumber = 0;
  private rowHidden = false;
  private cells: Cell[] = [];
  private cell: CellDraft | null = null;
  private capture: 'value' | 'formula' | 'inline' | null = null;
  private phonetic = 0;

  constructor(
    private readonly shared: readonly string[],
    private readonly styles: Styles,
    private readonly date1904: boolean,
  ) {}

  open(name: string, attrs: string): void {
    switch (name) {
      case 'c':
        this.openCell(attrs);
        return;
      case 'v':
        this.startCapture('value');
        return;
      case 'f':
        this.startCapture('formula');
        return;
      case 't':
        if (this.cell && this.phonetic === 0) {
          this.startCapture('inline');
        }
        return;
      case 'rPh':
        this.phonetic += 1;
        return;
      case 'row':
        this.openRow(attrs);
        return;
      case 'col':
        this.openColumn(attrs);
        return;
      case 'mergeCell':
        this.merges.push(attribute(attrs, 'ref') ?? '');
        return;
    }
  }

  close(name: string): void {
    switch (name) {
      case 'v':
      case 'f':
      case 't':
        this.capture = null;
        return;
      case 'rPh':
        this.phonetic -= 1;
        return;
      case 'c':
        this.closeCell();
        return;
      case 'row':
        this.closeRow();
        return;
    }
  }

  text(value: string): void {
    const cell = this.cell;
    if (!cell || this.capture === null) {
      return;
    }
    cell[this.capture] = (cell[this.capture] ?? '') + value;
  }

  /** The sheet read, with merged areas reduced to their top-left cell. */
  sheet(name: string, state: Sheet['state']): Sheet {
    const rows = this.merges.length > 0 ? this.applyMerges() : this.rows;
    const sheet: Sheet = { name, state, rows };
    return this.hiddenColumns.length > 0 ? { ...sheet, hiddenColumns: this.hiddenColumns } : sheet;
  }

  private startCapture(kind: 'value' | 'formula' | 'inline'): void {
    if (this.cell) {
      this.capture = kind;
      // An empty `<f/>` still marks a formula cell (a shared formula's followers).
      this.cell[kind] ??= '';
    }
  }

  private openRow(attrs: string): void {
    const number = Number(attribute(attrs, 'r'));
    this.rowNumber = Number.isInteger(number) && number > 0 ? number : this.rowNumber + 1;
    const hidden = attribute(attrs, 'hidden');
    this.rowHidden = hidden === '1' || hidden === 'true';
    this.cells = [];
  }

  private closeRow(): void {
    const cells = this.cells;
    for (let at = 0; at < cells.length; at += 1) {
      // Columns skipped by the file are holes of the array: they read as blanks.
      cells[at] ??= { kind: 'blank' };
    }
    trimTrailingBlanks(cells);
    if (cells.length > 0) {
      const row: Row = { number: this.rowNumber, cells };
      this.rows.push(this.rowHidden ? { ...row, hidden: true } : row);
    }
  }

  private openCell(attrs: string): void {
    const column = columnOf(attribute(attrs, 'r') ?? '');
    this.cell = {
      column: column > 0 ? column : this.cells.length + 1,
      type: attribute(attrs, 't') ?? 'n',
      style: Number(attribute(attrs, 's') ?? 0),
      value: null,
      formula: null,
      inline: null,
    };
  }

  private closeCell(): void {
    const draft = this.cell;
    this.cell = null;
    this.capture = null;
    if (draft) {
      this.cells[draft.column - 1] = this.toCell(draft);
    }
  }

  private toCell(draft: CellDraft): Cell {
    if (draft.type === 'inlineStr') {
      return textCell(draft.inline ?? '');
    }
    if (draft.value === null) {
      return draft.formula !== null
        ? { kind: 'formula_no_value', raw: `=${draft.formula}` }
        : { kind: 'blank' };
    }

    const value = draft.value;
    switch (draft.type) {
      case 's':
        return textCell(this.shared[Number(value)] ?? '');
      case 'str':
        return textCell(value);
      case 'b':
        return value.trim() === '1' || value.trim() === 'true'
          ? { kind: 'bool', value: true, raw: 'VRAI' }
          : { kind: 'bool', value: false, raw: 'FAUX' };
      case 'e':
        return { kind: 'error', raw: value };
      case 'd':
        return dateCell(Date.parse(value));
      default:
        return this.numberCell(value, draft.style);
    }
  }

  private numberCell(text: string, style: number): Cell {
    if (text.trim() === '') {
      return { kind: 'blank' };
    }
    const value = Number(text);
    if (Number.isNaN(value)) {
      return { kind: 'error', raw: text };
    }
    if (this.isDateStyle(style)) {
      const days = value - UNIX_EPOCH_SERIAL + (this.date1904 ? SYSTEM_1904_SHIFT : 0);
      return dateCell(Math.round(days * MS_PER_DAY));
    }
    return { kind: 'number', value, raw: String(value) };
  }

  private isDateStyle(style: number): boolean {
    const id = this.styles.xfs[style];
    if (id === undefined || id === 0) {
      return false;
    }
    const custom = this.styles.formats.get(id);
    return custom !== undefined ? isDateFormat(custom) : BUILTIN_DATE_FORMATS.has(id);
  }

  private openColumn(attrs: string): void {
    const hidden = attribute(attrs, 'hidden');
    if (hidden !== '1' && hidden !== 'true') {
      return;
    }
    const min = Number(attribute(attrs, 'min'));
    const max = Math.min(Number(attribute(attrs, 'max')), min + 16_384);
    for (let column = min; column <= max; column += 1) {
      this.hiddenColumns.push(column);
    }
  }

  /** Blanks every cell of a merged area but its top-left one, then drops rows left empty. */
  private applyMerges(): Row[] {
    const byNumber = new Map(this.rows.map((row) => [row.number, row]));
    for (const ref of this.merges) {
      const [from = '', to = from] = ref.split(':');
      const [top, left] = [Number(from.replace(/^[A-Z]+/i, '')), columnOf(from)];
      const [bottom, right] = [Number(to.replace(/^[A-Z]+/i, '')), columnOf(to)];
      for (let number = top; number <= bottom; number += 1) {
        const cells = byNumber.get(number)?.cells ?? [];
        for (let column = left; column <= Math.min(right, cells.length); column += 1) {
          if (number !== top || column !== left) {
            cells[column - 1] = { kind: 'blank' };
          }
        }
        trimTrailingBlanks(cells);
      }
    }
    return this.rows.filter((row) => row.cells.length > 0);
  }
}

function trimTrailingBlanks(cells: Cell[]): void {
  while (cells.length > 0 && cells[cells.length - 1]?.kind === 'blank') {
    cells.pop();
  }
}
