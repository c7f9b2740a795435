// Letters that no Unicode decomposition takes to ASCII (Œ, Æ, Ø, Ł, Đ, Ð, Þ) are written out in the
// identity scan's form of a text, as a person types them without the letter: « ŒUVRARD » is
// « OEUVRARD », « Lætitia » is « LAETITIA » (outputs/identity-parts.ts `words`). Before, they
// counted as separators: a student stored as « ŒUVRARD, Anaëlle » was not found in a grade file
// that read « Anaelle OEUVRARD » beside an anonymous number, and the name reached an annotated copy
// in the outbox while anonymity held (trial). The SQL twin of `words` gets the same list, and the
// scan columns of the students whose identity holds one of these letters are computed again.
import type { Knex } from 'knex';
import { scanWordsSql } from './008-roster-words.js';

/** Each letter and how it is written out; the same list as domain/letters.ts LETTERS_WRITTEN_OUT. */
const WRITTEN_OUT: Array<[string, string]> = [
  ['Œ', 'OE'],
  ['œ', 'oe'],
  ['Æ', 'AE'],
  ['æ', 'ae'],
  ['Ø', 'O'],
  ['ø', 'o'],
  ['Ł', 'L'],
  ['ł', 'l'],
  ['Đ', 'D'],
  ['đ', 'd'],
  ['Ð', 'D'],
  ['ð', 'd'],
  ['Þ', 'TH'],
  ['þ', 'th'],
];

const writtenOut = (sql: string): string =>
  WRITTEN_OUT.reduce((inner, [letter, out]) => `replace(${inner}, '${letter}', '${out}')`, sql);

const LETTERS = WRITTEN_OUT.map(([letter]) => letter).join('');

/** Computes the scan columns again (a stored generated column is computed on any update). */
async function recompute(db: Knex): Promise<void> {
  await db.raw(
    `update student set last_name = last_name
      where concat_ws(' ', last_name, first_name, student_number, ine) ~ '[${LETTERS}]'`,
  );
}

/** The SQL twin of `words` writes the letters out; the students holding one are read again. */
export async function up(db: Knex): Promise<void> {
  await db.raw(
    `create or replace function anonymat_scan_words(value text) returns text
       language sql immutable strict parallel safe
       as $$ select ${scanWordsSql(writtenOut)} $$`,
  );
  await recompute(db);
}

/** Back to migration 008's function and scan columns. */
export async function down(db: Knex): Promise<void> {
  await db.raw(
    `create or replace function anonymat_scan_words(value text) returns text
       language sql immutable strict parallel safe
       as $$ select ${scanWordsSql()} $$`,
  );
  await recompute(db);
}
