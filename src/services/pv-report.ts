// The PV de délibération and the PV individuel of a template: anonymous (numbers, grades and
// results only) while any assessment shown is in V, named otherwise. An anonymous PV records in its
// audit entry the grades it shows, which the lift compares with those stored (pv-freshness.ts).
import { ctnPath, templateSlug } from '../outputs/gateway.js';
import { buildIndividualPv } from '../outputs/pv-individual.js';
import { buildAnonymousPv, buildNamedPv } from '../outputs/pv.js';
import { ANONYMOUS_ROWS, NAMED_ROWS, pvFingerprint } from '../outputs/pv-rows.js';
import type { AnonymousGradeRow, NamedGradeRow, PvSection } from '../outputs/types.js';
import { commitAudit, type AuditEvent } from '../store/audit.js';
import { authorise } from './actors.js';
import { allowedIn, rosterOfTemplate, type TemplateRef } from './anonymity.js';
import type { AppContext } from './context.js';
import { anonymousRows, gradeOf, namedGrades } from './holders.js';
import {
  loadTemplate,
  targetAssessments,
  type LoadedTemplate,
  type TemplateAssessment,
} from './lookups.js';
import { shownGrades, type ShownGrades } from './pv-freshness.js';
import { revealsOf } from './reveal.js';

/** Anonymous PV sections: numbers, grades and results only (no identity selected). */
export async function anonymousSections(
  ctx: AppContext,
  template: LoadedTemplate,
  targets: TemplateAssessment[],
): Promise<Array<PvSection<AnonymousGradeRow>>> {
  const sections: Array<PvSection<AnonymousGradeRow>> = [];
  for (const a of targets) {
    const rows = await anonymousRows(ctx.db, template, a);
    sections.push({ assessment: a.info, state: a.state, rows });
  }
  return sections;
}

/** Named PV sections, for the PV after the lift (or before validation). */
export async function namedSections(
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

/**
 * Writes a PV and its audit entry: an anonymous one through the identity scan, then audited; a
 * named one, refused under V, under its final name only once its entry is committed (gateway.ts).
 */
export async function writePvFile(
  ctx: AppContext,
  template: LoadedTemplate,
  targets: TemplateAssessment[],
  file: { relative: string; bytes: Buffer; anonymous: boolean },
  event: AuditEvent,
): Promise<string> {
  const { relative, bytes } = file;
  const audit = (): Promise<void> => commitAudit(ctx.db, event);
  if (!file.anonymous) {
    return ctx.outbox.writeNamed(
      relative,
      bytes,
      targets.map((a) => a.state),
      audit,
    );
  }
  const path = await ctx.outbox.writeAnonymous(
    relative,
    bytes,
    await rosterOfTemplate(ctx.db, template.id),
  );
  await audit();
  return path;
}

/** Which PV: the collective PV de délibération or the PV individuel. */
export type PvKind = 'collective' | 'individual';

/** PV de délibération or PV individuel: anonymous while any assessment shown is in V, named otherwise. */
export async function writePv(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
  kind: PvKind = 'collective',
): Promise<{ path: string; anonymous: boolean; rows: number; fingerprint: string }> {
  const rights = await authorise(ctx, actor, ref.ctn, 'grade_report');
  const template = await loadTemplate(ctx.db, ref.ctn, ref.year, ref.code);
  const targets = targetAssessments(template, ref.objectCode);
  const verdicts = await allowedIn(
    ctx,
    actor,
    ref.ctn,
    'grade_report',
    targets.map((a) => a.state),
    rights,
  );
  const anonymous = verdicts.some((v) => v.view === 'anonymous');
  // Per-student reveals before the lift are listed in the PV (issue 5 §6), by number only.
  const options = {
    passingResults: ctx.config.passingResultCodes,
    threshold: ctx.config.print.statisticsThreshold,
    reveals: await revealsOf(ctx.db, template.id),
  };

  let bytes: Buffer;
  let count: number;
  let fingerprint: string;
  // The lift compares these with the grades stored then (services/pv-freshness.ts).
  let shown: { shownGrades?: ShownGrades } = {};
  if (anonymous) {
    const sections = await anonymousSections(ctx, template, targets);
    shown = { shownGrades: shownGrades(sections) };
    bytes =
      kind === 'collective'
        ? await buildAnonymousPv(template.info, sections, options)
        : await buildIndividualPv(template.info, sections, ANONYMOUS_ROWS, options);
    fingerprint = pvFingerprint(template.info, sections, ANONYMOUS_ROWS, options.reveals);
    count = sections.reduce((n, s) => n + s.rows.length, 0);
  } else {
    const sections = await namedSections(ctx, template, targets);
    bytes =
      kind === 'collective'
        ? await buildNamedPv(template.info, sections, options)
        : await buildIndividualPv(template.info, sections, NAMED_ROWS, options);
    fingerprint = pvFingerprint(template.info, sections, NAMED_ROWS, options.reveals);
    count = sections.reduce((n, s) => n + s.rows.length, 0);
  }
  const prefix = kind === 'collective' ? 'pv' : 'pv-individuels';
  const stem = `${prefix}-${anonymous ? 'anonyme' : 'nominatif'}-${templateSlug(template)}`;
  const name = ctnPath(template.ctn, 'deliberation', `${stem}.xlsx`);
  const file = { relative: name, bytes, anonymous };
  const path = await writePvFile(ctx, template, targets, file, {
    actor,
    ctn: template.ctn,
    action: 'pv',
    subject: { templateId: template.id, kind, anonymous, rows: count, fingerprint, ...shown },
  });
  return { path, anonymous, rows: count, fingerprint };
}
