// The rosters the outbox gateway scans anonymous files against: the identities of the students a
// file concerns, so that none of them can reach it (issue 5 §1).
import type { Knex } from 'knex';
import { RosterIndex } from '../outputs/identity-scan.js';

/** Students read per round trip: a roster of a million students is never held as rows. */
const ROSTER_BATCH = 10_000;

/** Identities of the students holding a number of the template: what its anonymous files must not show. */
export async function rosterOfTemplate(
  db: Knex | Knex.Transaction,
  templateId: number,
): Promise<RosterIndex> {
  return rosterOf(
    db,
    `template ${templateId}`,
    db('anonymous_number').where({ template_id: templateId }).select('student_number'),
  );
}

/** Identities of every student holding a number for an assessment of the CTN in state V. */
export async function rosterUnderAnonymity(
  db: Knex | Knex.Transaction,
  ctn: string,
  batch = ROSTER_BATCH,
): Promise<RosterIndex> {
  const underV = db('anonymous_number as n')
    .join('anonymity_template as t', 't.id', 'n.template_id')
    .join('template_assessment as ta', 'ta.template_id', 't.id')
    .where({ 't.ctn': ctn, 'ta.state': 'V' })
    .whereRaw('(n.assessment_id is null or n.assessment_id = ta.assessment_id)')
    .select('n.student_number');
  return rosterOf(db, `V ${ctn}`, underV, batch);
}

interface StudentRow {
  student_number: string;
  ine: string | null;
  last_name: string;
  first_name: string;
  birth_date: string | Date | null;
}

/** Indexes the identities of `students`, read through a cursor a batch at a time. */
/**
 * Rosters already indexed, per database handle and roster, with the roster_version they were read
 * at (migration 005): a drop reuses the index until a student, a number or a state changes.
 */
const cached = new WeakMap<Knex, Map<string, { version: string; index: RosterIndex }>>();

async function rosterOf(
  db: Knex | Knex.Transaction,
  key: string,
  students: Knex.QueryBuilder,
  batch = ROSTER_BATCH,
): Promise<RosterIndex> {
  if (db.isTransaction) {
    // Inside a transaction that may have changed students itself: read afresh, never cached.
    return readRoster(db, students, batch);
  }
  const handle = db as Knex;
  const byKey = cached.get(handle) ?? new Map<string, { version: string; index: RosterIndex }>();
  cached.set(handle, byKey);
  // The version is read before the roster: a change after it only makes the next call reload.
  const row = (await handle('roster_version').first('version')) as { version: string | number };
  const version = String(row.version);
  const known = byKey.get(key);
  if (known?.version === version && batch === ROSTER_BATCH) {
    return known.index;
  }
  const index = await readRoster(handle, students, batch);
  byKey.set(key, { version, index });
  return index;
}

async function readRoster(
  db: Knex | Knex.Transaction,
  students: Knex.QueryBuilder,
  batch: number,
): Promise<RosterIndex> {
  const query = db('student as s')
    .whereIn('s.student_number', students)
    .select('s.student_number', 's.ine', 's.last_name', 's.first_name', 's.birth_date')
    .toSQL();
  const index = new RosterIndex();
  const read = async (trx: Knex.Transaction): Promise<void> => {
    // Planned for the whole result, as the plain query would be: a cursor's default plan aims at
    // the first rows and took minutes on 200,000 students.
    await trx.raw('set local cursor_tuple_fraction = 1');
    await trx.raw(`declare roster_students no scroll cursor for ${query.sql}`, [...query.bindings]);
    for (;;) {
      const rows = (await trx.raw(`fetch ${batch} from roster_students`)) as {
        rows: StudentRow[];
      };
      for (const r of rows.rows) {
        index.add({
          studentNumber: r.student_number,
          ine: r.ine,
          lastName: r.last_name,
          firstName: r.first_name,
          birthDate: isoDay(r.birth_date),
        });
      }
      if (rows.rows.length < batch) {
        break;
      }
    }
    await trx.raw('close roster_students');
  };
  // A cursor lives in a transaction: the caller's, or one of its own.
  await (db.isTransaction ? read(db as Knex.Transaction) : db.transaction(read));
  return index;
}

/** `yyyy-mm-dd` of a date column, whatever the driver returned (local calendar day). */
function isoDay(value: string | Date | null): string | null {
  if (value === null || typeof value === 'string') {
    return value?.slice(0, 10) ?? null;
  }
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}
