// What a refusal tells the person: a lifted assessment is final (no « missing step » to do), and a
// refused reveal names the reveal, not the correspondence list.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { requireHabilitation, type Habilitation } from '../../src/domain/permissions.js';
import { assertAllowed, type Operation } from '../../src/domain/states.js';

/** The French message `run` is refused with. */
function refusalOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof AppError) {
      return { code: error.code, message: error.message };
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('an operation refused once anonymity is lifted', () => {
  it('says the lift is final and the numbers cannot be withdrawn', () => {
    const refused = refusalOf(() =>
      assertAllowed('withdraw', 'L', { isManager: true, gradesUnderNumbers: false }),
    );

    expect(refused.code).toBe('STATE_FINAL');
    expect(refused.message).toContain('la levée est définitive');
    expect(refused.message).toContain('les numéros anonymes ne peuvent plus être retirés');
    expect(refused.message).toContain('Opération : retrait des numéros anonymes ; état : levé.');
    expect(refused.message).not.toContain("faites d'abord l'étape qui manque");
  });

  it('says what to do instead of an anonymous workbook once the lift is done', () => {
    const refused = refusalOf(() => assertAllowed('grade_workbook', 'L', { isManager: true }));

    expect(refused.code).toBe('WORKBOOK_AFTER_LIFT');
    expect(refused.message).toContain('par numéro étudiant (fichier avec la colonne COD_ETU)');
    expect(refused.message).not.toContain("faites d'abord l'étape qui manque");
  });

  it.each<Operation>(['generate', 'validate', 'lift'])(
    'does not ask for a missing step for %s either',
    (op) => {
      const refused = refusalOf(() => assertAllowed(op, 'L', { isManager: true }));

      expect(refused.code).toBe('STATE_FINAL');
      expect(refused.message).not.toContain("faites d'abord");
    },
  );

  it('still asks for the missing step before the lift', () => {
    const refused = refusalOf(() => assertAllowed('lift', 'P', { isManager: true }));

    expect(refused.code).toBe('STATE_FORBIDS');
    expect(refused.message).toContain("faites d'abord l'étape qui manque");
  });

  it('says the step is passed, not missing, for a withdrawal or a validation under V', () => {
    const withdrawn = refusalOf(() => assertAllowed('withdraw', 'V', { isManager: true }));
    const validated = refusalOf(() => assertAllowed('validate', 'V', { isManager: true }));

    expect(withdrawn.message).toContain(
      'les numéros anonymes ne peuvent plus être retirés, car les copies portent ces numéros et les notes sont recueillies sous eux',
    );
    expect(withdrawn.message).toContain(
      'Opération : retrait des numéros anonymes ; état : validé.',
    );
    expect(validated.message).toContain(
      "L'anonymat de l'épreuve est déjà validé : rien n'a changé.",
    );
    for (const refused of [withdrawn, validated]) {
      expect(refused.message).not.toContain("faites d'abord");
    }
  });
});

describe('a reveal refused', () => {
  const habs: Habilitation[] = [
    { login: 'scol', ctn: 'SCI', role: 'grade_office' },
    { login: 'gest', ctn: 'SCI', role: 'manager' },
  ];

  it('names the reveal for the grade office', () => {
    const refused = refusalOf(() => requireHabilitation(habs, 'scol', 'SCI', 'reveal'));

    expect(refused.message).toContain("Opération : levée de l'anonymat d'une copie ; CTN : SCI.");
    expect(refused.message).not.toContain('liste de correspondance');
  });

  it('names the reveal when the state forbids it', () => {
    const refused = refusalOf(() => assertAllowed('reveal', 'I', { isManager: true }));

    expect(refused.message).toContain(
      "Opération : levée de l'anonymat d'une copie ; état : initial.",
    );
  });

  it('is the manager’s, audited, before the lift', () => {
    expect(requireHabilitation(habs, 'gest', 'SCI', 'reveal')).toEqual({ isManager: true });
    expect(assertAllowed('reveal', 'V', { isManager: true })).toMatchObject({ audited: true });
    expect(refusalOf(() => assertAllowed('reveal', 'V', { isManager: false })).code).toBe(
      'NOT_MANAGER',
    );
  });
});
