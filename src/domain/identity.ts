// Whether a student number given again with another identity still designates the same person.
// A referential must go on correcting identities (an accent, the case, a married name, a first name
// with the INE to vouch for it), but a number that now names someone else would hand that person the
// grades already recorded under it: the named PV after the lift would show them under the wrong name.
import { writtenOut } from './letters.js';
import type { Student } from './types.js';

/** A student's identity: as stored, or as a file gives it ('' or null where the file is silent). */
export type StudentIdentity = Omit<Student, 'studentNumber'>;

/** One part of an identity, in the order receipts list them. */
export type IdentityField = 'lastName' | 'firstName' | 'birthDate' | 'ine';

const FIELDS: readonly IdentityField[] = ['lastName', 'firstName', 'birthDate', 'ine'];

/** How an identity given by a file differs from the stored one. */
export interface IdentityChange {
  /** Fields the file gives with another value than the stored one (a blank changes nothing). */
  changed: IdentityField[];
  /** Changed fields that disagree beyond what a correction does. */
  disagreeing: IdentityField[];
  /** True when the file's identity looks like another person (see `compareIdentities`). */
  otherPerson: boolean;
}

/**
 * Upper case, no accents, letters such as Œ written out, other character runs one space:
 * « N'Diaye-Léa » → « N DIAYE LEA », « ŒUVRARD » → « OEUVRARD ».
 */
function folded(name: string): string {
  return writtenOut(name.normalize('NFD').replace(/\p{M}/gu, ''))
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Edits (insertion, deletion, substitution, swap of two neighbours) between two short words:
 * what a slip of the keyboard makes. Names are a few dozen characters: the full table is cheap.
 */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Slips tolerated in a name of `length` letters; none under 4 (« Léa », « Léo » are two names). */
function slipsAllowed(length: number): number {
  return length < 4 ? 0 : length < 8 ? 1 : 2;
}

/**
 * Whether two spellings may be one name: the same letters once accents, case, hyphens and spaces
 * are set aside; every word of one among the words of the other (a married or usage name added,
 * « MARTIN » and « MARTIN DURAND », a compound first name shortened); or a slip or two apart.
 */
function sameName(a: string, b: string): boolean {
  const [x, y] = [folded(a), folded(b)];
  const [wx, wy] = [x.split(' '), y.split(' ')];
  if (wx.every((w) => wy.includes(w)) || wy.every((w) => wx.includes(w))) {
    return true;
  }
  const [cx, cy] = [x.replaceAll(' ', ''), y.replaceAll(' ', '')];
  return editDistance(cx, cy) <= slipsAllowed(Math.min(cx.length, cy.length));
}

const given = (value: string | null): value is string => value !== null && value.trim() !== '';

/** An INE or a birth date as compared: spaces and case aside (« 2234 567890b » is 2234567890B). */
export function factKey(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** Whether a field the file gives differs from the stored one, and whether it disagrees. */
function compareField(
  field: IdentityField,
  stored: StudentIdentity,
  file: StudentIdentity,
): { changed: boolean; disagrees: boolean } {
  const [before, after] = [stored[field], file[field]];
  const names = field === 'lastName' || field === 'firstName';
  if (!given(after) || before?.trim() === after.trim()) {
    return { changed: false, disagrees: false };
  }
  if (!given(before)) {
    // Filling in a field never given before corrects nothing and contradicts nothing.
    return { changed: true, disagrees: false };
  }
  if (!names) {
    // An INE typed in lower case or with spaces is the same INE: neither changed nor contradicted.
    const same = factKey(before) === factKey(after);
    return { changed: !same, disagrees: !same };
  }
  return { changed: true, disagrees: !sameName(before, after) };
}

/**
 * Compares the identity a file gives for a student number with the stored one. The rule: the file
 * names another person when at least two of the four facts disagree — last name, first name (each
 * beyond the tolerance of `sameName`), birth date, INE (each when both sides know it). So a married
 * name, a birth date or an INE changed alone is a correction, applied and reported; last and first
 * names both changed, or a name changed with the birth date or the INE, is another person.
 * A last name that disagrees is a correction only when a fact the file gives vouches for the
 * person: the birth date or the INE, known on both sides and the same. A file giving « LEROY David »
 * and nothing else over « THOMAS David » names another David as far as anyone can tell. A first
 * name respelled beyond accents and case, even by a slip or a part added or dropped (« Louis » /
 * « Louise », « Léa » / « Léa-Rose »), is vouched for by the INE alone: twins share a last name and a
 * birth date (trials saw MARTINEZ Sofia's number given to MARTINEZ Lucas, and Louis's to Louise,
 * taken for a first name corrected, the named PV then showing one twin the other's grades). A first
 * name changed at the civil registry, a usage first name or a typo fixed goes through when the file
 * gives the INE; otherwise it is refused, and its message says so. INE and birth date are compared
 * spaces and case aside (factKey).
 */
export function compareIdentities(stored: StudentIdentity, file: StudentIdentity): IdentityChange {
  const compared = FIELDS.map((field) => ({ field, ...compareField(field, stored, file) }));
  const disagreeing = compared.filter((c) => c.disagrees).map((c) => c.field);
  const vouchedBy = (fields: ReadonlyArray<'birthDate' | 'ine'>): boolean =>
    fields.some((field) => {
      const [before, after] = [stored[field], file[field]];
      return given(before) && given(after) && factKey(before) === factKey(after);
    });
  const firstRespelled =
    given(stored.firstName) &&
    given(file.firstName) &&
    folded(stored.firstName) !== folded(file.firstName);
  const firstUnvouched = firstRespelled && !vouchedBy(['ine']);
  const unvouched =
    (disagreeing.includes('lastName') && !vouchedBy(['birthDate', 'ine'])) || firstUnvouched;

  return {
    changed: compared.filter((c) => c.changed).map((c) => c.field),
    // A first name unvouched for is listed with the fields that disagree: the refusal names it.
    disagreeing:
      firstUnvouched && !disagreeing.includes('firstName')
        ? FIELDS.filter((f) => f === 'firstName' || disagreeing.includes(f))
        : disagreeing,
    otherPerson: disagreeing.length >= 2 || unvouched,
  };
}

/**
 * The fields a file gives otherwise than the stored identity beyond case, accents and punctuation
 * (« Léa » and « LEA » are spelled alike), leaving out those the stored identity leaves blank.
 */
export function fieldsSpelledOtherwise(
  stored: StudentIdentity,
  file: StudentIdentity,
): IdentityField[] {
  return FIELDS.filter((field) => {
    const [before, after] = [stored[field], file[field]];
    return given(before) && given(after) && folded(before) !== folded(after);
  });
}

/** The identity to store: the file's, with the fields it leaves blank kept from the stored one. */
export function mergedIdentity(stored: StudentIdentity, file: StudentIdentity): StudentIdentity {
  return {
    lastName: given(file.lastName) ? file.lastName : stored.lastName,
    firstName: given(file.firstName) ? file.firstName : stored.firstName,
    birthDate: given(file.birthDate) ? file.birthDate : stored.birthDate,
    ine: given(file.ine) ? file.ine : stored.ine,
  };
}
