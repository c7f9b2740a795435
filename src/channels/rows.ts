// Helpers shared by the table channels: locate the header by meaning, iterate data rows, collect
// row errors in receipt form.
import { AppError, frenchMessage, isAppError, type ErrorCode } from '../domain/errors.js';
import type { ReceiptError, ReceiptKind } from '../outputs/receipt.js';
import { cellText, findHeader, type ColumnSpec, type HeaderMatch } from '../readers/columns.js';
import type { Cell, Row, Sheet, Workbook } from '../readers/table.js';
import { extraCellsOf } from './row-cut.js';

/** A data row with its cells by column key. */
export interface KeyedRow {
  number: number;
  get(key: string): Cell | undefined;
  text(key: string): string;
  has(key: string): boolean;
  /** The texts of the row's cells in no column the channel reads (added columns, remarks). */
  others(): string[];
}

/**
 * Finds the header then yields the data rows below it, keyed by column. With `errors`, hidden rows
 * are listed as ROW_HIDDEN instead of being read, and a hidden column in use or a table in another
 * sheet (findTableHeader) refuses the file;
 * rows cut by a separator (ROW_EXTRA_CELLS, ROW_GRADE_SPLIT) are listed and counted as `split`: read,
 * not kept.
 */
export function keyedRows(
  workbook: Workbook,
  specs: ColumnSpec[],
  errors?: ErrorList,
): { match: HeaderMatch; rows: KeyedRow[]; split: number } {
  // Listing errors, the file is being imported: a hidden column or a table in another sheet of
  // the whole workbook (hidden sheets included) refuses it.
  const match = errors ? findTableHeader(workbook, specs) : findHeader(workbook, specs);

  const rows: KeyedRow[] = [];
  let split = 0;
  const extraCells = extraCellsOf(workbook.format, match);
  for (const row of match.sheet.rows.slice(match.headerRowIndex + 1)) {
    const read = keyed(row, match);
    if (!specs.some((s) => read.text(s.key) !== '')) {
      continue;
    }
    if (errors && row.hidden) {
      errors.add(row.number, null, 'ROW_HIDDEN');
      continue;
    }
    // « 9;5 » typed for 9,5 in a CSV: the cell beyond the header would be dropped, storing 9.
    const cut = errors ? extraCells(row) : undefined;
    if (cut !== undefined) {
      errors?.add(row.number, cut.column, cut.code, cut.value);
      split += 1;
      continue;
    }
    rows.push(read);
  }
  return { match, rows, split };
}

/** A column the person cannot see must not feed the import unseen. */
function refuseHiddenColumns(match: HeaderMatch): void {
  const hidden = new Set(match.sheet.hiddenColumns ?? []);
  const used = Object.entries(match.columns).filter(([, index]) => hidden.has(index + 1));
  if (used.length > 0) {
    const names = used.map(([, index]) =>
      cellText(match.sheet.rows[match.headerRowIndex]?.cells[index]),
    );
    throw new AppError('COLUMN_HIDDEN', `(${names.join(', ')})`);
  }
}

/**
 * A row's cells by column key. A class, not an object of closures: a million-row import makes a
 * million of them, and four closures per row are garbage V8 promotes before it is collected.
 */
class KeyedCells implements KeyedRow {
  constructor(
    private readonly row: Row,
    private readonly columns: HeaderMatch['columns'],
  ) {}

  get number(): number {
    return this.row.number;
  }

  get(key: string): Cell | undefined {
    const index = this.columns[key];
    return index === undefined ? undefined : this.row.cells[index];
  }

  text(key: string): string {
    return cellText(this.get(key)).trim();
  }

  has(key: string): boolean {
    return this.columns[key] !== undefined;
  }

  others(): string[] {
    const read = readColumns(this.columns);
    // No array for a row whose cells are all read (every row of most files).
    let texts: string[] | undefined;
    for (let i = 0; i < this.row.cells.length; i += 1) {
      const text = read.has(i) ? '' : cellText(this.row.cells[i]).trim();
      if (text !== '') {
        (texts ??= []).push(text);
      }
    }
    return texts ?? [];
  }
}

const readIndexes = new WeakMap<HeaderMatch['columns'], ReadonlySet<number>>();

/** The cell indexes a header match reads, computed once per match (rows share its columns). */
function readColumns(columns: HeaderMatch['columns']): ReadonlySet<number> {
  let read = readIndexes.get(columns);
  if (!read) {
    read = new Set(Object.values(columns));
    readIndexes.set(columns, read);
  }
  return read;
}

