// Anonymous numbers compared byte by byte (issue 7): they are digits and capital letters, whose order
// is the same under "C" as under the database's default collation, but a "C" comparison skips the
// locale library. Every grade file looks up each of its numbers in this index: 5,000 numbers probed
// in a million took 16.4 ms under C.UTF-8 and 13.1 ms under "C" (warm, bench machine). Comparisons
// with a text parameter or an unnested array use the column's collation, so no query changes.
import type { Knex } from 'knex';

/** Rewrites the column (and rebuilds its indexes) under the "C" collation. */
export async function up(db: Knex): Promise<void> {
  await db.raw('alter table anonymous_number alter column number type text collate "C"');
}

/** Back to the database's default collation. */
export async function down(db: Knex): Promise<void> {
  await db.raw('alter table anonymous_number alter column number type text collate "default"');
}
