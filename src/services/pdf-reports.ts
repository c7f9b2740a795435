// PDF outputs of the cycle: label sheets for sticker sheets (with spare labels), the PV de
// délibération and the PV individuel. Same state checks as the spreadsheet versions
// (services/reports.ts); anonymous files go through the gateway's identity scan, named ones are
// refused under V, and every PV's fingerprint goes to the audit log so a printed copy can be
// checked against what was recorded.
import type { Config } from '../config/config.js';
import { assertAllowed } from '../domain/states.js';
import type { AbsenceCode, GradeValue } from '../domain/types.js';
import { slug } from '../outputs/gateway.js';
import { buildLabelPdf, type PdfLabel } from '../outputs/pdf/labels.js';
import { resolveGrid, type PrintSettings, type Symbology } from '../outputs/pdf/layouts.js';
import { buildIndividualPvPdf } from '../outputs/pdf/pv-individual.js';
import { ANONYMOUS_PV, NAMED_PV, buildPvPdf, type PdfPvOptions } from '../outputs/pdf/pv.js';
import type { AnonymousGradeRow, NamedGradeRow, PvSection } from '../outputs/types.js';
import { appendAudit } from '../store/audit.js';
import { authorise } from './actors.js';
import { rosterOfTemplate, type TemplateRef } from './anonymity.js';
import type { AppContext } from './context.js';
import { anonymousGrades, namedGrades, numbersOf } from './holders.js';
import {
  loadTemplate,
  targetAssessments,
  type LoadedTemplate,
  type TemplateAssessment,
} from './lookups.js';
import { unboundSpares } from './spare-labels.js';

/** The print settings of the configuration (`print` in config/anonymat.json), defaults otherwise. */
export function printSettingsOf(config: Config): PrintSettings {
  return config.print;
}

/** Per-call choices of a label sheet, over the configured print settings. */
export interface LabelPdfOptions {
  grid?: string;
  symbology?: Symbology;
  /** ISO exam date printed on every label. */
  examDate?: string;
  /** Draw label outlines (test print on plain paper). */
  outline?: boolean;
}

const dir = (ctn: string, folder: string, file: string): string => `${slug(ctn)}/${folder}/${file}`;

/** Labels of a template: its numbers, then its unbound spares, per targeted assessment. */
async function labelsOf(
  ctx: AppContext,
  template: LoadedTemplate,
  targets: TemplateAssessment[],
): Promise<{ labels: PdfLabel[]; spares: number }> {
  const labels: PdfLabel[] = [];
  const spares = await unboundSpares(ctx.db, template.id);
  let spareLabels = 0;
  for (const a of targets) {
    (await numbersOf(ctx.db, template, a)).forEach((number) =>
      labels.push({ number, assessment: a.info }),
    );
    for (const spare of spares) {
      if (spare.assessmentId === null || spare.assessmentId === a.info.assessmentId) {
        labels.push({ number: spare.number, assessment: a.info, spare: true });
        spareLabels += 1;
      }
    }
  }
  return { labels, spares: spareLabels };
}

/** PDF label sheet of a template for pre-cut sticker sheets, spares included; audited like the xlsx one. */
export async function writeLabelsPdf(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
  options: LabelPdfOptions = {},
): Promise<{ path: string; labels: number; spares: number }> {
  const rights = await authorise(ctx, actor, ref.ctn, 'labels');
  const template = await loadTemplate(ctx.db, ref.ctn, ref.year, ref.code);
  const targets = targetAssessments(template, ref.objectCode);
  targets.forEach((a) => assertAllowed('labels', a.state, rights));

  const settings = printSettingsOf(ctx.config);
  const grid = resolveGrid({ ...settings, grid: options.grid ?? settings.grid });
  const { labels, spares } = await labelsOf(ctx, template, targets);
  const examDates = options.examDate
    ? new Map(targets.map((a) => [a.info.assessmentId, options.examDate ?? '']))
    : undefined;
  const bytes = await buildLabelPdf(template.info, labels, {
    grid,
    symbology: options.symbology ?? settings.symbology,
    examDates,
    outline: options.outline,
  });

  const name = `etiquettes-${slug(template.code)}${ref.objectCode ? `-${slug(ref.objectCode)}` : ''}-${grid.name}.pdf`;
  const path = await ctx.outbox.writeAnonymous(
    dir(template.ctn, 'etiquettes', name),
    bytes,
    await rosterOfTemplate(ctx.db, template.id),
  );
  await ctx.db.transaction((trx) =>
    appendAudit(trx, {
      actor,
      ctn: template.ctn,
      action: 'labels',
      subject: { templateId: template.id, labels: labels.length, spares, format: 'pdf' },
    }),
  );
  return { path, labels: labels.length, spares };
}

