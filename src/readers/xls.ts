// Excel 97-2003 workbooks (.xls, BIFF8) read record by record from the compound file's `Workbook`
// stream. Only what a grade list needs is decoded: shared strings, numbers (RK/MULRK/NUMBER),
// cached formula results, booleans and errors, dates by their number format and the workbook's date
// system, hidden sheets, rows and columns. Formulas are never evaluated; macros are never read.
import { AppError } from '../domain/errors.js';
import { StringReader, unicodeString } from './biff-strings.js';
import { readCfbStreams } from './cfb.js';
import {
  BUILTIN_PERCENT_FORMATS,
  isDateFormat,
  isPercentFormat,
  zeroPadded,
  zeroPadWidth,
} from './number-format.js';
import { dateCell as dayCell, placedError, textCell } from './xlsx-fast-cells.js';
import type { Cell, Row, Sheet, Workbook } from './table.js';

const BIFF8 = 0x0600;
const RT = {
  BOF: 0x0809,
  EOF: 0x000a,
  BOUNDSHEET: 0x0085,
  DATEMODE: 0x0022,
  FILEPASS: 0x002f,
  SST: 0x00fc,
  CONTINUE: 0x003c,
  FORMAT: 0x041e,
  XF: 0x00e0,
  LABELSST: 0x00fd,
  LABEL: 0x0204,
  NUMBER: 0x0203,
  RK: 0x027e,
  MULRK: 0x00bd,
  BOOLERR: 0x0205,
  FORMULA: 0x0006,
  STRING: 0x0207,
  SHRFMLA: 0x04bc,
  ARRAY: 0x0221,
  TABLE: 0x0236,
  ROW: 0x0208,
  COLINFO: 0x007d,
} as const;

const ERRORS: Record<number, string> = {
  0x00: '#NULL!',
  0x07: '#DIV/0!',
  0x0f: '#VALUE!',
  0x17: '#REF!',
  0x1d: '#NAME?',
  0x24: '#NUM!',
  0x2a: '#N/A',
};
/** Built-in number formats that show a date (MS-XLS 2.5.165). */
const DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);
const SHEET_STATES: Sheet['state'][] = ['visible', 'hidden', 'veryHidden'];
const ROW_HIDDEN_FLAG = 0x20;

/** One BIFF record: its type, its data, and the data of the CONTINUE records after it. */
interface BiffRecord {
  type: number;
  data: Buffer;
  continues: Buffer[];
  offset: number;
}

function* records(stream: Buffer, from: number): Generator<BiffRecord> {
  let at = from;
  let last: BiffRecord | undefined;
  while (at + 4 <= stream.length) {
    const type = stream.readUInt16LE(at);
    const length = stream.readUInt16LE(at + 2);
    const data = stream.subarray(at + 4, at + 4 + length);
    if (data.length < length) {
      throw new AppError('FILE_CORRUPT', '(classeur .xls tronqué)');
    }
    if (type === RT.CONTINUE && last) {
      last.continues.push(data);
    } else {
      if (last) {
        yield last;
      }
      last = { type, data, continues: [], offset: at };
    }
    at += 4 + length;
  }
  if (last) {
    yield last;
  }
}

/** 8-bit-length sheet name of BOUNDSHEET8. */
function shortString(data: Buffer, at: number): string {
  const count = data.readUInt8(at);
  const wide = (data.readUInt8(at + 1) & 0x01) === 1;
  const body = data.subarray(at + 2, at + 2 + count * (wide ? 2 : 1));
  return body.toString(wide ? 'utf16le' : 'latin1');
}

function rkValue(rk: number): number {
  const value =
    rk & 0x02 ? rk >> 2 : Buffer.from([0, 0, 0, 0, ...u32Bytes(rk & 0xfffffffc)]).readDoubleLE(0);
  return rk & 0x01 ? value / 100 : value;
}

function u32Bytes(value: number): number[] {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value >>> 0);
  return [...out];
}

/** The workbook-wide facts every sheet needs. */
interface Globals {
  strings: string[];
  dateXf: boolean[];
  /** Digits a zero-padding format shows, per XF (0: no such format). */
  padWidth: number[];
  /** True per XF whose format shows a percentage. */
  percentXf: boolean[];
  date1904: boolean;
  sheets: Array<{ name: string; state: Sheet['state']; offset: number }>;
}

