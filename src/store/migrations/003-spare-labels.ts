// Spare labels (issue 6): numbers drawn ahead for students registered at the last minute, printed
// bound to nobody, then bound to a student by the manager (an audited step). A bound spare becomes
// an ordinary anonymous_number row; this table keeps where it came from and who bound it.
import type { Knex } from 'knex';

import { grantToService } from './002-anonymity-guards.js';

const STATEMENTS = [
  `create table spare_label (
     id serial primary key,
     year integer not null,
     number text not null,
     template_id integer not null references anonymity_template(id),
     assessment_id integer references assessment(id),
     created_by text not null references app_user(login),
     created_at timestamptz not null default now(),
     bound_student text references student(student_number),
     bound_by text references app_user(login),
     bound_at timestamptz,
     unique (year, number),
     check ((bound_student is null) = (bound_at is null))
   )`,
  `create index spare_label_template on spare_label (template_id)`,
  // The service role of migration 002 was granted the tables that existed then, not this one.
  grantToService('spare_label', [
    'select, insert, update on spare_label',
    'usage, select on sequence spare_label_id_seq',
  ]),
];

/** Creates the spare_label table. */
export async function up(db: Knex): Promise<void> {
  for (const sql of STATEMENTS) {
    await db.raw(sql);
  }
}

/** Drops it. */
export async function down(db: Knex): Promise<void> {
  await db.raw('drop table if exists spare_label');
}
