// Spare labels for students registered at the last minute: numbers drawn ahead under the
// template's rule, printed bound to nobody, then bound by the anonymity manager to the student who
// sat with one. Binding inserts an ordinary anonymous number and is audited; the audit entry names
// the spare, not the pair number ↔ student, which stays in the database like every other number.
import type { Knex } from 'knex';

import { AppError } from '../domain/errors.js';
import { drawNumbers, parseNumber } from '../domain/numbering.js';
import { assertAllowed } from '../domain/states.js';
import { appendAudit } from '../store/audit.js';
import { authorise } from './actors.js';
import type { TemplateRef } from './anonymity.js';
import type { AppContext } from './context.js';
import { loadTemplate, targetAssessments, type LoadedTemplate } from './lookups.js';
import { freeNumbers, templateYear } from './year-numbers.js';

type Queryable = Knex | Knex.Transaction;

/** A spare not bound yet: its number and, with per-assessment numbering, its assessment. */
export interface UnboundSpare {
  number: string;
  assessmentId: number | null;
}

/** Unbound spares of a template, in number order; a spare whose number was posed since is left out. */
export async function unboundSpares(db: Queryable, templateId: number): Promise<UnboundSpare[]> {
  const rows = (await db('spare_label as s')
    .where({ 's.template_id': templateId })
    .whereNull('s.bound_student')
    // A pose avoids spares (year-numbers.ts), but one committed alongside the spares' creation, or
    // a database from before that rule, may hold a spare's number: that spare is never printed.
    .whereNotExists(
      db('anonymous_number as n').whereRaw('n.year = s.year').whereRaw('n.number = s.number'),
    )
    .orderBy('s.number')
    .select('s.number', 's.assessment_id')) as Array<{
    number: string;
    assessment_id: number | null;
  }>;
  return rows.map((r) => ({ number: r.number, assessmentId: r.assessment_id }));
}

/** Draws `count` spare numbers per scope of the template (the template, or each targeted assessment). */
export async function createSpares(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
  count: number,
): Promise<{ created: number }> {
  const rights = await authorise(ctx, actor, ref.ctn, 'generate');

  return ctx.db.transaction(async (trx) => {
    await trx('anonymity_template')
      .where({ ctn: ref.ctn, year: ref.year, code: ref.code })
      .forUpdate()
      .first('id');
    const template = await loadTemplate(trx, ref.ctn, ref.year, ref.code);
    const targets = targetAssessments(template, ref.objectCode);
    targets.forEach((a) => assertAllowed('generate', a.state, rights));
    const scopes =
      template.attribution === 'per_template' ? [null] : targets.map((a) => a.info.assessmentId);

    // A spare must collide with no number of the year, given or spare.
    const { year, given, spares } = await templateYear(trx, template);
    let last = [...given, ...spares].reduce((max, v) => Math.max(max, v), -1);
    const rows = [];
    for (const assessmentId of scopes) {
      const numbers = await freeNumbers(year, template.rule, count, (k, isTaken) =>
        drawNumbers(template.rule, k, isTaken, { after: last }),
      );
      year.hold(numbers);
      for (const number of numbers) {
        const parsed = parseNumber(template.rule, number);
        last = parsed.ok ? Math.max(last, parsed.value) : last;
        rows.push({
          year: template.year,
          number,
          template_id: template.id,
          assessment_id: assessmentId,
          created_by: actor,
        });
      }
    }
    if (rows.length > 0) {
      await trx('spare_label').insert(rows);
    }

    await appendAudit(trx, {
      actor,
      ctn: template.ctn,
      action: 'spare_create',
      subject: { templateId: template.id, scopes: scopes.length, created: rows.length },
    });
    return { created: rows.length };
  });
}

/** What binding names: the spare's number and the student who sat with it. */
export interface SpareBinding {
  number: string;
  studentNumber: string;
}

/** Binds a spare to a student: an ordinary anonymous number from now on; audited. */
export async function bindSpare(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
  binding: SpareBinding,
): Promise<{ assessmentId: number | null }> {
  const rights = await authorise(ctx, actor, ref.ctn, 'generate');

  return ctx.db.transaction(async (trx) => {
    const template = await loadTemplate(trx, ref.ctn, ref.year, ref.code);
    const spare = (await trx('spare_label')
      .where({ template_id: template.id, number: binding.number })
      .forUpdate()
      .first('id', 'assessment_id', 'bound_student')) as
      { id: number; assessment_id: number | null; bound_student: string | null } | undefined;
    if (!spare) {
      throw new AppError('SPARE_UNKNOWN', `Numéro ${binding.number}.`);
    }
    if (spare.bound_student !== null) {
      throw new AppError('SPARE_ALREADY_BOUND', `Numéro ${binding.number}.`);
    }
    template.assessments
      .filter((a) => spare.assessment_id === null || a.info.assessmentId === spare.assessment_id)
      .forEach((a) => assertAllowed('generate', a.state, rights));

    await insertNumber(trx, template, spare.assessment_id, binding);
    await trx('spare_label')
      .where({ id: spare.id })
      .update({ bound_student: binding.studentNumber, bound_by: actor, bound_at: trx.fn.now() });
    await appendAudit(trx, {
      actor,
      ctn: template.ctn,
      action: 'spare_bind',
      subject: { templateId: template.id, spareId: spare.id, assessmentId: spare.assessment_id },
    });
    return { assessmentId: spare.assessment_id };
  });
}

/** The anonymous_number row of a bound spare; its unique constraints say what went wrong. */
async function insertNumber(
  trx: Knex.Transaction,
  template: LoadedTemplate,
  assessmentId: number | null,
  binding: SpareBinding,
): Promise<void> {
  const student = (await trx('student')
    .where({ student_number: binding.studentNumber })
    .first('student_number')) as object | undefined;
  if (!student) {
    throw new AppError('STUDENT_UNKNOWN', `N° étudiant ${binding.studentNumber}.`);
  }
  const holder = (await trx('anonymous_number')
    .where({ template_id: template.id, student_number: binding.studentNumber })
    .where(
      (q) =>
        void (assessmentId === null
          ? q.whereNull('assessment_id')
          : q.where('assessment_id', assessmentId)),
    )
    .first('id')) as object | undefined;
  if (holder) {
    throw new AppError('STUDENT_ALREADY_NUMBERED', `N° étudiant ${binding.studentNumber}.`);
  }
  // A pose avoids spares, but one committed alongside the spares' creation may hold this number.
  const clash = (await trx('anonymous_number')
    .where({ year: template.year, number: binding.number })
    .first('id')) as object | undefined;
  if (clash) {
    throw new AppError('SPARE_NUMBER_TAKEN', `Numéro ${binding.number}.`);
  }
  // The student who sat with the spare is enrolled in its exam: a student number typed wrong (or
  // one of another CTN) would otherwise be tied to the copy, and to the named PV after the lift.
  const objects = template.assessments
    .filter((a) => assessmentId === null || a.info.assessmentId === assessmentId)
    .map((a) => a.objectId);
  const enrolled = (await trx('pedagogic_enrolment')
    .where({ student_number: binding.studentNumber, year: template.year })
    .whereIn('object_id', objects)
    .first('student_number')) as object | undefined;
  if (!enrolled) {
    throw new AppError('SPARE_STUDENT_NOT_ENROLLED', `N° étudiant ${binding.studentNumber}.`);
  }

  await trx('anonymous_number').insert({
    year: template.year,
    number: binding.number,
    template_id: template.id,
    assessment_id: assessmentId,
    student_number: binding.studentNumber,
  });
}
