// Excel workbooks (.xlsx, .xlsm) read without exceljs: each sheet is inflated as a stream and
// scanned by a small tokenizer (xlsx-fast-scan.ts), so neither the whole XML text nor a DOM is ever
// held. The archive is vetted first (zip-guard: sizes, ratio, encryption), a part is inflated only
// within its declared size, XML declaring a DTD or entities is refused, formulas count only through
// the value Excel cached, dates follow the workbook's 1900 or 1904 system.
//
// Chosen over exceljs on evidence (test/readers/xlsx-parity.test.ts): the same cells on every
// workbook exceljs reads right; on the bench's 100,000-row grade workbook, 0.3-0.4 s instead of
// 2-3 s and 52 MiB of peak memory instead of 212; and right where exceljs is not (LibreOffice's
// `date1904="true"`, parts found through relationships, `_x000D_` escapes in inline text, a
// formula whose cached result is empty text, a negative number under a zero-padding format).

import { StringDecoder } from 'node:string_decoder';

import { AppError } from '../domain/errors.js';
import type { Row, Sheet, Workbook } from './table.js';
import { collectTags, XmlScanner, type XmlHandler } from './xlsx-fast-scan.js';
import { SheetHandler, wholeSheet } from './xlsx-fast-sheet.js';
import { SharedStrings, type StringTable } from './xlsx-fast-strings.js';
import { readCellStyles, type CellStyles } from './xlsx-fast-styles.js';
import {
  checkZip,
  readZipEntry,
  streamZipEntry,
  zipEntryChunks,
  type ZipEntry,
} from './zip-guard.js';

const WORKBOOK_PART = 'xl/workbook.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';
const XML_PART = /\.(xml|rels|vml)$/i;
const DTD_MARKERS = ['<!doctype', '<!entity'];
/** Bytes kept from one chunk to the next: the longest marker, in UTF-16. */
const MARKER_OVERLAP = 2 * '<!doctype'.length;
const SHEET_STATES = new Set<string>(['visible', 'hidden', 'veryHidden']);
const REL_TYPE_END = { sheet: '/worksheet', shared: '/sharedStrings', styles: '/styles' };
/**
 * Inflated text is handed to the scanner in pieces of this size. What a piece holds while it is
 * scanned (its text, the rows it completed) survives the young generation's collections, and V8
 * grows the young generation with what survives: in 64 KiB pieces, streaming 1,000,000 rows grew
 * it to its 32 MB ceiling and peaked at 117 MB; in 16 KiB pieces it stays at 16 MB and the peak at
 * 103 MB, in the same time (measured). 256 KiB pieces, freed only by full collections, peaked at 168.
 */
const CHUNK_BYTES = 16 * 1024;

function corrupt(detail: string): AppError {
  return new AppError('FILE_CORRUPT', detail);
}

/** UTF-16 XML is legal but never written by Excel: refused rather than misread as UTF-8. */
function refuseUtf16(start: Buffer, name: string): void {
  if (start[0] === 0xff || start[0] === 0xfe || (start.length > 1 && start[1] === 0)) {
    throw corrupt(`(${name} : XML en UTF-16 non pris en charge)`);
  }
}

/** Names the part in a refusal raised while scanning it. */
function inPart(error: unknown, name: string): unknown {
  if (error instanceof AppError && error.code === 'FILE_CORRUPT' && !error.detail?.includes(name)) {
    const what = (error.detail ?? '(partie illisible)').replace(/^\(|\)$/g, '');
    return corrupt(`(${name} : ${what})`);
  }
  return error;
}

/** The text of one part, a chunk at a time as inflate yields it, never beyond its declared size. */
async function* partText(bytes: Buffer, entry: ZipEntry): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of zipEntryChunks(bytes, entry, CHUNK_BYTES)) {
    if (first) {
      refuseUtf16(chunk, entry.name);
      first = false;
    }
    yield decoder.write(chunk);
  }
  yield decoder.end();
}

/**
 * Scans one part as a stream. After each chunk, yields what `take` hands over (the rows the chunk
 * completed), so a reader can stop early; every refusal names the part.
 */
