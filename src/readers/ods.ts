// OpenDocument spreadsheets (LibreOffice, AMC's ODS export) read from their content.xml, parsed as
// a stream by saxes while zlib inflates it: the archive is vetted first (zip-guard), a DOCTYPE is
// refused at the first event, and repeated blank rows and cells (LibreOffice pads sheets to a
// million rows) only advance counters. Dates are ISO in the file, so no date system applies.
import { SaxesParser, type SaxesTagPlain } from 'saxes';

import { AppError } from '../domain/errors.js';
import type { Cell, Row, Sheet, Workbook } from './table.js';
import { placedError, textCell } from './xlsx-fast-cells.js';
import { checkZip, readZipEntry, streamZipEntry, type ZipEntry } from './zip-guard.js';

/** More cells than this from repeats of non-blank content is a crafted file, not a grade list. */
const MAX_EXPANDED_CELLS = 5_000_000;
const MANIFEST_MAX_BYTES = 1024 * 1024;

/** The cell being read: its attributes, and its text paragraphs. */
interface OpenCell {
  attributes: Record<string, string>;
  covered: boolean;
  paragraphs: string[];
  repeat: number;
}

/** Parsing state of one content.xml. */
interface State {
  sheets: Sheet[];
  hiddenTableStyles: Set<string>;
  sheet?: Sheet;
  rowNumber: number;
  column: number;
  row?: { cells: Cell[]; repeat: number; hidden: boolean };
  cell?: OpenCell;
  /** Depth inside a text:p; text outside paragraphs (annotations aside) is not cell text. */
  inParagraph: number;
  inAnnotation: number;
  pendingTableStyle?: string;
  expanded: number;
}

function count(value: string | undefined): number {
  const parsed = Number(value ?? '1');
  return Number.isInteger(parsed) && parsed > 0 ? parsed : 1;
}

/** The date a person sees (dd/mm/yyyy), from ODS's ISO `office:date-value`. */
function dateCell(value: string, shown: string): Cell {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) {
    return { kind: 'error', raw: shown || value };
  }
  const [, year, month, day] = match;
  return { kind: 'date', iso: `${year}-${month}-${day}`, raw: shown || `${day}/${month}/${year}` };
}

/** Converts a finished ODS cell into the reader shape; formulas count only through their cached value. */
export function odsCell(attributes: Record<string, string>, shown: string): Cell {
  const type = attributes['office:value-type'] ?? attributes['calcext:value-type'];
  const formula = attributes['table:formula'];

  if (attributes['calcext:value-type'] === 'error') {
    return { kind: 'error', raw: shown || '#ERREUR' };
  }
  switch (type) {
    case 'float':
    case 'percentage':
    case 'currency': {
      const value = Number(attributes['office:value']);
      if (!Number.isFinite(value)) {
        return { kind: 'error', raw: shown };
      }
      const cell: Cell = { kind: 'number', value, raw: shown || String(value) };
      return type === 'percentage' ? { ...cell, percent: true } : cell;
    }
    case 'date':
      return dateCell(attributes['office:date-value'] ?? '', shown);
    case 'boolean': {
      const value = attributes['office:boolean-value'] === 'true';
      return { kind: 'bool', value, raw: shown || (value ? 'VRAI' : 'FAUX') };
    }
    case 'string':
    case 'time':
      return textCell(attributes['office:string-value'] ?? shown);
    case undefined:
    default:
      return formula && shown === '' ? { kind: 'formula_no_value', raw: formula } : textCell(shown);
  }
}

function onOpen(state: State, tag: SaxesTagPlain): void {
  const a = tag.attributes;
  switch (tag.name) {
    case 'style:style':
      state.pendingTableStyle = a['style:family'] === 'table' ? a['style:name'] : undefined;
      return;
    case 'style:table-properties':
      if (state.pendingTableStyle && a['table:display'] === 'false') {
        state.hiddenTableStyles.add(state.pendingTableStyle);
      }
      return;
    case 'table:table': {
      const hidden = state.hiddenTableStyles.has(a['table:style-name'] ?? '');
      state.sheet = { name: a['table:name'] ?? '', state: hidden ? 'hidden' : 'visible', rows: [] };
      state.rowNumber = 0;
      state.column = 0;
      return;
    }
    case 'table:table-column':
      hideColumns(state, a);
      return;
    case 'table:table-row':
      state.row = {
        cells: [],
        repeat: count(a['table:number-rows-repeated']),
        hidden: a['table:visibility'] !== undefined && a['table:visibility'] !== 'visible',
      };
      state.column = 0;
      return;
    case 'table:table-cell':
    case 'table:covered-table-cell':
      state.cell = {
        attributes: a,
        covered: tag.name === 'table:covered-table-cell',
        paragraphs: [],
        repeat: count(a['table:number-columns-repeated']),
      };
      return;
    case 'office:annotation':
      state.inAnnotation += 1;
      return;
    case 'text:p':
    case 'text:h':
      if (state.cell && state.inAnnotation === 0) {
        state.cell.paragraphs.push('');
        state.inParagraph += 1;
      }
      return;
    case 'text:s':
      appendText(state, ' '.repeat(Math.min(count(a['text:c']), 1000)));
      return;
    case 'text:tab':
      appendText(state, '\t');
      return;
    case 'text:line-break':
      appendText(state, '\n');
      return;
  }
}

