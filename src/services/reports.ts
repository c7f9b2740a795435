// Outbox files of the cycle: labels, grade-entry workbooks, correspondence list, progress report,
// modalities listing (the PV de délibération: pv-report.ts). Each checks the state table before it
// writes.
import { numbersDigest, signFingerprint, type WorkbookFingerprint } from '../domain/fingerprint.js';
import { buildCorrespondenceList } from '../outputs/correspondence.js';
import { ctnPath, slug, templateSlug } from '../outputs/gateway.js';
import { buildGradeEntryWorkbook } from '../outputs/grade-entry-workbook.js';
import { buildLabelSheet } from '../outputs/labels-xlsx.js';
import { buildModalitiesReport } from '../outputs/modalities-report.js';
import { buildProgressReport } from '../outputs/progress-report.js';
import type { LabelInput, ProgressRow } from '../outputs/types.js';
import { appendAudit, commitAudit } from '../store/audit.js';
import { authorise } from './actors.js';
import {
  allowedIn,
  rosterOfTemplate,
  rosterUnderAnonymity,
  type TemplateRef,
} from './anonymity.js';
import type { AppContext } from './context.js';
import { holdersQuery, numbersOf } from './holders.js';
import { loadTemplate, targetAssessments } from './lookups.js';
import { assessmentPopulation } from './population.js';

/** Label sheet (xlsx) of a template: one label per student and assessment, in number order. */
export async function writeLabels(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
): Promise<{ path: string; labels: number }> {
  const rights = await authorise(ctx, actor, ref.ctn, 'labels');
  const template = await loadTemplate(ctx.db, ref.ctn, ref.year, ref.code);
  const labels: LabelInput[] = [];
  const targets = targetAssessments(template, ref.objectCode);
  await allowedIn(
    ctx,
    actor,
    ref.ctn,
    'labels',
    targets.map((a) => a.state),
    rights,
  );
  for (const a of targets) {
    (await numbersOf(ctx.db, template, a)).forEach((number) =>
      labels.push({ number, assessment: a.info }),
    );
  }
  const path = await ctx.outbox.writeAnonymous(
    ctnPath(template.ctn, 'etiquettes', `etiquettes-${templateSlug(template)}.xlsx`),
    await buildLabelSheet(template.info, labels),
    await rosterOfTemplate(ctx.db, template.id),
  );
  await ctx.db.transaction((trx) =>
    appendAudit(trx, {
      actor,
      ctn: template.ctn,
      action: 'labels',
      subject: { templateId: template.id, labels: labels.length },
    }),
  );
  return { path, labels: labels.length };
}

/** Anonymous grade-entry workbooks, one per assessment in V, each with its signed fingerprint. */
export async function writeGradeWorkbooks(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
): Promise<Array<{ path: string; rows: number }>> {
  const rights = await authorise(ctx, actor, ref.ctn, 'grade_workbook');
  const template = await loadTemplate(ctx.db, ref.ctn, ref.year, ref.code);
  const written: Array<{ path: string; rows: number }> = [];
  const roster = await rosterOfTemplate(ctx.db, template.id);
  const targets = targetAssessments(template, ref.objectCode);
  await allowedIn(
    ctx,
    actor,
    ref.ctn,
    'grade_workbook',
    targets.map((a) => a.state),
    rights,
  );
  for (const a of targets) {
    const numbers = await numbersOf(ctx.db, template, a);
    const fields: WorkbookFingerprint = {
      format: 'anonymat-bordereau/1',
      ctn: template.ctn,
      year: template.year,
      templateId: template.id,
      templateCode: template.code,
      assessmentId: a.info.assessmentId,
      numbersDigest: numbersDigest(numbers),
    };
    const bytes = await buildGradeEntryWorkbook(template.info, a.info, numbers, {
      fields,
      mac: signFingerprint(fields, ctx.secret),
    });
    const name = `bordereau-${templateSlug(template)}-${slug(a.info.objectCode)}-s${a.info.session}.xlsx`;
    written.push({
      path: await ctx.outbox.writeAnonymous(
        ctnPath(template.ctn, 'bordereaux', name),
        bytes,
        roster,
      ),
      rows: numbers.length,
    });
  }
  return written;
}

/** The confidential correspondence list (manager only while P/V), audited. */
export async function writeCorrespondence(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
): Promise<{ path: string; rows: number }> {
  const rights = await authorise(ctx, actor, ref.ctn, 'correspondence');
  const template = await loadTemplate(ctx.db, ref.ctn, ref.year, ref.code);
  const states = template.assessments.map((a) => a.state);
  await allowedIn(ctx, actor, ref.ctn, 'correspondence', states, rights);

  const rows = (await ctx
    .db('anonymous_number as n')
    .join('student as s', 's.student_number', 'n.student_number')
    .leftJoin('assessment as a', 'a.id', 'n.assessment_id')
    .leftJoin('teaching_object as o', 'o.id', 'a.object_id')
    .where('n.template_id', template.id)
    .select(
      'n.number',
      's.student_number',
      's.last_name',
      's.first_name',
      's.birth_date',
      'o.code as object_code',
    )) as Array<{
    number: string;
    student_number: string;
    last_name: string;
    first_name: string;
    birth_date: string | Date | null;
    object_code: string | null;
  }>;
  const list = rows.map((r) => ({
    number: r.number,
    studentNumber: r.student_number,
    lastName: r.last_name,
    firstName: r.first_name,
    birthDate: isoDate(r.birth_date),
    objectCode: r.object_code,
  }));
  const bytes = await buildCorrespondenceList(template.info, null, list, {
    generatedBy: actor,
    generatedAt: new Date().toISOString(),
  });
  const path = await ctx.outbox.writeConfidential(
    ctnPath(template.ctn, 'confidentiel', `correspondance-${templateSlug(template)}.xlsx`),
    bytes,
    () =>
      commitAudit(ctx.db, {
        actor,
        ctn: template.ctn,
        action: 'correspondence_export',
        subject: { templateId: template.id, rows: list.length },
      }),
  );
  return { path, rows: list.length };
}

