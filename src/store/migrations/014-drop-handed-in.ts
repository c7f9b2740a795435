// When a dropped file's grades were handed in: the time the file was last saved (its modification
// time, read when it was found stable), never later than its registration. The registration alone
// dated them by when a scan happened to find the file: an original and its correction waiting
// together were taken in the order of their names, or of the end of their copies, and a file left
// in the inbox before a grade was typed replaced that grade once a run picked it up (two trials).
// Null for drops registered before this column: their registration time stands.
import type { Knex } from 'knex';

/** Adds the column. */
export async function up(db: Knex): Promise<void> {
  await db.raw('alter table intake_drop add column handed_in_at timestamptz');
}

/** Drops it. */
export async function down(db: Knex): Promise<void> {
  await db.raw('alter table intake_drop drop column handed_in_at');
}
