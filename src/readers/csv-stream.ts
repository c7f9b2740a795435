// CSV read as a stream of rows, for grade files of hundreds of thousands of lines: the bytes are
// read and decoded a slice at a time and parsed as they come, so neither the file's bytes (when
// they lie on disk) nor its text nor an array of its records is ever held whole. Same decisions as
// readers/csv.ts (encoding, `sep=` line, separator, row numbers).

import { isUtf8 } from 'node:buffer';

import { parse } from 'csv-parse';

import { AppError } from '../domain/errors.js';
import { bufferSource, readBytes, type ByteSource } from './byte-source.js';
import {
  corruptCsv,
  csvOptions,
  decodeWindows1252,
  detectSeparator,
  isBlankRecord,
  takeDirective,
  recordCells,
} from './csv.js';
import type { Row } from './table.js';

/** Bytes decoded per slice: the stream reads up to 16 slices ahead, so about 1 MiB of text. */
const SLICE_BYTES = 64 * 1024;
/** Bytes looked at to choose the separator (readers/csv.ts reads its first 50 lines). */
const HEAD_BYTES = 256 * 1024;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Decoded text of `source` from `start`, a slice at a time; UTF-8 characters are never split. */
function* textSlices(
  source: ByteSource,
  utf8: boolean,
  start: number,
  end = source.size,
): Generator<string> {
  const decoder = new TextDecoder('utf-8');
  const buffer = Buffer.alloc(SLICE_BYTES);
  for (let at = start; at < end; at += SLICE_BYTES) {
    const slice = buffer.subarray(0, source.readInto(buffer.subarray(0, end - at), at));
    // The decoder keeps a copy of a character cut at the slice's end: the buffer can be reused.
    yield utf8 ? decoder.decode(slice, { stream: true }) : decodeWindows1252(slice);
  }
  if (utf8) {
    yield decoder.decode();
  }
}

/** How many bytes of `bytes` remain once an unfinished UTF-8 character at its end is cut off. */
function wholeCharacters(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back] ?? 0;
    if (byte < 0x80) {
      return bytes.length;
    }
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length > back ? bytes.length - back : bytes.length;
    }
  }
  return bytes.length;
}

/**
 * Whether the whole of `source` is valid UTF-8, judged a slice at a time. A slice is cut only
 * between characters (the unfinished one goes with the next), and pieces that are each valid are
 * valid together: the answer is isUtf8's on the whole file.
 */
function isUtf8Source(source: ByteSource): boolean {
  const buffer = Buffer.alloc(SLICE_BYTES);
  let carried = Buffer.alloc(0);
  for (let at = 0; at < source.size; at += SLICE_BYTES) {
    const read = buffer.subarray(0, source.readInto(buffer, at));
    const slice = carried.length > 0 ? Buffer.concat([carried, read]) : read;
    const last = at + SLICE_BYTES >= source.size;
    const cut = last ? slice.length : wholeCharacters(slice);
    if (!isUtf8(slice.subarray(0, cut))) {
      return false;
    }
    carried = Buffer.from(slice.subarray(cut));
  }
  return true;
}

/** Where the records start, the separator and the number of the first record. */
function layout(
  source: ByteSource,
  utf8: boolean,
): { start: number; separator: string; firstNumber: number } {
  const head = [...textSlices(source, utf8, 0, Math.min(source.size, HEAD_BYTES))].join('');
  const { separator, body, firstNumber } = takeDirective(head);
  if (separator === undefined) {
    return { start: 0, separator: detectSeparator(head), firstNumber };
  }
  // The `sep=X` line and its line end, in bytes (a BOM before it included).
  const skipped = head.slice(0, head.length - body.length);
  const bom = utf8 && readBytes(source, 0, UTF8_BOM.length).equals(UTF8_BOM) ? UTF8_BOM.length : 0;
  return {
    start: bom + Buffer.byteLength(skipped, utf8 ? 'utf8' : 'latin1'),
    separator,
    firstNumber,
  };
}

/**
 * The non-blank rows of a CSV file (its bytes, or a source reading them where they lie), in order,
 * numbered as records of the file, a batch per slice of text (about 2,500 grade lines): the parser
 * is fed and drained synchronously, so a row costs no promise of its own. Throws FILE_ENCODING,
 * FILE_CORRUPT or, once the file is read, FILE_NO_DATA, as readCsv does.
 */
export function* csvBatches(file: Buffer | ByteSource): Generator<Row[]> {
  const source = Buffer.isBuffer(file) ? bufferSource(file) : file;
  const utf8 = isUtf8Source(source);
  if (!utf8 && readBytes(source, 0, UTF8_BOM.length).equals(UTF8_BOM)) {
    throw new AppError(
      'FILE_ENCODING',
      '(fichier marqué UTF-8 mais contenant des octets invalides)',
    );
  }
  const { start, separator, firstNumber } = layout(source, utf8);
  const parser = parse(csvOptions(separator));
  // A parse error destroys the stream; it is read from `errored` below, never emitted unheard.
  parser.on('error', () => undefined);

  let index = 0;
  let rows = 0;
  /** The records parsed so far, as rows; throws the parser's error, if any. */
  const drain = (): Row[] => {
    const batch: Row[] = [];
    for (let record = parser.read() as string[] | null; record !== null;) {
      if (!isBlankRecord(record)) {
        const number = firstNumber + index;
        batch.push({ number, cells: recordCells(record, number) });
      }
      index += 1;
      record = parser.read() as string[] | null;
    }
    if (parser.errored) {
      throw corruptCsv(parser.errored, firstNumber);
    }
    rows += batch.length;
    return batch;
  };
  try {
    for (const text of textSlices(source, utf8, start)) {
      parser.write(text);
      yield drain();
    }
    parser.end();
    yield drain();
  } finally {
    parser.destroy();
  }
  if (rows === 0) {
    throw new AppError('FILE_NO_DATA');
  }
}

/** The rows of csvBatches one by one. */
export function* csvRows(file: Buffer | ByteSource): Generator<Row> {
  for (const batch of csvBatches(file)) {
    yield* batch;
  }
}
