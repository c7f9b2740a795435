// References of the two bulk tables checked once per statement instead of once per row (issue 7).
// A foreign key runs one lookup (and one row lock) per inserted row: importing 100,000 grades spent
// 1.06 s of 1.34 s in the three foreign keys of `grade`. Here the same rules are triggers over the
// statement's transition table: one anti-join per reference, whatever the number of rows.
//
// What a foreign key guaranteed still holds, both ways:
// - child side: a statement inserting or updating rows whose key has no parent fails with SQLSTATE
//   23503 (foreign_key_violation), as before, and writes nothing;
// - parent side: deleting, re-keying or truncating a parent row still referenced fails the same way.
//   Before looking, the parent's trigger locks the child tables in SHARE mode: it waits for every
//   transaction that is writing children and holds new writers until it commits, so a child row
//   committed concurrently is seen. (The service runs at READ COMMITTED, where each check reads the
//   latest committed rows; a REPEATABLE READ writer would need the locks a foreign key takes.)
import type { Knex } from 'knex';

/** One reference: `child.column` must name an existing `parent.key`. */
interface Reference {
  child: string;
  column: string;
  parent: string;
  key: string;
}

const REFERENCES: Reference[] = [
  { child: 'grade', column: 'assessment_id', parent: 'assessment', key: 'id' },
  { child: 'grade', column: 'student_number', parent: 'student', key: 'student_number' },
  { child: 'grade', column: 'intake_id', parent: 'intake_file', key: 'id' },
  { child: 'anonymous_number', column: 'template_id', parent: 'anonymity_template', key: 'id' },
  { child: 'anonymous_number', column: 'assessment_id', parent: 'assessment', key: 'id' },
  { child: 'anonymous_number', column: 'student_number', parent: 'student', key: 'student_number' },
];

const CHILDREN = [...new Set(REFERENCES.map((r) => r.child))];
const PARENTS = [...new Set(REFERENCES.map((r) => r.parent))];

const constraintName = (r: Reference): string => `${r.child}_${r.column}_fkey`;

/**
 * Child side. Arguments: (column, parent, key) triples. On INSERT every new row is checked; on
 * UPDATE only keys that were not already there before the statement (an upsert rewriting a grade
 * keeps its keys and costs one hash anti-join, not a lookup per row).
 */
export const CHILD_CHECK = `create function check_references_of_rows() returns trigger language plpgsql as $$
declare
  i integer := 0;
  missing text;
  changed text;
begin
  while i < tg_nargs loop
    changed := case when tg_op = 'UPDATE'
      then format('and not exists (select 1 from old_rows o where o.%1$I = n.%1$I)', tg_argv[i])
      else '' end;
    execute format(
      'select n.%1$I::text from new_rows n
        where n.%1$I is not null %4$s
          and not exists (select 1 from %2$I p where p.%3$I = n.%1$I)
        limit 1',
      tg_argv[i], tg_argv[i + 1], tg_argv[i + 2], changed) into missing;
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

/**
 * Parent side. Arguments: key, then (child, column) pairs. Runs after DELETE (old rows) or UPDATE
 * (old keys no longer present); refuses when a child still names one of them.
 */
const PARENT_CHECK = `create function check_references_to_rows() returns trigger language plpgsql as $$
declare
  i integer := 1;
  gone text;
  still text;
begin
  if tg_op = 'UPDATE' then
    execute format(
      'select count(*) from old_rows o where not exists (select 1 from new_rows n where n.%1$I = o.%1$I)',
      tg_argv[0]) into gone;
    if gone = '0' then
      return null;
    end if;
  end if;
  while i < tg_nargs loop
    execute format('lock table %I in share mode', tg_argv[i]);
    execute format(
      'select o.%1$I::text from old_rows o
        where exists (select 1 from %2$I c where c.%3$I = o.%1$I) %4$s
        limit 1',
      tg_argv[0], tg_argv[i], tg_argv[i + 1],
      case when tg_op = 'UPDATE'
        then format('and not exists (select 1 from new_rows n where n.%1$I = o.%1$I)', tg_argv[0])
        else '' end) into still;
    if still is not null then
      raise exception using
        errcode = 'foreign_key_violation',
        message = format('update or delete on table "%s" violates the reference from "%s"',
          tg_table_name, tg_argv[i]),
        detail = format('Key (%s)=(%s) is still referenced from table "%s".',
          tg_argv[0], still, tg_argv[i]);
    end if;
    i := i + 2;
  end loop;
  return null;
