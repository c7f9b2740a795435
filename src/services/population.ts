// Reads the facts eligibility is decided on (IA, IP, grades, session-1 results) for one assessment.
import type { Knex } from 'knex';
import { population, type Population } from '../domain/eligibility.js';
import type { TemplateAssessment } from './lookups.js';

type Queryable = Knex | Knex.Transaction;

async function studentSet(query: Knex.QueryBuilder): Promise<Set<string>> {
  const rows = (await query) as Array<{ student_number: string }>;
  return new Set(rows.map((row) => row.student_number));
}

/** Students allowed to sit the assessment (design.md §3 step 4), sorted. */
export async function assessmentPopulation(
  db: Queryable,
  a: TemplateAssessment,
  passingCodes: readonly string[],
): Promise<string[]> {
  return (await assessmentStanding(db, a, passingCodes)).eligible;
}

/** The assessment's population, with who a session 2 left out and why. */
export async function assessmentStanding(
  db: Queryable,
  a: TemplateAssessment,
  passingCodes: readonly string[],
): Promise<Population> {
  const year = a.info.year;
  const onObject = db('pedagogic_enrolment')
    .select('student_number')
    .where({ year, object_id: a.objectId });
  // Only the standing of students enrolled on the object decides: a university's whole year (a
  // million IA) was read for an assessment of a few hundred, 0.6 s per pose at that size.
  const inGoodStanding = await studentSet(
    db('admin_enrolment')
      .distinct('student_number')
      .where({ year, in_good_standing: true })
      .whereIn('student_number', onObject.clone()),
  );
  const enrolledOnObject = await studentSet(onObject);
  const alreadyGraded = await studentSet(
    db('grade')
      .select('student_number')
      .where({ assessment_id: a.info.assessmentId })
      .andWhere((q) => {
        void q.whereNotNull('value').orWhereNotNull('absence').orWhereNotNull('result');
      }),
  );

  let session1Results: Map<string, string | null> | undefined;
  if (a.info.session === 2) {
    const rows = (await db('grade as g')
      .join('assessment as s1', 's1.id', 'g.assessment_id')
      .where({
        's1.object_id': a.objectId,
        's1.year': year,
        's1.session': 1,
        's1.stage': a.info.stage,
      })
      .select('g.student_number', 'g.result')) as Array<{
      student_number: string;
      result: string | null;
    }>;
    session1Results = new Map(rows.map((row) => [row.student_number, row.result]));
  }

  return population({
    session: a.info.session,
    inGoodStanding,
    enrolledOnObject,
    alreadyGraded,
    session1Results,
    passingCodes: new Set(passingCodes),
  });
}

/** Students currently holding a number for the assessment (per-template numbers count for every assessment). */
export async function numberHolders(
  db: Queryable,
  templateId: number,
  assessmentId: number | null,
): Promise<Map<string, string>> {
  const query = db('anonymous_number')
    .select('student_number', 'number')
    .where({ template_id: templateId });
  const rows = (await (assessmentId === null
    ? query.whereNull('assessment_id')
    : query.where({ assessment_id: assessmentId }))) as Array<{
    student_number: string;
    number: string;
  }>;
  return new Map(rows.map((row) => [row.student_number, row.number]));
}