/** ISO `yyyy-mm-dd` of a date column, whatever the driver returned. */
export function isoDate(value: string | Date | null): string | null {
  if (value === null) {
    return null;
  }
  if (value instanceof Date) {
    const two = (n: number): string => String(n).padStart(2, '0');
    return `${value.getFullYear()}-${two(value.getMonth() + 1)}-${two(value.getDate())}`;
  }
  return value.slice(0, 10);
}

/** Progress report: per assessment, state, students concerned, numbered, still without a number. */
export async function writeProgress(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
): Promise<{ path: string; rows: ProgressRow[] }> {
  await authorise(ctx, actor, ref.ctn, 'grade_report');
  const template = await loadTemplate(ctx.db, ref.ctn, ref.year, ref.code);
  const rows: ProgressRow[] = [];
  for (const a of template.assessments) {
    const population = await assessmentPopulation(ctx.db, a, ctx.config.passingResultCodes);
    const holders = new Set(
      (
        (await holdersQuery(ctx.db, template, a).select('n.student_number')) as Array<{
          student_number: string;
        }>
      ).map((r) => r.student_number),
    );
    const enrolled = new Set(
      (
        (await ctx
          .db('pedagogic_enrolment')
          .where({ object_id: a.objectId, year: a.info.year })
          .select('student_number')) as Array<{ student_number: string }>
      ).map((r) => r.student_number),
    );
    const graded = await ctx
      .db('grade')
      .where('assessment_id', a.info.assessmentId)
      .whereRaw('student_number = any(?::text[])', [[...holders]])
      .count<{ n: number }[]>({ n: '*' });
    rows.push({
      assessment: a.info,
      state: a.state,
      concerned: population.length + [...holders].filter((s) => !population.includes(s)).length,
      numbered: holders.size,
      withoutNumber: a.state === 'I' ? 0 : population.filter((s) => !holders.has(s)).length,
      lostEnrolment: [...holders].filter((s) => !enrolled.has(s)).length,
      graded: Number(graded[0]?.n ?? 0),
    });
  }
  const path = await ctx.outbox.writeAnonymous(
    ctnPath(template.ctn, 'controle', `avancement-${templateSlug(template)}.xlsx`),
    await buildProgressReport(template.info, rows),
    await rosterOfTemplate(ctx.db, template.id),
  );
  return { path, rows };
}

/** Modalities listing of a CTN for a year. */
export async function writeModalities(
  ctx: AppContext,
  actor: string,
  ctn: string,
  year: number,
): Promise<{ path: string; rows: number }> {
  await authorise(ctx, actor, ctn, 'grade_report');
  const rows = (await ctx
    .db('anonymity_modality as m')
    .join('anonymity_period as p', 'p.id', 'm.period_id')
    .join('assessment as a', 'a.id', 'm.assessment_id')
    .join('teaching_object as o', 'o.id', 'a.object_id')
    .leftJoin('template_assessment as ta', 'ta.assessment_id', 'a.id')
    .leftJoin('anonymity_template as t', 't.id', 'ta.template_id')
    .where({ 'p.ctn': ctn, 'p.year': year })
    .select(
      'p.label as period',
      'a.id',
      'o.code',
      'o.label',
      'a.session',
      'a.stage',
      'a.year',
      'a.scale',
      't.code as template',
      'ta.state',
    )) as Array<{
    period: string;
    id: number;
    code: string;
    label: string;
    session: number;
    stage: 'admission' | 'admissibility';
    year: number;
    scale: string;
    template: string | null;
    state: 'I' | 'P' | 'V' | 'L' | null;
  }>;
  const list = rows.map((r) => ({
    period: r.period,
    template: r.template,
    state: r.state,
    assessment: {
      assessmentId: r.id,
      objectCode: r.code,
      objectLabel: r.label,
      session: r.session === 2 ? (2 as const) : (1 as const),
      stage: r.stage,
      year: r.year,
      scale: Number(r.scale),
    },
  }));
  const path = await ctx.outbox.writeAnonymous(
    ctnPath(ctn, 'controle', `modalites-${year}.xlsx`),
    await buildModalitiesReport(ctn, year, list),
    await rosterUnderAnonymity(ctx.db, ctn),
  );
  return { path, rows: list.length };
}
