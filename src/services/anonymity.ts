// The anonymity state machine applied to stored templates: pose (I→P, or newcomers under P/V),
// withdraw (P→I), validate (P→V), lift (V→L). The rules come from domain/states.ts; this file only
// loads facts, applies the verdicts and records them.
import type { Knex } from 'knex';
import { AppError, isAppError } from '../domain/errors.js';
import { randomInt as cryptoRandomInt } from 'node:crypto';
import {
  drawNumbers,
  formatNumber,
  parseNumber,
  pick,
  shuffle,
  type RandomInt,
} from '../domain/numbering.js';
import {
  assertAllowed,
  type Allowed,
  type Operation,
  type OperationContext,
} from '../domain/states.js';
import type { AnonymityState, NumberingRule } from '../domain/types.js';
import { appendAudit } from '../store/audit.js';
import { copyRows, type CopyValue } from '../store/copy.js';
import { auditRefusal, authorise } from './actors.js';
import type { AppContext } from './context.js';
import {
  loadTemplate,
  targetAssessments,
  type LoadedTemplate,
  type TemplateAssessment,
} from './lookups.js';
import { poseTargets, type NumberingScope, type Session2Count } from './pose-population.js';
import { checkLiftAllowed } from './reveal.js';
import {
  freeNumbers,
  retriedOnNumberClash,
  templateYear,
  type YearNumbers,
} from './year-numbers.js';

export { rosterOfTemplate, rosterUnderAnonymity } from './roster.js';

/** Names a template and optionally one of its assessments (by object code). */
export interface TemplateRef {
  ctn: string;
  year: number;
  code: string;
  objectCode?: string;
}

/** Outcome of a pose: numbers drawn, per assessment state after the operation. */
export interface PoseOutcome {
  numbered: number;
  population: number;
  states: Array<{ objectCode: string; state: AnonymityState }>;
  /** per session-2 assessment: students left out as passed in session 1, and without a result */
  session2: Session2Count[];
}

async function setState(
  trx: Knex.Transaction,
  targets: TemplateAssessment[],
  state: AnonymityState,
): Promise<void> {
  const ids = targets.map((a) => a.info.assessmentId);
  await trx('template_assessment')
    .whereIn('assessment_id', ids)
    .update({ state, state_changed_at: trx.fn.now() });
}

/**
 * Holds the template's row until commit, then loads it. Grade writes take the same row `for share`
 * before they read the states they decide and flag by (statesAtWrite, channels/grade-store.ts): a
 * lift checks its conditions on every grade committed before it, a grade committed after it knows
 * it, and a file decided on P learns of a validation committed before it is written.
 */
async function lockTemplate(trx: Knex.Transaction, ref: TemplateRef): Promise<LoadedTemplate> {
  await trx('anonymity_template')
    .where({ ctn: ref.ctn, year: ref.year, code: ref.code })
    .forUpdate()
    .first('id');
  return loadTemplate(trx, ref.ctn, ref.year, ref.code);
}

/** The template's year of numbers, and the run its given numbers span. */
async function ownNumbers(
  trx: Knex.Transaction,
  template: LoadedTemplate,
): Promise<{ year: YearNumbers; run: Run }> {
  const { year, given } = await templateYear(trx, template);
  // A loop, not Math.min(...values): spreading 100,000 arguments overflows the call stack.
  const run = given.reduce(
    (r, v) => ({ first: r.first < 0 ? v : Math.min(r.first, v), last: Math.max(r.last, v) }),
    { first: -1, last: -1 },
  );
  return { year, run };
}

/** The integer values a template's sequential run spans so far; -1 for both when it has none. */
export interface Run {
  first: number;
  last: number;
}

/** Spare places left in a sequential run, so that late students get numbers from inside it. */
export function sparesFor(count: number): number {
  return count === 0 ? 0 : Math.max(3, Math.ceil(count * 0.1));
}

/**
 * `count` numbers, in ascending order, for students already shuffled, and the new end of the
 * template's run. Random rules draw over the whole space. Sequential rules first use the spare
 * places inside the run (a random choice of them), else extend the run by `count` plus spares and
 * hand out a random `count` of them: a late student's number is then one of the run's, not one
 * after it (issue 5 §3).
 */
