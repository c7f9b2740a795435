// Who holds which number for an assessment, with or without identities. The anonymous variant
// returns numbers only, so anonymous outputs are fed from a query that never selects a name.
import type { Knex } from 'knex';
import type { AbsenceCode, GradeValue } from '../domain/types.js';
import type { AnonymousGradeRow } from '../outputs/types.js';
import type { LoadedTemplate, TemplateAssessment } from './lookups.js';

type Queryable = Knex | Knex.Transaction;

/** Numbers of one assessment: its own, or the template's numbers of students enrolled on it. */
export function holdersQuery(
  db: Queryable,
  template: LoadedTemplate,
  a: TemplateAssessment,
): Knex.QueryBuilder {
  const query = db('anonymous_number as n').where('n.template_id', template.id);
  if (template.attribution === 'per_assessment') {
    return query.where('n.assessment_id', a.info.assessmentId);
  }
  return query.whereNull('n.assessment_id').where((q) => {
    void q
      .whereExists(
        db('pedagogic_enrolment as p')
          .whereRaw('p.student_number = n.student_number')
          .where({ 'p.object_id': a.objectId, 'p.year': a.info.year }),
      )
      .orWhereExists(
        db('grade as g')
          .whereRaw('g.student_number = n.student_number')
          .where('g.assessment_id', a.info.assessmentId),
      );
  });
}

/** The anonymous numbers of an assessment, sorted (no identity selected). */
export async function numbersOf(
  db: Queryable,
  template: LoadedTemplate,
  a: TemplateAssessment,
): Promise<string[]> {
  const rows = (await holdersQuery(db, template, a)
    .select('n.number')
    .orderBy('n.number')) as Array<{ number: string }>;
  return rows.map((r) => r.number);
}

/** A number with its grade and result, no identity. */
export interface AnonymousGradeRecord {
  number: string;
  value: string | null;
  absence: string | null;
  result: string | null;
}

/** The same with the identity of the holder, for named outputs only. */
export interface NamedGradeRecord extends AnonymousGradeRecord {
  student_number: string;
  last_name: string;
  first_name: string;
  birth_date: string | Date | null;
}

function withGrades(
  db: Queryable,
  template: LoadedTemplate,
  a: TemplateAssessment,
): Knex.QueryBuilder {
  return holdersQuery(db, template, a).leftJoin('grade as g', (j) => {
    j.on('g.student_number', 'n.student_number').andOnVal('g.assessment_id', a.info.assessmentId);
  });
}

/** Anonymous numbers with grade and result (no identity selected). */
export async function anonymousGrades(
  db: Queryable,
  template: LoadedTemplate,
  a: TemplateAssessment,
): Promise<AnonymousGradeRecord[]> {
  return (await withGrades(db, template, a)
    .select('n.number', 'g.value', 'g.absence', 'g.result')
    .orderBy('n.number')) as AnonymousGradeRecord[];
}

/** A stored grade as outputs show it: a value, an absence code, or null when there is none. */
export function gradeOf(value: string | null, absence: string | null): GradeValue | null {
  if (value !== null) {
    return { kind: 'value', value: Number(value) };
  }
  return absence ? { kind: 'absence', code: absence as AbsenceCode } : null;
}

/** The rows of an anonymous PV section: number, grade and result of every holder, by number. */
export async function anonymousRows(
  db: Queryable,
  template: LoadedTemplate,
  a: TemplateAssessment,
): Promise<AnonymousGradeRow[]> {
  return (await anonymousGrades(db, template, a)).map((r) => ({
    number: r.number,
    grade: gradeOf(r.value, r.absence),
    result: r.result,
  }));
}

/** Numbers with identities, grade and result: only for named outputs and the correspondence list. */
export async function namedGrades(
  db: Queryable,
  template: LoadedTemplate,
  a: TemplateAssessment,
): Promise<NamedGradeRecord[]> {
  return (await withGrades(db, template, a)
    .join('student as s', 's.student_number', 'n.student_number')
    .select(
      'n.number',
      's.student_number',
      's.last_name',
      's.first_name',
      's.birth_date',
      'g.value',
      'g.absence',
      'g.result',
    )
    .orderBy(['s.last_name', 's.first_name'])) as NamedGradeRecord[];
}
