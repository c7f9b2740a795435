import { describe, it, expect } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import {
  ALL_OPERATIONS,
  ALL_STATES,
  assertAllowed,
  decide,
  type Verdict,
} from '../../src/domain/states.js';
import type { AnonymityState } from '../../src/domain/types.js';

const manager = { isManager: true };
const staff = { isManager: false };

/** An allowed verdict; `view` follows the state unless the cell says otherwise. */
function allowed(
  nextState: AnonymityState,
  view: 'named' | 'anonymous',
  extra: { audited?: boolean; newcomersOnly?: boolean } = {},
): Verdict {
  return {
    allowed: true,
    nextState,
    audited: extra.audited ?? false,
    newcomersOnly: extra.newcomersOnly ?? false,
    view,
  };
}

describe('generate', () => {
  it('in I, the manager poses numbers for the whole population (→ P, audited)', () => {
    expect(decide('generate', 'I', manager)).toEqual(allowed('P', 'named', { audited: true }));
  });
  it('in I, a non-manager is refused', () => {
    expect(decide('generate', 'I', staff)).toEqual({ allowed: false, code: 'NOT_MANAGER' });
  });
  it('in P, the manager numbers newcomers only and the state stays P', () => {
    expect(decide('generate', 'P', manager)).toEqual(
      allowed('P', 'named', { audited: true, newcomersOnly: true }),
    );
  });
  it('in P, a non-manager is refused', () => {
    expect(decide('generate', 'P', staff)).toEqual({ allowed: false, code: 'NOT_MANAGER' });
  });
  it('in V, the manager numbers newcomers only, audited, and the state stays V', () => {
    expect(decide('generate', 'V', manager)).toEqual(
      allowed('V', 'anonymous', { audited: true, newcomersOnly: true }),
    );
  });
  it('in V, a non-manager is refused', () => {
    expect(decide('generate', 'V', staff)).toEqual({ allowed: false, code: 'NOT_MANAGER' });
  });
  it('in L, is refused even to the manager', () => {
    expect(decide('generate', 'L', manager)).toEqual({ allowed: false, code: 'STATE_FINAL' });
  });
  it('in L, a non-manager is refused as a non-manager', () => {
    expect(decide('generate', 'L', staff)).toEqual({ allowed: false, code: 'NOT_MANAGER' });
  });
});

describe('withdraw', () => {
  it('in I, there is nothing to withdraw', () => {
    expect(decide('withdraw', 'I', manager)).toEqual({ allowed: false, code: 'STATE_FORBIDS' });
  });
  it('in P with no grade under the numbers, the manager goes back to I (audited)', () => {
    expect(decide('withdraw', 'P', { isManager: true, gradesUnderNumbers: false })).toEqual(
      allowed('I', 'named', { audited: true }),
    );
  });
  it('in P with a grade under the numbers, is refused', () => {
    expect(decide('withdraw', 'P', { isManager: true, gradesUnderNumbers: true })).toEqual({
      allowed: false,
      code: 'NUMBERS_HAVE_GRADES',
    });
  });
  it('in P without saying whether grades exist, is refused as if they did', () => {
    expect(decide('withdraw', 'P', manager)).toEqual({
      allowed: false,
      code: 'NUMBERS_HAVE_GRADES',
    });
  });
  it('in P, a non-manager is refused', () => {
    expect(decide('withdraw', 'P', { isManager: false, gradesUnderNumbers: false })).toEqual({
      allowed: false,
      code: 'NOT_MANAGER',
    });
  });
  it('in V, is refused', () => {
    expect(decide('withdraw', 'V', { isManager: true, gradesUnderNumbers: false })).toEqual({
      allowed: false,
      code: 'WITHDRAW_UNDER_ANONYMITY',
    });
  });
  it('in L, is refused because the lift is final', () => {
    expect(decide('withdraw', 'L', { isManager: true, gradesUnderNumbers: false })).toEqual({
      allowed: false,
      code: 'STATE_FINAL',
    });
  });
});