function gradeOf(value: string | null, absence: string | null): GradeValue | null {
  if (value !== null) {
    return { kind: 'value', value: Number(value) };
  }
  return absence ? { kind: 'absence', code: absence as AbsenceCode } : null;
}

/** Anonymous sections: numbers, grades and results only (no identity selected). */
async function anonymousSections(
  ctx: AppContext,
  template: LoadedTemplate,
  targets: TemplateAssessment[],
): Promise<Array<PvSection<AnonymousGradeRow>>> {
  const sections: Array<PvSection<AnonymousGradeRow>> = [];
  for (const a of targets) {
    const rows = (await anonymousGrades(ctx.db, template, a)).map((r) => ({
      number: r.number,
      grade: gradeOf(r.value, r.absence),
      result: r.result,
    }));
    sections.push({ assessment: a.info, state: a.state, rows });
  }
  return sections;
}

/** Named sections, for the PV after the lift (or before validation). */
async function namedSections(
  ctx: AppContext,
  template: LoadedTemplate,
  targets: TemplateAssessment[],
): Promise<Array<PvSection<NamedGradeRow>>> {
  const sections: Array<PvSection<NamedGradeRow>> = [];
  for (const a of targets) {
    const rows = (await namedGrades(ctx.db, template, a)).map((r) => ({
      number: r.number,
      studentNumber: r.student_number,
      lastName: r.last_name,
      firstName: r.first_name,
      grade: gradeOf(r.value, r.absence),
      result: r.result,
    }));
    sections.push({ assessment: a.info, state: a.state, rows });
  }
  return sections;
}

/** Which PV: collective or individual. */
export type PvKind = 'collective' | 'individual';

/** PV de délibération or PV individuel as PDF: anonymous while any assessment shown is in V, named otherwise. */
export async function writePvPdf(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
  kind: PvKind = 'collective',
): Promise<{ path: string; anonymous: boolean; fingerprint: string }> {
  const rights = await authorise(ctx, actor, ref.ctn, 'grade_report');
  const template = await loadTemplate(ctx.db, ref.ctn, ref.year, ref.code);
  const targets = targetAssessments(template, ref.objectCode);
  const anonymous = targets.some(
    (a) => assertAllowed('grade_report', a.state, rights).view === 'anonymous',
  );
  const o: PdfPvOptions = {
    passingResults: ctx.config.passingResultCodes,
    threshold: printSettingsOf(ctx.config).statisticsThreshold,
    generatedAt: new Date().toISOString(),
  };
  const build = kind === 'collective' ? buildPvPdf : buildIndividualPvPdf;

  const prefix = kind === 'collective' ? 'pv' : 'pv-individuels';
  const stem = `${prefix}-${anonymous ? 'anonyme' : 'nominatif'}-${slug(template.code)}`;
  const relative = dir(template.ctn, 'deliberation', `${stem}.pdf`);
  let written: { path: string; fingerprint: string };
  if (anonymous) {
    const out = await build(
      template.info,
      await anonymousSections(ctx, template, targets),
      ANONYMOUS_PV,
      o,
    );
    written = {
      path: await ctx.outbox.writeAnonymous(
        relative,
        out.bytes,
        await rosterOfTemplate(ctx.db, template.id),
      ),
      fingerprint: out.fingerprint,
    };
  } else {
    const out = await build(
      template.info,
      await namedSections(ctx, template, targets),
      NAMED_PV,
      o,
    );
    written = {
      path: await ctx.outbox.writeNamed(
        relative,
        out.bytes,
        targets.map((a) => a.state),
      ),
      fingerprint: out.fingerprint,
    };
  }

  await ctx.db.transaction((trx) =>
    appendAudit(trx, {
      actor,
      ctn: template.ctn,
      action: 'pv_pdf',
      subject: { templateId: template.id, kind, anonymous, fingerprint: written.fingerprint },
    }),
  );
  return { ...written, anonymous };
}
