import { describe, it, expect } from 'vitest';

import {
  eligibleStudents,
  newcomers,
  type EligibilityInput,
} from '../../src/domain/eligibility.js';

/** Input with nobody graded and the usual passing codes. */
function input(overrides: Partial<EligibilityInput>): EligibilityInput {
  return {
    session: 1,
    inGoodStanding: new Set(),
    enrolledOnObject: new Set(),
    alreadyGraded: new Set(),
    passingCodes: new Set(['ADM', 'VAL']),
    ...overrides,
  };
}

describe('eligibleStudents, session 1', () => {
  it('takes students with an IA in good standing and an IP on the object, sorted', () => {
    const result = eligibleStudents(
      input({
        inGoodStanding: new Set(['00000300', '00000100', '00000200', '00000999']),
        enrolledOnObject: new Set(['00000200', '00000100', '00000300', '00000400']),
      }),
    );
    expect(result).toEqual(['00000100', '00000200', '00000300']);
  });

  it('leaves out students who already have a grade or result for the assessment', () => {
    const result = eligibleStudents(
      input({
        inGoodStanding: new Set(['00000100', '00000200']),
        enrolledOnObject: new Set(['00000100', '00000200']),
        alreadyGraded: new Set(['00000200']),
      }),
    );
    expect(result).toEqual(['00000100']);
  });

  it('keeps leading zeros', () => {
    const result = eligibleStudents(
      input({ inGoodStanding: new Set(['00012345']), enrolledOnObject: new Set(['00012345']) }),
    );
    expect(result).toEqual(['00012345']);
  });

  it('ignores session-1 results', () => {
    const result = eligibleStudents(
      input({
        inGoodStanding: new Set(['00000100']),
        enrolledOnObject: new Set(['00000100']),
        session1Results: new Map([['00000100', 'ADM']]),
      }),
    );
    expect(result).toEqual(['00000100']);
  });
});

describe('eligibleStudents, session 2', () => {
  const everybody = new Set(['00000100', '00000200', '00000300', '00000400', '00000500']);

  it('takes only students whose session-1 result exists and is not passing', () => {
    const result = eligibleStudents(
      input({
        session: 2,
        inGoodStanding: everybody,
        enrolledOnObject: everybody,
        session1Results: new Map<string, string | null>([
          ['00000100', 'AJ'],
          ['00000200', 'ADM'],
          ['00000300', null],
          ['00000500', 'NVAL'],
        ]),
      }),
    );
    expect(result).toEqual(['00000100', '00000500']);
  });

  it('treats a blank session-1 result as no result', () => {
    const result = eligibleStudents(
      input({
        session: 2,
        inGoodStanding: everybody,
        enrolledOnObject: everybody,
        session1Results: new Map([['00000100', '  ']]),
      }),
    );
    expect(result).toEqual([]);
  });

  it('still requires the IA, the IP and no grade yet', () => {
    const result = eligibleStudents(
      input({
        session: 2,
        inGoodStanding: new Set(['00000100', '00000200', '00000300']),
        enrolledOnObject: new Set(['00000100', '00000200', '00000400']),
        alreadyGraded: new Set(['00000200']),
        session1Results: new Map([
          ['00000100', 'AJ'],
          ['00000200', 'AJ'],
          ['00000300', 'AJ'],
          ['00000400', 'AJ'],
        ]),
      }),
    );
    expect(result).toEqual(['00000100']);
  });

  it('refuses to guess without session-1 results', () => {
    expect(() => eligibleStudents(input({ session: 2 }))).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('newcomers', () => {
  it('lists the eligible students without a number, keeping their order', () => {
    expect(
      newcomers(['00000100', '00000200', '00000300'], new Set(['00000200', '00000999'])),
    ).toEqual(['00000100', '00000300']);
  });

  it('is empty when everybody already has a number', () => {
    expect(newcomers(['00000100'], new Set(['00000100']))).toEqual([]);
  });
});
