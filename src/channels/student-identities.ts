// Students a referential gives again (a yearly extraction, a corrected list): their stored identity
// is corrected, and the correction is listed on the receipt; a student number that now names
// another person is refused when that person already holds anonymous numbers or grades, since
// storing the new identity would give them to someone else. The rule telling a correction from
// another person is domain/identity.ts.
//
// An Apogée maquette is a grade document, not the identity authority: its names may be placeholders
// (« AAA BBB » for every student in the sample, and so in the maquette the service fills from it
// after the lift), so it never rewrites a stored identity. It only fills the fields left blank,
// and lists the students whose stored identity it names otherwise.
//
// Receipts name no one here: a refusal or a notice gives the row and the fields, never the student
// number or the identities. Every student concerned is known to the service, and under anonymity
// (state V) a receipt showing one of them is masked whole by the outbox gateway, its summary and
// details with it; the row is all the office needs to find the line in its own file.
import type { Knex } from 'knex';
import {
  compareIdentities,
  fieldsSpelledOtherwise,
  mergedIdentity,
  type IdentityChange,
  type IdentityField,
  type StudentIdentity,
} from '../domain/identity.js';
import type { ErrorList } from './rows.js';

/** A student as the referential stores it. */
export type StudentRow = {
  student_number: string;
  last_name: string;
  first_name: string;
  /** ISO `yyyy-mm-dd`, or null when the file does not give it. */
  birth_date: string | null;
  ine: string | null;
};

/** A stored identity the file corrects, listed on the receipt once the file is imported. */
interface Correction {
  row: number;
  fields: IdentityField[];
  /** The file's identity looks like another person, who held nothing yet. */
  otherPerson: boolean;
}

/** A stored identity a maquette names otherwise, kept as it is. */
interface Kept {
  row: number;
  fields: IdentityField[];
}

/** What `reviewStudents` decided. */
export interface StudentReview {
  /**
   * The students to store: a referential's identities, blanks filled from the stored ones; from a
   * maquette, the stored identities, blanks filled from the file.
   */
  rows: StudentRow[];
  corrections: Correction[];
  kept: Kept[];
  /** Whose file it is: a maquette's notices name its own columns. */
  source: IdentitySource;
}

/**
 * Whose identity wins for a known student: `file` for a referential, the identity authority;
 * `stored` for an Apogée maquette, which only fills the fields left blank.
 */
export type IdentitySource = 'file' | 'stored';

const FIELD_FRENCH: Record<IdentityField, string> = {
  lastName: 'nom',
  firstName: 'prénom',
  birthDate: 'date de naissance',
  ine: 'INE',
};

/** The referential's column of each field, as its other errors name columns. */
const FIELD_COLUMN: Record<IdentityField, string> = {
  lastName: 'LIB_NOM_PAT_IND',
  firstName: 'LIB_PR1_IND',
  birthDate: 'DATE_NAI_IND',
  ine: 'COD_NNE_IND',
};

/** The same columns in an Apogée maquette, which has no INE. */
const MAQUETTE_COLUMN: Record<IdentityField, string | null> = {
  lastName: 'apoL_a02_nom',
  firstName: 'apoL_a03_prenom',
  birthDate: 'apoL_a04_naissance',
  ine: null,
};

const fieldList = (fields: IdentityField[]): string =>
  fields.map((f) => FIELD_FRENCH[f]).join(', ');

const identityOf = (r: StudentRow): StudentIdentity => ({
  lastName: r.last_name,
  firstName: r.first_name,
  birthDate: r.birth_date,
  ine: r.ine,
});

const rowOf = (studentNumber: string, i: StudentIdentity): StudentRow => ({
  student_number: studentNumber,
  last_name: i.lastName,
  first_name: i.firstName,
  birth_date: i.birthDate,
  ine: i.ine,
});

/** The stored students among `numbers`, by number (dates as ISO text, never a local-time Date). */
async function storedStudents(
  trx: Knex.Transaction,
  numbers: string[],
): Promise<Map<string, StudentRow>> {
  const rows = (await trx('student')
    .whereRaw('student_number = any(?::text[])', [numbers])
    .select(
      'student_number',
      'last_name',
      'first_name',
      trx.raw(`to_char(birth_date, 'YYYY-MM-DD') as birth_date`),
      'ine',
    )) as StudentRow[];
  return new Map(rows.map((r) => [r.student_number, r]));
}

/** The students among `numbers` who hold an anonymous number, a grade or a jury result. */
async function holders(trx: Knex.Transaction, numbers: string[]): Promise<Set<string>> {
  if (numbers.length === 0) {
    return new Set();
  }
  const found = (await trx.raw(
    `select student_number from anonymous_number where student_number = any(?::text[])
     union
     select student_number from grade where student_number = any(?::text[])`,
    [numbers, numbers],
  )) as { rows: Array<{ student_number: string }> };
  return new Set(found.rows.map((r) => r.student_number));
}

/**
 * Keeps a stored identity a maquette gives again: the fields it leaves blank are filled (listed as a
 * correction), the fields it spells otherwise are listed as kept.
 */
