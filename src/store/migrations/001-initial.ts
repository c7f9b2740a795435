// Initial schema: the model of design.md §2. Table and column names are persisted contracts.
import type { Knex } from 'knex';

const TABLES = `
create table ctn (
  code text primary key,
  label text not null
);
create table app_user (
  login text primary key,
  full_name text not null,
  is_admin boolean not null default false,
  created_at timestamptz not null default now()
);
create table habilitation (
  login text not null references app_user(login),
  ctn text not null references ctn(code),
  role text not null check (role in ('manager', 'grade_office', 'jury', 'reader')),
  primary key (login, ctn, role)
);
create table student (
  student_number text primary key,
  ine text,
  last_name text not null,
  first_name text not null default '',
  birth_date date
);
create table teaching_object (
  id serial primary key,
  kind text not null check (kind in ('VDI', 'VET', 'ELP', 'EP')),
  code text not null,
  version text not null default '',
  label text not null,
  ctn text not null references ctn(code),
  unique (kind, code, version)
);
create table admin_enrolment (
  student_number text not null references student(student_number),
  vet_id integer not null references teaching_object(id),
  year integer not null,
  in_good_standing boolean not null default true,
  primary key (student_number, vet_id, year)
);
create table pedagogic_enrolment (
  student_number text not null references student(student_number),
  object_id integer not null references teaching_object(id),
  year integer not null,
  primary key (student_number, object_id, year)
);
create table result_code (
  code text primary key,
  label text not null,
  passing boolean not null default false
);
create table anonymity_period (
  id serial primary key,
  ctn text not null references ctn(code),
  year integer not null,
  code text not null,
  label text not null,
  unique (ctn, year, code)
);
create table assessment (
  id serial primary key,
  object_id integer not null references teaching_object(id),
  year integer not null,
  session smallint not null check (session in (1, 2)),
  stage text not null check (stage in ('admissibility', 'admission')),
  scale numeric(6, 2) not null default 20 check (scale > 0),
  unique (object_id, year, session, stage)
);
create table anonymity_modality (
  assessment_id integer primary key references assessment(id),
  period_id integer not null references anonymity_period(id)
);
create table numbering_rule (
  id serial primary key,
  ctn text not null references ctn(code),
  code text not null,
  kind text not null check (kind in ('sequential', 'random')),
  width integer not null check (width between 2 and 12),
  prefix text not null default '',
  check_kind text not null default 'none' check (check_kind in ('none', 'damm', 'verhoeff', 'luhn')),
  start_at bigint not null default 1,
  unique (ctn, code)
);
create table anonymity_template (
  id serial primary key,
  ctn text not null references ctn(code),
  year integer not null,
  code text not null,
  label text not null,
  period_id integer not null references anonymity_period(id),
  rule_id integer not null references numbering_rule(id),
  attribution text not null check (attribution in ('per_template', 'per_assessment')),
  auto_newcomers boolean not null default false,
  unique (ctn, year, code)
);
create table template_assessment (
  template_id integer not null references anonymity_template(id),
  assessment_id integer not null unique references assessment(id),
  state char(1) not null default 'I' check (state in ('I', 'P', 'V', 'L')),
  state_changed_at timestamptz not null default now(),
  primary key (template_id, assessment_id)
);
create table anonymous_number (
  id bigserial primary key,
  year integer not null,
  number text not null,
  template_id integer not null references anonymity_template(id),
  assessment_id integer references assessment(id),
  student_number text not null references student(student_number),
  created_at timestamptz not null default now(),
  unique (year, number)
);
create unique index anonymous_number_holder
  on anonymous_number (template_id, (coalesce(assessment_id, 0)), student_number);
create table intake_file (
  id bigserial primary key,
  sha256 text not null,
  ctn text not null,
  channel text not null,
  file_name text not null,
  size bigint not null,
  status text not null default 'received'
    check (status in ('received', 'imported', 'partial', 'rejected')),
  received_at timestamptz not null default now(),
  finished_at timestamptz,
  receipt jsonb,
  unique (ctn, channel, sha256)
);
create table intake_drop (
  id bigserial primary key,
  intake_id bigint not null references intake_file(id),
  file_name text not null,
  dropped_at timestamptz not null default now(),
  outcome text check (outcome in ('imported', 'partial', 'rejected', 'duplicate')),
  receipt jsonb,
  done boolean not null default false
);
create unique index intake_drop_open on intake_drop (intake_id, file_name) where not done;
create table grade (
  assessment_id integer not null references assessment(id),
  student_number text not null references student(student_number),
  value numeric(6, 2),
  absence text check (absence in ('ABI', 'ABJ', 'DEF', 'DEM', 'DIS')),
  result text,
  source text not null,
  intake_id bigint references intake_file(id),
  entered_by text,
  changed_after_lift boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (assessment_id, student_number),
  check (value is null or absence is null)
);
create table audit_log (
  seq bigint primary key,
  at text not null,
  actor text not null,
  ctn text,
  action text not null,
  subject jsonb not null,
  prev_hash text not null,
  hash text not null unique
);
create table apogee_maquette (
  id serial primary key,
  ctn text not null references ctn(code),
  year integer not null,
  sha256 text not null unique,
  file_name text not null,
  content bytea not null,
  imported_at timestamptz not null default now()
);
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_append_only();
`;

/** Creates the whole schema. */
export async function up(db: Knex): Promise<void> {
  // One statement per call: PGlite's extended protocol refuses several commands in one query.
  for (const statement of TABLES.split(/;\n(?=create )/)) {
    await db.raw(statement);
  }
}

/** Drops the whole schema. */
export async function down(db: Knex): Promise<void> {
  const tables = [
    'apogee_maquette',
    'audit_log',
    'grade',
    'intake_drop',
    'intake_file',
    'anonymous_number',
    'template_assessment',
    'anonymity_template',
    'numbering_rule',
    'anonymity_modality',
    'assessment',
    'anonymity_period',
    'result_code',
    'pedagogic_enrolment',
    'admin_enrolment',
    'teaching_object',
    'student',
    'habilitation',
    'app_user',
    'ctn',
  ];
  for (const table of tables) {
    await db.schema.dropTableIfExists(table);
  }
  await db.raw('drop function if exists audit_log_append_only()');
}
