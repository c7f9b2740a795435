// Scores as optical-reader tools write them, made grades as the profile says: exact decimal
// arithmetic, half up, and never for a grade a person typed.
import { describe, expect, it } from 'vitest';

import { convertScore, parseGrade } from '../../src/domain/grades.js';
import { DEFAULT_COLUMN_PROFILES, mergeColumnProfiles } from '../../src/readers/profiles.js';

const TWO = { rounding: 2 };

describe('convertScore', () => {
  it('rounds an OMRChecker float to two decimals, half up on the exact decimal', () => {
    expect(convertScore('70.66666666666667', TWO, 100)).toEqual({
      ok: true,
      value: '70.67',
      rounded: true,
      scaled: false,
    });
    expect(convertScore('12.345', TWO, 20)).toMatchObject({ value: '12.35', rounded: true });
    expect(convertScore('12.3449999', TWO, 20)).toMatchObject({ value: '12.34', rounded: true });
    expect(convertScore('1.005', TWO, 20)).toMatchObject({ value: '1.01' });
    expect(convertScore('12,345', TWO, 20)).toMatchObject({ value: '12.35' });
  });

  it('gets right the halves float arithmetic loses', () => {
    // Both float ways a converter could take drop these halves.
    expect(Math.round(1.005 * 100) / 100).toBe(1);
    expect([(2.675).toFixed(2), (10.235).toFixed(2), (1.255).toFixed(2)]).toEqual([
      '2.67',
      '10.23',
      '1.25',
    ]);

    const exact = ['1.005', '2.675', '10.235', '1.255'].map(
      (t) => (convertScore(t, TWO, 20) as { value: string }).value,
    );
    expect(exact).toEqual(['1.01', '2.68', '10.24', '1.26']);
  });

  it('brings a score out of another maximum to the barème before rounding', () => {
    expect(convertScore('70.66666666666667', { ...TWO, scoreScale: 100 }, 20)).toEqual({
      ok: true,
      value: '14.13',
      rounded: true,
      scaled: true,
    });
    // Out of the number of questions: 7 of 9 questions right is 15.555… on 20.
    expect(convertScore('7', { ...TWO, scoreScale: 9 }, 20)).toMatchObject({ value: '15.56' });
    expect(convertScore('50', { ...TWO, scoreScale: 100 }, 20)).toEqual({
      ok: true,
      value: '10.00',
      rounded: false,
      scaled: true,
    });
    expect(convertScore('27.5', { scoreScale: 40 }, 20)).toMatchObject({ value: '13.75' });
  });

  it('refuses a score needing more than two decimals when the profile does not round', () => {
    expect(convertScore('12.345', {}, 20)).toEqual({
      ok: false,
      code: 'GRADE_TOO_PRECISE',
      detail: 'Lu : 12.345.',
    });
    expect(convertScore('7', { scoreScale: 9 }, 20)).toEqual({
      ok: false,
      code: 'GRADE_TOO_PRECISE',
      detail: 'Lu : 7 sur 9.',
    });
  });

  it('reads Python float spellings and rounds to fewer decimals when told', () => {
    expect(convertScore('1e-05', TWO, 20)).toMatchObject({ value: '0.00', rounded: true });
    expect(convertScore('1.25E1', TWO, 20)).toMatchObject({ value: '12.50', rounded: false });
    expect(convertScore('12.5', { rounding: 0 }, 20)).toMatchObject({ value: '13' });
    expect(convertScore('12.45', { rounding: 1 }, 20)).toMatchObject({ value: '12.5' });
    expect(convertScore('-0.004', TWO, 20)).toMatchObject({ value: '0.00' });
  });

  it('leaves what is no decimal to the grade parser (blank, absence code, garbage)', () => {
    expect(
      ['', 'ABI', '12/5', '1 234,5', '1e999', 'NaN'].map((t) => convertScore(t, TWO, 20)),
    ).toEqual([null, null, null, null, null, null]);
  });
});

describe('typed grades stay refused beyond two decimals', () => {
  it('whether typed as text or stored as a number', () => {
    expect(parseGrade({ raw: '12,345' }, { scale: 20 })).toMatchObject({
      ok: false,
      code: 'GRADE_TOO_PRECISE',
    });
    expect(parseGrade({ number: 12.345 }, { scale: 20 })).toMatchObject({
      ok: false,
      code: 'GRADE_TOO_PRECISE',
    });
  });
});

describe('score conversion of the optical profiles', () => {
  it('rounds OMRChecker scores by default, and nothing else', () => {
    const { amc, omrchecker, scanner } = DEFAULT_COLUMN_PROFILES.profiles;

    expect([amc.rounding, omrchecker.rounding, scanner.rounding]).toEqual([
      undefined,
      2,
      undefined,
    ]);
    expect([amc, omrchecker, scanner].map((p) => p.scoreScale)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('takes rounding and scoreScale from the file, null removing a default', () => {
    const merged = mergeColumnProfiles('f.json', {
      profiles: {
        omrchecker: { scoreScale: 60 },
        amc: { rounding: 1, grade: ['Total'] },
        scanner: { rounding: null },
      },
    });

    expect(merged.profiles.omrchecker).toMatchObject({ rounding: 2, scoreScale: 60 });
    expect(merged.profiles.amc).toMatchObject({ rounding: 1, grade: ['Total', 'Note'] });
    expect(merged.profiles.amc.scoreScale).toBeUndefined();
    expect(
      mergeColumnProfiles('f.json', { profiles: { omrchecker: { rounding: null } } }).profiles
        .omrchecker.rounding,
    ).toBeUndefined();
  });

  it('fails at start-up naming what it expected for a wrong rounding or scale', () => {
    expect(() => mergeColumnProfiles('f.json', { profiles: { amc: { rounding: 3 } } })).toThrow(
      'configuration: f.json must have profiles.amc.rounding as 0, 1 or 2 decimals (or null), got 3',
    );
    expect(() =>
      mergeColumnProfiles('f.json', { profiles: { omrchecker: { scoreScale: '100' } } }),
    ).toThrow(
      'configuration: f.json must have profiles.omrchecker.scoreScale as a number above 0 (or null), got "100"',
    );
    expect(() =>
      mergeColumnProfiles('f.json', { profiles: { scanner: { scoreScale: 0 } } }),
    ).toThrow('profiles.scanner.scoreScale as a number above 0');
  });
});
