// The operation × anonymity-state table of design.md §3. This is the only place that decides
// what an operation may do in a state: every command, job and output asks `decide` first.

import { AppError, type ErrorCode } from './errors.js';
import type { AnonymityState } from './types.js';

/** Everything a person or a file can ask of an assessment, as far as anonymity is concerned. */
export type Operation =
  | 'generate'
  | 'withdraw'
  | 'validate'
  | 'lift'
  | 'labels'
  | 'grade_workbook'
  | 'import_by_number'
  | 'import_by_identity'
  | 'correspondence'
  | 'reveal'
  | 'grade_report';

/** Who asks, plus the facts a cell needs beyond the state. */
export interface OperationContext {
  isManager: boolean;
  /** withdraw only */
  gradesUnderNumbers?: boolean;
}

/** The answer of the table: what the operation does, or the code saying why it may not. */
export type Verdict =
  | {
      allowed: true;
      nextState: AnonymityState;
      audited: boolean;
      newcomersOnly: boolean;
      view: 'named' | 'anonymous';
    }
  | { allowed: false; code: ErrorCode };

/** A verdict that lets the operation go ahead. */
export type Allowed = Verdict & { allowed: true };

/** The four states, in the order of the cycle. */
export const ALL_STATES: readonly AnonymityState[] = ['I', 'P', 'V', 'L'];

/** Every operation of the table. */
export const ALL_OPERATIONS: readonly Operation[] = [
  'generate',
  'withdraw',
  'validate',
  'lift',
  'labels',
  'grade_workbook',
  'import_by_number',
  'import_by_identity',
  'correspondence',
  'reveal',
  'grade_report',
];

/** French name of each operation, for messages a person reads. */
export const OPERATION_LABELS: Readonly<Record<Operation, string>> = {
  generate: 'génération des numéros anonymes',
  withdraw: 'retrait des numéros anonymes',
  validate: "validation de l'anonymat",
  lift: "levée de l'anonymat",
  labels: 'édition des étiquettes',
  grade_workbook: 'bordereau de saisie anonyme',
  import_by_number: 'import de notes par numéro anonyme',
  import_by_identity: 'import de notes par numéro étudiant ou par nom',
  correspondence: 'liste de correspondance',
  reveal: "levée de l'anonymat d'une copie",
  grade_report: 'édition des notes',
};

/** French name of each state. */
export const STATE_LABELS: Readonly<Record<AnonymityState, string>> = {
  I: 'initial',
  P: 'posé',
  V: 'validé',
  L: 'levé',
};

/** Operations only the CTN's anonymity manager may run, whatever the state (design.md §3 step 1). */
export const MANAGER_ONLY_OPERATIONS: ReadonlySet<Operation> = new Set<Operation>([
  'generate',
  'withdraw',
  'validate',
  'lift',
]);

/** One cell of the table: refused with a code, or allowed with its effects. */
type Cell =
  | { refuse: ErrorCode }
  | {
      /** State after the operation; absent when the state does not change. */
      next?: AnonymityState;
      managerOnly?: boolean;
      audited?: boolean;
      newcomersOnly?: boolean;
      /** withdraw: refused with NUMBERS_HAVE_GRADES once a grade exists under the numbers. */
      needsNoGrades?: boolean;
    };

const NO: Cell = { refuse: 'STATE_FORBIDS' };
const YES: Cell = {};
// L is final: an operation that would number, withdraw or move the state says so, rather than
// asking for a missing step.
const FINAL: Cell = { refuse: 'STATE_FINAL' };

// Audited cells follow design.md §7: every state change, every number generation (newcomers
// included) and every correspondence export goes to the audit log.
const TABLE: Record<Operation, Record<AnonymityState, Cell>> = {
  generate: {
    I: { next: 'P', managerOnly: true, audited: true },
    P: { managerOnly: true, audited: true, newcomersOnly: true },
    V: { managerOnly: true, audited: true, newcomersOnly: true },
    L: FINAL,
  },
  // Under V the step is passed, not missing: the copies carry the numbers, grades are collected
  // under them. Each says so rather than asking for a step to do first.
  withdraw: {
    I: NO,
    P: { next: 'I', managerOnly: true, audited: true, needsNoGrades: true },
    V: { refuse: 'WITHDRAW_UNDER_ANONYMITY' },
    L: FINAL,
  },
  validate: {
    I: NO,
    P: { next: 'V', managerOnly: true, audited: true },
    V: { refuse: 'STATE_ALREADY_VALIDATED' },
    L: FINAL,
  },
  lift: { I: NO, P: NO, V: { next: 'L', managerOnly: true, audited: true }, L: FINAL },
  labels: { I: NO, P: { managerOnly: true }, V: { managerOnly: true }, L: YES },
  // Once identities are known, grades are typed against names: no anonymous workbook to send.
  grade_workbook: { I: NO, P: NO, V: YES, L: { refuse: 'WORKBOOK_AFTER_LIFT' } },
  import_by_number: {
    I: { refuse: 'STATE_FORBIDS_IMPORT' },
    P: { refuse: 'STATE_FORBIDS_IMPORT' },
    V: YES,
    L: YES,
  },
  import_by_identity: { I: YES, P: YES, V: { refuse: 'IDENTITY_UNDER_ANONYMITY' }, L: YES },
  correspondence: {
    I: NO,
    P: { managerOnly: true, audited: true },
    V: { managerOnly: true, audited: true },
    L: { audited: true },
  },
  // One copy's identity before the lift (appeal, mix-up): as the correspondence list, one number.
  reveal: {
    I: NO,
    P: { managerOnly: true, audited: true },
    V: { managerOnly: true, audited: true },
    L: { audited: true },
  },
  grade_report: { I: YES, P: YES, V: YES, L: YES },
};

/** What `op` does on an assessment in `state` for this caller, or why it is refused. */
export function decide(op: Operation, state: AnonymityState, ctx: OperationContext): Verdict {
  // Rights come before state, so a non-manager learns nothing about the cycle from a refusal.
  if (MANAGER_ONLY_OPERATIONS.has(op) && !ctx.isManager) {
    return { allowed: false, code: 'NOT_MANAGER' };
  }

  const cell = TABLE[op][state];
  if ('refuse' in cell) {
    return { allowed: false, code: cell.refuse };
  }
  if (cell.managerOnly && !ctx.isManager) {
    return { allowed: false, code: 'NOT_MANAGER' };
  }
  if (cell.needsNoGrades && ctx.gradesUnderNumbers !== false) {
    // Unknown counts as "has grades": a withdrawal must never erase a grade's key.
    return { allowed: false, code: 'NUMBERS_HAVE_GRADES' };
  }

  return {
    allowed: true,
    nextState: cell.next ?? state,
    audited: cell.audited ?? false,
    newcomersOnly: cell.newcomersOnly ?? false,
    // Under V everything about the assessment is done by anonymous number only.
    view: state === 'V' ? 'anonymous' : 'named',
  };
}

/** Like `decide`, but throws the refusal as an AppError so callers can go straight on. */
export function assertAllowed(
  op: Operation,
  state: AnonymityState,
  ctx: OperationContext,
): Allowed {
  const verdict = decide(op, state, ctx);
  if (!verdict.allowed) {
    throw new AppError(
      verdict.code,
      `Opération : ${OPERATION_LABELS[op]} ; état : ${STATE_LABELS[state]}.`,
    );
  }

  return verdict;
}