describe('validate', () => {
  it('in I, is refused', () => {
    expect(decide('validate', 'I', manager)).toEqual({ allowed: false, code: 'STATE_FORBIDS' });
  });
  it('in P, the manager activates anonymity (→ V, audited)', () => {
    expect(decide('validate', 'P', manager)).toEqual(allowed('V', 'named', { audited: true }));
  });
  it('in P, a non-manager is refused', () => {
    expect(decide('validate', 'P', staff)).toEqual({ allowed: false, code: 'NOT_MANAGER' });
  });
  it('in V, is refused', () => {
    expect(decide('validate', 'V', manager)).toEqual({
      allowed: false,
      code: 'STATE_ALREADY_VALIDATED',
    });
  });
  it('in L, is refused', () => {
    expect(decide('validate', 'L', manager)).toEqual({ allowed: false, code: 'STATE_FINAL' });
  });
});

describe('lift', () => {
  it('in I, is refused', () => {
    expect(decide('lift', 'I', manager)).toEqual({ allowed: false, code: 'STATE_FORBIDS' });
  });
  it('in P, is refused', () => {
    expect(decide('lift', 'P', manager)).toEqual({ allowed: false, code: 'STATE_FORBIDS' });
  });
  it('in V, the manager lifts anonymity (→ L, audited)', () => {
    expect(decide('lift', 'V', manager)).toEqual(allowed('L', 'anonymous', { audited: true }));
  });
  it('in V, a non-manager is refused', () => {
    expect(decide('lift', 'V', staff)).toEqual({ allowed: false, code: 'NOT_MANAGER' });
  });
  it('in L, is refused because L is final', () => {
    expect(decide('lift', 'L', manager)).toEqual({ allowed: false, code: 'STATE_FINAL' });
  });
});

describe('labels', () => {
  it('in I, is refused: there are no numbers yet', () => {
    expect(decide('labels', 'I', manager)).toEqual({ allowed: false, code: 'STATE_FORBIDS' });
  });
  it('in P, the manager gets them', () => {
    expect(decide('labels', 'P', manager)).toEqual(allowed('P', 'named'));
  });
  it('in P, a non-manager is refused', () => {
    expect(decide('labels', 'P', staff)).toEqual({ allowed: false, code: 'NOT_MANAGER' });
  });
  it('in V, the manager gets them, anonymous', () => {
    expect(decide('labels', 'V', manager)).toEqual(allowed('V', 'anonymous'));
  });
  it('in V, a non-manager is refused', () => {
    expect(decide('labels', 'V', staff)).toEqual({ allowed: false, code: 'NOT_MANAGER' });
  });
  it('in L, anyone gets them', () => {
    expect(decide('labels', 'L', staff)).toEqual(allowed('L', 'named'));
  });
});

describe('grade_workbook', () => {
  it('in I, is refused', () => {
    expect(decide('grade_workbook', 'I', manager)).toEqual({
      allowed: false,
      code: 'STATE_FORBIDS',
    });
  });
  it('in P, is refused', () => {
    expect(decide('grade_workbook', 'P', manager)).toEqual({
      allowed: false,
      code: 'STATE_FORBIDS',
    });
  });
  it('in V, anyone gets an anonymous workbook', () => {
    expect(decide('grade_workbook', 'V', staff)).toEqual(allowed('V', 'anonymous'));
  });
  it('in L, is refused, with what to do instead', () => {
    expect(decide('grade_workbook', 'L', manager)).toEqual({
      allowed: false,
      code: 'WORKBOOK_AFTER_LIFT',
    });
  });
});

describe('import_by_number', () => {
  it('in I, is rejected', () => {
    expect(decide('import_by_number', 'I', manager)).toEqual({
      allowed: false,
      code: 'STATE_FORBIDS_IMPORT',
    });
  });
  it('in P, is rejected', () => {
    expect(decide('import_by_number', 'P', manager)).toEqual({
      allowed: false,
      code: 'STATE_FORBIDS_IMPORT',
    });
  });
  it('in V, is accepted', () => {
    expect(decide('import_by_number', 'V', staff)).toEqual(allowed('V', 'anonymous'));
  });
  it('in L, is accepted', () => {
    expect(decide('import_by_number', 'L', staff)).toEqual(allowed('L', 'named'));
  });
});