/** A row's cells by column key. */
export function keyed(row: Row, match: HeaderMatch): KeyedRow {
  return new KeyedCells(row, match.columns);
}

/** Errors listed one by one on a receipt; beyond, they are counted (a million bad rows make no useful list). */
export const LISTED_ERRORS = 10_000;

/** Notices of one kind (one code) listed one by one on a receipt; beyond, they are counted. */
export const LISTED_NOTICES = 10_000;

/** Characters of a value read from a file shown on a receipt before it is cut. */
const SHOWN_VALUE = 120;
/** Characters of a detail (which may quote the value, or list what is allowed) before it is cut. */
const SHOWN_DETAIL = 1_000;

/**
 * The marks that reorder the text around them (embeddings, overrides, isolates): « \u202eMDA »
 * would show on a receipt as « ADM » beside « code résultat inconnu ».
 */
const REORDERING = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a file as a receipt shows it: whole when short, else its start and its length (one
 * 8 MB cell must not make a 16 MB receipt); a mark that reorders text shown as `?`, as in a refused
 * file's name, so that what the receipt shows is what the cell holds, in its order.
 */
export function shownText(text: string | undefined, limit = SHOWN_VALUE): string | undefined {
  const shown = text?.replace(REORDERING, '?');
  if (shown === undefined || shown.length <= limit) {
    return shown;
  }
  return `${shown.slice(0, limit)}… (${shown.length} caractères)`;
}

function item(
  kind: ReceiptKind,
  row: number | null,
  column: string | null,
  code: ErrorCode,
  value?: string,
  detail?: string,
): ReceiptError {
  return {
    row,
    column,
    value: shownText(value),
    code,
    message: frenchMessage(code, shownText(detail, SHOWN_DETAIL)),
    kind,
  };
}

/**
 * The rows of a file refused so far, one bit per row: a wrong file of a million rows holds 125 KB
 * here, where a set of numbers held tens of megabytes until the receipt was written.
 */
export class RowSet {
  private bits = new Uint32Array(1_024);
  /** Distinct rows added. */
  size = 0;

