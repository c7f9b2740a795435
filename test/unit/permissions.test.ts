import { describe, it, expect } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import {
  mayAct,
  requireHabilitation,
  rolesOn,
  type Habilitation,
} from '../../src/domain/permissions.js';
import { ALL_OPERATIONS, type Operation } from '../../src/domain/states.js';
import type { Role } from '../../src/domain/types.js';

const habs: Habilitation[] = [
  { login: 'amartin', ctn: 'SCI', role: 'manager' },
  { login: 'amartin', ctn: 'LET', role: 'reader' },
  { login: 'bdurand', ctn: 'SCI', role: 'grade_office' },
  { login: 'bdurand', ctn: 'SCI', role: 'jury' },
  { login: 'cpetit', ctn: 'SCI', role: 'jury' },
  { login: 'dleroy', ctn: 'SCI', role: 'reader' },
];

/** The operations a single role may run, in table order. */
function allowedFor(role: Role): Operation[] {
  return ALL_OPERATIONS.filter((op) => mayAct(new Set([role]), op));
}

/** The code an AppError thrown by `run` carries. */
function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error: unknown) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
}

describe('rolesOn', () => {
  it('gives the roles held on that CTN only', () => {
    expect(rolesOn(habs, 'amartin', 'SCI')).toEqual(new Set(['manager']));
    expect(rolesOn(habs, 'amartin', 'LET')).toEqual(new Set(['reader']));
  });

  it('gathers several roles on the same CTN', () => {
    expect(rolesOn(habs, 'bdurand', 'SCI')).toEqual(new Set(['grade_office', 'jury']));
  });

  it('is empty for an unknown user or a CTN without habilitation', () => {
    expect(rolesOn(habs, 'inconnu', 'SCI').size).toBe(0);
    expect(rolesOn(habs, 'cpetit', 'LET').size).toBe(0);
  });
});

describe('mayAct', () => {
  it('lets a manager do everything', () => {
    expect(allowedFor('manager')).toEqual(ALL_OPERATIONS);
  });

  it('lets the grade office handle labels, workbooks, imports and reports', () => {
    expect(allowedFor('grade_office')).toEqual([
      'labels',
      'grade_workbook',
      'import_by_number',
      'import_by_identity',
      'grade_report',
    ]);
  });

  it('lets the jury import and read grades', () => {
    expect(allowedFor('jury')).toEqual(['import_by_number', 'import_by_identity', 'grade_report']);
  });

  it('lets a reader only read grade reports', () => {
    expect(allowedFor('reader')).toEqual(['grade_report']);
  });

  it('combines roles', () => {
    expect(mayAct(new Set<Role>(['reader', 'jury']), 'import_by_number')).toBe(true);
  });

  it('allows nothing without a role', () => {
    expect(ALL_OPERATIONS.some((op) => mayAct(new Set(), op))).toBe(false);
  });
});

describe('requireHabilitation', () => {
  it('tells the manager they are the manager', () => {
    expect(requireHabilitation(habs, 'amartin', 'SCI', 'validate')).toEqual({ isManager: true });
  });

  it('lets a habilitated non-manager through as a non-manager', () => {
    expect(requireHabilitation(habs, 'bdurand', 'SCI', 'labels')).toEqual({ isManager: false });
  });

  it('refuses a manager-only operation to a habilitated non-manager with NOT_MANAGER', () => {
    expect(codeOf(() => requireHabilitation(habs, 'bdurand', 'SCI', 'generate'))).toBe(
      'NOT_MANAGER',
    );
    expect(codeOf(() => requireHabilitation(habs, 'dleroy', 'SCI', 'lift'))).toBe('NOT_MANAGER');
  });

  it('refuses an operation outside the role with NOT_HABILITATED', () => {
    expect(codeOf(() => requireHabilitation(habs, 'cpetit', 'SCI', 'labels'))).toBe(
      'NOT_HABILITATED',
    );
  });

  it('refuses a user with no role on the CTN with NOT_HABILITATED, even for manager operations', () => {
    expect(codeOf(() => requireHabilitation(habs, 'cpetit', 'LET', 'grade_report'))).toBe(
      'NOT_HABILITATED',
    );
    expect(codeOf(() => requireHabilitation(habs, 'cpetit', 'LET', 'validate'))).toBe(
      'NOT_HABILITATED',
    );
  });

  it('does not carry a manager role over to another CTN', () => {
    expect(codeOf(() => requireHabilitation(habs, 'amartin', 'LET', 'generate'))).toBe(
      'NOT_MANAGER',
    );
    expect(codeOf(() => requireHabilitation(habs, 'amartin', 'MED', 'generate'))).toBe(
      'NOT_HABILITATED',
    );
  });
});