describe('import_by_identity', () => {
  it('in I, is accepted', () => {
    expect(decide('import_by_identity', 'I', staff)).toEqual(allowed('I', 'named'));
  });
  it('in P, is accepted', () => {
    expect(decide('import_by_identity', 'P', staff)).toEqual(allowed('P', 'named'));
  });
  it('in V, is rejected: nothing may be keyed by identity under anonymity', () => {
    expect(decide('import_by_identity', 'V', manager)).toEqual({
      allowed: false,
      code: 'IDENTITY_UNDER_ANONYMITY',
    });
  });
  it('in L, is accepted', () => {
    expect(decide('import_by_identity', 'L', staff)).toEqual(allowed('L', 'named'));
  });
});

describe('correspondence', () => {
  it('in I, is refused: there are no numbers yet', () => {
    expect(decide('correspondence', 'I', manager)).toEqual({
      allowed: false,
      code: 'STATE_FORBIDS',
    });
  });
  it('in P, the manager gets it, audited', () => {
    expect(decide('correspondence', 'P', manager)).toEqual(
      allowed('P', 'named', { audited: true }),
    );
  });
  it('in P, a non-manager is refused', () => {
    expect(decide('correspondence', 'P', staff)).toEqual({ allowed: false, code: 'NOT_MANAGER' });
  });
  it('in V, the manager gets it, audited', () => {
    expect(decide('correspondence', 'V', manager)).toEqual(
      allowed('V', 'anonymous', { audited: true }),
    );
  });
  it('in V, a non-manager is refused', () => {
    expect(decide('correspondence', 'V', staff)).toEqual({ allowed: false, code: 'NOT_MANAGER' });
  });
  it('in L, anyone gets it, still audited', () => {
    expect(decide('correspondence', 'L', staff)).toEqual(allowed('L', 'named', { audited: true }));
  });
});

describe('grade_report', () => {
  it('in I, is named', () => {
    expect(decide('grade_report', 'I', staff)).toEqual(allowed('I', 'named'));
  });
  it('in P, is named', () => {
    expect(decide('grade_report', 'P', staff)).toEqual(allowed('P', 'named'));
  });
  it('in V, is anonymous only', () => {
    expect(decide('grade_report', 'V', manager)).toEqual(allowed('V', 'anonymous'));
  });
  it('in L, is named', () => {
    expect(decide('grade_report', 'L', staff)).toEqual(allowed('L', 'named'));
  });
});

describe('the table as a whole', () => {
  it('pins the persisted state letters and the list of operations', () => {
    expect(ALL_STATES).toEqual(['I', 'P', 'V', 'L']);
    expect(ALL_OPERATIONS).toHaveLength(11);
  });

  it('never lets anything out of L', () => {
    for (const op of ALL_OPERATIONS) {
      const verdict = decide(op, 'L', { isManager: true, gradesUnderNumbers: false });
      if (verdict.allowed) {
        expect(verdict.nextState).toBe('L');
      }
    }
  });

  it('never lets a non-manager change a state', () => {
    for (const op of ALL_OPERATIONS) {
      for (const state of ALL_STATES) {
        const verdict = decide(op, state, { isManager: false, gradesUnderNumbers: false });
        if (verdict.allowed) {
          expect(verdict.nextState).toBe(state);
        }
      }
    }
  });
});

describe('assertAllowed', () => {
  it('returns the verdict when allowed', () => {
    expect(assertAllowed('validate', 'P', manager).nextState).toBe('V');
  });

  it('throws an AppError carrying the refusal code and a French detail', () => {
    expect(() => assertAllowed('import_by_identity', 'V', manager)).toThrowError(AppError);
    try {
      assertAllowed('import_by_identity', 'V', manager);
    } catch (error: unknown) {
      expect(error).toMatchObject({ code: 'IDENTITY_UNDER_ANONYMITY' });
      expect((error as AppError).message).toContain('état : validé');
    }
  });
});
