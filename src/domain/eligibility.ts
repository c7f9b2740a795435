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

/** True when a session-1 result exists and is not a passing one: the student resits. */
function resits(studentNumber: string, input: EligibilityInput): boolean {
  const result = input.session1Results?.get(studentNumber)?.trim();

  return result !== undefined && result !== '' && !input.passingCodes.has(result);
}

/** Student numbers allowed to sit the assessment, sorted. */
export function eligibleStudents(input: EligibilityInput): string[] {
  if (input.session === 2 && input.session1Results === undefined) {
    // Guessing here would number every student for the resit, or none: both are wrong.
    throw new AppError('INVALID_ARGUMENT', 'Résultats de session 1 requis pour la session 2.');
  }

  const eligible: string[] = [];
  for (const studentNumber of input.enrolledOnObject) {
    if (!input.inGoodStanding.has(studentNumber) || input.alreadyGraded.has(studentNumber)) {
      continue;
    }
    if (input.session === 2 && !resits(studentNumber, input)) {
      continue;
    }
    eligible.push(studentNumber);
  }

  return eligible.sort();
}

/** The eligible students who have no number yet, in the order given. */
export function newcomers(
  eligible: readonly string[],
  alreadyNumbered: ReadonlySet<string>,
): string[] {
  return eligible.filter((studentNumber) => !alreadyNumbered.has(studentNumber));
}
