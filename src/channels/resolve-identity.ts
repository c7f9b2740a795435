// Rows keyed by student number and object code (COD_ETU + COD_ELP): allowed where no anonymity
// applies, or after the lift; refused whole when an assessment is under validated anonymity.
import type { ErrorCode } from '../domain/errors.js';
import type { AnonymityState } from '../domain/types.js';
import { listStateRefusal, refusalIn, type Resolution, type Resolved } from './resolve.js';
import type { ErrorList, KeyedRow } from './rows.js';
import type { ChannelInput } from './types.js';

interface AssessmentState {
  id: number;
  code: string;
  session: number;
  state: AnonymityState | null;
}

/**
 * `assessment|student` for each student among `numbers` who belongs to one of the assessments: an
 * IP on its object (an IA for a VET) in its year, or an anonymous number for it. A student number
 * mistyped into another existing student's must not put a grade on a stranger.
 */
async function belonging(
  input: ChannelInput,
  assessmentIds: number[],
  numbers: string[],
): Promise<Set<string>> {
  const found = (await input.trx.raw(
    `select a.id as assessment_id, e.student_number from assessment a
       join pedagogic_enrolment e on e.object_id = a.object_id and e.year = a.year
       where a.id = any(?::int[]) and e.student_number = any(?::text[])
     union
     select a.id, e.student_number from assessment a
       join admin_enrolment e on e.vet_id = a.object_id and e.year = a.year
       where a.id = any(?::int[]) and e.student_number = any(?::text[])
     union
     select n.assessment_id, n.student_number from anonymous_number n
       where n.assessment_id = any(?::int[]) and n.student_number = any(?::text[])`,
    [assessmentIds, numbers, assessmentIds, numbers, assessmentIds, numbers],
  )) as { rows: Array<{ assessment_id: number; student_number: string }> };
  return new Set(found.rows.map((r) => `${r.assessment_id}|${r.student_number}`));
}

/** Resolves rows keyed by student number and object code; refused whole when an assessment is under anonymity (V). */
export async function resolveByIdentity(
  input: ChannelInput,
  rows: KeyedRow[],
  errors: ErrorList,
): Promise<Resolution> {
  const year = input.ctx.config.defaultYear;
  const assessments = (await input
    .trx('assessment as a')
    .join('teaching_object as o', 'o.id', 'a.object_id')
    .leftJoin('template_assessment as ta', 'ta.assessment_id', 'a.id')
    .where({ 'o.ctn': input.ctn, 'a.year': year })
    .select('a.id', 'o.code', 'a.session', 'ta.state')) as AssessmentState[];
  const students = new Set(
    (
      (await input
        .trx('student')
        .whereRaw('student_number = any(?::text[])', [rows.map((r) => r.text('student'))])
        .select('student_number')) as Array<{ student_number: string }>
    ).map((s) => s.student_number),
  );

  const members = await belonging(
    input,
    assessments.map((a) => a.id),
    [...students],
  );

  const resolved: Resolved[] = [];
  let stateRefusal: ErrorCode | null = null;
  for (const row of rows) {
    const session = Number(row.text('session') || '1');
    const object = row.text('object').toUpperCase();
    const ofObject = assessments.filter((a) => a.code.toUpperCase() === object);
    const matches = ofObject.filter((a) => a.session === session);
    const target = matches[0];
    // Without a session column, session 1 is meant only where the object has no session 2: a grade
    // meant for the resit replaced the session-1 grade without a word (trial).
    if (target && row.text('session') === '' && ofObject.some((a) => a.session !== session)) {
      const detail =
        `(${row.text('object')} a une épreuve en session 1 et une en session 2 : ajoutez au ` +
        'fichier une colonne « Session » (1 ou 2) ; aucune session n’est supposée)';
      errors.add(row.number, 'Code épreuve', 'ASSESSMENT_UNKNOWN', row.text('object'), detail);
      continue;
    }
    if (!target || matches.length > 1) {
      const why = target ? 'plusieurs épreuves de ce CTN' : 'aucune épreuve de ce CTN';
      // A blank cell of the column names nothing: say so rather than quote an empty code.
      const detail =
        row.text('object') === ''
          ? '(code de l’épreuve vide sur cette ligne : renseignez-le)'
          : `(${row.text('object')}, session ${session}, année ${year}\u00a0: ${why})`;
      errors.add(row.number, 'Code épreuve', 'ASSESSMENT_UNKNOWN', row.text('object'), detail);
      continue;
    }
    const refusal = refusalIn('import_by_identity', target.state);
    if (refusal && target.state) {
      stateRefusal = refusal;
      listStateRefusal(errors, 'import_by_identity', {
        row: row.number,
        key: '',
        objectCode: target.code,
        state: target.state,
        code: refusal,
      });
      continue;
    }
    if (!students.has(row.text('student'))) {
      errors.add(row.number, 'N° étudiant', 'STUDENT_UNKNOWN', row.text('student'));
      continue;
    }
    if (!members.has(`${target.id}|${row.text('student')}`)) {
      errors.add(row.number, 'N° étudiant', 'STUDENT_NOT_ENROLLED', row.text('student'));
      continue;
    }
    resolved.push({
      row,
      assessmentId: target.id,
      studentNumber: row.text('student'),
      state: target.state,
    });
  }
  return { resolved, stateRefusal, operation: 'import_by_identity' };
}