function readGlobals(stream: Buffer): Globals {
  const formats = new Map<number, string>();
  const xfFormats: number[] = [];
  const globals: Globals = {
    strings: [],
    dateXf: [],
    padWidth: [],
    percentXf: [],
    date1904: false,
    sheets: [],
  };

  for (const record of records(stream, 0)) {
    const { type, data } = record;
    if (type === RT.BOF && record.offset === 0 && data.readUInt16LE(0) !== BIFF8) {
      throw new AppError('FILE_FORMAT_LEGACY');
    } else if (type === RT.FILEPASS) {
      throw new AppError('FILE_ENCRYPTED');
    } else if (type === RT.DATEMODE) {
      globals.date1904 = data.readUInt16LE(0) === 1;
    } else if (type === RT.FORMAT) {
      formats.set(data.readUInt16LE(0), unicodeString(data, 2));
    } else if (type === RT.XF) {
      xfFormats.push(data.readUInt16LE(2));
    } else if (type === RT.BOUNDSHEET && data.readUInt8(5) === 0) {
      const state = SHEET_STATES[data.readUInt8(4) & 0x03] ?? 'hidden';
      globals.sheets.push({ name: shortString(data, 6), state, offset: data.readUInt32LE(0) });
    } else if (type === RT.SST) {
      const reader = new StringReader([data.subarray(8), ...record.continues]);
      const unique = data.readUInt32LE(4);
      for (let i = 0; i < unique; i += 1) {
        globals.strings.push(reader.richString());
      }
    } else if (type === RT.EOF) {
      break;
    }
  }

  globals.dateXf = xfFormats.map((f) => DATE_FORMATS.has(f) || isDateFormat(formats.get(f) ?? ''));
  globals.padWidth = xfFormats.map((f) => zeroPadWidth(formats.get(f)));
  globals.percentXf = xfFormats.map((f) => {
    const code = formats.get(f);
    return code !== undefined ? isPercentFormat(code) : BUILTIN_PERCENT_FORMATS.has(f);
  });
  return globals;
}

const DAY_MS = 86_400_000;

/** A date serial in the workbook's system, read in UTC (1900: Excel's phantom 29/02/1900 kept). */
function dateCell(serial: number, date1904: boolean): Cell {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, serial < 60 ? 31 : 30);
  if (serial < 0) {
    return { kind: 'error', raw: '#DATE!' };
  }
  // Shown as the .xlsx reader shows it: `dd/mm/yyyy`, with `hh:mm` when there is a time of day.
  return dayCell(epoch + Math.round(serial * DAY_MS));
}

function numberCell(value: number, xf: number, globals: Globals): Cell {
  if (globals.dateXf[xf]) {
    return dateCell(value, globals.date1904);
  }
  // A zero-padding format shows 4211 as 00004211: a student number keeps its leading zeros.
  const width = globals.padWidth[xf] ?? 0;
  const raw = width > 0 && Number.isInteger(value) ? zeroPadded(value, width) : String(value);
  return globals.percentXf[xf] === true
    ? { kind: 'number', value, raw, percent: true }
    : { kind: 'number', value, raw };
}

function boolOrError(flag: number, isError: boolean): Cell {
  if (isError) {
    return { kind: 'error', raw: ERRORS[flag] ?? '#ERREUR' };
  }
  return { kind: 'bool', value: flag === 1, raw: flag === 1 ? 'VRAI' : 'FAUX' };
}

/**
 * The cached result of a FORMULA record. A text result is not in it but in the STRING record that
 * follows (see readSheet): until that record is read the cell is a formula without a value.
 */
function formulaCell(data: Buffer, globals: Globals): Cell {
  const value = data.subarray(6, 14);
  if (value.readUInt16LE(6) !== 0xffff) {
    return numberCell(value.readDoubleLE(0), data.readUInt16LE(4), globals);
  }
  switch (value.readUInt8(0)) {
    case 0:
      return { kind: 'formula_no_value', raw: '=' };
    case 1:
      return boolOrError(value.readUInt8(2), false);
    case 2:
      return boolOrError(value.readUInt8(2), true);
    default:
      return { kind: 'blank' };
  }
}

/** A STRING record's text, which may run over CONTINUE records. */
function stringResult(record: BiffRecord): Cell {
  return textCell(new StringReader([record.data, ...record.continues]).richString());
}

/** Records that set cells, each starting with row, column and format. */
const CELL_RECORDS: ReadonlySet<number> = new Set([
  RT.LABELSST,
  RT.LABEL,
  RT.NUMBER,
  RT.RK,
  RT.BOOLERR,
  RT.FORMULA,
  RT.MULRK,
]);

/** The cells one record sets, as [row, column, cell]. */
function cellsOf(record: BiffRecord, globals: Globals): Array<[number, number, Cell]> {
  const { type, data } = record;
  // Only cell records start with row, column and format: the others (2-byte records such as
  // CALCCOUNT or DEFCOLWIDTH, in every sheet Excel or LibreOffice writes) hold something else.
  if (!CELL_RECORDS.has(type)) {
    return [];
  }
  const row = data.readUInt16LE(0);
  const col = data.readUInt16LE(2);
  const xf = data.readUInt16LE(4);
  switch (type) {
    case RT.LABELSST:
      return [[row, col, textCell(globals.strings[data.readUInt32LE(6)] ?? '')]];
    case RT.LABEL:
      return [[row, col, textCell(unicodeString(data, 6))]];
    case RT.NUMBER:
      return [[row, col, numberCell(data.readDoubleLE(6), xf, globals)]];
    case RT.RK:
      return [[row, col, numberCell(rkValue(data.readUInt32LE(6)), xf, globals)]];
    case RT.BOOLERR:
      return [[row, col, boolOrError(data.readUInt8(6), data.readUInt8(7) === 1)]];
    case RT.FORMULA:
      return [[row, col, formulaCell(data, globals)]];
    case RT.MULRK: {
      const out: Array<[number, number, Cell]> = [];
      for (let at = 4, c = col; at + 6 <= data.length - 2; at += 6, c += 1) {
        out.push([
          row,
          c,
          numberCell(rkValue(data.readUInt32LE(at + 2)), data.readUInt16LE(at), globals),
        ]);
      }
      return out;
    }
    default:
      return [];
  }
}