  add(row: number): void {
    const word = row >>> 5;
    if (word >= this.bits.length) {
      const grown = new Uint32Array(Math.max(word + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const bit = 1 << (row & 31);
    if ((this.bits[word]! & bit) === 0) {
      this.bits[word]! |= bit;
      this.size += 1;
    }
  }

  has(row: number): boolean {
    const word = row >>> 5;
    return word < this.bits.length && (this.bits[word]! & (1 << (row & 31))) !== 0;
  }
}

/**
 * Collects receipt errors for a file; notices are listed, marked as such, but do not count as
 * errors. Errors and each kind of notice are listed up to their own limit: a file with thousands
 * of bad rows still lists the grades it replaced (GRADE_REPLACED), which a person must be able to
 * check one by one, and a maquette with thousands of ignored cells does not hide them either.
 */
export class ErrorList {
  readonly items: ReceiptError[] = [];
  readonly rows = new RowSet();
  /** Errors (not notices) added, listed or not. */
  errorCount = 0;
  /** Errors beyond their limit, counted but not listed: they are found again at the next drop. */
  unlistedErrors = 0;
  /** Notices beyond their kind's limit, counted but not listed: nothing to correct in them. */
  unlistedNotices = 0;
  /** Errors listed so far. */
  private listedErrors = 0;
  /** Notices listed so far, by code. */
  private readonly listedNotices = new Map<ErrorCode, number>();

  /** Errors and notices beyond their limits, counted but not listed. */
  get unlisted(): number {
    return this.unlistedErrors + this.unlistedNotices;
  }

  /** How many more errors would still be listed one by one. */
  get listable(): number {
    return Math.max(LISTED_ERRORS - this.listedErrors, 0);
  }

  /** How many more notices of `code` would still be listed one by one. */
  noticesListable(code: ErrorCode): number {
    return Math.max(LISTED_NOTICES - (this.listedNotices.get(code) ?? 0), 0);
  }

  /** Adds an error on a row and column. */
  add(
    row: number | null,
    column: string | null,
    code: ErrorCode,
    value?: string,
    detail?: string,
  ): void {
    if (this.listedErrors < LISTED_ERRORS) {
      this.items.push(item('error', row, column, code, value, detail));
      this.listedErrors += 1;
    } else {
      this.unlistedErrors += 1;
    }
    this.errorCount += 1;
    if (row !== null) {
      this.rows.add(row);
    }
  }

  /** Adds a notice on a row that is still imported (listed on the receipt, row not rejected). */
  note(row: number, column: string | null, code: ErrorCode, value?: string, detail?: string): void {
    const listed = this.listedNotices.get(code) ?? 0;
    if (listed < LISTED_NOTICES) {
      this.items.push(item('notice', row, column, code, value, detail));
      this.listedNotices.set(code, listed + 1);
    } else {
      this.unlistedNotices += 1;
    }
  }

  /** Counts notices a caller found but did not list (it lists up to `noticesListable`). */
  countUnlistedNotices(count: number): void {
    this.unlistedNotices += count;
  }

  /** Adds the error an AppError carries. */
  addError(row: number | null, column: string | null, error: AppError, value?: string): void {
    this.add(row, column, error.code, value, error.detail);
  }
}

/** Parses a birth date given as a date cell, `dd/mm/yyyy` or ISO text; null when blank, 'invalid' otherwise. */
export function birthDateOf(cell: Cell | undefined): string | null {
  if (!cell || cell.kind === 'blank') {
    return null;
  }
  if (cell.kind === 'date') {
    return cell.iso;
  }
  const text = cellText(cell).trim();
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const [y, m, d] = french
    ? [french[3], french[2], french[1]]
    : iso
      ? [iso[1], iso[2], iso[3]]
      : [];
  if (!y || !m || !d) {
    return 'invalid';
  }
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  const ok =
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(m) - 1 &&
    date.getUTCDate() === Number(d);
  return ok ? `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}` : 'invalid';
}

/** True when a sheet holds a header of `specs` (a column named twice is still a table of them). */
function holdsTable(data: Workbook, specs: ColumnSpec[], sheet: Sheet): boolean {
  if (sheet.rows.length === 0) {
    return false;
  }
  try {
    findHeader({ ...data, sheets: [{ ...sheet, state: 'visible' }] }, specs);
    return true;
  } catch (error: unknown) {
    return error instanceof AppError && error.code === 'COLUMN_AMBIGUOUS';
  }
}

/**
 * Refuses a workbook where a sheet other than the one read holds a table of the same columns: only
 * one is read, and the other's grades would be left out without a word. Another visible sheet
 * (« Groupe A », « Groupe B ») gives WORKBOOK_SEVERAL_TABLES; a hidden one, which the person may
 * not even know is there, WORKBOOK_HIDDEN_TABLE. A sheet of instructions or totals, or the
 * fingerprint of a grade-entry workbook, has no such header and is no table of grades. `data` is
 * the whole workbook, hidden sheets included; `read` is null when no visible sheet had the header.
 */
function refuseSeveralTables(data: Workbook, specs: ColumnSpec[], read: Sheet | null): void {
  const others = data.sheets.filter((sheet) => sheet !== read && holdsTable(data, specs, sheet));
  const hidden = others.filter((sheet) => sheet.state !== 'visible');
  if (hidden.length > 0) {
    const names = hidden.map((s) => `« ${s.name} »`).join(', ');
    const shown = read ? ` ; feuille lue : « ${read.name} »` : '';
    // A « very hidden » sheet (set by a macro) is not offered by the spreadsheet's menu.
    const veryHidden = hidden.some((s) => s.state === 'veryHidden')
      ? ' ; une feuille très masquée (par une macro) ne se réaffiche pas par le menu : copiez les ' +
        'lignes à importer dans un nouveau classeur et déposez celui-ci'
      : '';
    throw new AppError(
      'WORKBOOK_HIDDEN_TABLE',
      `(feuille(s) masquée(s) : ${names}${shown}${veryHidden})`,
    );
  }
  if (read && others.length > 0) {
    const names = [read, ...others].map((s) => `« ${s.name} »`).join(', ');
    throw new AppError('WORKBOOK_SEVERAL_TABLES', `(feuilles ${names})`);
  }
}

/**
 * Finds the header among the visible sheets of `data` (hidden ones included in it), refusing a
 * hidden column in use and a table in another sheet; when no visible sheet has the header but a
 * hidden one does, the hidden sheet is named rather than the header said missing.
 */
export function findTableHeader(data: Workbook, specs: ColumnSpec[]): HeaderMatch {
  let match: HeaderMatch;
  try {
    match = findHeader(data, specs);
  } catch (error: unknown) {
    if (isAppError(error, 'HEADER_NOT_FOUND', 'COLUMN_MISSING')) {
      refuseSeveralTables(data, specs, null);
    }
    throw error;
  }
  refuseHiddenColumns(match);
  refuseSeveralTables(data, specs, match.sheet);
  return match;
}
