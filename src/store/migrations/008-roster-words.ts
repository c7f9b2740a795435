// The identity scan asks Postgres which students' identifiers appear in a file (services/roster.ts)
// instead of holding every student under anonymity in memory. For that, each student carries its
// identifiers in the scan's own form (outputs/identity-parts.ts `words`: accents off, upper case,
// every run of non-alphanumerics one space), as generated columns: every path that writes a
// student (referential import, tests, the bench world's bulk insert) keeps them right.
//
// No extension: `unaccent` is missing from PGlite. Postgres' own `normalize(…, NFD)` takes the
// accents off as `words` does; the few letters whose upper case is ASCII only by case mapping
// (ß → SS, ı → I, ligatures) are listed here from Node's Unicode tables, which `words` uses, so both
// sides fold a letter the same way (test/db/roster-sql.test.ts compares them on every letter).
import type { Knex } from 'knex';

/** `words` on one character, before its non-alphanumerics become spaces. */
const fold = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase();

/**
 * Letters that NFD and an ASCII-only upper case would not fold as `words` does: to one character
 * (a `translate`), or to several (a `replace` each).
 */
function caseFolds(): { single: Map<string, string>; multi: Map<string, string> } {
  const single = new Map<string, string>();
  const multi = new Map<string, string>();
  const alnum = (text: string): string => text.replace(/[^A-Z0-9]+/g, ' ');
  for (let cp = 0x80; cp <= 0x1ffff; cp += 1) {
    const char = cp >= 0xd800 && cp <= 0xdfff ? '' : String.fromCodePoint(cp);
    const stripped = char.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    const asciiUpper = stripped.replace(/[a-z]/g, (c) => c.toUpperCase());
    if (!char || alnum(fold(char)) === alnum(asciiUpper)) {
      continue;
    }
    (fold(char).length === 1 ? single : multi).set(stripped, fold(char));
  }
  return { single, multi };
}

const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * The body of `anonymat_scan_words(text)`: the SQL twin of `words`, trimmed; `unmarked` rewrites
 * the text once its accents are off (migration 018 writes out letters there).
 */
export function scanWordsSql(unmarked = (sql: string): string => sql): string {
  const { single, multi } = caseFolds();
  const stripped = unmarked(`regexp_replace(normalize(value, NFD), '[\u0300-\u036f]+', '', 'g')`);
  const translated = `translate(${stripped}, ${quote([...single.keys()].join(''))}, ${quote([...single.values()].join(''))})`;
  const expanded = [...multi].reduce(
    (inner, [char, folded]) => `replace(${inner}, ${quote(char)}, ${quote(folded)})`,
    translated,
  );
  return `btrim(regexp_replace(upper(${expanded}), '[^A-Z0-9]+', ' ', 'g'))`;
}

const STATEMENTS = (): string[] => [
  `create function anonymat_scan_words(value text) returns text
     language sql immutable strict parallel safe
     as $$ select ${scanWordsSql()} $$`,
  // The last and first names for the name lookups; the first word of the student number and of
  // the INE for the identifier lookup (an identifier with spaces in it is then checked whole).
  `alter table student
     add column scan_last text generated always as (anonymat_scan_words(last_name)) stored,
     add column scan_first text generated always as (anonymat_scan_words(first_name)) stored,
     add column scan_number text
       generated always as (split_part(anonymat_scan_words(student_number), ' ', 1)) stored,
     add column scan_ine text generated always as (split_part(anonymat_scan_words(ine), ' ', 1)) stored`,
  // Last name, then first name: a last name alone, and a full name, are both one index probe.
  'create index student_scan_name on student (scan_last, scan_first)',
  'create index student_scan_number on student (scan_number)',
  'create index student_scan_ine on student (scan_ine)',
  'create index student_birth_date on student (birth_date)',
  // Is this student under anonymity? Asked for the few students a file names, by student number.
  'create index anonymous_number_student on anonymous_number (student_number)',
];

/** Adds the function, the generated columns and their indexes. */
export async function up(db: Knex): Promise<void> {
  // One statement per call: PGlite's extended protocol refuses several commands in one query.
  for (const statement of STATEMENTS()) {
    await db.raw(statement);
  }
}

/** Removes them. */
export async function down(db: Knex): Promise<void> {
  await db.raw('drop index if exists anonymous_number_student');
  await db.raw('drop index if exists student_birth_date');
  await db.raw('alter table student drop column if exists scan_ine');
  await db.raw('alter table student drop column if exists scan_number');
  await db.raw('alter table student drop column if exists scan_first');
  await db.raw('alter table student drop column if exists scan_last');
  await db.raw('drop function if exists anonymat_scan_words(text)');
}
