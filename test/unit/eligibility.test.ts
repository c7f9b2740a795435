import { describe, it, expect } from 'vitest';

import {
  eligibleStudents,
  newcomers,
  population,
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
  /** Everybody enrolled and in good standing, with these session-1 results. */
  const resit = (results: Array<[string, string | null]>): EligibilityInput =>
    input({
      session: 2,
      inGoodStanding: everybody,
      enrolledOnObject: everybody,
      session1Results: new Map(results),
    });

  it('takes every student without a passing session-1 result: failed, no grade, no decision', () => {
    const result = eligibleStudents(
      resit([
        ['00000100', 'AJ'],
        ['00000200', 'ADM'],
        ['00000300', null],
        ['00000500', 'NVAL'],
      ]),
    );
    expect(result).toEqual(['00000100', '00000300', '00000400', '00000500']);
  });

  it('counts who passed session 1 and who resits without a session-1 decision', () => {
    const result = population(
      resit([
        ['00000100', 'AJ'],
        ['00000200', 'ADM'],
        ['00000300', null],
        ['00000400', ' VAL '],
      ]),
    );
    expect(result).toEqual({
      eligible: ['00000100', '00000300', '00000500'],
      passedSession1: 2,
      withoutSession1Result: 2,
      session1JuryHeld: true,
    });
  });

  it('numbers nobody while the session-1 jury has recorded no decision, and says so', () => {
    const result = population(
      resit([
        ['00000100', '  '],
        ['00000200', null],
      ]),
    );
    expect(result).toEqual({
      eligible: [],
      passedSession1: 0,
      withoutSession1Result: 0,
      session1JuryHeld: false,
    });
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
