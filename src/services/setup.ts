// Declarations that precede the cycle (design.md §3 steps 1-3): CTNs, users, habilitations,
// periods, modalities, numbering rules and templates.
import { AppError } from '../domain/errors.js';
import type {
  Attribution,
  CheckKind,
  NumberingKind,
  Role,
  Session,
  Stage,
} from '../domain/types.js';
import { appendAudit } from '../store/audit.js';
import { requireAdmin, requireAnyRole } from './actors.js';
import type { AppContext } from './context.js';
import { findAssessment, findObject } from './lookups.js';

async function insertUnique(
  ctx: AppContext,
  table: string,
  row: Record<string, unknown>,
  what: string,
): Promise<number> {
  const inserted = (await ctx.db(table).insert(row).onConflict().ignore().returning('*')) as Array<{
    id?: number;
  }>;
  if (inserted.length === 0) {
    throw new AppError('ALREADY_EXISTS', what);
  }
  return inserted[0]?.id ?? 0;
}

/** Declares a CTN (administrators). */
export async function addCtn(
  ctx: AppContext,
  actor: string,
  code: string,
  label: string,
): Promise<void> {
  await requireAdmin(ctx, actor, 'ctn_add');
  await insertUnique(ctx, 'ctn', { code, label }, `(CTN ${code})`);
}

/** Declares a user; the very first user is created as administrator. */
export async function addUser(
  ctx: AppContext,
  actor: string,
  login: string,
  fullName: string,
  admin: boolean,
): Promise<void> {
  const first =
    Number((await ctx.db('app_user').count<{ n: number }[]>({ n: '*' }))[0]?.n ?? 0) === 0;
  await requireAdmin(ctx, actor, 'user_add');
  await ctx.db.transaction(async (trx) => {
    await trx('app_user').insert({ login, full_name: fullName, is_admin: admin || first });
    await appendAudit(trx, {
      actor,
      ctn: null,
      action: 'user_add',
      subject: { login, admin: admin || first },
    });
  });
}

/** Grants a role on a CTN to a user (administrators). */
export async function grant(
  ctx: AppContext,
  actor: string,
  login: string,
  ctn: string,
  role: Role,
): Promise<void> {
  await requireAdmin(ctx, actor, 'grant');
  await ctx.db.transaction(async (trx) => {
    await trx('habilitation').insert({ login, ctn, role }).onConflict().ignore();
    await appendAudit(trx, { actor, ctn, action: 'grant', subject: { login, role } });
  });
}

/** Defines an anonymity period of a CTN for a year. */
export async function addPeriod(
  ctx: AppContext,
  actor: string,
  p: { ctn: string; year: number; code: string; label: string },
): Promise<number> {
  await requireAnyRole(ctx, actor, p.ctn, 'period_add');
  return insertUnique(ctx, 'anonymity_period', p, `(période ${p.code})`);
}

/** Manages an assessment under anonymity in a period; creates the assessment when it does not exist. */
export async function addModality(
  ctx: AppContext,
  actor: string,
  m: {
    ctn: string;
    year: number;
    period: string;
    objectCode: string;
    session: Session;
    stage: Stage;
    scale: number;
  },
): Promise<number> {
  await requireAnyRole(ctx, actor, m.ctn, 'modality_add');
  const object = await findObject(ctx.db, m.ctn, m.objectCode);
  const period = (await ctx
    .db('anonymity_period')
    .where({ ctn: m.ctn, year: m.year, code: m.period })
    .first()) as { id: number } | undefined;
  if (!period) {
    throw new AppError('PERIOD_UNKNOWN', `(${m.period})`);
  }

  const key = { object_id: object.id, year: m.year, session: m.session, stage: m.stage };
  await ctx
    .db('assessment')
    .insert({ ...key, scale: m.scale })
    .onConflict(['object_id', 'year', 'session', 'stage'])
    .ignore();
  const assessment = (await ctx.db('assessment').where(key).first()) as { id: number };
  await insertUnique(
    ctx,
    'anonymity_modality',
    { assessment_id: assessment.id, period_id: period.id },
    `(modalité ${m.objectCode})`,
  );
  return assessment.id;
}

