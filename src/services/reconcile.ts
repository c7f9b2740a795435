// The nightly reconciliation (issue 3, point 9), also run by hand with `anonymat reconcile`:
// rescans the inbox, numbers newcomers where the template asks for it (as the service itself,
// audited), checks that grades, numbers and enrolments agree, lists drops stuck in processing, and
// writes a French report per CTN to the outbox. Safe to run twice: every step is idempotent.
import { rosterUnderAnonymity } from './roster.js';
import type { Knex } from 'knex';
import { scanInbox, type ScanResult } from '../intake/runner.js';
import type { JobQueue } from '../jobs/queue.js';
import { removeStaleTemporaries } from '../outputs/outbox-temporaries.js';
import type {
  LostEnrolmentRow,
  ReconcileAssessmentRow,
  ReconcileReportData,
  StuckDropRow,
} from '../outputs/reconcile-report.js';
import { asSystem, SYSTEM_ACTOR } from './actors.js';
import { pose } from './anonymity.js';
import type { AppContext } from './context.js';
import { loadTemplate, type LoadedTemplate, type TemplateAssessment } from './lookups.js';
import { assessmentPopulation, numberHolders } from './population.js';

/** What one reconciliation did, per CTN, with where its report went. */
export interface ReconcileOutcome {
  scan: ScanResult;
  reports: Array<{ ctn: string; path: string; numbered: number; anomalies: number }>;
}

// Newcomers are numbered only where numbers are already out and anonymity not lifted.
const NUMBERING_STATES = new Set(['P', 'V']);

async function holdersFor(
  ctx: AppContext,
  template: LoadedTemplate,
  a: TemplateAssessment,
): Promise<Map<string, string>> {
  const scope = template.attribution === 'per_template' ? null : a.info.assessmentId;
  return numberHolders(ctx.db, template.id, scope);
}

async function withoutNumber(
  ctx: AppContext,
  template: LoadedTemplate,
  a: TemplateAssessment,
): Promise<number> {
  const holders = await holdersFor(ctx, template, a);
  const population = await assessmentPopulation(ctx.db, a, ctx.config.passingResultCodes);
  return population.filter((s) => !holders.has(s)).length;
}

/** Numbers newcomers of each object of the template whose assessments are all in P or V. */
async function numberNewcomers(
  ctx: AppContext,
  template: LoadedTemplate,
): Promise<Map<string, number>> {
  const numbered = new Map<string, number>();
  if (!template.autoNewcomers) {
    return numbered;
  }
  const objects = [...new Set(template.assessments.map((a) => a.info.objectCode))];
  for (const objectCode of objects) {
    const targets = template.assessments.filter((a) => a.info.objectCode === objectCode);
    if (!targets.every((a) => NUMBERING_STATES.has(a.state))) {
      continue;
    }
    const missing = await Promise.all(targets.map((a) => withoutNumber(ctx, template, a)));
    if (missing.every((n) => n === 0)) {
      continue;
    }
    const ref = { ctn: template.ctn, year: template.year, code: template.code, objectCode };
    const outcome = await asSystem('réconciliation : nouveaux inscrits', () =>
      pose(ctx, SYSTEM_ACTOR, ref),
    );
    numbered.set(objectCode, outcome.numbered);
  }
  return numbered;
}

async function ipStudents(ctx: AppContext, a: TemplateAssessment): Promise<Set<string>> {
  const rows = (await ctx
    .db('pedagogic_enrolment')
    .where({ object_id: a.objectId, year: a.info.year })
    .select('student_number')) as Array<{ student_number: string }>;
  return new Set(rows.map((r) => r.student_number));
}

async function gradedStudents(ctx: AppContext, a: TemplateAssessment): Promise<string[]> {
  const rows = (await ctx
    .db('grade')
    .where({ assessment_id: a.info.assessmentId })
    .select('student_number')) as Array<{ student_number: string }>;
  return rows.map((r) => r.student_number);
}

/** Checks one assessment: students without numbers, numbers without IP, grades without numbers. */
async function checkAssessment(
  ctx: AppContext,
  template: LoadedTemplate,
  a: TemplateAssessment,
  newlyNumbered: number,
  lost: LostEnrolmentRow[],
): Promise<ReconcileAssessmentRow> {
  const holders = await holdersFor(ctx, template, a);
  const enrolled = await ipStudents(ctx, a);
  const lostHere = [...holders].filter(([student]) => !enrolled.has(student));
  for (const [, number] of lostHere.sort((x, y) => x[1].localeCompare(y[1]))) {
    lost.push({ template: template.code, objectCode: a.info.objectCode, number });
  }
  const orphans =
    a.state === 'V' ? (await gradedStudents(ctx, a)).filter((s) => !holders.has(s)).length : 0;

  return {
    template: template.code,
    assessment: a.info,
    state: a.state,
    newlyNumbered,
    withoutNumber: NUMBERING_STATES.has(a.state) ? await withoutNumber(ctx, template, a) : 0,
    lostEnrolment: lostHere.length,
    gradesWithoutNumber: orphans,
  };
}

