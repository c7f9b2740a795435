// What a reader can see in a file, for the identity scan (identity-scan.ts): the readable parts it
// searches (whole zip entries, the PDF text, the text content, the file name), and, for a part where
// something was found, its units (a cell, a comment, a header, a document property, a PDF string, a
// JSON field, a line) with the place a person would look at, in French, never quoting the text.
// Also the readings of a text a person typed (readingsOf: digits regrouped, dates rewritten), which
// the row check, a reveal's reason and the annotated copy search, and the kinds' French names.
import { writtenOut } from '../domain/letters.js';
import type { ScanHit } from './identity-scan.js';
import { pdfText, plainText } from './identity-text.js';
import { zipText } from './identity-xlsx.js';

/** One readable part of a file: its name and its texts (the same content read several ways). */
export interface TextPart {
  part: string;
  texts: string[];
}

/** The smallest piece of a part a place can be given for: a cell, a comment, a line. */
export interface TextUnit {
  /** Where a person finds it, in French (« feuille 1 « Notes », cellule B5 »), never its text. */
  places: string[];
  texts: string[];
}

/** The readable parts of a file, and the units of any of them on demand. */
export interface FileText {
  parts: TextPart[];
  units(part: string): TextUnit[];
}

export const FILE_NAME_PART = 'nom du fichier';

/** Upper-case, accents off, every run of non-alphanumerics one space, padded: for whole-word search. */
export function words(text: string): string {
  const flat = writtenOut(text.normalize('NFD').replace(/[\u0300-\u036f]/g, ''))
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
  return ` ${flat} `;
}

/** Every readable part of a file, by content: zip container, PDF, else text (UTF-8 and Latin-1). */
export function readableText(relative: string, bytes: Buffer): FileText {
  const content =
    bytes.subarray(0, 2).toString('latin1') === 'PK'
      ? zipText(bytes)
      : bytes.subarray(0, 5).toString('latin1') === '%PDF-'
        ? pdfText(bytes)
        : plainText(bytes);
  return {
    parts: [{ part: FILE_NAME_PART, texts: [relative] }, ...content.parts],
    units: (part) => (part === FILE_NAME_PART ? pathUnits(relative) : content.units(part)),
  };
}

/**
 * The units of a file's name: each folder of its outbox path, and its own name, apart. The folders
 * are the service's (`<CTN>/accuses/notes/`): a student named like the CTN is excused in the CTN's
 * folder, however the dropped file that names the receipt was called. A name spread over two
 * folders is in no unit: the scan places it on the whole name.
 */
function pathUnits(relative: string): TextUnit[] {
  return relative
    .split(/[\\/]/)
    .filter((segment) => segment !== '')
    .map((segment) => ({ places: [FILE_NAME_PART], texts: [segment] }));
}

// A date written with separators (12/03/2006, 12-03-2006, 12.03.2006, 2006-03-12, 2006/03/12).
// Searched on the raw text, because once separators become spaces, three neighbouring numeric
// cells (13, 11, 2006) would read as a date: that blocked honest files of random numbers.
const SEPARATED_DATE =
  /(?<!\d)(?:(\d{1,2})([/.-])(\d{1,2})\2(\d{4})|(\d{4})([/-])(\d{2})\6(\d{2}))(?!\d)/g;

/** ISO forms of every separated date written in a text. */
export function datesIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(SEPARATED_DATE)) {
    const [y, mo, d] = m[4] ? [m[4], m[3] ?? '', m[1] ?? ''] : [m[5] ?? '', m[7] ?? '', m[8] ?? ''];
    found.add(`${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`);
  }
  return found;
}

/** The compact forms of a birth date (one 8-digit word); separated forms are found by `datesIn`. */
export function dateForms(iso: string): string[] {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return y && m && d ? [`${y}${m}${d}`, `${d}${m}${y}`] : [];
}

/**
 * Fewest digits a student number keeps once its leading zeros are dropped (as Excel drops them) to
 * be still searched: a grade, a rank, a count or a birth date's Excel serial (5 digits up to 2173)
 * is never that long, so « 12 » or « 15,5 » never reads as student 00000012.
 */
export const UNPADDED_MIN_DIGITS = 6;

const UNPADDED = new RegExp(`^[1-9]\\d{${UNPADDED_MIN_DIGITS - 1},}$`);