export function assignNumbers(
  rule: NumberingRule,
  count: number,
  isTaken: (n: string) => boolean,
  run: Run,
  randomInt: RandomInt = cryptoRandomInt,
): { numbers: string[]; run: Run } {
  if (rule.kind === 'random' || count === 0) {
    // Same width and prefix: text order is number order.
    return { numbers: drawNumbers(rule, count, isTaken, { randomInt }).sort(), run };
  }
  const spares: string[] = [];
  for (let n = Math.max(run.first, 0); n <= run.last; n++) {
    const formatted = formatNumber(rule, n);
    if (!isTaken(formatted)) {
      spares.push(formatted);
    }
  }
  if (spares.length >= count) {
    return { numbers: pick(spares, count, randomInt), run };
  }

  const drawn = drawNumbers(rule, count + sparesFor(count), isTaken, {
    after: run.last,
    randomInt,
  });
  const [start, end] = [drawn[0], drawn[drawn.length - 1]].map((n) => parseNumber(rule, n ?? ''));
  return {
    numbers: pick(drawn, count, randomInt),
    run: {
      first: run.first >= 0 || !start?.ok ? run.first : start.value,
      last: end?.ok ? end.value : run.last,
    },
  };
}

/** Columns of `anonymous_number` a pose writes, in COPY order. */
const NUMBER_COLUMNS = ['year', 'number', 'template_id', 'assessment_id', 'student_number'];

/**
 * Draws and attributes numbers scope by scope; returns the rows to store, each scope's in number
 * order. The order is for the database: the year's unique index then grows at its right edge (a
 * sequential run is new numbers after the old ones), and row ids follow the numbers, never the
 * students.
 */
async function attribute(
  template: LoadedTemplate,
  scopes: NumberingScope[],
  year: YearNumbers,
  run: Run,
): Promise<CopyValue[][]> {
  const rows: CopyValue[][] = [];
  let span = run;
  for (const scope of scopes) {
    // Numbers are handed out in order over a random shuffle of the students, never in list order
    // (design.md §4): the shuffle alone decides who gets which number.
    const students = shuffle(scope.students);
    let drawnRun = span;
    const numbers = await freeNumbers(year, template.rule, students.length, (count, isTaken) => {
      const drawn = assignNumbers(template.rule, count, isTaken, span);
      drawnRun = drawn.run;
      return drawn.numbers;
    });
    span = drawnRun;
    numbers.forEach((number, i) => {
      rows.push([template.year, number, template.id, scope.assessmentId, students[i] ?? null]);
    });
    // Later scopes of the same pose must not draw these again.
    year.hold(numbers);
  }

  return rows;
}

/** Generates numbers for the population of the template's assessments (I→P, or newcomers under P/V). */
export async function pose(ctx: AppContext, actor: string, ref: TemplateRef): Promise<PoseOutcome> {
  const rights = await authorise(ctx, actor, ref.ctn, 'generate');

  return auditRefusals(ctx, actor, ref.ctn, 'generate', () =>
    retriedOnNumberClash(() => poseOnce(ctx, actor, ref, rights)),
  );
}

/** One attempt of a pose, in its own transaction. */
function poseOnce(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
  rights: OperationContext,
): Promise<PoseOutcome> {
  return ctx.db.transaction(async (trx) => {
    const template = await lockTemplate(trx, ref);
    const targets = targetAssessments(template, ref.objectCode);
    const verdicts = targets.map((a) => assertAllowed('generate', a.state, rights));
    const { year, run } = await ownNumbers(trx, template);
    const passing = ctx.config.passingResultCodes;
    const { scopes, population, session2 } = await poseTargets(trx, template, targets, passing);

    // One COPY straight into the table for the whole pose: every constraint and check of the table
    // applies to every row (references once per statement, migration 007), and a single failing row
    // fails the pose.
    const rows = await attribute(template, scopes, year, run);
    if (rows.length > 0) {
      await copyRows(trx, 'anonymous_number', NUMBER_COLUMNS, rows);
    }
    const numbered = rows.length;

    const toPose = targets.filter((a) => a.state === 'I');
    await setState(trx, toPose, 'P');
    await appendAudit(trx, {
      actor,
      ctn: template.ctn,
      action: 'generate',
      subject: {
        templateId: template.id,
        assessments: targets.map((a) => a.info.assessmentId),
        numbered,
        newcomersOnly: verdicts.every((v) => v.newcomersOnly),
        ...(session2.length > 0 ? { session2 } : {}),
      },
    });

    const states = targets.map((a) => ({
      objectCode: a.info.objectCode,
      state: a.state === 'I' ? ('P' as const) : a.state,
    }));
    return { numbered, population, states, session2 };
  });
}