function keepStored(
  number: string,
  before: StudentRow,
  file: StudentRow,
  row: number,
  review: StudentReview,
): void {
  const [stored, given] = [identityOf(before), identityOf(file)];
  // mergedIdentity takes the second identity, blanks filled from the first: the stored one wins.
  const kept = mergedIdentity(given, stored);
  review.rows.push(rowOf(number, kept));

  const filled = compareIdentities(stored, kept).changed;
  if (filled.length > 0) {
    review.corrections.push({ row, fields: filled, otherPerson: false });
  }
  const otherwise = fieldsSpelledOtherwise(stored, given);
  if (otherwise.length > 0) {
    review.kept.push({ row, fields: otherwise });
  }
}

/**
 * Checks every student of the file already stored against its stored identity. A change that looks
 * like another person (domain/identity.ts) is refused with STUDENT_IDENTITY_CHANGED on the row
 * where the file gives it, when the student holds numbers or grades; any other change is a
 * correction. A field the file leaves blank keeps its stored value. With `source` 'stored' (a
 * maquette), nothing stored is changed but the blanks.
 */
export async function reviewStudents(
  trx: Knex.Transaction,
  students: ReadonlyMap<string, StudentRow>,
  rows: ReadonlyMap<string, number>,
  errors: ErrorList,
  source: IdentitySource = 'file',
): Promise<StudentReview> {
  const stored = await storedStudents(trx, [...students.keys()]);
  const review: StudentReview = { rows: [], corrections: [], kept: [], source };
  const suspects: Array<{ number: string; row: number; change: IdentityChange }> = [];

  for (const [number, file] of students) {
    const before = stored.get(number);
    if (!before) {
      review.rows.push(file);
      continue;
    }
    if (source === 'stored') {
      keepStored(number, before, file, rows.get(number) ?? 0, review);
      continue;
    }
    const change = compareIdentities(identityOf(before), identityOf(file));
    review.rows.push(rowOf(number, mergedIdentity(identityOf(before), identityOf(file))));
    // Every student a channel collects has the row it was first read on.
    const row = rows.get(number) ?? 0;
    if (change.otherPerson) {
      suspects.push({ number, row, change });
    } else if (change.changed.length > 0) {
      review.corrections.push({ row, fields: change.changed, otherPerson: false });
    }
  }

  const holding = await holders(
    trx,
    suspects.map((s) => s.number),
  );
  for (const { number, row, change } of suspects) {
    if (holding.has(number)) {
      const fields = fieldList(change.disagreeing);
      const detail = `(ne concordent pas avec l'identité enregistrée : ${fields})`;
      errors.add(row, 'COD_ETU', 'STUDENT_IDENTITY_CHANGED', undefined, detail);
    } else {
      review.corrections.push({ row, fields: change.changed, otherPerson: true });
    }
  }
  return review;
}

/**
 * Lists the corrections and the identities kept as receipt notices, in row order, and returns the
 * summary's sentences about them ('' when there is none). Called once the file is known to be
 * imported: a refused file corrected nothing, and its notices would push its errors out of the
 * receipt's list.
 */
export function noteCorrections(review: StudentReview, errors: ErrorList): string {
  const { corrections, kept } = review;
  const columns = review.source === 'stored' ? MAQUETTE_COLUMN : FIELD_COLUMN;
  const notices = [...corrections, ...kept.map((k) => ({ ...k, otherPerson: null }))];
  for (const c of notices.sort((a, b) => a.row - b.row)) {
    const column = c.fields.length === 1 ? columns[c.fields[0] as IdentityField] : null;
    if (c.otherPerson === null) {
      const detail = `(diffère : ${fieldList(c.fields)})`;
      errors.note(c.row, column, 'STUDENT_IDENTITY_KEPT', undefined, detail);
      continue;
    }
    const warning = c.otherPerson
      ? " ; l'identité est très différente et ce numéro n'avait encore ni numéro anonyme ni note" +
        ' : vérifiez dans Apogée que ce numéro est bien celui de cette personne'
      : '';
    errors.note(
      c.row,
      column,
      'STUDENT_IDENTITY_CORRECTED',
      undefined,
      `(modifié : ${fieldList(c.fields)}${warning})`,
    );
  }

  return correctedSentence(corrections.length) + keptSentence(kept.length);
}

/** The summary's sentence on `n` identities corrected, '' for none. */
function correctedSentence(n: number): string {
  if (n === 0) {
    return '';
  }
  return n === 1
    ? " 1 identité d'étudiant déjà enregistrée a été corrigée d'après le fichier (voir l'avis)."
    : ` ${n} identités d'étudiants déjà enregistrées ont été corrigées d'après le fichier` +
        ' (voir les avis).';
}

/** The summary's sentence on `n` identities a maquette names otherwise, kept; '' for none. */
function keptSentence(n: number): string {
  if (n === 0) {
    return '';
  }
  return n === 1
    ? " 1 étudiant déjà enregistré a une autre identité dans la maquette : l'identité enregistrée" +
        " est gardée (voir l'avis)."
    : ` ${n} étudiants déjà enregistrés ont une autre identité dans la maquette : leur identité` +
        ' enregistrée est gardée (voir les avis).';
}
