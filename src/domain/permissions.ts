// Who may do what on a CTN. Roles are held per CTN (design.md §2): a manager of one CTN is
// nobody on another. The state table (states.ts) then decides what the operation may do.

import { AppError } from './errors.js';
import { MANAGER_ONLY_OPERATIONS, OPERATION_LABELS, type Operation } from './states.js';
import type { Role } from './types.js';

/** One user's role on one CTN. */
export interface Habilitation {
  login: string;
  ctn: string;
  role: Role;
}

// Managers may do everything, so they are not listed here.
const OPERATIONS_BY_ROLE: Readonly<Record<Exclude<Role, 'manager'>, ReadonlySet<Operation>>> = {
  grade_office: new Set<Operation>([
    'labels',
    'grade_workbook',
    'import_by_number',
    'import_by_identity',
    'grade_report',
  ]),
  jury: new Set<Operation>(['import_by_number', 'import_by_identity', 'grade_report']),
  reader: new Set<Operation>(['grade_report']),
};

/**
 * Each role as the person at the terminal reads it; the codes stay what commands take. The scope
 * in brackets follows OPERATIONS_BY_ROLE above.
 */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  manager: "gestionnaire de l'anonymat",
  grade_office: 'scolarité (bordereaux et saisie des notes ; étiquettes après la levée)',
  jury: 'jury (saisie des notes et des résultats de délibération)',
  reader: 'consultation seule (PV et états des notes)',
};

/** The roles `login` holds on `ctn`. */
export function rolesOn(habs: readonly Habilitation[], login: string, ctn: string): Set<Role> {
  const roles = new Set<Role>();
  for (const hab of habs) {
    if (hab.login === login && hab.ctn === ctn) {
      roles.add(hab.role);
    }
  }

  return roles;
}

/** True when one of `roles` allows `op` (the state table still has its say). */
export function mayAct(roles: ReadonlySet<Role>, op: Operation): boolean {
  for (const role of roles) {
    if (role === 'manager' || OPERATIONS_BY_ROLE[role].has(op)) {
      return true;
    }
  }

  return false;
}

/** Checks that `login` may run `op` on `ctn`; returns what `decide` needs, throws otherwise. */
export function requireHabilitation(
  habs: readonly Habilitation[],
  login: string,
  ctn: string,
  op: Operation,
): { isManager: boolean } {
  const roles = rolesOn(habs, login, ctn);
  if (mayAct(roles, op)) {
    return { isManager: roles.has('manager') };
  }

  const detail = `Opération : ${OPERATION_LABELS[op]} ; CTN : ${ctn}.`;
  // A habilitated user asking for a manager's operation is told who may do it.
  if (roles.size > 0 && MANAGER_ONLY_OPERATIONS.has(op)) {
    throw new AppError('NOT_MANAGER', detail);
  }

  throw new AppError('NOT_HABILITATED', detail);
}
