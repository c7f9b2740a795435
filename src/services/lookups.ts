// Reads shared by the use cases: objects, assessments, templates with their rule and states.
import type { Knex } from 'knex';
import { AppError } from '../domain/errors.js';
import type {
  AnonymityState,
  Attribution,
  CheckKind,
  NumberingRule,
  Session,
  Stage,
} from '../domain/types.js';
import type { AssessmentInfo, TemplateInfo } from '../outputs/types.js';

type Queryable = Knex | Knex.Transaction;

/** A teaching object row. */
export interface ObjectRow {
  id: number;
  kind: string;
  code: string;
  version: string;
  label: string;
  ctn: string;
}

/** Finds an object of a CTN by code (any kind); OBJECT_UNKNOWN or OBJECT_OTHER_CTN otherwise. */
export async function findObject(db: Queryable, ctn: string, code: string): Promise<ObjectRow> {
  const rows = (await db('teaching_object').where({ code })) as ObjectRow[];
  const mine = rows.find((row) => row.ctn === ctn);
  if (mine) {
    return mine;
  }
  throw new AppError(rows.length > 0 ? 'OBJECT_OTHER_CTN' : 'OBJECT_UNKNOWN', `(${code})`);
}

/** Finds an assessment by object code, year, session and stage. */
export async function findAssessment(
  db: Queryable,
  ctn: string,
  year: number,
  ref: { objectCode: string; session: Session; stage: Stage },
): Promise<{ id: number; object_id: number }> {
  const object = await findObject(db, ctn, ref.objectCode);
  const row = (await db('assessment')
    .where({ object_id: object.id, year, session: ref.session, stage: ref.stage })
    .first()) as { id: number; object_id: number } | undefined;
  if (!row) {
    throw new AppError('ASSESSMENT_UNKNOWN', `(${ref.objectCode}, session ${ref.session})`);
  }
  return row;
}

/** An assessment of a template, with its state and what the outputs need. */
export interface TemplateAssessment {
  info: AssessmentInfo;
  objectId: number;
  state: AnonymityState;
}

/** A template with its numbering rule and the states of its assessments. */
export interface LoadedTemplate {
  id: number;
  ctn: string;
  year: number;
  code: string;
  attribution: Attribution;
  autoNewcomers: boolean;
  rule: NumberingRule;
  info: TemplateInfo;
  assessments: TemplateAssessment[];
}

interface TemplateRow {
  id: number;
  ctn: string;
  year: number;
  code: string;
  label: string;
  attribution: Attribution;
  auto_newcomers: boolean;
  period_label: string;
  kind: NumberingRule['kind'];
  width: number;
  prefix: string;
  check_kind: CheckKind;
  start_at: number | string;
}

interface AssessmentRow {
  id: number;
  object_id: number;
  code: string;
  label: string;
  session: number;
  stage: Stage;
  year: number;
  scale: string | number;
  state: AnonymityState;
}

async function findTemplate(
  db: Queryable,
  where: Record<string, unknown>,
  what: string,
): Promise<LoadedTemplate> {
  const row = (await db('anonymity_template as t')
    .join('anonymity_period as p', 'p.id', 't.period_id')
    .join('numbering_rule as r', 'r.id', 't.rule_id')
    .where(where)
    .first(
      't.*',
      'p.label as period_label',
      'r.kind',
      'r.width',
      'r.prefix',
      'r.check_kind',
      'r.start_at',
    )) as TemplateRow | undefined;
  if (!row) {
    throw new AppError('TEMPLATE_UNKNOWN', what);
  }
  return hydrateTemplate(db, row);
}

/** Loads a template by CTN, year and code; TEMPLATE_UNKNOWN otherwise. */
export function loadTemplate(
  db: Queryable,
  ctn: string,
  year: number,
  code: string,
): Promise<LoadedTemplate> {
  return findTemplate(
    db,
    { 't.ctn': ctn, 't.year': year, 't.code': code },
    `(${code}, ${ctn}, ${year})`,
  );
}

/** Loads a template by id. */
export function loadTemplateById(db: Queryable, id: number): Promise<LoadedTemplate> {
  return findTemplate(db, { 't.id': id }, `(#${id})`);
}

async function hydrateTemplate(db: Queryable, row: TemplateRow): Promise<LoadedTemplate> {
  const assessments = (await db('template_assessment as ta')
    .join('assessment as a', 'a.id', 'ta.assessment_id')
    .join('teaching_object as o', 'o.id', 'a.object_id')
    .where('ta.template_id', row.id)
    .orderBy(['o.code', 'a.session', 'a.stage'])
    .select(
      'a.id',
      'a.object_id',
      'o.code',
      'o.label',
      'a.session',
      'a.stage',
      'a.year',
      'a.scale',
      'ta.state',
    )) as AssessmentRow[];

  return {
    id: row.id,
    ctn: row.ctn,
    year: row.year,
    code: row.code,
    attribution: row.attribution,
    autoNewcomers: row.auto_newcomers,
    rule: {
      kind: row.kind,
      width: row.width,
      prefix: row.prefix,
      check: row.check_kind,
      start: Number(row.start_at),
    },
    info: {
      templateId: row.id,
      templateCode: row.code,
      templateLabel: row.label,
      ctn: row.ctn,
      year: row.year,
      periodLabel: row.period_label,
    },
    assessments: assessments.map((a) => ({
      objectId: a.object_id,
      state: a.state,
      info: {
        assessmentId: a.id,
        objectCode: a.code,
        objectLabel: a.label,
        session: a.session === 2 ? 2 : 1,
        stage: a.stage,
        year: a.year,
        scale: Number(a.scale),
      },
    })),
  };
}

/** The assessments of a template a command targets: one by object code, or all of them. */
export function targetAssessments(
  template: LoadedTemplate,
  objectCode?: string,
): TemplateAssessment[] {
  if (!objectCode) {
    return template.assessments;
  }
  const chosen = template.assessments.filter((a) => a.info.objectCode === objectCode);
  if (chosen.length === 0) {
    throw new AppError('ASSESSMENT_UNKNOWN', `(${objectCode} dans la maquette ${template.code})`);
  }
  return chosen;
}
