// An update of `grade` checks the keys of its rows (assessment, student) row by row, only for the
// rows whose keys change, and its intake per statement (issue 7). Migration 007 checked all three
// references of every update over the statement's transition tables, joining the old and the new
// rows on each column: a re-import confirming 100,000 unchanged grades only moves their
// `received_at` (channels/grade-confirm.ts), yet paid for the three joins. 100,000 rows, measured
// in psql: the update alone 340-390 ms, with 007's check 535-565, with the transition tables
// captured and nothing checked 365-385, with the intake checked alone 390-420.
//
// Keys never change in an upsert, so the row-level trigger's WHEN clause keeps it from being called
// at all; a key that does change is checked with one index probe, as a foreign key checks it. The
// intake does change whenever a grade is rewritten by a later file, so it keeps the statement-level
// check (one anti-join of integer ids): checked row by row, a rewrite of 100,000 grades took
// 1,070-1,130 ms instead of 390-420 (measured). Inserts keep the statement-level checks of
// migrations 007 and 013, and the parent side is unchanged: deleting a parent still locks `grade`
// in SHARE mode before it looks, so a row updated by a transaction still open is seen.
//
// What is refused is unchanged: an update naming a missing assessment, student or intake fails
// with SQLSTATE 23503 (foreign_key_violation), the same message and detail, and writes nothing.
import type { Knex } from 'knex';

const ROW_CHECK = `create function check_grade_keys_of_row() returns trigger language plpgsql as $$
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

const ROW_TRIGGER = `create trigger grade_keys_update after update on grade
  for each row
  when (new.assessment_id is distinct from old.assessment_id
        or new.student_number is distinct from old.student_number)
  execute function check_grade_keys_of_row()`;

const INTAKE_TRIGGER = `create trigger grade_references_update after update on grade
  referencing old table as old_rows new table as new_rows
  for each statement execute function check_references_of_rows('intake_id', 'intake_file', 'id')`;

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

/** Checks keys row by row where they change, the intake per statement. */
export async function up(db: Knex): Promise<void> {
  await db.raw('drop trigger grade_references_update on grade');
  await db.raw(ROW_CHECK);
  await db.raw(ROW_TRIGGER);
  await db.raw(INTAKE_TRIGGER);
}

/** Back to migration 007's statement-level check (its function, used on insert, is still there). */
export async function down(db: Knex): Promise<void> {
  await db.raw('drop trigger grade_references_update on grade');
  await db.raw('drop trigger grade_keys_update on grade');
  await db.raw('drop function check_grade_keys_of_row()');
  await db.raw(
    `create trigger grade_references_update after update on grade
       referencing old table as old_rows new table as new_rows
       for each statement execute function check_references_of_rows(${STATEMENT_ARGS})`,
  );
}