/** Whether a word may be a student number written without its leading zeros. */
export function mayBeUnpadded(word: string): boolean {
  return UNPADDED.test(word);
}

/** A student number (`words` form, trimmed) without its leading zeros, when still searched. */
export function unpaddedNumber(number: string): string | null {
  const bare = number.replace(/^0+/, '');
  return bare !== number && mayBeUnpadded(bare) ? bare : null;
}

/** Month names and their short forms, French and English, accents off → the month. */
const MONTH_NAMES: ReadonlyMap<string, number> = new Map(
  [
    'janvier janv jan january',
    'fevrier fevr fev february feb',
    'mars mar march',
    'avril avr april apr',
    'mai may',
    'juin june jun',
    'juillet juil july jul',
    'aout aou august aug',
    'septembre sept sep september',
    'octobre oct october',
    'novembre nov november',
    'decembre dec december',
  ].flatMap((names, i) => names.split(' ').map((name): [string, number] => [name, i + 1])),
);
const MONTH = [...MONTH_NAMES.keys()].sort((a, b) => b.length - a.length).join('|');
/**
 * A date with its month in words, day first: « 7 juillet 2000 », « 1er mars 2001 », « 14 mars 05 »,
 * « 07-juil.-00 » (French Excel's « jj-mmm-aa »), « 29 févr. 2004 » (accents off, case aside).
 */
const DATE_IN_WORDS = new RegExp(
  `\\b(\\d{1,2})(?:er)?[\\s./-]*(${MONTH})(?![a-z])\\.?[\\s./-]*(\\d{4}|\\d{2})\\b`,
  'gi',
);
/** The same, month first: « juillet 7, 2000 », « Jul 7 2000 ». */
const MONTH_FIRST = new RegExp(
  `\\b(${MONTH})(?![a-z])\\.?\\s+(\\d{1,2})(?:er)?,?\\s+(\\d{4}|\\d{2})\\b`,
  'gi',
);
/** A date parted by single spaces or underscores (« 07 07 00 », « 7 7 2000 », « 07_07_2000 »). */
const SPACED_DATE = /(?<![\d/.-])(\d{1,2})[ _\u00a0](\d{1,2})[ _\u00a0](\d{4}|\d{2})(?![\d/.-])/g;
/** A cell of two or three words of letters only: a last name split in two (« Xiao Quan »). */
const SPLIT_WORDS = /^\s*\p{L}+(?:[\s\u00a0-]+\p{L}+){1,2}\s*$/u;
/**
 * A cell that may be one identifier written in groups (« 1234 567 890 a », an INE): letters and
 * digits, six digits or more, nothing but spaces, dots or dashes between them.
 */
const GROUPED_IDENTIFIER = /^(?=(?:\D*\d){6})[\p{L}\d][\p{L}\d\s.\u00a0\u202f-]{0,30}$/u;
/**
 * Digits (six or more, grouped or not) then one or two letters: an INE however it is prefixed or
 * glued (« INE1234567890A », « INE 1234567890 a »).
 */
const DIGITS_THEN_LETTERS =
  /(?<!\d)(\d(?:[\s.\u00a0\u202f-]?\d){5,})[\s.\u00a0\u202f-]?(\p{L}{1,2})(?!\p{L})/gu;
/** Three single letters or more, spaced or dotted: a name spelled out (« K O W A L C Z Y K »). */
const SPELLED_OUT = /(?<![\p{L}\p{N}])\p{L}(?:[\s.\u00a0\u202f-]+\p{L}(?![\p{L}\p{N}])){2,}/gu;

/** `text` with each name spelled out letter by letter joined into one word. */
function joinSpelledOut(text: string): string {
  return text.replace(SPELLED_OUT, (run) => run.replace(/[^\p{L}]/gu, ''));
}

/** A day, a month in words or digits, a year of two digits read in `century`: `dd/mm/yyyy`. */
function slashedDate(day: string, month: string, year: string, century: string): string {
  const m = /^\d+$/.test(month) ? month : String(MONTH_NAMES.get(month.toLowerCase()) ?? 0);
  const full = year.length === 2 ? `${century}${year}` : year;
  return `${day.padStart(2, '0')}/${m.padStart(2, '0')}/${full}`;
}

/**
 * « 01/07/06 », « 1.7.06 », « 01-07-06 »: a date with a two-digit year, not part of a longer run
 * of digits and separators (a version « 1.2.3.45 », a full date « 01/07/2006 »).
 */