export async function* scanPart<T>(
  bytes: Buffer,
  entry: ZipEntry,
  handler: XmlHandler,
  take: () => T,
): AsyncGenerator<T> {
  const scanner = new XmlScanner(handler);
  try {
    for await (const text of partText(bytes, entry)) {
      scanner.feed(text);
      yield take();
    }
    scanner.end();
  } catch (error: unknown) {
    throw inPart(error, entry.name);
  }
}

/** Scans a whole part for what its handler gathers. */
export async function scanWholePart(
  bytes: Buffer,
  entry: ZipEntry,
  handler: XmlHandler,
): Promise<void> {
  const steps = scanPart(bytes, entry, handler, () => undefined);
  for (let step = await steps.next(); !step.done; step = await steps.next()) {
    // Nothing is taken: the handler holds what was read.
  }
}

function declaresDtd(content: Buffer): boolean {
  // Parts are UTF-8 in practice; UTF-16 is legal XML, so look for both spellings.
  const texts = [content.toString('latin1'), content.toString('utf16le')].map((text) =>
    text.toLowerCase(),
  );
  return texts.some((text) => DTD_MARKERS.some((marker) => text.includes(marker)));
}

function refuseDtd(content: Buffer, name: string): void {
  if (declaresDtd(content)) {
    throw corrupt(`(${name} : déclaration DOCTYPE/ENTITY refusée)`);
  }
}

/**
 * Streams a part this reader does not read and refuses a DTD in it: exceljs loads the whole
 * workbook again to write the annotated copy. Each chunk is searched with the end of the one
 * before, cut at an even offset so UTF-16 text stays aligned.
 */
async function vetUnreadPart(bytes: Buffer, entry: ZipEntry): Promise<void> {
  let tail = Buffer.alloc(0);
  let tailStart = 0;
  await streamZipEntry(
    bytes,
    entry,
    (chunk) => {
      const window = Buffer.concat([tail, chunk]);
      refuseDtd(window, entry.name);
      let cut = Math.max(0, window.length - MARKER_OVERLAP);
      cut -= (tailStart + cut) % 2;
      tail = window.subarray(cut);
      tailStart += cut;
    },
    CHUNK_BYTES,
  );
}

/** Reads a small part (workbook, relationships, styles) as text; undefined when it is absent. */
function smallPart(
  bytes: Buffer,
  entries: Map<string, ZipEntry>,
  name: string,
): string | undefined {
  const entry = entries.get(name);
  if (!entry) {
    return undefined;
  }
  const content = readZipEntry(bytes, entry);
  refuseDtd(content, name);
  refuseUtf16(content, name);
  return content.toString('utf8');
}

/** Resolves a relationship target against the folder of the part that names it. */
function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) {
    return target.slice(1);
  }
  const parts = base.split('/').slice(0, -1);
  for (const piece of target.split('/')) {
    if (piece === '..') {
      parts.pop();
    } else if (piece !== '.' && piece !== '') {
      parts.push(piece);
    }
  }
  return parts.join('/');
}

interface Layout {
  sheets: Array<{ name: string; state: Sheet['state']; part: string }>;
  sharedStrings?: string;
  styles?: string;
  date1904: boolean;
}