/** Defines a numbering rule of a CTN. */
export async function addRule(
  ctx: AppContext,
  actor: string,
  r: {
    ctn: string;
    code: string;
    kind: NumberingKind;
    width: number;
    prefix: string;
    check: CheckKind;
    start: number;
  },
): Promise<number> {
  await requireAnyRole(ctx, actor, r.ctn, 'rule_add');
  if (!Number.isInteger(r.width) || r.width < 2 || r.width > 12) {
    throw new AppError('INVALID_ARGUMENT', '(largeur : de 2 à 12 chiffres)');
  }
  const row = {
    ctn: r.ctn,
    code: r.code,
    kind: r.kind,
    width: r.width,
    prefix: r.prefix,
    check_kind: r.check,
    start_at: r.start,
  };
  return insertUnique(ctx, 'numbering_rule', row, `(règle ${r.code})`);
}

/** One assessment named on the command line: object code, session and stage. */
export interface AssessmentRef {
  objectCode: string;
  session: Session;
  stage: Stage;
}

async function refuseExistingTemplate(
  ctx: AppContext,
  t: { ctn: string; year: number; code: string },
): Promise<void> {
  const existing: unknown = await ctx
    .db('anonymity_template')
    .where({ ctn: t.ctn, year: t.year, code: t.code })
    .first();
  if (existing) {
    throw new AppError('ALREADY_EXISTS', `(maquette ${t.code})`);
  }
}

/** Defines a template gathering assessments of one period under one numbering and attribution rule. */
export async function addTemplate(
  ctx: AppContext,
  actor: string,
  t: {
    ctn: string;
    year: number;
    code: string;
    label: string;
    period: string;
    rule: string;
    attribution: Attribution;
    autoNewcomers: boolean;
    assessments: AssessmentRef[];
  },
): Promise<number> {
  await requireAnyRole(ctx, actor, t.ctn, 'template_add');
  const period = (await ctx
    .db('anonymity_period')
    .where({ ctn: t.ctn, year: t.year, code: t.period })
    .first()) as { id: number } | undefined;
  const rule = (await ctx.db('numbering_rule').where({ ctn: t.ctn, code: t.rule }).first()) as
    { id: number } | undefined;
  if (!period) {
    throw new AppError('PERIOD_UNKNOWN', `(${t.period})`);
  }
  if (!rule) {
    throw new AppError('RULE_UNKNOWN', `(${t.rule})`);
  }

  await refuseExistingTemplate(ctx, t);

  const ids: number[] = [];
  for (const ref of t.assessments) {
    const assessment = await findAssessment(ctx.db, t.ctn, t.year, ref);
    const modality = (await ctx
      .db('anonymity_modality')
      .where({ assessment_id: assessment.id })
      .first()) as { period_id: number } | undefined;
    if (modality?.period_id !== period.id) {
      throw new AppError('ASSESSMENT_NOT_IN_PERIOD', `(${ref.objectCode})`);
    }
    ids.push(assessment.id);
  }

  return ctx.db.transaction(async (trx) => {
    const row = {
      ctn: t.ctn,
      year: t.year,
      code: t.code,
      label: t.label,
      period_id: period.id,
      rule_id: rule.id,
      attribution: t.attribution,
      auto_newcomers: t.autoNewcomers,
    };
    const [template] = (await trx('anonymity_template').insert(row).returning('id')) as Array<{
      id: number;
    }>;
    const templateId = template?.id ?? 0;
    const links = ids.map((assessmentId) => ({
      template_id: templateId,
      assessment_id: assessmentId,
    }));
    const linked = (await trx('template_assessment')
      .insert(links)
      .onConflict('assessment_id')
      .ignore()
      .returning('assessment_id')) as unknown[];
    if (linked.length !== links.length) {
      throw new AppError('ASSESSMENT_IN_OTHER_TEMPLATE');
    }
    await appendAudit(trx, {
      actor,
      ctn: t.ctn,
      action: 'template_add',
      subject: { templateId, code: t.code, assessments: ids },
    });
    return templateId;
  });
}