async function stuckDrops(ctx: AppContext, ctn: string): Promise<StuckDropRow[]> {
  const limit = new Date(Date.now() - ctx.config.stuckMinutes * 60_000);
  const rows = (await ctx
    .db('intake_drop as d')
    .join('intake_file as f', 'f.id', 'd.intake_id')
    .where({ 'f.ctn': ctn, 'd.done': false })
    .andWhere('d.dropped_at', '<', limit)
    .orderBy('d.id')
    .select('d.id', 'f.channel', 'd.file_name', 'd.dropped_at')) as Array<{
    id: number;
    channel: string;
    file_name: string;
    dropped_at: string | Date;
  }>;
  return rows.map((r) => {
    const at = new Date(r.dropped_at);
    return {
      dropId: Number(r.id),
      channel: r.channel,
      file: r.file_name,
      droppedAt: at.toISOString(),
      minutes: Math.floor((Date.now() - at.getTime()) / 60_000),
    };
  });
}

/** Reconciles one CTN and gathers its report. */
export async function reconcileCtn(
  ctx: AppContext,
  ctn: string,
  filesSubmitted: number,
): Promise<ReconcileReportData> {
  const templates = (await ctx
    .db('anonymity_template')
    .where({ ctn })
    .orderBy(['year', 'code'])
    .select('year', 'code')) as Array<{ year: number; code: string }>;

  const assessments: ReconcileAssessmentRow[] = [];
  const lostEnrolments: LostEnrolmentRow[] = [];
  for (const t of templates) {
    const numbered = await numberNewcomers(ctx, await loadTemplate(ctx.db, ctn, t.year, t.code));
    // Loaded again: the pose may have moved nothing, but the counts must follow it.
    const template = await loadTemplate(ctx.db, ctn, t.year, t.code);
    for (const a of template.assessments.filter((x) => x.state !== 'I')) {
      const fresh = numbered.get(a.info.objectCode) ?? 0;
      assessments.push(await checkAssessment(ctx, template, a, fresh, lostEnrolments));
    }
  }

  return {
    ctn,
    ranAt: new Date().toISOString(),
    filesSubmitted,
    assessments,
    lostEnrolments,
    stuckDrops: await stuckDrops(ctx, ctn),
  };
}

/**
 * Removes the outbox writer's temporaries a crash left behind, logging how many. A failure is only
 * logged: leftovers are untidy, and no reason to stop a service that starts or a reconciliation.
 */
export async function sweepOutbox(ctx: AppContext): Promise<void> {
  const outbox = ctx.config.outbox;
  try {
    const removed = await removeStaleTemporaries(outbox);
    if (removed.length > 0) {
      ctx.log.info({ outbox, removed: removed.length }, 'abandoned outbox temporaries removed');
    }
  } catch (err: unknown) {
    ctx.log.warn({ err, outbox }, 'outbox temporaries not swept');
  }
}

/** Hands stuck drops to the queue again (their job may have died with Redis); processDrop decides. */
async function resubmitStuck(
  ctx: AppContext,
  queue: JobQueue,
  stuck: StuckDropRow[],
): Promise<void> {
  for (const drop of stuck) {
    const row = (await ctx
      .db('intake_drop as d')
      .join('intake_file as f', 'f.id', 'd.intake_id')
      .where('d.id', drop.dropId)
      .first('f.sha256')) as { sha256: string };
    await queue.submit({ dropId: drop.dropId, sha256: row.sha256 });
  }
}

function stamp(iso: string): string {
  return iso.replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** Runs the whole reconciliation: rescan, newcomers, checks, one report per CTN (or `only`). */
export async function reconcile(
  ctx: AppContext,
  queue: JobQueue,
  only?: string,
): Promise<ReconcileOutcome> {
  await sweepOutbox(ctx);
  const scan = await scanInbox(ctx, queue);
  const ctns = (await ctx
    .db('ctn')
    .modify((q: Knex.QueryBuilder) => {
      if (only) {
        void q.where({ code: only });
      }
    })
    .orderBy('code')
    .select('code')) as Array<{ code: string }>;

  const reports: ReconcileOutcome['reports'] = [];
  // The report's writer (exceljs) is loaded when a report is written, not by every process that
  // could reconcile one day (`run`, whose daily reconciliation is this function).
  const { anomalyCount, buildReconcileReport } = await import('../outputs/reconcile-report.js');
  for (const { code } of ctns) {
    const data = await reconcileCtn(ctx, code, scan.submitted);
    const relative = `${code}/controle/rapprochement-${stamp(data.ranAt)}.xlsx`;
    // The report shows numbers only; it is scanned like every anonymous output.
    const roster = await rosterUnderAnonymity(ctx.db, code);
    const written = await ctx.outbox.writeAnonymous(
      relative,
      await buildReconcileReport(data),
      roster,
    );
    const numbered = data.assessments.reduce((n, a) => n + a.newlyNumbered, 0);
    reports.push({ ctn: code, path: written, numbered, anomalies: anomalyCount(data) });
    await resubmitStuck(ctx, queue, data.stuckDrops);
    ctx.log.info({ ctn: code, numbered, anomalies: anomalyCount(data) }, 'reconciliation done');
  }
  return { scan, reports };
}
