// When the grade a row holds was handed in, and apart when its jury result was: the drop time of
// the file that wrote it (its drop's registration, on the database's clock) or the time it was
// typed. Files for one assessment can be imported at the same time by several workers, and a long
// file dropped first can commit after a short correction dropped later: the upserts never let a
// grade or a result handed in earlier replace one handed in later (GRADE_UPSERT, grade-store.ts;
// result-store.ts). Rows written before these columns are null: anything newer replaces them.
//
// `grade_clock` keeps, per assessment, the latest time a grade written to it was handed in: an
// import asks it whether anything later than its file was written (almost never), instead of
// looking through every grade of the assessment.
import type { Knex } from 'knex';

import { grantToService } from './002-anonymity-guards.js';

const STATEMENTS = [
  // No default, so that every writer says when its grade was handed in; the same for a jury result,
  // which travels on the grade's row but is handed in on its own.
  'alter table grade add column received_at timestamptz',
  'alter table grade add column result_received_at timestamptz',
  `create table grade_clock (
     assessment_id integer primary key references assessment (id) on delete cascade,
     received_at timestamptz not null
   )`,
  grantToService('grade_clock', ['select, insert, update on grade_clock']),
];

/** Adds the column and the clock. */
export async function up(db: Knex): Promise<void> {
  for (const sql of STATEMENTS) {
    await db.raw(sql);
  }
}

/** Drops them. */
export async function down(db: Knex): Promise<void> {
  await db.raw('drop table if exists grade_clock');
  await db.raw('alter table grade drop column result_received_at');
  await db.raw('alter table grade drop column received_at');
}