/** Hidden columns (`collapse`, or `filter`ed out) are listed by their 1-based index. */
function hideColumns(state: State, a: Record<string, string>): void {
  const repeat = count(a['table:number-columns-repeated']);
  const sheet = state.sheet;
  if (sheet && a['table:visibility'] !== undefined && a['table:visibility'] !== 'visible') {
    // A hidden run past the last used column hides nothing a person wrote; cap what is listed.
    const hidden = sheet.hiddenColumns ?? [];
    for (let index = 0; index < Math.min(repeat, 1024); index += 1) {
      hidden.push(state.column + index + 1);
    }
    sheet.hiddenColumns = hidden;
  }
  state.column += repeat;
}

function appendText(state: State, text: string): void {
  const paragraphs = state.cell?.paragraphs;
  if (paragraphs && state.inParagraph > 0 && state.inAnnotation === 0) {
    paragraphs[paragraphs.length - 1] += text;
  }
}

function closeCell(state: State): void {
  const cell = state.cell;
  const row = state.row;
  state.cell = undefined;
  if (!cell || !row) {
    return;
  }

  // Only the top-left cell of a merged range holds the value the person sees.
  let value: Cell = { kind: 'blank' };
  try {
    value = cell.covered ? value : odsCell(cell.attributes, cell.paragraphs.join('\n'));
  } catch (error: unknown) {
    throw placedError(error, state.rowNumber + 1, state.column + 1);
  }
  if (value.kind !== 'blank') {
    state.expanded += cell.repeat;
    if (state.expanded > MAX_EXPANDED_CELLS) {
      throw new AppError('FILE_TOO_LARGE', '(tableur OpenDocument : trop de cellules répétées)');
    }
    for (let index = 0; index < cell.repeat; index += 1) {
      row.cells[state.column + index] = value;
    }
  }
  state.column += cell.repeat;
}

function closeRow(state: State): void {
  const row = state.row;
  const sheet = state.sheet;
  state.row = undefined;
  if (!row || !sheet) {
    return;
  }

  const cells = Array.from(row.cells, (cell): Cell => cell ?? { kind: 'blank' });
  if (cells.length > 0) {
    state.expanded += cells.length * (row.repeat - 1);
    if (state.expanded > MAX_EXPANDED_CELLS) {
      throw new AppError('FILE_TOO_LARGE', '(tableur OpenDocument : trop de lignes répétées)');
    }
    for (let index = 0; index < row.repeat; index += 1) {
      const number = state.rowNumber + index + 1;
      sheet.rows.push(row.hidden ? { number, cells, hidden: true } : { number, cells });
    }
  }
  state.rowNumber += row.repeat;
}

function onClose(state: State, name: string): void {
  switch (name) {
    case 'table:table-cell':
    case 'table:covered-table-cell':
      closeCell(state);
      return;
    case 'table:table-row':
      closeRow(state);
      return;
    case 'table:table':
      if (state.sheet) {
        state.sheets.push(state.sheet);
      }
      state.sheet = undefined;
      return;
    case 'office:annotation':
      state.inAnnotation -= 1;
      return;
    case 'text:p':
    case 'text:h':
      state.inParagraph = Math.max(0, state.inParagraph - 1);
      return;
  }
}

function newParser(state: State): SaxesParser {
  const parser = new SaxesParser({ xmlns: false });
  parser.on('doctype', () => {
    throw new AppError('FILE_CORRUPT', '(déclaration DOCTYPE/ENTITY refusée dans content.xml)');
  });
  parser.on('opentag', (tag) => onOpen(state, tag));
  parser.on('closetag', (tag) => onClose(state, tag.name));
  parser.on('text', (text) => appendText(state, text));
  return parser;
}

/** A password-protected ODS keeps a clear manifest listing the encryption of each part. */
function refuseEncrypted(bytes: Buffer, entries: ZipEntry[]): void {
  const manifest = entries.find((entry) => entry.name === 'META-INF/manifest.xml');
  if (!manifest || manifest.uncompressedSize > MANIFEST_MAX_BYTES) {
    return;
  }
  if (readZipEntry(bytes, manifest).toString('utf8').includes('manifest:encryption-data')) {
    throw new AppError('FILE_ENCRYPTED');
  }
}

function trimRows(sheet: Sheet): Sheet {
  const rows: Row[] = [];
  for (const row of sheet.rows) {
    const cells = [...row.cells];
    while (cells.length > 0 && cells[cells.length - 1]?.kind === 'blank') {
      cells.pop();
    }
    if (cells.length > 0) {
      rows.push({ ...row, cells });
    }
  }
  return { ...sheet, rows };
}

/** Reads an .ods spreadsheet (after zip checks) into typed cells; FILE_NO_DATA when every sheet is empty. */
export async function readOds(bytes: Buffer): Promise<Workbook> {
  const entries = checkZip(bytes);
  refuseEncrypted(bytes, entries);
  const content = entries.find((entry) => entry.name === 'content.xml');
  if (!content) {
    throw new AppError('FILE_CORRUPT', '(tableur OpenDocument sans content.xml)');
  }

  const state: State = {
    sheets: [],
    hiddenTableStyles: new Set(),
    rowNumber: 0,
    column: 0,
    inParagraph: 0,
    inAnnotation: 0,
    expanded: 0,
  };
  const parser = newParser(state);
  const decoder = new TextDecoder('utf-8');
  try {
    await streamZipEntry(bytes, content, (chunk) => {
      parser.write(decoder.decode(chunk, { stream: true }));
    });
    parser.write(decoder.decode()).close();
  } catch (error: unknown) {
    if (error instanceof AppError) {
      throw error;
    }
    throw new AppError('FILE_CORRUPT', '(tableur OpenDocument illisible)');
  }

  const sheets = state.sheets.map(trimRows);
  if (sheets.every((sheet) => sheet.rows.length === 0)) {
    throw new AppError('FILE_NO_DATA');
  }
  return { format: 'ods', sheets };
}
