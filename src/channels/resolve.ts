// Row → (assessment, student) for grade and jury files, keyed by anonymous number or, where the
// state allows it, by student number. Enforces the state table for imports (design.md §3).
import { decide } from '../domain/states.js';
import type { ErrorCode } from '../domain/errors.js';
import type { AnonymityState } from '../domain/types.js';
import { assessmentFor, NumberBook, type TemplateCache } from './numbers.js';
import type { ErrorList, KeyedRow } from './rows.js';
import type { ChannelInput } from './types.js';

/** A row resolved to what it writes. */
export interface Resolved {
  row: KeyedRow;
  assessmentId: number;
  studentNumber: string;
  state: AnonymityState | null;
}

/** Rows resolved, and whether a state refusal makes the whole file void. */
export interface Resolution {
  resolved: Resolved[];
  stateRefusal: ErrorCode | null;
}

/** Resolves rows keyed by anonymous number. `bound` is the assessment a returned workbook was made for. */
export async function resolveByNumber(
  input: ChannelInput,
  rows: KeyedRow[],
  errors: ErrorList,
  bound?: { assessmentId: number; templateId: number },
  cache?: TemplateCache,
): Promise<Resolution> {
  const book = await NumberBook.load(
    input.trx,
    input.ctn,
    rows.map((r) => r.text('number').replace(/\s+/g, '').toUpperCase()),
    cache,
    errors.listable,
  );
  const enrolled = await enrolmentsOf(
    input,
    book.perTemplateHolders(rows.map((r) => r.text('number'))),
  );
  const resolved: Resolved[] = [];
  let stateRefusal: ErrorCode | null = null;

  for (const row of rows) {
    const found = book.find(row.text('number'));
    if ('code' in found) {
      errors.add(row.number, 'N° anonyme', found.code, row.text('number'), found.detail);
      continue;
    }
    const { holder, template } = found;
    if (template.ctn !== input.ctn) {
      errors.add(row.number, 'N° anonyme', 'NUMBER_OTHER_CTN', row.text('number'));
      continue;
    }
    if (bound && bound.templateId !== template.id) {
      errors.add(row.number, 'N° anonyme', 'NUMBER_OTHER_TEMPLATE', row.text('number'));
      continue;
    }
    const session = Number(row.text('session')) || undefined;
    const target = assessmentFor(template, holder, {
      assessmentId: bound?.assessmentId,
      objectCode: row.text('object') || undefined,
      session,
      fileName: input.fileName,
    });
    if ('code' in target) {
      errors.add(row.number, 'N° anonyme', target.code, row.text('number'), target.detail);
      continue;
    }
    const verdict = decide('import_by_number', target.state, { isManager: false });
    if (!verdict.allowed) {
      stateRefusal = verdict.code;
      errors.add(
        row.number,
        'N° anonyme',
        verdict.code,
        row.text('number'),
        `(épreuve ${target.info.objectCode} dans l'état ${target.state})`,
      );
      continue;
    }
    if (
      holder.assessmentId === null &&
      !enrolled.has(`${target.objectId}|${holder.studentNumber}|${target.info.year}`)
    ) {
      errors.add(
        row.number,
        'N° anonyme',
        'NUMBER_NOT_CONCERNED',
        row.text('number'),
        `(${target.info.objectCode})`,
      );
      continue;
    }
    resolved.push({
      row,
      assessmentId: target.info.assessmentId,
      studentNumber: holder.studentNumber,
      state: target.state,
    });
  }
  return { resolved, stateRefusal };
}

/**
 * Enrolments of the students holding a per-template number: only those need one to receive a grade
 * (a per-assessment number is already the assessment's). One query over the students, none when the
 * chunk holds no per-template number.
 */
async function enrolmentsOf(input: ChannelInput, students: string[]): Promise<Set<string>> {
  if (students.length === 0) {
    return new Set();
  }
  const found = (await input
    .trx('pedagogic_enrolment')
    .whereRaw('student_number = any(?::text[])', [students])
    .select('object_id', 'student_number', 'year')) as Array<{
    object_id: number;
    student_number: string;
    year: number;
  }>;
  return new Set(found.map((e) => `${e.object_id}|${e.student_number}|${e.year}`));
}

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
    const matches = assessments.filter(
      (a) => a.code.toUpperCase() === row.text('object').toUpperCase() && a.session === session,
    );
    const target = matches[0];
    if (!target || matches.length > 1) {
      const why = target ? 'plusieurs épreuves de ce CTN' : 'aucune épreuve de ce CTN';
      const detail = `(${row.text('object')}, session ${session}, année ${year}\u00a0: ${why})`;
      errors.add(row.number, 'Code épreuve', 'ASSESSMENT_UNKNOWN', row.text('object'), detail);
      continue;
    }
    const verdict = target.state
      ? decide('import_by_identity', target.state, { isManager: false })
      : null;
    if (verdict && !verdict.allowed) {
      stateRefusal = verdict.code;
      errors.add(row.number, 'N° étudiant', verdict.code, undefined, `(épreuve ${target.code})`);
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
  return { resolved, stateRefusal };
}

/** Rows whose (assessment, student) appears more than once: each gets NUMBER_DUPLICATED and none is kept. */
export function dropDuplicates(
  resolved: Resolved[],
  errors: ErrorList,
  column: string,
): Resolved[] {
  const counts = new Map<string, number>();
  resolved.forEach((r) =>
    counts.set(
      `${r.assessmentId}|${r.studentNumber}`,
      (counts.get(`${r.assessmentId}|${r.studentNumber}`) ?? 0) + 1,
    ),
  );
  return resolved.filter((r) => {
    if ((counts.get(`${r.assessmentId}|${r.studentNumber}`) ?? 0) > 1) {
      // The value shown is what the person typed in the key column, never a resolved identity.
      errors.add(
        r.row.number,
        column,
        'NUMBER_DUPLICATED',
        r.row.text('number') || r.row.text('student'),
      );
      return false;
    }
    return true;
  });
}
