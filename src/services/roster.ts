// The rosters the outbox gateway scans anonymous files against: the identities of the students a
// file concerns, so that none of them can reach it (issue 5 §1).
import type { Knex } from 'knex';
import type { RosterEntry } from '../outputs/gateway.js';

/** Identities of the students holding a number of the template: what its anonymous files must not show. */
export async function rosterOfTemplate(
  db: Knex | Knex.Transaction,
  templateId: number,
): Promise<RosterEntry[]> {
  return rosterOf(
    db,
    db('anonymous_number').where({ template_id: templateId }).select('student_number'),
  );
}

/** Identities of every student holding a number for an assessment of the CTN in state V. */
export async function rosterUnderAnonymity(
  db: Knex | Knex.Transaction,
  ctn: string,
): Promise<RosterEntry[]> {
  const underV = db('anonymous_number as n')
    .join('anonymity_template as t', 't.id', 'n.template_id')
    .join('template_assessment as ta', 'ta.template_id', 't.id')
    .where({ 't.ctn': ctn, 'ta.state': 'V' })
    .whereRaw('(n.assessment_id is null or n.assessment_id = ta.assessment_id)')
    .select('n.student_number');
  return rosterOf(db, underV);
}

async function rosterOf(
  db: Knex | Knex.Transaction,
  students: Knex.QueryBuilder,
): Promise<RosterEntry[]> {
  const rows = (await db('student as s')
    .whereIn('s.student_number', students)
    .select('s.student_number', 's.ine', 's.last_name', 's.first_name', 's.birth_date')) as Array<{
    student_number: string;
    ine: string | null;
    last_name: string;
    first_name: string;
    birth_date: string | Date | null;
  }>;
  return rows.map((r) => ({
    studentNumber: r.student_number,
    ine: r.ine,
    lastName: r.last_name,
    firstName: r.first_name,
    birthDate: isoDay(r.birth_date),
  }));
}

/** `yyyy-mm-dd` of a date column, whatever the driver returned (local calendar day). */
function isoDay(value: string | Date | null): string | null {
  if (value === null || typeof value === 'string') {
    return value?.slice(0, 10) ?? null;
  }
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}
