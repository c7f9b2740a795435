// When the grade a row holds was handed in: the drop time of the file that wrote it (its drop's
// registration, on the database's clock) or the time it was typed. Files for one assessment can be
// imported at the same time by several workers, and a long file dropped first can commit after a
// short correction dropped later: the upsert never lets a grade handed in earlier replace one handed
// in later (GRADE_UPSERT, channels/grade-store.ts). Rows written before this column are null: any
// newer grade replaces them.
import type { Knex } from 'knex';

/** Adds the column; no default, so that every writer says when its grade was handed in. */
export async function up(db: Knex): Promise<void> {
  await db.raw('alter table grade add column received_at timestamptz');
}

/** Drops the column. */
export async function down(db: Knex): Promise<void> {
  await db.raw('alter table grade drop column received_at');
}
