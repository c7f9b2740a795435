// Identities beside anonymous numbers: a file keyed by anonymous number, for an assessment under
// validated anonymity, whose other cells name the students (columns added, remarks) ties numbers
// to identities; its rows are refused, saying what kind of identifier was found, never the value.
import { IDENTITY_KINDS, readingsOf } from '../outputs/identity-parts.js';
import { scanTexts, type PlacedText } from '../outputs/identity-scan.js';
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
