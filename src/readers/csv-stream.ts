// CSV read as a stream of rows, for grade files of hundreds of thousands of lines: the bytes are
// decoded a slice at a time and parsed as they come, so no whole-file text or array of records is
// ever held. Same decisions as readers/csv.ts (encoding, `sep=` line, separator, row numbers).

import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';

import { parse } from 'csv-parse';

import { AppError } from '../domain/errors.js';
import {
  corruptCsv,
  csvOptions,
  decodeWindows1252,
  detectSeparator,
  isBlankRecord,
  takeDirective,
  toCell,
} from './csv.js';
import type { Row } from './table.js';

/** Bytes decoded per slice: the stream reads up to 16 slices ahead, so about 1 MiB of text. */
const SLICE_BYTES = 64 * 1024;
/** Bytes looked at to choose the separator (readers/csv.ts reads its first 50 lines). */
const HEAD_BYTES = 256 * 1024;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Decoded text of `bytes` from `start`, a slice at a time; UTF-8 characters are never split. */
function* textSlices(
  bytes: Buffer,
  utf8: boolean,
  start: number,
  end = bytes.length,
): Generator<string> {
  const decoder = new TextDecoder('utf-8');
  for (let at = start; at < end; at += SLICE_BYTES) {
    const slice = bytes.subarray(at, Math.min(at + SLICE_BYTES, end));
    yield utf8 ? decoder.decode(slice, { stream: true }) : decodeWindows1252(slice);
  }
  if (utf8) {
    yield decoder.decode();
  }
}

/** Where the records start, the separator and the number of the first record. */
function layout(
  bytes: Buffer,
  utf8: boolean,
): { start: number; separator: string; firstNumber: number } {
  const head = [...textSlices(bytes, utf8, 0, Math.min(bytes.length, HEAD_BYTES))].join('');
  const { separator, body, firstNumber } = takeDirective(head);
  if (separator === undefined) {
    return { start: 0, separator: detectSeparator(head), firstNumber };
  }
  // The `sep=X` line and its line end, in bytes (a BOM before it included).
  const skipped = head.slice(0, head.length - body.length);
  const bom = utf8 && bytes.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
  return {
    start: bom + Buffer.byteLength(skipped, utf8 ? 'utf8' : 'latin1'),
    separator,
    firstNumber,
  };
}

/**
 * The non-blank rows of a CSV file, in order, numbered as records of the file. Throws FILE_ENCODING,
 * FILE_CORRUPT or, once the file is read, FILE_NO_DATA, as readCsv does.
 */
export async function* csvRows(bytes: Buffer): AsyncGenerator<Row> {
  const utf8 = isUtf8(bytes);
  if (!utf8 && bytes.subarray(0, UTF8_BOM.length).equals(UTF8_BOM)) {
    throw new AppError(
      'FILE_ENCODING',
      '(fichier marqué UTF-8 mais contenant des octets invalides)',
    );
  }
  const { start, separator, firstNumber } = layout(bytes, utf8);
  const parser = Readable.from(textSlices(bytes, utf8, start)).pipe(parse(csvOptions(separator)));

  let index = 0;
  let rows = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!isBlankRecord(record)) {
        rows += 1;
        yield { number: firstNumber + index, cells: record.map(toCell) };
      }
      index += 1;
    }
  } catch (error: unknown) {
    throw error instanceof AppError ? error : corruptCsv(error);
  } finally {
    parser.destroy();
  }
  if (rows === 0) {
    throw new AppError('FILE_NO_DATA');
  }
}
