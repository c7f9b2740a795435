// Anonymous numbers are looked up by their text alone (a file does not say its year): without an
// index on `number` every chunk of a grade file scanned the whole table (bench: 0.35 s per 5,000
// rows against a million numbers). The unique (year, number) index cannot serve `number = any(…)`.
import type { Knex } from 'knex';

/** Creates the index. */
export async function up(db: Knex): Promise<void> {
  await db.raw('create index anonymous_number_number on anonymous_number (number)');
}

/** Drops it. */
export async function down(db: Knex): Promise<void> {
  await db.raw('drop index if exists anonymous_number_number');
}