end;
$$`;

/** Truncating a parent is refused while any child row exists (arguments: child tables). */
const PARENT_TRUNCATE = `create function refuse_truncate_of_referenced() returns trigger language plpgsql as $$
declare
  child text;
  found_one boolean;
begin
  foreach child in array tg_argv loop
    execute format('select exists (select 1 from %I)', child) into found_one;
    if found_one then
      raise exception using
        errcode = 'foreign_key_violation',
        message = format('cannot truncate table "%s": rows of "%s" refer to it', tg_table_name, child);
    end if;
  end loop;
  return null;
end;
$$`;

const quote = (text: string): string => `'${text}'`;

function childTriggers(child: string): string[] {
  const args = REFERENCES.filter((r) => r.child === child)
    .flatMap((r) => [r.column, r.parent, r.key])
    .map(quote)
    .join(', ');
  return [
    `create trigger ${child}_references_insert after insert on ${child}
       referencing new table as new_rows
       for each statement execute function check_references_of_rows(${args})`,
    `create trigger ${child}_references_update after update on ${child}
       referencing old table as old_rows new table as new_rows
       for each statement execute function check_references_of_rows(${args})`,
  ];
}

function parentTriggers(parent: string): string[] {
  const refs = REFERENCES.filter((r) => r.parent === parent);
  const key = refs[0]?.key ?? 'id';
  const args = [key, ...refs.flatMap((r) => [r.child, r.column])].map(quote).join(', ');
  const children = [...new Set(refs.map((r) => r.child))].map(quote).join(', ');
  return [
    `create trigger ${parent}_referenced_delete after delete on ${parent}
       referencing old table as old_rows
       for each statement execute function check_references_to_rows(${args})`,
    `create trigger ${parent}_referenced_update after update on ${parent}
       referencing old table as old_rows new table as new_rows
       for each statement execute function check_references_to_rows(${args})`,
    `create trigger ${parent}_referenced_truncate before truncate on ${parent}
       for each statement execute function refuse_truncate_of_referenced(${children})`,
  ];
}

/** Swaps the six foreign keys for statement-level checks. */
export async function up(db: Knex): Promise<void> {
  const statements = [
    CHILD_CHECK,
    PARENT_CHECK,
    PARENT_TRUNCATE,
    ...REFERENCES.map((r) => `alter table ${r.child} drop constraint ${constraintName(r)}`),
    ...CHILDREN.flatMap(childTriggers),
    ...PARENTS.flatMap(parentTriggers),
  ];
  for (const sql of statements) {
    await db.raw(sql);
  }
}

/** Puts the foreign keys back. */
export async function down(db: Knex): Promise<void> {
  for (const parent of PARENTS) {
    for (const event of ['delete', 'update', 'truncate']) {
      await db.raw(`drop trigger if exists ${parent}_referenced_${event} on ${parent}`);
    }
  }
  for (const child of CHILDREN) {
    await db.raw(`drop trigger if exists ${child}_references_insert on ${child}`);
    await db.raw(`drop trigger if exists ${child}_references_update on ${child}`);
  }
  for (const r of REFERENCES) {
    await db.raw(
      `alter table ${r.child} add constraint ${constraintName(r)}
         foreign key (${r.column}) references ${r.parent}(${r.key})`,
    );
  }
  await db.raw('drop function if exists check_references_of_rows()');
  await db.raw('drop function if exists check_references_to_rows()');
  await db.raw('drop function if exists refuse_truncate_of_referenced()');
}