/** Sheets in workbook order with their parts, and where the shared strings and styles live. */
function readLayout(bytes: Buffer, entries: Map<string, ZipEntry>): Layout {
  const workbookXml = smallPart(bytes, entries, WORKBOOK_PART);
  if (workbookXml === undefined) {
    throw corrupt('(classeur Excel sans xl/workbook.xml)');
  }
  const relsXml = smallPart(bytes, entries, WORKBOOK_RELS) ?? '';
  const rels = collectTags(relsXml, ['Relationship']).map((r) => ({
    id: r.attrs.get('Id') ?? '',
    type: r.attrs.get('Type') ?? '',
    part: resolveTarget(WORKBOOK_PART, r.attrs.get('Target') ?? ''),
  }));
  const ofType = (end: string): string | undefined =>
    rels.find((r) => r.type.endsWith(end) && entries.has(r.part))?.part;

  const tags = collectTags(workbookXml, ['sheet', 'workbookPr']);
  const flag = tags.find((t) => t.name === 'workbookPr')?.attrs.get('date1904');
  const sheets = tags
    .filter((t) => t.name === 'sheet')
    .map((t) => {
      const rel = rels.find((r) => r.id === t.attrs.get('id'));
      const state = t.attrs.get('state') ?? 'visible';
      return {
        name: t.attrs.get('name') ?? '',
        // Sheets without a state attribute are visible.
        state: (SHEET_STATES.has(state) ? state : 'visible') as Sheet['state'],
        // Chart sheets and dialog sheets hold no cells.
        part: rel?.type.endsWith(REL_TYPE_END.sheet) ? rel.part : '',
      };
    })
    .filter((s) => s.part !== '' && entries.has(s.part));

  return {
    sheets,
    sharedStrings: ofType(REL_TYPE_END.shared),
    styles: ofType(REL_TYPE_END.styles),
    date1904: flag === '1' || flag === 'true',
  };
}

/** Refuses a DTD in every XML part this reader does not read itself. */
async function vetOtherParts(
  bytes: Buffer,
  entries: ZipEntry[],
  read: Set<string | undefined>,
): Promise<void> {
  for (const entry of entries) {
    if (XML_PART.test(entry.name) && !read.has(entry.name)) {
      await vetUnreadPart(bytes, entry);
    }
  }
}

/** A workbook opened for reading: archive vetted, sheets located, shared strings and styles read. */
export interface OpenedXlsx {
  bytes: Buffer;
  sheets: Array<{ name: string; state: Sheet['state']; entry: ZipEntry }>;
  shared: StringTable;
  styles: CellStyles;
  date1904: boolean;
}

/**
 * Opens a workbook: refuses an archive out of bounds, encrypted or damaged, a DTD in any part, then
 * reads what every sheet needs (shared strings, number formats). The sheets are left to be read.
 */
export async function openXlsx(bytes: Buffer): Promise<OpenedXlsx> {
  const list = checkZip(bytes);
  const entries = new Map(list.map((entry) => [entry.name, entry]));
  const layout = readLayout(bytes, entries);
  const readHere = [WORKBOOK_PART, WORKBOOK_RELS, layout.sharedStrings, layout.styles];
  await vetOtherParts(bytes, list, new Set([...layout.sheets.map((s) => s.part), ...readHere]));

  const shared = new SharedStrings();
  if (layout.sharedStrings) {
    await scanWholePart(bytes, entries.get(layout.sharedStrings) as ZipEntry, shared);
  }
  const styles = readCellStyles(
    layout.styles ? smallPart(bytes, entries, layout.styles) : undefined,
  );

  return {
    bytes,
    sheets: layout.sheets.map(({ name, state, part }) => ({
      name,
      state,
      entry: entries.get(part) as ZipEntry,
    })),
    shared,
    styles,
    date1904: layout.date1904,
  };
}

/** Reads one sheet of an opened workbook whole. */
export async function readSheet(
  book: OpenedXlsx,
  sheet: OpenedXlsx['sheets'][number],
): Promise<Sheet> {
  const rows: Row[] = [];
  const handler = new SheetHandler(book.shared, book.styles, book.date1904, (row) => {
    rows.push(row);
  });
  await scanWholePart(book.bytes, sheet.entry, handler);
  return wholeSheet(sheet.name, sheet.state, rows, handler);
}

/** Reads an .xlsx or .xlsm workbook by streaming its sheets; FILE_NO_DATA when every sheet is empty. */
export async function readXlsxFast(bytes: Buffer): Promise<Workbook> {
  const book = await openXlsx(bytes);

  const sheets: Sheet[] = [];
  for (const sheet of book.sheets) {
    sheets.push(await readSheet(book, sheet));
  }
  if (sheets.every((sheet) => sheet.rows.length === 0)) {
    throw new AppError('FILE_NO_DATA');
  }

  return { format: 'xlsx', sheets };
}
