// Reveals are deliberate (issue 5 §6): lift conditions configured per template and checked in the
// lift's own transaction, a second manager's confirmation, per-student reveals before the lift
// (with a reason, audited, listed in the PV), and the report of grades changed after the lift.
import type { Knex } from 'knex';
import { IDENTITY_KINDS, readingsOf } from '../outputs/identity-parts.js';
import { AppError, isAppError } from '../domain/errors.js';
import { scanTexts } from '../outputs/identity-scan.js';
import { assertAllowed } from '../domain/states.js';
import { appendAudit } from '../store/audit.js';
import { auditRefusal, authorise } from './actors.js';
import type { TemplateRef } from './anonymity.js';
import type { AppContext } from './context.js';
import { holdersQuery } from './holders.js';
import {
  loadTemplate,
  targetAssessments,
  type LoadedTemplate,
  type TemplateAssessment,
} from './lookups.js';
import { openImportErrors, openImportsText } from './open-imports.js';
import { rosterOfTemplate } from './roster.js';
import { anonymousPvUnmet } from './pv-freshness.js';

/** What a template requires before its anonymity may be lifted. */
export interface LiftConditions {
  allGrades: boolean;
  noOpenImportError: boolean;
  anonymousPv: boolean;
  secondConfirmation: boolean;
}

/** Sets the lift conditions of a template (manager only, audited). */
export async function setLiftConditions(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
  conditions: LiftConditions,
): Promise<void> {
  await authorise(ctx, actor, ref.ctn, 'lift');
  // Once anonymity is active, one manager could otherwise drop the second-manager rule and lift
  // alone: conditions may only be tightened under V, and are frozen after the lift.
  const loaded = await loadTemplate(ctx.db, ref.ctn, ref.year, ref.code);
  const current = await liftConditionsOf(ctx.db, loaded.id);
  const weakened = (Object.keys(current) as Array<keyof LiftConditions>).some(
    (k) => current[k] && !conditions[k],
  );
  const states = loaded.assessments.map((a) => a.state);
  if (states.includes('L') || (states.includes('V') && weakened)) {
    await auditRefusal(ctx, actor, loaded.ctn, 'lift_conditions', 'LIFT_CONDITIONS_LOCKED');
    throw new AppError('LIFT_CONDITIONS_LOCKED');
  }

  await ctx.db.transaction(async (trx) => {
    const template = await loadTemplate(trx, ref.ctn, ref.year, ref.code);
    await trx('anonymity_template').where({ id: template.id }).update({
      lift_requires_all_grades: conditions.allGrades,
      lift_requires_no_open_error: conditions.noOpenImportError,
      lift_requires_anonymous_pv: conditions.anonymousPv,
      lift_requires_confirmation: conditions.secondConfirmation,
    });
    await appendAudit(trx, {
      actor,
      ctn: template.ctn,
      action: 'lift_conditions',
      subject: { templateId: template.id, ...conditions },
    });
  });
}

/** The lift conditions of a template. */
export async function liftConditionsOf(
  db: Knex | Knex.Transaction,
  templateId: number,
): Promise<LiftConditions> {
  const row = (await db('anonymity_template').where({ id: templateId }).first()) as {
    lift_requires_all_grades: boolean;
    lift_requires_no_open_error: boolean;
    lift_requires_anonymous_pv: boolean;
    lift_requires_confirmation: boolean;
  };
  return {
    allGrades: row.lift_requires_all_grades,
    noOpenImportError: row.lift_requires_no_open_error,
    anonymousPv: row.lift_requires_anonymous_pv,
    secondConfirmation: row.lift_requires_confirmation,
  };
}

/**
 * Records a manager's request to lift; a second manager confirms it by lifting (audited). Refused,
 * as the lift would be, while the template's lift conditions are unmet: no one is asked to
 * confirm a lift that cannot happen. Returns whether the template requires that second manager
 * (lift-conditions --confirmation): without it, any manager, the requester too, may lift.
 */
export async function requestLift(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
): Promise<{ secondManager: boolean; pendingBy: string | null }> {
  const rights = await authorise(ctx, actor, ref.ctn, 'lift');
  try {
    return await ctx.db.transaction(async (trx) => {
      const template = await loadTemplate(trx, ref.ctn, ref.year, ref.code);
      template.assessments.forEach((a) => assertAllowed('lift', a.state, rights));
      const conditions = await assertConditionsMet(
        trx,
        template,
        targetAssessments(template, ref.objectCode),
      );
      const open = (await trx('lift_request')
        .where({ template_id: template.id })
        .whereNull('confirmed_by')
        .first('requested_by')) as { requested_by: string } | undefined;
      if (open === undefined) {
        await trx('lift_request').insert({ template_id: template.id, requested_by: actor });
      }
      await appendAudit(trx, {
        actor,
        ctn: template.ctn,
        action: 'lift_request',
        subject: { templateId: template.id },
      });
      // A request already open stays the one to confirm: who made it is said, nothing is added.
      return {
        secondManager: conditions.secondConfirmation,
        pendingBy: open?.requested_by ?? null,
      };
    });
  } catch (error: unknown) {
    if (isAppError(error)) {
      await auditRefusal(ctx, actor, ref.ctn, 'lift_request', error.code);
    }
    throw error;
  }
}

