// An update of `grade` checks its references row by row, and only for the rows whose references
// change (issue 7). Migration 007 checked every update over the statement's transition tables:
// Postgres then copies every updated row twice (old and new) and the check joins them on all three
// columns, whatever the update changes. A re-import confirming 100,000 unchanged grades only moves
// their `received_at` (channels/grade-confirm.ts), yet paid for the copies and the joins (the same
// update took 1.2 s with that trigger, 0.7 s with none, 100,000 rows, measured).
//
// A row-level trigger with a WHEN clause is not called at all for a row whose references are
// unchanged: confirming a grade costs nothing here. A row whose reference does change (a grade
// rewritten by a later file names that file's intake) is checked with one index probe, as a
// foreign key checks it. Inserts keep the statement-level check of migrations 007 and 013, and the
// parent side is unchanged: deleting a parent still locks `grade` in SHARE mode before it looks, so
// a row updated by a transaction still open is seen.
//
// What is refused is unchanged: an update naming a missing assessment, student or intake fails
// with SQLSTATE 23503 (foreign_key_violation), the same message and detail, and writes nothing.
import type { Knex } from 'knex';

const ROW_CHECK = `create function check_grade_references_of_row() returns trigger language plpgsql as $$
declare
  missing_column text;
  missing_parent text;
  missing_key text;
begin
  if new.assessment_id is distinct from old.assessment_id
     and not exists (select 1 from assessment p where p.id = new.assessment_id) then
    missing_column := 'assessment_id';
    missing_parent := 'assessment';
    missing_key := new.assessment_id::text;
  elsif new.student_number is distinct from old.student_number
     and not exists (select 1 from student p where p.student_number = new.student_number) then
    missing_column := 'student_number';
    missing_parent := 'student';
    missing_key := new.student_number;
  elsif new.intake_id is distinct from old.intake_id and new.intake_id is not null
     and not exists (select 1 from intake_file p where p.id = new.intake_id) then
    missing_column := 'intake_id';
    missing_parent := 'intake_file';
    missing_key := new.intake_id::text;
  else
    return null;
  end if;
  raise exception using
    errcode = 'foreign_key_violation',
    message = format('insert or update on table "%s" violates its reference to "%s"',
      tg_table_name, missing_parent),
    detail = format('Key (%s)=(%s) is not present in table "%s".',
      missing_column, missing_key, missing_parent);
end;
$$`;

const ROW_TRIGGER = `create trigger grade_references_update after update on grade
  for each row
  when (new.assessment_id is distinct from old.assessment_id
        or new.student_number is distinct from old.student_number
        or new.intake_id is distinct from old.intake_id)
  execute function check_grade_references_of_row()`;

/** The arguments of migration 007's statement-level check on `grade`. */
const STATEMENT_ARGS = [
  'assessment_id',
  'assessment',
  'id',
  'student_number',
  'student',
  'student_number',
  'intake_id',
  'intake_file',
  'id',
]
  .map((a) => `'${a}'`)
  .join(', ');

/** Replaces the statement-level update check of `grade` by the row-level one. */
export async function up(db: Knex): Promise<void> {
  await db.raw('drop trigger grade_references_update on grade');
  await db.raw(ROW_CHECK);
  await db.raw(ROW_TRIGGER);
}

/** Back to migration 007's statement-level check (its function, used on insert, is still there). */
export async function down(db: Knex): Promise<void> {
  await db.raw('drop trigger grade_references_update on grade');
  await db.raw('drop function check_grade_references_of_row()');
  await db.raw(
    `create trigger grade_references_update after update on grade
       referencing old table as old_rows new table as new_rows
       for each statement execute function check_references_of_rows(${STATEMENT_ARGS})`,
  );
}
