// CSV as French Excel and scanning tools write it: Windows-1252 or UTF-8, `;` (or `,`, TAB, `|`)
// separators, quoted fields spanning lines. Every cell stays the exact text of the file: no
// number or date conversion, so `007` keeps its zeros and `12/5` never becomes a date.

import { isUtf8 } from 'node:buffer';

import type { Options } from 'csv-parse';
import { parse } from 'csv-parse/sync';

import { AppError } from '../domain/errors.js';
import type { Cell, Row, Workbook } from './table.js';
import { MAX_CELL_CHARS, placedError, textCell } from './xlsx-fast-cells.js';

/** Candidate separators, in order of preference when two explain the file equally well. */
const SEPARATORS = [';', ',', '\t', '|'] as const;
type Separator = (typeof SEPARATORS)[number];

/** Lines examined to choose the separator. */
const PROBE_LINES = 50;
const LINE_ENDS = ['\r\n', '\n', '\r'];
/** Excel honours a first line `sep=;` naming the separator; so do we. */
const SEP_DIRECTIVE = /^sep=(.)$/;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Decodes CSV bytes: UTF-8 when valid, Windows-1252 otherwise; FILE_ENCODING for broken UTF-8 behind a BOM. */
export function decodeText(bytes: Buffer): string {
  if (isUtf8(bytes)) {
    // The UTF-8 decoder drops a leading BOM by itself.
    return new TextDecoder('utf-8').decode(bytes);
  }

  // A BOM promises UTF-8: reading the rest as Windows-1252 would be a silent guess.
  if (bytes.subarray(0, UTF8_BOM.length).equals(UTF8_BOM)) {
    throw new AppError(
      'FILE_ENCODING',
      '(fichier marqué UTF-8 mais contenant des octets invalides)',
    );
  }

  // Windows-1252 is a superset of the printable ISO-8859-1 range, so it reads both.
  return decodeWindows1252(bytes);
}

/**
 * Windows-1252 characters of bytes 0x80-0x9F; the five bytes it leaves undefined stay C1 controls.
 * Node 20.18.3+ decodes 'windows-1252' as plain ISO-8859-1 (nodejs/node#60888), so the table is ours.
 */
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Windows-1252 bytes as text; byte by byte, so any slice of a file decodes on its own. */
export function decodeWindows1252(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (c1) => WINDOWS_1252_C1[c1.charCodeAt(0) - 0x80] ?? c1);
}

/** csv-parse options for a separator; `probe` reads only the first lines, optionally with strict quotes. */
export function csvOptions(delimiter: string, probe?: { strictQuotes: boolean }): Options {
  return {
    delimiter,
    record_delimiter: LINE_ENDS,
    relax_column_count: true,
    relax_quotes: !probe?.strictQuotes,
    ...(probe ? { to_line: PROBE_LINES } : {}),
  };
}

function parseRecords(
  text: string,
  delimiter: string,
  probe?: { strictQuotes: boolean },
): string[][] {
  return parse(text, csvOptions(delimiter, probe));
}

export function isBlankRecord(record: string[]): boolean {
  return record.every((field) => field.trim() === '');
}

/** Fields of a record up to its last non-blank one. */
function filledLength(record: string[]): number {
  let length = record.length;
  while (length > 0 && (record[length - 1] ?? '').trim() === '') {
    length -= 1;
  }
  return length;
}

/** How well a separator explains the first lines: how many share the most common field count (> 1). */
function separatorScore(text: string, separator: Separator, strictQuotes: boolean): number {
  let records: string[][];
  try {
    records = parseRecords(text, separator, { strictQuotes }).filter(
      (record) => !isBlankRecord(record),
    );
  } catch {
    // With strict quotes, a closing quote followed by another character means a wrong separator.
    return 0;
  }

  // Fields counted up to the last one filled: Excel, or a hand edit, leaves a trailing separator on
  // some lines only (`S;11,5;` under `S;10,5`), and so split, the lines of a `;` file whose grades
  // all have a decimal comma agreed better on `,` (trial J: refused as HEADER_NOT_FOUND).
  const frequency = new Map<number, number>();
  for (const record of records) {
    const filled = filledLength(record);
    frequency.set(filled, (frequency.get(filled) ?? 0) + 1);
  }

  let best = 0;
  for (const [fields, count] of frequency) {
    if (fields > 1 && count > best) {
      best = count;
    }
  }
  return best;
}

