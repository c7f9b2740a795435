import { describe, expect, it } from 'vitest';
import { poseSummary } from '../../src/cli/pose-summary.js';

const passing = ['ADM', 'VAL'];

describe('what anonymat pose prints', () => {
  it('says nothing of session 1 results for a session-1 template', () => {
    const printed = poseSummary(
      { numbered: 2, population: 2, states: [{ objectCode: 'DRT101', state: 'P' }], session2: [] },
      passing,
    );

    expect(printed).toBe('2 numéro(s) attribué(s) ; population 2 ; états : DRT101 P.');
  });

  it('says, per session-2 exam, how many passed session 1 and how many have no decision', () => {
    const printed = poseSummary(
      {
        numbered: 1,
        population: 1,
        states: [
          { objectCode: '7WGA4', state: 'P' },
          { objectCode: '7WGA5', state: 'P' },
        ],
        session2: [
          { objectCode: '7WGA4', passedSession1: 12, withoutSession1Result: 0 },
          { objectCode: '7WGA5', passedSession1: 0, withoutSession1Result: 1 },
        ],
      },
      passing,
    );

    const lines = printed.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      '1 numéro(s) attribué(s) ; population 1 ; états : 7WGA4 P, 7WGA5 P.',
      'Session 2 de 7WGA4 : 12 étudiant(s) écarté(s), admis en session 1 (résultat ADM ou VAL).',
    ]);
    expect(lines[2]).toContain('Session 2 de 7WGA5 : 0 étudiant(s) écarté(s)');
    expect(lines[2]).toContain(
      '; 1 étudiant(s) sans décision du jury de session 1 (pas de note, une absence, ou une note',
    );
    expect(lines[2]).toContain('compté(s) comme non admis');
  });
});
