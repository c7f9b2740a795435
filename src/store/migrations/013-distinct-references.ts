// The statement-level reference checks of migration 007 look up each distinct id once (issue 7).
// A file of 100,000 grades names one intake and a handful of assessments, yet the check probed the
// parent's index once per row: 58 ms for `intake_id` alone (its parent's pages not yet all-visible,
// each probe read the heap too). Integer ids are grouped first; student numbers, all distinct in a
// file, are not (grouping them added 30-40 ms to the same 100,000 probes, measured).
// What the check guarantees is unchanged: the same rows are refused with the same error. The whole
// function is restated here (its error part as in 007): a migration is a snapshot of what it installs.
import type { Knex } from 'knex';
import { CHILD_CHECK } from './007-statement-references.js';

const DISTINCT_CHILD_CHECK = `create or replace function check_references_of_rows() returns trigger language plpgsql as $$
declare
  i integer := 0;
  missing text;
  changed text;
  ids boolean;
begin
  while i < tg_nargs loop
    changed := case when tg_op = 'UPDATE'
      then format('and not exists (select 1 from old_rows o where o.%1$I = n.%1$I)', tg_argv[i])
      else '' end;
    select a.atttypid in ('integer'::regtype, 'bigint'::regtype) into ids
      from pg_attribute a where a.attrelid = tg_relid and a.attname = tg_argv[i];
    execute format(
      'select d.k::text from (
          select %5$s n.%1$I as k from new_rows n where n.%1$I is not null %4$s) as d
        where not exists (select 1 from %2$I p where p.%3$I = d.k)
        limit 1',
      tg_argv[i], tg_argv[i + 1], tg_argv[i + 2], changed,
      case when ids then 'distinct' else '' end) into missing;
    if missing is not null then
      raise exception using
        errcode = 'foreign_key_violation',
        message = format('insert or update on table "%s" violates its reference to "%s"',
          tg_table_name, tg_argv[i + 1]),
        detail = format('Key (%s)=(%s) is not present in table "%s".',
          tg_argv[i], missing, tg_argv[i + 1]);
    end if;
    i := i + 3;
  end loop;
  return null;
end;
$$`;

/** Checks each distinct id once. */
export async function up(db: Knex): Promise<void> {
  await db.raw(DISTINCT_CHILD_CHECK);
}

/** Back to one probe per row. */
export async function down(db: Knex): Promise<void> {
  await db.raw(CHILD_CHECK.replace('create function', 'create or replace function'));
}