async function missingGrades(trx: Knex.Transaction, t: LoadedTemplate, a: TemplateAssessment) {
  const rows = (await holdersQuery(trx, t, a)
    .leftJoin('grade as g', (j) =>
      j.on('g.student_number', 'n.student_number').andOnVal('g.assessment_id', a.info.assessmentId),
    )
    .whereNull('g.value')
    .whereNull('g.absence')
    .count<{ n: number | string }[]>({ n: '*' })) as Array<{ n: number | string }>;
  return Number(rows[0]?.n ?? 0);
}

/** Unmet lift conditions in French, empty when the lift may go ahead. */
async function unmetConditions(
  trx: Knex.Transaction,
  t: LoadedTemplate,
  targets: TemplateAssessment[],
  conditions: LiftConditions,
): Promise<string[]> {
  const unmet: string[] = [];
  if (conditions.allGrades) {
    for (const a of targets) {
      const missing = await missingGrades(trx, t, a);
      if (missing > 0) {
        unmet.push(`${missing} note(s) manquante(s) en ${a.info.objectCode}`);
      }
    }
  }
  if (conditions.noOpenImportError) {
    const times = (await trx('template_assessment')
      .where({ template_id: t.id })
      .min<{ since: Date | string }>({ since: 'state_changed_at' })
      .first()) as { since: Date | string } | undefined;
    const open = await openImportErrors(trx, t, targets, new Date(times?.since ?? 0));
    if (open.length > 0) {
      unmet.push(openImportsText(t.ctn, open));
    }
  }
  if (conditions.anonymousPv) {
    unmet.push(...(await anonymousPvUnmet(trx, t, targets)));
  }
  return unmet;
}

/** The template's lift conditions; LIFT_CONDITIONS_UNMET, saying what is missing, if they fail. */
async function assertConditionsMet(
  trx: Knex.Transaction,
  t: LoadedTemplate,
  targets: TemplateAssessment[],
): Promise<LiftConditions> {
  const conditions = await liftConditionsOf(trx, t.id);
  const unmet = await unmetConditions(trx, t, targets, conditions);
  if (unmet.length > 0) {
    throw new AppError('LIFT_CONDITIONS_UNMET', `(${unmet.join(' ; ')})`);
  }
  return conditions;
}

/** Checked by `lift` in its transaction: conditions met, and confirmation by a second manager. */
export async function checkLiftAllowed(
  trx: Knex.Transaction,
  actor: string,
  t: LoadedTemplate,
  targets: TemplateAssessment[],
): Promise<void> {
  const conditions = await assertConditionsMet(trx, t, targets);
  if (!conditions.secondConfirmation) {
    return;
  }

  const request = (await trx('lift_request')
    .where({ template_id: t.id })
    .whereNull('confirmed_by')
    .forUpdate()
    .first('id', 'requested_by')) as { id: number; requested_by: string } | undefined;
  if (!request || request.requested_by === actor) {
    const detail = request
      ? `(demandée par ${actor} : un autre gestionnaire doit confirmer)`
      : `(aucune demande en cours : un gestionnaire la demande avec anonymat lift-request ${t.code}, ` +
        `un second la confirme avec anonymat lift-confirm ${t.code})`;
    throw new AppError('LIFT_NEEDS_CONFIRMATION', detail);
  }
  await trx('lift_request')
    .where({ id: request.id })
    .update({ confirmed_by: actor, confirmed_at: trx.fn.now() });
}

/** One per-student reveal as listed in the PV: number, reason, who and when; no identity. */
export interface RevealEntry {
  number: string;
  objectCode: string | null;
  actor: string;
  reason: string;
  at: string;
}

/** The identity behind one number, revealed before the lift for a stated reason (manager, audited). */
/**
 * Refuses a reason naming a student of the template: the anonymous PVs list every reveal with its
 * reason, and their identity scan then refused every PV, and with it the lift, with no way to
 * correct the reason (trial: « Recours de Mme Dubois (24681953) »).
 */
async function assertReasonAnonymous(
  trx: Knex.Transaction,
  templateId: number,
  reason: string,
): Promise<void> {
  // Read as a cell of a dropped file is (a number glued or grouped, a date in words), and with a
  // word cut by a hyphen or glued to an initial joined back: « Mar-tin », « MartinL » (trial).
  const texts = readingsOf([
    reason,
    reason.replace(/(\p{L})-(?=\p{L})/gu, '$1'),
    reason.replace(/(\p{Ll})(?=\p{Lu})/gu, '$1 '),
  ]);
  const roster = await rosterOfTemplate(trx, templateId);
  const hits = await scanTexts([{ place: 'motif', texts }], roster);
  if (hits.length > 0) {
    const kinds = [...new Set(hits.map((h) => IDENTITY_KINDS[h.kind]))];
    throw new AppError('REVEAL_REASON_IDENTITY', `(${kinds.join(', ')})`);
  }
}