/**
 * Records that may stand between a FORMULA and the STRING holding its text result (MS-XLS 2.1.7.20.5,
 * CELLTABLE): LibreOffice writes SHRFMLA there for the first cell of a filled-down formula.
 */
const FORMULA_COMPANIONS: ReadonlySet<number> = new Set([RT.SHRFMLA, RT.ARRAY, RT.TABLE]);

/** What a sheet's records build up. */
interface SheetState {
  grid: Map<number, Cell[]>;
  hiddenRows: Set<number>;
  hiddenColumns: number[];
  /** The cell of a FORMULA whose text result is still to come in a STRING record. */
  awaitingText?: { row: number; col: number };
}

function setCell(state: SheetState, row: number, col: number, cell: Cell): void {
  const cells = state.grid.get(row) ?? [];
  cells[col] = cell;
  state.grid.set(row, cells);
}

function applyRecord(state: SheetState, record: BiffRecord, globals: Globals): void {
  const { type, data } = record;
  const awaiting = state.awaitingText;
  if (awaiting && type === RT.STRING) {
    try {
      setCell(state, awaiting.row, awaiting.col, stringResult(record));
    } catch (error: unknown) {
      throw placedError(error, awaiting.row + 1, awaiting.col + 1);
    }
  }
  if (!FORMULA_COMPANIONS.has(type)) {
    // Anything else ends the wait: the formula keeps « no value », as when Excel wrote no result.
    delete state.awaitingText;
  }
  if (type === RT.ROW && data.readUInt32LE(12) & ROW_HIDDEN_FLAG) {
    state.hiddenRows.add(data.readUInt16LE(0));
    return;
  }
  if (type === RT.COLINFO && data.readUInt16LE(8) & 0x01) {
    const last = Math.min(data.readUInt16LE(2), 16383);
    for (let c = data.readUInt16LE(0); c <= last; c += 1) {
      state.hiddenColumns.push(c + 1);
    }
    return;
  }
  let cells: Array<[number, number, Cell]>;
  try {
    cells = cellsOf(record, globals);
  } catch (error: unknown) {
    // Only a cell record reads text, and it starts with its row and column.
    throw placedError(error, data.readUInt16LE(0) + 1, data.readUInt16LE(2) + 1);
  }
  for (const [row, col, cell] of cells) {
    setCell(state, row, col, cell);
    if (type === RT.FORMULA && cell.kind === 'formula_no_value') {
      state.awaitingText = { row, col };
    }
  }
}

function readSheet(stream: Buffer, entry: Globals['sheets'][number], globals: Globals): Sheet {
  const state: SheetState = { grid: new Map(), hiddenRows: new Set(), hiddenColumns: [] };
  for (const record of records(stream, entry.offset)) {
    if (record.type === RT.EOF) {
      break;
    }
    applyRecord(state, record, globals);
  }

  const rows: Row[] = [...state.grid.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, cells]) => toRow(index, cells, state.hiddenRows.has(index)))
    .filter((row) => row.cells.length > 0);
  const sheet: Sheet = { name: entry.name, state: entry.state, rows };
  return state.hiddenColumns.length > 0 ? { ...sheet, hiddenColumns: state.hiddenColumns } : sheet;
}

function toRow(index: number, sparse: Cell[], hidden: boolean): Row {
  const cells = Array.from(sparse, (cell): Cell => cell ?? { kind: 'blank' });
  while (cells.length > 0 && cells[cells.length - 1]?.kind === 'blank') {
    cells.pop();
  }
  return hidden ? { number: index + 1, cells, hidden: true } : { number: index + 1, cells };
}

/** Reads an .xls (BIFF8) workbook; FILE_FORMAT_LEGACY for Excel 95 and older, FILE_ENCRYPTED when protected. */
export function readXls(bytes: Buffer): Workbook {
  const streams = readCfbStreams(bytes, ['Workbook', 'Book']);
  const stream = streams.find((s) => s.name === 'Workbook')?.content;
  if (!stream) {
    throw streams.length > 0
      ? new AppError('FILE_FORMAT_LEGACY')
      : new AppError('FILE_CORRUPT', '(classeur .xls sans flux Workbook)');
  }

  let sheets: Sheet[];
  try {
    const globals = readGlobals(stream);
    sheets = globals.sheets.map((entry) => readSheet(stream, entry, globals));
  } catch (error: unknown) {
    if (error instanceof AppError) {
      throw error;
    }
    // A RangeError from reading past a record's end: the file lies about its lengths.
    throw new AppError('FILE_CORRUPT', '(classeur .xls illisible)');
  }

  if (sheets.every((sheet) => sheet.rows.length === 0)) {
    throw new AppError('FILE_NO_DATA');
  }
  return { format: 'xls', sheets };
}
