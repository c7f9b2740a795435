// How the set-up commands read an assessment: OBJ[:session[:étape]], session 1 or 2 only.
import { describe, expect, it } from 'vitest';
import { parseAssessmentRef } from '../../src/cli/setup-commands.js';

describe('an assessment named on the command line', () => {
  it('reads the object, the session and the stage', () => {
    expect(parseAssessmentRef('MAT101')).toEqual({
      objectCode: 'MAT101',
      session: 1,
      stage: 'admission',
    });
    expect(parseAssessmentRef('MAT101:2:admissibility')).toEqual({
      objectCode: 'MAT101',
      session: 2,
      stage: 'admissibility',
    });
  });

  it('refuses a session other than 1 or 2 instead of taking it for session 1', () => {
    for (const session of ['3', '0', 'deux', '']) {
      expect(() => parseAssessmentRef(`MAT101:${session}`)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', detail: '(session : 1, 2)' }),
      );
    }
  });
});
