// Who a pose numbers: the populations of the template's targets, grouped by the scope numbers are
// given in, and for a session 2 what the office must be told (who passed session 1 and was left
// out, who has no session-1 result), or a refusal while the session-1 jury has recorded nothing.
import type { Knex } from 'knex';
import { AppError } from '../domain/errors.js';
import type { Population } from '../domain/eligibility.js';
import type { LoadedTemplate, TemplateAssessment } from './lookups.js';
import { assessmentStanding, numberHolders } from './population.js';

/** Students of one numbering scope (the whole template, or one assessment) still without a number. */
export interface NumberingScope {
  assessmentId: number | null;
  students: string[];
}

/** What a pose says about one session-2 assessment of the template. */
export interface Session2Count {
  objectCode: string;
  /** left out: their session-1 result is a passing one */
  passedSession1: number;
  /** numbered (or to be) although the session-1 jury gave them no result */
  withoutSession1Result: number;
}

/** Students to number, the population's size and the session-2 counts. */
export interface PoseTargets {
  scopes: NumberingScope[];
  population: number;
  session2: Session2Count[];
}

/**
 * Refuses a session 2 whose session-1 jury has recorded no result yet: its population cannot be
 * known, and posing would move it to P with nobody numbered (or everybody, which is as wrong).
 */
async function refuseBeforeSession1Jury(
  trx: Knex.Transaction,
  standings: ReadonlyArray<[TemplateAssessment, Population]>,
): Promise<void> {
  const waiting = standings.filter(([a, p]) => a.info.session === 2 && !p.session1JuryHeld);
  if (waiting.length === 0) {
    return;
  }

  const named: string[] = [];
  for (const [a] of waiting) {
    const session1: unknown = await trx('assessment')
      .where({ object_id: a.objectId, year: a.info.year, session: 1, stage: a.info.stage })
      .first('id');
    named.push(
      session1 === undefined
        ? `${a.info.objectCode} : aucune épreuve de session 1 déclarée`
        : a.info.objectCode,
    );
  }
  throw new AppError('SESSION1_RESULTS_MISSING', `(${named.join(' ; ')})`);
}

/** Students to number: per template, the union of the targets' populations; else per assessment. */
export async function poseTargets(
  trx: Knex.Transaction,
  template: LoadedTemplate,
  targets: TemplateAssessment[],
  passingCodes: readonly string[],
): Promise<PoseTargets> {
  const standings: Array<[TemplateAssessment, Population]> = [];
  for (const target of targets) {
    standings.push([target, await assessmentStanding(trx, target, passingCodes)]);
  }
  await refuseBeforeSession1Jury(trx, standings);

  const session2 = standings
    .filter(([a]) => a.info.session === 2)
    .map(([a, p]) => ({
      objectCode: a.info.objectCode,
      passedSession1: p.passedSession1,
      withoutSession1Result: p.withoutSession1Result,
    }));
  const everyone = new Set<string>();

  if (template.attribution === 'per_template') {
    const holders = await numberHolders(trx, template.id, null);
    standings.forEach(([, p]) => p.eligible.forEach((s) => everyone.add(s)));
    const students = [...everyone].filter((s) => !holders.has(s));
    return { scopes: [{ assessmentId: null, students }], population: everyone.size, session2 };
  }

  const scopes: NumberingScope[] = [];
  for (const [target, p] of standings) {
    const holders = await numberHolders(trx, template.id, target.info.assessmentId);
    p.eligible.forEach((s) => everyone.add(`${target.info.assessmentId}:${s}`));
    scopes.push({
      assessmentId: target.info.assessmentId,
      students: p.eligible.filter((s) => !holders.has(s)),
    });
  }
  return { scopes, population: everyone.size, session2 };
}