export async function revealStudent(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
  number: string,
  reason: string,
): Promise<{ studentNumber: string; lastName: string; firstName: string }> {
  if (reason.trim().length < 10) {
    throw new AppError('REVEAL_REASON_REQUIRED');
  }
  const rights = await authorise(ctx, actor, ref.ctn, 'reveal');

  return ctx.db.transaction(async (trx) => {
    const template = await loadTemplate(trx, ref.ctn, ref.year, ref.code);
    template.assessments.forEach((a) => assertAllowed('reveal', a.state, rights));
    await assertReasonAnonymous(trx, template.id, reason);
    const row = (await trx('anonymous_number as n')
      .join('student as s', 's.student_number', 'n.student_number')
      .where({ 'n.template_id': template.id, 'n.number': number })
      .first('n.assessment_id', 's.student_number', 's.last_name', 's.first_name')) as
      | {
          assessment_id: number | null;
          student_number: string;
          last_name: string;
          first_name: string;
        }
      | undefined;
    if (!row) {
      throw new AppError('NUMBER_UNKNOWN', `(${number})`);
    }

    await trx('reveal').insert({
      template_id: template.id,
      assessment_id: row.assessment_id,
      number,
      student_number: row.student_number,
      actor,
      reason: reason.trim(),
    });
    await appendAudit(trx, {
      actor,
      ctn: template.ctn,
      action: 'reveal',
      subject: { templateId: template.id, number, reason: reason.trim() },
    });
    return {
      studentNumber: row.student_number,
      lastName: row.last_name,
      firstName: row.first_name,
    };
  });
}

/** The reveals of a template, oldest first, without identities (for the PV). */
export async function revealsOf(
  db: Knex | Knex.Transaction,
  templateId: number,
): Promise<RevealEntry[]> {
  const rows = (await db('reveal as r')
    .leftJoin('assessment as a', 'a.id', 'r.assessment_id')
    .leftJoin('teaching_object as o', 'o.id', 'a.object_id')
    .where('r.template_id', templateId)
    .orderBy('r.id')
    .select('r.number', 'o.code', 'r.actor', 'r.reason', 'r.revealed_at')) as Array<{
    number: string;
    code: string | null;
    actor: string;
    reason: string;
    revealed_at: Date | string;
  }>;
  return rows.map((r) => ({
    number: r.number,
    objectCode: r.code,
    actor: r.actor,
    reason: r.reason,
    at: new Date(r.revealed_at).toISOString(),
  }));
}

/** One grade changed after the identities were known (after the lift). */
export interface ChangedAfterLift {
  objectCode: string;
  number: string;
  studentNumber: string;
  lastName: string;
  firstName: string;
  value: string | null;
  absence: string | null;
  result: string | null;
  updatedAt: string;
}

/** Grades of a lifted template changed after the lift (named: only once every assessment is L). */
export async function changedAfterLift(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
): Promise<ChangedAfterLift[]> {
  const rights = await authorise(ctx, actor, ref.ctn, 'grade_report');
  const template = await loadTemplate(ctx.db, ref.ctn, ref.year, ref.code);
  template.assessments.forEach((a) => {
    if (assertAllowed('grade_report', a.state, rights).view === 'anonymous') {
      throw new AppError('OUTPUT_NAMED_UNDER_ANONYMITY', `(${a.info.objectCode})`);
    }
  });

  const rows = (await ctx
    .db('grade as g')
    .join('template_assessment as ta', 'ta.assessment_id', 'g.assessment_id')
    .join('assessment as a', 'a.id', 'g.assessment_id')
    .join('teaching_object as o', 'o.id', 'a.object_id')
    .join('student as s', 's.student_number', 'g.student_number')
    .join('anonymous_number as n', (j) =>
      j
        .on('n.student_number', 'g.student_number')
        .andOn('n.template_id', 'ta.template_id')
        .andOn(ctx.db.raw('(n.assessment_id is null or n.assessment_id = g.assessment_id)')),
    )
    .where({ 'ta.template_id': template.id, 'g.changed_after_lift': true })
    .orderBy(['o.code', 'n.number'])
    .select(
      'o.code',
      'n.number',
      's.student_number',
      's.last_name',
      's.first_name',
      'g.value',
      'g.absence',
      'g.result',
      'g.updated_at',
    )) as Array<Record<string, string | Date | null>>;
  return rows.map((r) => ({
    objectCode: String(r.code),
    number: String(r.number),
    studentNumber: String(r.student_number),
    lastName: String(r.last_name),
    firstName: String(r.first_name),
    value: r.value === null ? null : String(r.value),
    absence: r.absence === null ? null : String(r.absence),
    result: r.result === null ? null : String(r.result),
    updatedAt: new Date(r.updated_at as string).toISOString(),
  }));
}