/** Withdraws the numbers of assessments in P (back to I), refused once a grade was recorded under them. */
export async function withdraw(ctx: AppContext, actor: string, ref: TemplateRef): Promise<number> {
  const rights = await authorise(ctx, actor, ref.ctn, 'withdraw');

  return auditRefusals(ctx, actor, ref.ctn, 'withdraw', () =>
    ctx.db.transaction(async (trx) => {
      const template = await lockTemplate(trx, ref);
      const targets = targetAssessments(template, ref.objectCode);
      if (
        template.attribution === 'per_template' &&
        targets.length !== template.assessments.length
      ) {
        throw new AppError(
          'INVALID_ARGUMENT',
          '(numéros communs à la maquette : le retrait porte sur toute la maquette)',
        );
      }

      const ids = targets.map((a) => a.info.assessmentId);
      const holders = trx('anonymous_number')
        .select('student_number')
        .where({ template_id: template.id });
      const graded: unknown = await trx('grade')
        .whereIn('assessment_id', ids)
        .whereIn('student_number', holders)
        .first('student_number');
      targets.forEach((a) =>
        assertAllowed('withdraw', a.state, { ...rights, gradesUnderNumbers: graded !== undefined }),
      );

      const scope = trx('anonymous_number').where({ template_id: template.id });
      const removed = await (
        template.attribution === 'per_template' ? scope : scope.whereIn('assessment_id', ids)
      ).delete();
      await setState(trx, targets, 'I');
      await appendAudit(trx, {
        actor,
        ctn: template.ctn,
        action: 'withdraw',
        subject: { templateId: template.id, assessments: ids, removed },
      });
      return removed;
    }),
  );
}

async function transition(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
  op: Extract<Operation, 'validate' | 'lift'>,
): Promise<number> {
  const rights = await authorise(ctx, actor, ref.ctn, op);

  return auditRefusals(ctx, actor, ref.ctn, op, () =>
    ctx.db.transaction(async (trx) => {
      const template = await lockTemplate(trx, ref);
      const targets = targetAssessments(template, ref.objectCode);
      const next = targets.map((a) => assertAllowed(op, a.state, rights).nextState);
      if (op === 'lift') {
        // The one place lift conditions and the second manager's confirmation are enforced.
        await checkLiftAllowed(trx, actor, template, targets);
      }
      await setState(trx, targets, next[0] ?? (op === 'validate' ? 'V' : 'L'));
      await appendAudit(trx, {
        actor,
        ctn: template.ctn,
        action: op,
        subject: { templateId: template.id, assessments: targets.map((a) => a.info.assessmentId) },
      });
      return targets.length;
    }),
  );
}

/** Runs `body`; a refusal (AppError) thrown by it is audited in its own transaction, then rethrown. */
export async function auditRefusals<T>(
  ctx: AppContext,
  actor: string,
  ctn: string,
  op: Operation,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (error: unknown) {
    if (isAppError(error)) {
      await auditRefusal(ctx, actor, ctn, op, error.code);
    }
    throw error;
  }
}

/** The state table's verdicts for `op` in each state; the first refusal is audited, then thrown. */
export function allowedIn(
  ctx: AppContext,
  actor: string,
  ctn: string,
  op: Operation,
  states: readonly AnonymityState[],
  rights: OperationContext,
): Promise<Allowed[]> {
  return auditRefusals(ctx, actor, ctn, op, () =>
    Promise.resolve().then(() => states.map((state) => assertAllowed(op, state, rights))),
  );
}

/** Validates anonymity (P→V): from now on, everything about these assessments goes by number only. */
export function validate(ctx: AppContext, actor: string, ref: TemplateRef): Promise<number> {
  return transition(ctx, actor, ref, 'validate');
}

/** Lifts anonymity (V→L, final): identities are visible again. */
export function lift(ctx: AppContext, actor: string, ref: TemplateRef): Promise<number> {
  return transition(ctx, actor, ref, 'lift');
}

/**
 * Confirms a lift asked for with lift-request: refused while none is open, whatever the template's
 * conditions (without the second-manager condition, lift-confirm lifted with no request at all, a
 * final step the command's name never promised; trial). `lift` lifts without a request where the
 * conditions allow it.
 */
export async function confirmLift(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
): Promise<number> {
  await authorise(ctx, actor, ref.ctn, 'lift');
  const template = await loadTemplate(ctx.db, ref.ctn, ref.year, ref.code);
  const open: unknown = await ctx
    .db('lift_request')
    .where({ template_id: template.id })
    .whereNull('confirmed_by')
    .first('id');
  if (open === undefined) {
    const detail =
      `(aucune demande en cours : un gestionnaire la demande avec anonymat lift-request ${ref.code}, ` +
      `un autre la confirme avec anonymat lift-confirm ${ref.code})`;
    await auditRefusal(ctx, actor, ref.ctn, 'lift', 'LIFT_NEEDS_CONFIRMATION');
    throw new AppError('LIFT_NEEDS_CONFIRMATION', detail);
  }
  return lift(ctx, actor, ref);
}
