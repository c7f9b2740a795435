// Turns the scanned tags of one worksheet into rows of typed cells: shared and inline strings,
// numbers shown as their format shows them (dates, zero padding), booleans, errors, the cached
// value of a formula, hidden rows and columns, merged areas read once. The same tags can also be
// read without cells (SheetOutline), for what must be known before a sheet is streamed.

import { AppError } from '../domain/errors.js';
import { zeroPadded } from './number-format.js';
import type { Cell, Row, Sheet } from './table.js';
import { shiftFormula } from './xlsx-fast-formula.js';
import { attribute, detached, type XmlHandler } from './xlsx-fast-scan.js';
import type { CellStyles } from './xlsx-fast-styles.js';
import { decodeEscapes, type StringTable } from './xlsx-fast-strings.js';
import {
  applyMerges,
  BLANK,
  columnOf,
  dateCell,
  isoDateCell,
  sortRows,
  placedError,
  textCell,
} from './xlsx-fast-cells.js';

const MS_PER_DAY = 86_400_000;
/** Days from the 1900 system's day 0 to 1970-01-01, and the shift of the 1904 system. */
const UNIX_EPOCH_SERIAL = 25_569;
const SYSTEM_1904_SHIFT = 1_462;
const LAST_COLUMN = 16_384;

/** The pieces of one `<c>` element gathered while it is scanned. */
interface CellDraft {
  column: number;
  type: string;
  style: number;
  value: string | null;
  formula: string | null;
  /** `si` of a shared formula, the first cell holding its text, the others pointing at it. */
  shared: string | null;
  inline: string | null;
}

/** The text of a shared formula and the cell that holds it. */
interface SharedFormula {
  formula: string;
  row: number;
  column: number;
}

