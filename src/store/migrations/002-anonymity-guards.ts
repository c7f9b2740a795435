// Anonymity guards (issue 5): lift conditions per template, two-person lift, per-student reveals,
// the audit head kept apart from the rows, and a database role that cannot rewrite the audit log.
import type { Knex } from 'knex';

/** Name of the role the service should connect as on Postgres (see README: DB role). */
export const SERVICE_ROLE = 'anonymat_service';

/**
 * A statement granting the service role `grants` (`privileges on object` each) on what a later
 * migration creates: default privileges cover only the tables of the user who set them. Skipped
 * when the role does not exist, a notice when the migrating user may not grant.
 */
export function grantToService(what: string, grants: string[]): string {
  return `do $$
   begin
     if exists (select 1 from pg_roles where rolname = '${SERVICE_ROLE}') then
${grants.map((g) => `       grant ${g} to ${SERVICE_ROLE};`).join('\n')}
     end if;
   exception when insufficient_privilege then
     raise notice '${what} not granted to %: no privilege', '${SERVICE_ROLE}';
   end
   $$`;
}

const STATEMENTS = [
  `alter table anonymity_template
     add column lift_requires_all_grades boolean not null default false,
     add column lift_requires_no_open_error boolean not null default false,
     add column lift_requires_anonymous_pv boolean not null default false,
     add column lift_requires_confirmation boolean not null default false`,
  `create table lift_request (
     id serial primary key,
     template_id integer not null references anonymity_template(id),
     requested_by text not null references app_user(login),
     requested_at timestamptz not null default now(),
     confirmed_by text references app_user(login),
     confirmed_at timestamptz,
     check (confirmed_by is null or confirmed_by <> requested_by)
   )`,
  `create unique index lift_request_open on lift_request (template_id) where confirmed_by is null`,
  `create table reveal (
     id serial primary key,
     template_id integer not null references anonymity_template(id),
     assessment_id integer references assessment(id),
     number text not null,
     student_number text not null references student(student_number),
     actor text not null references app_user(login),
     reason text not null check (length(reason) >= 10),
     revealed_at timestamptz not null default now()
   )`,
  // The chain's head, kept apart from the rows: deleting the last entries leaves the rows a valid
  // chain, but no longer one that ends at the head. A tripwire, not a proof against someone who
  // can write both tables (see README).
  `create table audit_head (
     id smallint primary key check (id = 1),
     seq bigint not null,
     hash text not null
   )`,
  `insert into audit_head (id, seq, hash)
     select 1, seq, hash from audit_log order by seq desc limit 1`,
  `create function audit_head_forward_only() returns trigger language plpgsql as $$
   begin
     if tg_op = 'DELETE' or new.seq <= old.seq then
       raise exception 'audit_head only moves forward';
     end if;
     return new;
   end;
   $$`,
  `create trigger audit_head_forward before update or delete on audit_head
     for each row execute function audit_head_forward_only()`,
  `create trigger audit_log_no_truncate before truncate on audit_log
     for each statement execute function audit_log_append_only()`,
  // The service role: everything it needs on every table, nothing that rewrites the record.
  `do $$
   begin
     begin
       create role ${SERVICE_ROLE} nologin;
     exception when duplicate_object then
       null; -- roles are cluster-wide: another database of the cluster created it
     end;
     grant select, insert, update, delete on all tables in schema public to ${SERVICE_ROLE};
     grant usage, select on all sequences in schema public to ${SERVICE_ROLE};
     -- Tables of later migrations too; audit tables are revoked again below.
     alter default privileges in schema public
       grant select, insert, update, delete on tables to ${SERVICE_ROLE};
     alter default privileges in schema public grant usage, select on sequences to ${SERVICE_ROLE};
     revoke update, delete, truncate on audit_log from ${SERVICE_ROLE};
     revoke delete, truncate on audit_head from ${SERVICE_ROLE};
   exception when insufficient_privilege then
     raise notice 'role % not created: no privilege', '${SERVICE_ROLE}';
   end
   $$`,
];

/** Adds the guards. */
export async function up(db: Knex): Promise<void> {
  // One statement per call: PGlite's extended protocol refuses several commands in one query.
  for (const statement of STATEMENTS) {
    await db.raw(statement);
  }
}

/** Removes the guards (the role is left: other databases of the cluster may use it). */
export async function down(db: Knex): Promise<void> {
  await db.raw('drop trigger if exists audit_log_no_truncate on audit_log');
  await db.schema.dropTableIfExists('audit_head');
  await db.raw('drop function if exists audit_head_forward_only()');
  await db.schema.dropTableIfExists('reveal');
  await db.schema.dropTableIfExists('lift_request');
  await db.schema.alterTable('anonymity_template', (t) => {
    t.dropColumns(
      'lift_requires_all_grades',
      'lift_requires_no_open_error',
      'lift_requires_anonymous_pv',
      'lift_requires_confirmation',
    );
  });
}
