// CSV read as a stream of rows, for grade files of hundreds of thousands of lines: the bytes are
// decoded a slice at a time and parsed as they come, so no whole-file text or array of records is
// ever held. Same decisions as readers/csv.ts (encoding, `sep=` line, separator, row numbers).

import { isUtf8 } from 'node:buffer';

import { parse } from 'csv-parse';

import { AppError } from '../domain/errors.js';
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
 * The non-blank rows of a CSV file, in order, numbered as records of the file, a batch per slice
 * of text (about 2,500 grade lines): the parser is fed and drained synchronously, so a row costs
 * no promise of its own. Throws FILE_ENCODING, FILE_CORRUPT or, once the file is read,
 * FILE_NO_DATA, as readCsv does.
 */
export function* csvBatches(bytes: Buffer): Generator<Row[]> {
  const utf8 = isUtf8(bytes);
  if (!utf8 && bytes.subarray(0, UTF8_BOM.length).equals(UTF8_BOM)) {
    throw new AppError(
      'FILE_ENCODING',
      '(fichier marqué UTF-8 mais contenant des octets invalides)',
    );
  }
  const { start, separator, firstNumber } = layout(bytes, utf8);
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
    for (const text of textSlices(bytes, utf8, start)) {
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
export function* csvRows(bytes: Buffer): Generator<Row> {
  for (const batch of csvBatches(bytes)) {
    yield* batch;
  }
}