const SHORT_YEAR_DATE = /(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{2})(?![/.-]?\d)/g;

/** Characters a spreadsheet shows as nothing: soft hyphen, zero-width spaces and joiners. */
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g;

/**
 * A cell as a person sees it: invisible characters dropped, full-width and other compatibility
 * forms as their plain letter or digit (« DU\u00adPONT » shows as DUPONT, « ２１００４５６７ » as
 * 21004567; trial M: both were copied into an annotated copy).
 */
function seenAs(cell: string): string {
  return cell.normalize('NFKC').replace(INVISIBLE, '');
}

/**
 * A text as it shows, and spelled-out runs of letters joined (« K O W A L C Z Y K »): the forms of a
 * name that keep its neighbours as they are written, so that an object's label around it still
 * excuses it (a file named « Allemand LV2 - oral.csv »).
 */
export function shownForms(text: string): string[] {
  const seen = seenAs(text);
  const joined = joinSpelledOut(seen);
  // Neighbouring words of letters glued, each pair apart: a last name split in two (« XIAO QUAN »).
  const parts = joined.split(/[^\p{L}\p{N}]+/u);
  const pairs = parts
    .slice(1)
    .map((word, i) => [parts[i] ?? '', word])
    .filter((pair) => pair.every((w) => /^\p{L}+$/u.test(w)))
    .map((pair) => pair.join(''));
  return [...new Set([text, seen, joined, ...(pairs.length > 0 ? [pairs.join(' ; ')] : [])])];
}

/**
 * The texts a row's cells are searched in: the cells side by side (a last name and a first name in
 * two columns make a full name), each cell alone (a last name alone counts only as a whole cell),
 * and each cell as it would read written another way: a number glued to letters (`etu21047514`),
 * digits grouped by spaces or dots (`21 047 514`), a date in words (`7 juillet 2000`, `07-juil.-00`),
 * a date with a two-digit year read in both centuries (`01/07/06` as 1906 and 2006: it is a
 * student's birth date when one of them is), an INE prefixed or grouped (`INE 1234567890 a`), a
 * name spelled out (`K O W A L`); each cell also as shown (`seenAs`).
 */
export function readingsOf(typed: readonly string[]): string[] {
  const cells = typed.flatMap((cell) => {
    const seen = seenAs(cell);
    return seen === cell ? [cell] : [cell, seen];
  });
  const readings = new Set(cells.length > 1 ? [cells.join(' ; '), ...cells] : cells);
  for (const cell of cells) {
    const plain = cell.normalize('NFD').replace(/\p{M}/gu, '');
    readings.add(plain.replace(/(\p{L})(?=\d)|(\d)(?=\p{L})/gu, '$1$2 '));
    readings.add(cell.replace(/(\d)[\s.\u00a0\u202f-]+(?=\d)/g, '$1'));
    if (GROUPED_IDENTIFIER.test(cell)) {
      readings.add(cell.replace(/[\s.\u00a0\u202f-]+/g, ''));
    }
    const ines = [...cell.matchAll(DIGITS_THEN_LETTERS)].map(
      (m) => `${(m[1] ?? '').replace(/\D/g, '')}${m[2] ?? ''}`,
    );
    if (ines.length > 0) {
      readings.add(ines.join(' '));
    }
    readings.add(joinSpelledOut(plain));
    if (SPLIT_WORDS.test(plain)) {
      readings.add(plain.replace(/[\s\u00a0-]+/g, ''));
    }
    for (const century of ['19', '20']) {
      const dated = (_all: string, day: string, month: string, year: string): string =>
        slashedDate(day, month, year, century);
      readings.add(
        plain
          .replace(DATE_IN_WORDS, dated)
          .replace(MONTH_FIRST, (_all: string, month: string, day: string, year: string) =>
            slashedDate(day, month, year, century),
          ),
      );
      readings.add(cell.replace(SHORT_YEAR_DATE, `$1$2$3$2${century}$4`));
      readings.add(cell.replace(SPACED_DATE, dated));
    }
  }
  return [...readings];
}

/** The kinds of identifier as a receipt names them (never the value). */
export const IDENTITY_KINDS: Record<ScanHit['kind'], string> = {
  student_number: 'numéro d’étudiant',
  ine: 'INE',
  last_name: 'nom',
  birth_date: 'date de naissance',
};
