// Who sits an assessment (design.md §3 step 4): the population numbers are posed for.

import { AppError } from './errors.js';
import type { Session } from './types.js';

/** What the store knows about the students of one assessment. */
export interface EligibilityInput {
  session: Session;
  /** students with an IA in good standing for the year */
  inGoodStanding: ReadonlySet<string>;
  /** students with an IP on the object for the year */
  enrolledOnObject: ReadonlySet<string>;
  /** students who already have a grade or result for this assessment */
  alreadyGraded: ReadonlySet<string>;
  /** session 2 only: session-1 result code per student for the same object */
  session1Results?: ReadonlyMap<string, string | null>;
  /** result codes that mean the object is passed (configuration) */
  passingCodes: ReadonlySet<string>;
}

/** Who sits an assessment and, for a session 2, who was left out and why. */
export interface Population {
  /** student numbers allowed to sit the assessment, sorted */
  eligible: string[];
  /** session 2: students otherwise eligible, left out because their session-1 result is passing */
  passedSession1: number;
  /** session 2: eligible students without a session-1 jury result (no grade, or no decision) */
  withoutSession1Result: number;
  /**
   * session 2: false while no session-1 jury result at all is recorded for the object; nobody is
   * known to resit then, and the population is empty
   */
  session1JuryHeld: boolean;
}

/** The session-1 result of a student, trimmed; blank and missing read as none. */
function session1Result(studentNumber: string, input: EligibilityInput): string | null {
  const result = input.session1Results?.get(studentNumber)?.trim();

  return result === undefined || result === '' ? null : result;
}

/** True when any session-1 jury result (a non-blank result code) is recorded. */
function juryHeld(results: ReadonlyMap<string, string | null>): boolean {
  return [...results.values()].some((result) => (result?.trim() ?? '') !== '');
}

/**
 * Students allowed to sit the assessment. Session 2 is for those who have not passed session 1:
 * a student passed only when the session-1 jury gave a passing result code (configuration); one
 * without a result (no grade, an absence, a grade the jury has not decided on) resits. Until the
 * session-1 jury has recorded any result, nobody is known to resit.
 */
export function population(input: EligibilityInput): Population {
  if (input.session === 2 && input.session1Results === undefined) {
    // Guessing here would number every student for the resit, or none: both are wrong.
    throw new AppError('INVALID_ARGUMENT', 'Résultats de session 1 requis pour la session 2.');
  }
  const held = input.session === 1 || juryHeld(input.session1Results ?? new Map());
  const outcome: Population = {
    eligible: [],
    passedSession1: 0,
    withoutSession1Result: 0,
    session1JuryHeld: held,
  };

  for (const studentNumber of input.enrolledOnObject) {
    if (!input.inGoodStanding.has(studentNumber) || input.alreadyGraded.has(studentNumber)) {
      continue;
    }
    if (input.session === 2) {
      const result = session1Result(studentNumber, input);
      if (!held || (result !== null && input.passingCodes.has(result))) {
        outcome.passedSession1 += held ? 1 : 0;
        continue;
      }
      outcome.withoutSession1Result += result === null ? 1 : 0;
    }
    outcome.eligible.push(studentNumber);
  }

  outcome.eligible.sort();
  return outcome;
}

/** Student numbers allowed to sit the assessment, sorted. */
export function eligibleStudents(input: EligibilityInput): string[] {
  return population(input).eligible;
}

/** The eligible students who have no number yet, in the order given. */
export function newcomers(
  eligible: readonly string[],
  alreadyNumbered: ReadonlySet<string>,
): string[] {
  return eligible.filter((studentNumber) => !alreadyNumbered.has(studentNumber));
}
