// PDF outputs of the cycle: label sheets for sticker sheets (with spare labels), the PV de
// délibération and the PV individuel. Same state checks as the spreadsheet versions
// (services/reports.ts, services/pv-report.ts); anonymous files go through the gateway's identity
// scan, named ones are refused under V, and every PV's fingerprint goes to the audit log so a
// printed copy can be checked against what was recorded.
import type { Config } from '../config/config.js';
import { assertAllowed } from '../domain/states.js';
import { slug, templateSlug } from '../outputs/gateway.js';
import { buildLabelPdf, type PdfLabel } from '../outputs/pdf/labels.js';
import { resolveGrid, type PrintSettings, type Symbology } from '../outputs/pdf/layouts.js';
import { buildIndividualPvPdf } from '../outputs/pdf/pv-individual.js';
import { ANONYMOUS_PV, NAMED_PV, buildPvPdf, type PdfPvOptions } from '../outputs/pdf/pv.js';
import { appendAudit } from '../store/audit.js';
import { authorise } from './actors.js';
import { rosterOfTemplate, type TemplateRef } from './anonymity.js';
import type { AppContext } from './context.js';
import { numbersOf } from './holders.js';
import {
  loadTemplate,
  targetAssessments,
  type LoadedTemplate,
  type TemplateAssessment,
} from './lookups.js';
import { shownGrades, type ShownGrades } from './pv-freshness.js';
import { anonymousSections, namedSections, writePvFile, type PvKind } from './pv-report.js';
import { revealsOf } from './reveal.js';
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
  /** Only the labels of these numbers: a spare just bound, a label spoilt on the day. */
  only?: readonly string[];
}

const dir = (ctn: string, folder: string, file: string): string => `${slug(ctn)}/${folder}/${file}`;

/** Labels of a template: its numbers, then its unbound spares, per targeted assessment. */
async function labelsOf(
  ctx: AppContext,
  template: LoadedTemplate,
  targets: TemplateAssessment[],
): Promise<PdfLabel[]> {
  const labels: PdfLabel[] = [];
  const spares = await unboundSpares(ctx.db, template.id);
  for (const a of targets) {
    (await numbersOf(ctx.db, template, a)).forEach((number) =>
      labels.push({ number, assessment: a.info }),
    );
    for (const spare of spares) {
      if (spare.assessmentId === null || spare.assessmentId === a.info.assessmentId) {
        labels.push({ number: spare.number, assessment: a.info, spare: true });
      }
    }
  }
  return labels;
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
  const all = await labelsOf(ctx, template, targets);
  const only = options.only ? new Set(options.only) : null;
  const labels = only ? all.filter((l) => only.has(l.number)) : all;
  const spares = labels.filter((l) => l.spare).length;
  const examDates = options.examDate
    ? new Map(targets.map((a) => [a.info.assessmentId, options.examDate ?? '']))
    : undefined;
  const bytes = await buildLabelPdf(template.info, labels, {
    grid,
    symbology: options.symbology ?? settings.symbology,
    examDates,
    outline: options.outline,
  });

  // A reprint of a few labels is named after them, so it never replaces the whole sheet.
  const scope = ref.objectCode ? `-${slug(ref.objectCode)}` : '';
  const reprint = only ? `-reimpression-${[...only].map(slug).join('-').slice(0, 60)}` : '';
  // The grid stays last: `npm run render` reads it from the name to find the labels on the page.
  const name = `etiquettes-${templateSlug(template)}${scope}${reprint}-${grid.name}.pdf`;
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
    // Per-student reveals before the lift, by number only, as the spreadsheet PV lists them.
    reveals: await revealsOf(ctx.db, template.id),
  };
  const build = kind === 'collective' ? buildPvPdf : buildIndividualPvPdf;

  const prefix = kind === 'collective' ? 'pv' : 'pv-individuels';
  const stem = `${prefix}-${anonymous ? 'anonyme' : 'nominatif'}-${templateSlug(template)}`;
  const relative = dir(template.ctn, 'deliberation', `${stem}.pdf`);
  let out: { bytes: Buffer; fingerprint: string };
  // The lift compares these with the grades stored then (services/pv-freshness.ts).
  let shown: { shownGrades?: ShownGrades } = {};
  if (anonymous) {
    const sections = await anonymousSections(ctx, template, targets);
    shown = { shownGrades: shownGrades(sections) };
    out = await build(template.info, sections, ANONYMOUS_PV, o);
  } else {
    out = await build(template.info, await namedSections(ctx, template, targets), NAMED_PV, o);
  }

  const file = { relative, bytes: out.bytes, anonymous };
  const path = await writePvFile(ctx, template, targets, file, {
    actor,
    ctn: template.ctn,
    action: 'pv_pdf',
    subject: { templateId: template.id, kind, anonymous, fingerprint: out.fingerprint, ...shown },
  });
  return { path, fingerprint: out.fingerprint, anonymous };
}
