// A version of the identities the outbox guard scans against (issue 7): any change to students,
// anonymous numbers or anonymity states bumps it, so a process can keep an indexed roster between
// drops and reload it only when it may have changed. Statement-level triggers: one bump per
// statement, however many rows it writes.
import type { Knex } from 'knex';

import { grantToService } from './002-anonymity-guards.js';

const WATCHED = ['student', 'anonymous_number', 'template_assessment', 'anonymity_template'];

const STATEMENTS = [
  `create table roster_version (
     id boolean primary key default true check (id),
     version bigint not null
   )`,
  `insert into roster_version (id, version) values (true, 0)`,
  `create function bump_roster_version() returns trigger language plpgsql as $$
   begin
     update roster_version set version = version + 1;
     return null;
   end;
   $$`,
  ...WATCHED.map(
    (table) =>
      `create trigger ${table}_roster_version after insert or update or delete or truncate on ${table}
       for each statement execute function bump_roster_version()`,
  ),
  grantToService('roster_version', ['select, update on roster_version']),
];

/** Creates the version row and its triggers. */
export async function up(db: Knex): Promise<void> {
  for (const sql of STATEMENTS) {
    await db.raw(sql);
  }
}

/** Drops them. */
export async function down(db: Knex): Promise<void> {
  for (const table of WATCHED) {
    await db.raw(`drop trigger if exists ${table}_roster_version on ${table}`);
  }
  await db.raw('drop function if exists bump_roster_version()');
  await db.raw('drop table if exists roster_version');
}