/** Chooses the separator giving the most consistent field counts; `;` when nothing splits the lines. */
export function detectSeparator(text: string): Separator {
  // Strict quotes first: they rule out a separator that would split a quoted field. A stray quote
  // in a field defeats every candidate alike, so the relaxed reading decides then.
  for (const strictQuotes of [true, false]) {
    let chosen: Separator | undefined;
    let chosenScore = 0;
    for (const separator of SEPARATORS) {
      const score = separatorScore(text, separator, strictQuotes);
      if (score > chosenScore) {
        chosen = separator;
        chosenScore = score;
      }
    }
    if (chosen) {
      return chosen;
    }
  }

  return SEPARATORS[0];
}

/** A record's cells; a cell too long for a spreadsheet refuses the file, naming its place. */
export function recordCells(record: string[], rowNumber: number): Cell[] {
  try {
    return record.map(textCell);
  } catch (error: unknown) {
    throw placedError(error, rowNumber, record.findIndex((f) => f.length > MAX_CELL_CHARS) + 1);
  }
}

/** Splits a leading `sep=X` line off the text; the line still counts as record 1. */
export function takeDirective(text: string): {
  separator?: string;
  body: string;
  firstNumber: number;
} {
  const firstLineEnd = text.search(/\r\n|\n|\r/);
  const firstLine = firstLineEnd < 0 ? text : text.slice(0, firstLineEnd);
  const match = SEP_DIRECTIVE.exec(firstLine);
  if (!match?.[1]) {
    return { body: text, firstNumber: 1 };
  }

  const rest = text.slice(firstLine.length).replace(/^(\r\n|\n|\r)/, '');
  return { separator: match[1], body: rest, firstNumber: 2 };
}

/** What csv-parse tells of a failure: its code, the records read before it and the line reached. */
interface CsvParseFailure {
  code?: string;
  records?: number;
  lines?: number;
}

/**
 * The refusal for a parser error. A quote left open is only noticed at the end of the file, where
 * the parser stops: it is reported at the row it opens in, the one after the last row read whole,
 * numbered as every row of a receipt is (a value on several lines counts as one row).
 */
export function corruptCsv(error: unknown, firstNumber: number): AppError {
  const { code, records, lines } = error as CsvParseFailure;
  if (code === 'CSV_QUOTE_NOT_CLOSED' && typeof records === 'number') {
    return new AppError(
      'FILE_CORRUPT',
      `(ligne ${firstNumber + records} : un guillemet ouvre une valeur sans jamais la fermer, si bien ` +
        'que tout le reste du fichier serait lu comme cette seule valeur ; supprimez ce guillemet, ' +
        'ou ajoutez celui qui ferme la valeur, avant de l’enregistrer à nouveau)',
    );
  }
  return new AppError(
    'FILE_CORRUPT',
    lines ? `(guillemets mal placés, erreur relevée en lisant la ligne ${lines})` : undefined,
  );
}

function parseAll(text: string, separator: string, firstNumber: number): string[][] {
  try {
    return parseRecords(text, separator);
  } catch (error: unknown) {
    throw corruptCsv(error, firstNumber);
  }
}

/** Reads a CSV file into one sheet named '' whose cells are all text or blank, row numbers as records of the file. */
export function readCsv(bytes: Buffer): Workbook {
  const text = decodeText(bytes);
  const { separator, body, firstNumber } = takeDirective(text);
  const records = parseAll(body, separator ?? detectSeparator(body), firstNumber);

  const rows: Row[] = [];
  records.forEach((record, index) => {
    if (!isBlankRecord(record)) {
      const number = firstNumber + index;
      rows.push({ number, cells: recordCells(record, number) });
    }
  });
  if (rows.length === 0) {
    throw new AppError('FILE_NO_DATA');
  }

  return { format: 'csv', sheets: [{ name: '', state: 'visible', rows }] };
}
