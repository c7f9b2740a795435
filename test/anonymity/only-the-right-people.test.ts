// Only the right people act (issue 5 §4): thousands of random (user, operation, state) sequences
// thrown at the domain (permissions.ts + states.ts), each step compared with an oracle written
// here from design.md §3 and the issue, without reading the domain's table.
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/domain/errors.js';
import { requireHabilitation, type Habilitation } from '../../src/domain/permissions.js';
import { decide, type Operation } from '../../src/domain/states.js';
import type { AnonymityState, Role } from '../../src/domain/types.js';

const OPS: Operation[] = [
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
const CTNS = ['IUT', 'SCIENCES'];
const ROLES: Role[] = ['manager', 'grade_office', 'jury', 'reader'];

/** The oracle's answer: refused, or allowed with the next state and the view of grades. */
type Expect = { ok: false } | { ok: true; next: AnonymityState; view: 'named' | 'anonymous' };

// design.md §3 step by step. Roles beyond the manager, per the issue: the grade office prints
// labels once lifted, writes workbooks and imports; the jury imports; a reader only reads.
const MAY: Record<Role, readonly Operation[]> = {
  manager: OPS,
  grade_office: [
    'labels',
    'grade_workbook',
    'import_by_number',
    'import_by_identity',
    'grade_report',
  ],
  jury: ['import_by_number', 'import_by_identity', 'grade_report'],
  reader: ['grade_report'],
};

function oracle(roles: Set<Role>, op: Operation, s: AnonymityState, graded: boolean): Expect {
  const can = [...roles].some((r) => MAY[r].includes(op));
  const manager = roles.has('manager');
  const stay = (ok: boolean): Expect =>
    ok ? { ok: true, next: s, view: s === 'V' ? 'anonymous' : 'named' } : { ok: false };
  const move = (ok: boolean, next: AnonymityState): Expect =>
    ok ? { ok: true, next, view: s === 'V' ? 'anonymous' : 'named' } : { ok: false };
  if (!can) {
    return { ok: false };
  }
  switch (op) {
    case 'generate':
      return s === 'I' ? move(manager, 'P') : stay(manager && s !== 'L');
    case 'withdraw':
      return move(manager && s === 'P' && !graded, 'I');
    case 'validate':
      return move(manager && s === 'P', 'V');
    case 'lift':
      return move(manager && s === 'V', 'L');
    case 'labels':
      return stay(s === 'L' || (manager && s !== 'I'));
    case 'grade_workbook':
      return stay(s === 'V');
    case 'import_by_number':
      return stay(s === 'V' || s === 'L');
    case 'import_by_identity':
      return stay(s !== 'V');
    case 'correspondence':
    case 'reveal':
      return stay(manager && s !== 'I');
    case 'grade_report':
      return stay(true);
  }
}

/** The domain's answer for the same step, through the same two gates the services use. */
function domain(
  habs: Habilitation[],
  login: string,
  ctn: string,
  op: Operation,
  s: AnonymityState,
  graded: boolean,
): Expect {
  try {
    const rights = requireHabilitation(habs, login, ctn, op);
    const verdict = decide(op, s, { ...rights, gradesUnderNumbers: graded });
    return verdict.allowed
      ? { ok: true, next: verdict.nextState, view: verdict.view }
      : { ok: false };
  } catch (error: unknown) {
    if (isAppError(error, 'NOT_HABILITATED', 'NOT_MANAGER')) {
      return { ok: false };
    }
    throw error;
  }
}

const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)] as T;

/** Random users: each holds 0 to 3 random roles on random CTNs. */
function randomUsers(): Habilitation[] {
  const habs: Habilitation[] = [];
  for (let u = 0; u < 6; u++) {
    for (let k = randomInt(4); k > 0; k--) {
      habs.push({ login: `u${u}`, ctn: pick(CTNS), role: pick(ROLES) });
    }
  }
  return habs;
}

describe('the domain under random sequences', () => {
  it('never makes a transition, nor allows an act, outside the table of design.md §3', () => {
    let steps = 0;
    let transitions = 0;
    const SEQUENCES = 5_000;
    for (let seq = 0; seq < SEQUENCES; seq++) {
      const habs = randomUsers();
      const state: Record<string, AnonymityState> = { IUT: 'I', SCIENCES: 'I' };
      const graded: Record<string, boolean> = { IUT: false, SCIENCES: false };
      for (let step = 0; step < 25; step++) {
        const [login, ctn, op] = [`u${randomInt(7)}`, pick(CTNS), pick(OPS)];
        const s = state[ctn] as AnonymityState;
        const g = graded[ctn] as boolean;
        const roles = new Set(
          habs.filter((h) => h.login === login && h.ctn === ctn).map((h) => h.role),
        );

        const got = domain(habs, login, ctn, op, s, g);
        expect({ login, ctn, op, s, g, got }).toEqual({
          login,
          ctn,
          op,
          s,
          g,
          got: oracle(roles, op, s, g),
        });

        if (got.ok && got.next !== s) {
          transitions += 1;
          state[ctn] = got.next;
        }
        if (got.ok && op.startsWith('import')) {
          graded[ctn] = true;
        }
        if (got.ok && op === 'withdraw') {
          graded[ctn] = false;
        }
        steps += 1;
      }
    }
    console.info('random sequences', { sequences: SEQUENCES, steps, transitions });
    expect(transitions).toBeGreaterThan(1_000);
  });

  it('lets nobody without a role on a CTN do anything there, whatever they hold elsewhere', () => {
    const habs: Habilitation[] = ROLES.map((role) => ({ login: 'x', ctn: 'IUT', role }));
    for (const op of OPS) {
      for (const s of ['I', 'P', 'V', 'L'] as const) {
        expect(domain(habs, 'x', 'SCIENCES', op, s, false)).toEqual({ ok: false });
      }
    }
  });

  it('refuses in French with a stable code', () => {
    const refuse = (): unknown => requireHabilitation([], 'x', 'IUT', 'lift');

    expect(refuse).toThrowError(/habilité/);
    try {
      refuse();
    } catch (error: unknown) {
      expect(isAppError(error, 'NOT_HABILITATED')).toBe(true);
    }
  });
});