function isTrue(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

/** What a scan of a worksheet learns besides its cells. */
export interface SheetTags {
  /** `ref` of every merged area, in file order. */
  readonly merges: readonly string[];
  readonly hiddenColumns: ReadonlySet<number>;
  /** False when a row comes with a number not above the row before it. */
  readonly ordered: boolean;
}

/** Whether a cell holds no value: an empty one is none, except the empty text of a formula. */
function valueMissing(draft: CellDraft): boolean {
  return draft.value === null || (draft.type !== 'str' && draft.value.trim() === '');
}

/**
 * The tags of one worksheet as rows of cell drafts, hidden rows and columns and merged areas; what
 * a cell becomes is the subclass's. SheetHandler (cells) and SheetOutline (no cells) share it, so
 * that a sheet checked by one and read by the other is the same sheet.
 */
abstract class WorksheetTags implements XmlHandler, SheetTags {
  readonly merges: string[] = [];
  readonly hiddenColumns = new Set<number>();
  ordered = true;
  protected rowNumber = 0;
  protected rowHidden = false;
  /** Highest column read in the current row: where a cell without a reference goes next. */
  private width = 0;
  private cell: CellDraft | null = null;
  private capture: 'value' | 'formula' | 'inline' | null = null;
  private phonetic = 0;

  constructor(private readonly shared: StringTable) {}

  /** A row starts: its number and hidden flag are set. */
  protected abstract rowStarted(): void;
  /** The current row ends. */
  protected abstract rowEnded(): void;
  /** A cell of the current row was read (only cells within the sheet's last column). */
  protected abstract cellRead(draft: CellDraft): void;

  open(name: string, attrs: string): void {
    switch (name) {
      case 'c':
        this.openCell(attrs);
        return;
      case 'v':
        this.startCapture('value');
        return;
      case 'f':
        this.openFormula(attrs);
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
        this.rowEnded();
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

  /** The text of a shared string; FILE_CORRUPT when the workbook has no such string. */
  protected sharedString(index: string): string {
    const text = this.shared.at(Number(index));
    if (text === undefined || index.trim() === '') {
      throw new AppError('FILE_CORRUPT', `(texte partagé n° ${index} absent du classeur)`);
    }
    return text;
  }

  private startCapture(kind: 'value' | 'formula' | 'inline'): void {
    if (this.cell) {
      this.capture = kind;
      // An empty `<f/>` or `<v/>` is still there: a shared formula's follower, an empty result.
      this.cell[kind] ??= '';
    }
  }

  private openFormula(attrs: string): void {
    this.startCapture('formula');
    if (this.cell && attribute(attrs, 't') === 'shared') {
      this.cell.shared = attribute(attrs, 'si') ?? null;
    }
  }

  private openRow(attrs: string): void {
    const number = Number(attribute(attrs, 'r'));
    const next = Number.isInteger(number) && number > 0 ? number : this.rowNumber + 1;
    // Rows come in order from every known writer; exceljs sorts them, so do we when they do not.
    this.ordered &&= next > this.rowNumber;
    this.rowNumber = next;
    this.rowHidden = isTrue(attribute(attrs, 'hidden'));
    this.width = 0;
    this.rowStarted();
  }

  private openCell(attrs: string): void {
    const column = columnOf(attribute(attrs, 'r') ?? '');
    this.cell = {
      column: column > 0 ? column : this.width + 1,
      type: attribute(attrs, 't') ?? 'n',
      style: Number(attribute(attrs, 's') ?? 0),
      value: null,
      formula: null,
      shared: null,
      inline: null,
    };
  }

  private closeCell(): void {
    const draft = this.cell;
    this.cell = null;
    this.capture = null;
    if (draft && draft.column <= LAST_COLUMN) {
      this.width = Math.max(this.width, draft.column);
      this.cellRead(draft);
    }
  }

  private openColumn(attrs: string): void {
    if (!isTrue(attribute(attrs, 'hidden'))) {
      return;
    }
    const min = Math.max(1, Number(attribute(attrs, 'min')));
    const max = Math.min(Number(attribute(attrs, 'max')), LAST_COLUMN);
    for (let column = min; column <= max; column += 1) {
      this.hiddenColumns.add(column);
    }
  }
}

/**
 * Reads a worksheet for what must be known before its rows are: merged areas (written after the
 * rows), hidden columns, row order. Builds no cell, but refuses what reading the cells would refuse
 * (a shared string that does not exist), so that a sheet it passes reads without error.
 */
export class SheetOutline extends WorksheetTags {
  protected rowStarted(): void {
    // Nothing is kept of a row.
  }

  protected rowEnded(): void {
    // Nothing is kept of a row.
  }

  protected cellRead(draft: CellDraft): void {
    if (draft.type === 's' && !valueMissing(draft)) {
      this.sharedString(draft.value ?? '');
    }
  }
}

/** Turns the cells of a worksheet into rows, each handed to `onRow` as it ends, in file order. */
export class SheetHandler extends WorksheetTags {
  private readonly sharedFormulas = new Map<string, SharedFormula>();
  private cells: Cell[] = [];

  constructor(
    shared: StringTable,
    private readonly styles: CellStyles,
    private readonly date1904: boolean,
    private readonly onRow: (row: Row) => void,
  ) {
    super(shared);
  }

  protected rowStarted(): void {
    this.cells = [];
  }

  protected rowEnded(): void {
    let end = this.cells.length;
    while (end > 0 && (this.cells[end - 1]?.kind ?? 'blank') === 'blank') {
      end -= 1;
    }
    // A copy of exactly the cells kept: the array grown cell by cell has room for 17 (measured:
    // 12 MB more retained on 100,000 two-cell rows).
    const cells = this.cells.slice(0, end);
    for (let at = 0; at < end; at += 1) {
      // Columns skipped by the file are holes of the array: they read as blanks.
      cells[at] ??= BLANK;
    }
    if (end > 0) {
      const row: Row = { number: this.rowNumber, cells };
      this.onRow(this.rowHidden ? { ...row, hidden: true } : row);
    }
  }

  protected cellRead(draft: CellDraft): void {
    try {
      this.cells[draft.column - 1] = this.toCell(draft);
    } catch (error: unknown) {
      throw placedError(error, this.rowNumber, draft.column);
    }
  }

  private toCell(draft: CellDraft): Cell {
    const formula = draft.formula === null ? null : this.formulaText(draft);
    if (draft.type === 'inlineStr') {
      return textCell(detached(decodeEscapes(draft.inline ?? draft.value ?? '')));
    }
    if (valueMissing(draft)) {
      return formula !== null ? { kind: 'formula_no_value', raw: detached(`=${formula}`) } : BLANK;
    }

    const value = draft.value ?? '';
    switch (draft.type) {
      case 's':
        return textCell(this.sharedString(value));
      case 'str':
        return textCell(detached(value));
      case 'b':
        // French Excel shows booleans as VRAI / FAUX.
        return isTrue(value.trim())
          ? { kind: 'bool', value: true, raw: 'VRAI' }
          : { kind: 'bool', value: false, raw: 'FAUX' };
      case 'e':
        return { kind: 'error', raw: value };
      case 'd':
        return isoDateCell(value);
      default:
        return this.numberCell(value, draft.style);
    }
  }

  /** The formula of a cell: its own text, or the shared formula it points at, moved to it. */
  private formulaText(draft: CellDraft): string {
    const own = draft.formula ?? '';
    if (draft.shared === null) {
      return own;
    }
    const master = this.sharedFormulas.get(draft.shared);
    if (own !== '' || !master) {
      this.sharedFormulas.set(draft.shared, {
        formula: own,
        row: this.rowNumber,
        column: draft.column,
      });
      return own;
    }
    return shiftFormula(master.formula, this.rowNumber - master.row, draft.column - master.column);
  }

  private numberCell(text: string, style: number): Cell {
    const value = Number(text);
    if (Number.isNaN(value)) {
      return { kind: 'error', raw: text };
    }
    if (this.styles.date[style] === true) {
      const days = value - UNIX_EPOCH_SERIAL + (this.date1904 ? SYSTEM_1904_SHIFT : 0);
      return dateCell(Math.round(days * MS_PER_DAY));
    }
    const width = this.styles.padding[style] ?? 0;
    const raw = width > 0 && Number.isInteger(value) ? zeroPadded(value, width) : String(value);
    return this.styles.percent[style] === true
      ? { kind: 'number', value, raw, percent: true }
      : { kind: 'number', value, raw };
  }
}

/** A sheet read whole: rows by number (of two with one number, the later wins), merged areas applied. */
export function wholeSheet(
  name: string,
  state: Sheet['state'],
  rows: Row[],
  tags: SheetTags,
): Sheet {
  const sorted = tags.ordered ? rows : sortRows(rows);
  const sheet: Sheet = { name, state, rows: applyMerges(sorted, tags.merges) };
  return withHiddenColumns(sheet, tags);
}

/** The sheet with the hidden columns of its tags listed, when it has any. */
export function withHiddenColumns(sheet: Sheet, tags: SheetTags): Sheet {
  if (tags.hiddenColumns.size === 0) {
    return sheet;
  }
  return { ...sheet, hiddenColumns: [...tags.hiddenColumns].sort((a, b) => a - b) };
}
