// The exceljs-based reader the service used before readers/xlsx-fast.ts, kept word for word (bar
// its name and imports) as the oracle of the parity test: the streaming reader must read every
// workbook as this one did, except where this one is wrong (each case is named in that test).
// Not used by the service.

import ExcelJS from 'exceljs';

import { AppError } from '../../src/domain/errors.js';
import type { Cell, Row, Sheet, Workbook } from '../../src/readers/table.js';
import { checkZip, readZipEntry, type ZipEntry } from '../../src/readers/zip-guard.js';
import { isPercentFormat } from '../../src/readers/number-format.js';

type CellValue = ExcelJS.CellValue;

const XML_PART = /\.(xml|rels|vml)$/i;
const DTD_MARKERS = ['<!doctype', '<!entity'];
const SHEET_STATES = new Set<Sheet['state']>(['visible', 'hidden', 'veryHidden']);

function declaresDtd(content: Buffer): boolean {
  // Parts are UTF-8 in practice; UTF-16 is legal XML, so look for both spellings.
  const texts = [content.toString('latin1'), content.toString('utf16le')].map((text) =>
    text.toLowerCase(),
  );
  return texts.some((text) => DTD_MARKERS.some((marker) => text.includes(marker)));
}

/** Expands every part within its declared size and refuses XML parts that declare a DTD. */
function vetParts(bytes: Buffer, entries: ZipEntry[]): void {
  for (const entry of entries) {
    const content = readZipEntry(bytes, entry);
    if (XML_PART.test(entry.name) && declaresDtd(content)) {
      throw new AppError('FILE_CORRUPT', `(déclaration DOCTYPE/ENTITY refusée dans ${entry.name})`);
    }
  }
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** exceljs builds dates in UTC from the serial number (1900 or 1904 system), so read them in UTC. */
function dateCell(date: Date): Cell {
  if (Number.isNaN(date.getTime())) {
    return { kind: 'error', raw: '#DATE!' };
  }

  const day = `${pad(date.getUTCDate())}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCFullYear(), 4)}`;
  const iso = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const hasTime = date.getUTCHours() + date.getUTCMinutes() + date.getUTCSeconds() > 0;
  const time = hasTime ? ` ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}` : '';

  return { kind: 'date', iso, raw: day + time };
}

function textCell(text: string): Cell {
  return text.trim() === '' ? { kind: 'blank' } : { kind: 'text', raw: text };
}

function richText(value: ExcelJS.CellRichTextValue): string {
  return value.richText.map((run) => run.text).join('');
}

/** Text of a hyperlink cell, whose text may itself be rich text. */
function hyperlinkText(value: ExcelJS.CellHyperlinkValue): string {
  const text: unknown = value.text;
  if (typeof text === 'object' && text !== null && 'richText' in text) {
    return richText(text as ExcelJS.CellRichTextValue);
  }
  return typeof text === 'string' ? text : '';
}

function scalarCell(value: number | string | boolean | Date): Cell {
  if (typeof value === 'number') {
    return { kind: 'number', value, raw: String(value) };
  }
  if (typeof value === 'string') {
    return textCell(value);
  }
  if (typeof value === 'boolean') {
    // French Excel shows booleans as VRAI / FAUX.
    return { kind: 'bool', value, raw: value ? 'VRAI' : 'FAUX' };
  }
  return dateCell(value);
}

function formulaCell(value: ExcelJS.CellFormulaValue | ExcelJS.CellSharedFormulaValue): Cell {
  const formula =
    'formula' in value && value.formula
      ? value.formula
      : 'sharedFormula' in value
        ? value.sharedFormula
        : '';
  const result = value.result;

  if (result === undefined || result === null) {
    return { kind: 'formula_no_value', raw: `=${formula}` };
  }
  if (typeof result === 'object' && !(result instanceof Date)) {
    return { kind: 'error', raw: result.error };
  }
  return scalarCell(result);
}

/** Converts an exceljs cell value into the reader shape. */
function toCell(value: CellValue): Cell {
  if (value === null || value === undefined) {
    return { kind: 'blank' };
  }
  if (typeof value !== 'object' || value instanceof Date) {
    return scalarCell(value);
  }

  if ('error' in value) {
    return { kind: 'error', raw: value.error };
  }
  if ('richText' in value) {
    return textCell(richText(value));
  }
  if ('hyperlink' in value) {
    return textCell(hyperlinkText(value));
  }
  return formulaCell(value);
}

/** A format of zeros only (`00000000`) shows leading zeros: the text seen is `00004211`, not `4211`. */
const ZERO_PADDED = /^0+$/;

/** The number as the person sees it under a zero-padding format (student numbers typed as numbers). */
function withZeroPadding(cell: Cell, format: string | undefined): Cell {
  if (
    cell.kind !== 'number' ||
    !format ||
    !ZERO_PADDED.test(format) ||
    !Number.isInteger(cell.value)
  ) {
    return cell;
  }
  return { ...cell, raw: String(cell.value).padStart(format.length, '0') };
}

/** A number under a percentage format (`0%`) is flagged: the value is not what the person typed. */
function withPercent(cell: Cell, format: string | undefined): Cell {
  if (cell.kind !== 'number' || format === undefined || !isPercentFormat(format)) {
    return cell;
  }
  return { ...cell, percent: true };
}

function readRow(row: ExcelJS.Row): Cell[] {
  const cells: Cell[] = [];

  row.eachCell({ includeEmpty: false }, (cell, column) => {
    // Only the top-left cell of a merged range holds the value the person sees.
    const slave = cell.type === ExcelJS.ValueType.Merge;
    cells[column - 1] = slave
      ? { kind: 'blank' }
      : withPercent(withZeroPadding(toCell(cell.value), cell.numFmt), cell.numFmt);
  });

  const filled = Array.from(cells, (cell): Cell => cell ?? { kind: 'blank' });
  while (filled.length > 0 && filled[filled.length - 1]?.kind === 'blank') {
    filled.pop();
  }
  return filled;
}

function readSheet(worksheet: ExcelJS.Worksheet): Sheet {
  const rows: Row[] = [];

  worksheet.eachRow({ includeEmpty: false }, (row, number) => {
    const cells = readRow(row);
    if (cells.length > 0) {
      rows.push(row.hidden ? { number, cells, hidden: true } : { number, cells });
    }
  });

  const hiddenColumns: number[] = [];
  (worksheet.columns ?? []).forEach((column, index) => {
    if (column.hidden) {
      hiddenColumns.push(index + 1);
    }
  });

  // Sheets without a state attribute come back with none: they are visible.
  const state = SHEET_STATES.has(worksheet.state) ? worksheet.state : 'visible';
  const sheet: Sheet = { name: worksheet.name, state, rows };
  return hiddenColumns.length > 0 ? { ...sheet, hiddenColumns } : sheet;
}

async function loadWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own `Buffer` as an ArrayBuffer; JSZip takes either, the copy is cheap next to the parse.
    await workbook.xlsx.load(new Uint8Array(bytes).buffer);
  } catch (error: unknown) {
    if (error instanceof AppError) {
      throw error;
    }
    throw new AppError('FILE_CORRUPT', '(classeur Excel illisible)');
  }
  return workbook;
}

/** Reads an .xlsx workbook (after zip and XML checks) into typed cells; FILE_NO_DATA when every sheet is empty. */
export async function readXlsxWithExceljs(bytes: Buffer): Promise<Workbook> {
  const entries = checkZip(bytes);
  vetParts(bytes, entries);

  const workbook = await loadWorkbook(bytes);
  const sheets = workbook.worksheets.map(readSheet);
  if (sheets.every((sheet) => sheet.rows.length === 0)) {
    throw new AppError('FILE_NO_DATA');
  }

  return { format: 'xlsx', sheets };
}
