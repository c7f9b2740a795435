// Identities beside anonymous numbers: a file keyed by anonymous number, for an assessment under
// validated anonymity, whose other cells name the students (columns added, remarks) ties numbers
// to identities; its rows are refused, saying what kind of identifier was found, never the value.
import { scanTexts, type PlacedText, type ScanHit } from '../outputs/identity-scan.js';
import { rosterUnderAnonymity } from '../services/roster.js';
import type { Resolved } from './resolve.js';
import type { ErrorList } from './rows.js';
import type { ChannelInput } from './types.js';

/**
 * Lists the rows of assessments under validated anonymity (V) whose other cells (columns added
 * beside the number and the grade, remarks) hold an identity of a student under anonymity in the
 * CTN: a file tying numbers to names must not be taken as if it were anonymous (a trial: a
 * workbook returned with « Nom » and « N° étudiant » columns added was imported without a word,
 * and kept as a correspondence list). Returns the other rows: those listed are not written. The
 * value is never shown: only the kind of identifier. A file whose cells are the number and the
 * grade only costs nothing here.
 */
export async function withoutIdentities(
  input: ChannelInput,
  resolved: Resolved[],
  errors: ErrorList,
): Promise<Resolved[]> {
  const texts: PlacedText[] = [];
  for (const r of resolved) {
    if (r.state !== 'V') {
      continue;
    }
    // Keyed by number, a « N° étudiant » column beside it is read by nothing but this look.
    const student = r.row.has('student') ? r.row.text('student') : '';
    const others = r.row.others();
    const cells = student === '' ? others : [...others, student];
    if (cells.length > 0) {
      texts.push({ place: String(r.row.number), texts: readingsOf(cells) });
    }
  }
  if (texts.length === 0) {
    return resolved;
  }
  const listed = new Set<number>();
  const roster = await rosterUnderAnonymity(input.trx, input.ctn);
  const hits = await scanTexts(texts, roster, 'whole-text');
  const kinds = new Map<number, Set<string>>();
  for (const hit of hits) {
    for (const place of hit.places) {
      const row = Number(place);
      kinds.set(row, (kinds.get(row) ?? new Set()).add(IDENTITY_KINDS[hit.kind]));
    }
  }
  for (const [row, found] of [...kinds].sort(([a], [b]) => a - b)) {
    // A hit in no row's texts (placed on the whole content) is the file's.
    const at = Number.isInteger(row) ? row : null;
    errors.add(at, null, 'IDENTITY_BESIDE_NUMBER', undefined, `(${[...found].join(', ')})`);
    if (at !== null) {
      listed.add(at);
    }
  }
  return listed.size > 0 ? resolved.filter((r) => !listed.has(r.row.number)) : resolved;
}

/** The kinds of identifier as a receipt names them (never the value). */
export const IDENTITY_KINDS: Record<ScanHit['kind'], string> = {
  student_number: 'numéro d’étudiant',
  ine: 'INE',
  last_name: 'nom',
  birth_date: 'date de naissance',
};

const MONTHS = [
  'janvier',
  'fevrier',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'aout',
  'septembre',
  'octobre',
  'novembre',
  'decembre',
];
/** « 7 juillet 2000 », « 1er mars 2001 » (accents off, case aside). */
const DATE_IN_WORDS = new RegExp(
  `\\b(\\d{1,2})(?:er)?\\s+(${MONTHS.join('|')})\\s+(\\d{4})\\b`,
  'gi',
);

/**
 * « 01/07/06 », « 1.7.06 », « 01-07-06 »: a date with a two-digit year, not part of a longer run
 * of digits and separators (a version « 1.2.3.45 », a full date « 01/07/2006 »).
 */
const SHORT_YEAR_DATE = /(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{2})(?![/.-]?\d)/g;

/**
 * The texts a row's cells are searched in: the cells side by side (a last name and a first name in
 * two columns make a full name), each cell alone (a last name alone counts only as a whole cell),
 * and each cell as it would read written another way: a number glued to letters (`etu21047514`),
 * digits grouped by spaces or dots (`21 047 514`), a date in words (`7 juillet 2000`), a date with
 * a two-digit year read in both centuries (`01/07/06` as 1906 and 2006: it is a student's birth
 * date when one of them is).
 */
export function readingsOf(cells: readonly string[]): string[] {
  const readings = new Set(cells.length > 1 ? [cells.join(' ; '), ...cells] : cells);
  for (const cell of cells) {
    const plain = cell.normalize('NFD').replace(/\p{M}/gu, '');
    readings.add(plain.replace(/(\p{L})(?=\d)|(\d)(?=\p{L})/gu, '$1$2 '));
    readings.add(cell.replace(/(\d)[\s.\u00a0\u202f-]+(?=\d)/g, '$1'));
    readings.add(
      plain.replace(DATE_IN_WORDS, (_all, day: string, month: string, year: string) => {
        const m = MONTHS.indexOf(month.toLowerCase()) + 1;
        return `${day.padStart(2, '0')}/${String(m).padStart(2, '0')}/${year}`;
      }),
    );
    for (const century of ['19', '20']) {
      readings.add(cell.replace(SHORT_YEAR_DATE, `$1$2$3$2${century}$4`));
    }
  }
  return [...readings];
}
