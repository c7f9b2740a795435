// The intake's pure rules: which names are taken, how failures are sorted, when the night comes.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { isIgnoredName, isSafeName, printableName } from '../../src/intake/inbox.js';
import { classifyFailure, failureLabel, retryDelay } from '../../src/jobs/failures.js';
import { nextDailyRun } from '../../src/jobs/in-process-schedule.js';

describe('inbox names', () => {
  it('ignores Office and LibreOffice locks, temporaries and hidden files', () => {
    for (const name of [
      '~$notes.xlsx',
      '.~lock.notes.xlsx#',
      'notes.xlsx.tmp',
      'a.part',
      '.DS_Store',
    ]) {
      expect(isIgnoredName(name)).toBe(true);
    }
    expect(isIgnoredName('notes L1 2026.xlsx')).toBe(false);
  });

  it('refuses names with "..", path separators, control characters, or over 200 bytes', () => {
    for (const name of [
      '..',
      'a..b.csv',
      'a/b.csv',
      'a\\b.csv',
      'bell\u0007.csv',
      'x'.repeat(201),
      '',
    ]) {
      expect(isSafeName(name)).toBe(false);
    }
    expect(isSafeName('Relevé de notes – MAT101.xlsx')).toBe(true);
    expect(isSafeName('é'.repeat(100))).toBe(true);
    expect(isSafeName('é'.repeat(101))).toBe(false);
  });

  it('shows a refused name printable: control characters as "?", cut at 120 characters', () => {
    expect(printableName('tab\there')).toBe('tab?here');
    expect(printableName('y'.repeat(300))).toHaveLength(118);
    // A right-to-left override would show « notes\u202Egpj.exe » as « notesexe.jpg »: never printed as such.
    expect(printableName('notes\u202egpj.exe.csv')).toBe('notes?gpj.exe.csv');
    expect(printableName('a\u2066b\u2069c\u200fd\u0085e')).toBe('a?b?c?d?e');
  });
});

describe('classifyFailure', () => {
  it('waits out database, Redis and disk outages', () => {
    const outages = [
      Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
      Object.assign(new Error('deadlock'), { code: '40P01' }),
      Object.assign(new Error('Knex: Timeout acquiring a connection.'), {
        name: 'KnexTimeoutError',
      }),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection is closed.'),
    ];
    expect(outages.map(classifyFailure)).toEqual(outages.map(() => 'transient'));
  });

  it('calls anything else unexpected, and labels it without quoting its message', () => {
    const error = Object.assign(new TypeError('Key (student_number)=(00012345)'), {
      code: '23503',
    });
    expect(classifyFailure(error)).toBe('unexpected');
    expect(failureLabel(error)).toBe('TypeError 23503');
    // Out of memory comes back at every attempt of the file that caused it: a few tries, then error/.
    expect(classifyFailure(Object.assign(new Error('out of memory'), { code: '53200' }))).toBe(
      'unexpected',
    );
    expect(classifyFailure(Object.assign(new Error('too many clients'), { code: '53300' }))).toBe(
      'transient',
    );
  });
});

describe('retryDelay', () => {
  it('doubles from half a second and never passes the cap (jitter ±20 %)', () => {
    expect(retryDelay(1, 60_000)).toBeGreaterThanOrEqual(400);
    expect(retryDelay(1, 60_000)).toBeLessThanOrEqual(600);
    expect(retryDelay(4, 60_000)).toBeGreaterThanOrEqual(3200);
    expect(retryDelay(50, 60_000)).toBeLessThanOrEqual(72_000);
  });
});

describe('the nightly schedule', () => {
  it('runs a daily cron at its next occurrence', () => {
    const from = new Date(2026, 0, 10, 3, 0);
    expect(nextDailyRun('30 2 * * *', from)).toEqual(new Date(2026, 0, 11, 2, 30));
    expect(nextDailyRun('30 4 * * *', from)).toEqual(new Date(2026, 0, 10, 4, 30));
    expect(nextDailyRun('*/5 * * * *', from)).toBeNull();
  });

  it('reads ANONYMAT_RECONCILE_CRON: a default, "off", and a refusal naming the variable', () => {
    expect(loadConfig({}, { home: '/tmp' }).reconcileCron).toBe('30 2 * * *');
    expect(
      loadConfig({ ANONYMAT_RECONCILE_CRON: 'off' }, { home: '/tmp' }).reconcileCron,
    ).toBeNull();
    expect(() =>
      loadConfig({ ANONYMAT_RECONCILE_CRON: 'tous les soirs' }, { home: '/tmp' }),
    ).toThrow(/ANONYMAT_RECONCILE_CRON/);
  });
});

describe('the result codes that pass an assessment', () => {
  it('counts no « ajourné » as passed by default: AJAC students resit session 2 (trial)', () => {
    const passing = loadConfig({}, { home: '/tmp/anonymat-sans-config' }).passingResultCodes;

    expect(passing).toEqual(['ADM', 'ADJ', 'VAL', 'ADMI']);
    expect(passing.some((code) => code.startsWith('AJ'))).toBe(false);
  });
});
