import { describe, it, expect } from 'vitest';

import {
  formatGradeFrench,
  gradeToStorage,
  parseGrade,
  type GradeRules,
} from '../../src/domain/grades.js';

const rules: GradeRules = { scale: 20 };

/** The value read from a text cell, or the failure. */
function text(raw: string, r: GradeRules = rules): ReturnType<typeof parseGrade> {
  return parseGrade({ raw }, r);
}

describe('parseGrade, text cells', () => {
  it.each([
    ['12,5', 12.5],
    ['12.5', 12.5],
    ['12,50', 12.5],
    [' 12 ', 12],
    ['\u00a012,5\u202f', 12.5],
    ['0', 0],
    ['20', 20],
    ['9,75', 9.75],
    ['12,500', 12.5],
    ['12,', 12],
    [',5', 0.5],
  ])('reads %j as %d', (raw, value) => {
    expect(text(raw)).toEqual({ ok: true, grade: { kind: 'value', value } });
  });

  it('reads a blank cell as blank, never as 0', () => {
    expect(text('')).toEqual({ ok: true, grade: { kind: 'blank' } });
    expect(text(' \u00a0 ')).toEqual({ ok: true, grade: { kind: 'blank' } });
  });

  it.each(['12/5', '12 5', '1e1', '12,5,0', '12a', '-', ',', '½'])(
    'refuses %j as invalid',
    (raw) => {
      expect(text(raw)).toMatchObject({ ok: false, code: 'GRADE_INVALID' });
    },
  );

  it('refuses a percentage (a percentage cell saved as CSV) with its own code, never as 0,6', () => {
    expect(text('60 %')).toEqual({ ok: false, code: 'GRADE_CELL_PERCENT', detail: 'Lu : 60 %.' });
    expect(text('62,5%')).toMatchObject({ ok: false, code: 'GRADE_CELL_PERCENT' });
    expect(text('12\u202f%')).toMatchObject({ ok: false, code: 'GRADE_CELL_PERCENT' });
  });

  it('refuses more than two decimals', () => {
    expect(text('12,555')).toMatchObject({ ok: false, code: 'GRADE_TOO_PRECISE' });
    expect(text('20,001')).toMatchObject({ ok: false, code: 'GRADE_TOO_PRECISE' });
  });

  it('refuses a grade below 0 or above the barème, saying which barème', () => {
    expect(text('21')).toEqual({
      ok: false,
      code: 'GRADE_OUT_OF_RANGE',
      detail: 'Lu : 21 ; barème de 0 à 20.',
    });
    expect(text('-1')).toMatchObject({ ok: false, code: 'GRADE_OUT_OF_RANGE' });
    expect(text('20,01')).toMatchObject({ ok: false, code: 'GRADE_OUT_OF_RANGE' });
  });

  it('follows the barème of the assessment', () => {
    expect(text('85', { scale: 100 })).toEqual({ ok: true, grade: { kind: 'value', value: 85 } });
    expect(text('11', { scale: 10 })).toMatchObject({ ok: false, code: 'GRADE_OUT_OF_RANGE' });
  });
});

describe('parseGrade, absence codes', () => {
  it.each([
    ['ABI', 'ABI'],
    ['abj', 'ABJ'],
    [' Def ', 'DEF'],
    ['DEM', 'DEM'],
    ['dis', 'DIS'],
  ])('reads %j as %s', (raw, code) => {
    expect(text(raw)).toEqual({ ok: true, grade: { kind: 'absence', code } });
  });

  it.each([
    ['ABS', 'ABI', 'ABS'],
    ['abs.', 'ABI', 'abs.'],
    [' Absent ', 'ABI', 'Absent'],
    ['DISP', 'DIS', 'DISP'],
  ])('reads %j as %s, reporting the spelling typed', (raw, code, alias) => {
    expect(text(raw)).toEqual({ ok: true, grade: { kind: 'absence', code }, alias });
  });

  it('reports unknown letters as an unknown absence code', () => {
    expect(text('ABX')).toEqual({ ok: false, code: 'ABSENCE_CODE_UNKNOWN', detail: 'Lu : ABX.' });
    expect(text('Malade')).toMatchObject({ ok: false, code: 'ABSENCE_CODE_UNKNOWN' });
    // A grade written out in words is an unreadable grade, not an unknown absence code.
    expect(text('douze')).toEqual({
      ok: false,
      code: 'GRADE_INVALID',
      detail: 'Lu : douze (écrivez la note en chiffres).',
    });
    expect(text('Vingt.')).toMatchObject({ ok: false, code: 'GRADE_INVALID' });
  });

  it('takes the aliases of the institution instead of the defaults', () => {
    const custom: GradeRules = { scale: 20, absenceAliases: { exc: 'ABJ' } };
    expect(text('EXC', custom)).toEqual({
      ok: true,
      grade: { kind: 'absence', code: 'ABJ' },
      alias: 'EXC',
    });
    expect(text('ABS', custom)).toMatchObject({ ok: false, code: 'ABSENCE_CODE_UNKNOWN' });
    expect(text('abi', custom)).toEqual({ ok: true, grade: { kind: 'absence', code: 'ABI' } });
  });
});

describe('parseGrade, numeric cells', () => {
  it('reads a plain number', () => {
    expect(parseGrade({ number: 14 }, rules)).toEqual({
      ok: true,
      grade: { kind: 'value', value: 14 },
    });
  });

  it('tolerates binary noise from spreadsheet arithmetic', () => {
    expect(parseGrade({ number: 12.499999999999998 }, rules)).toEqual({
      ok: true,
      grade: { kind: 'value', value: 12.5 },
    });
    expect(parseGrade({ number: 0.1 + 0.2 }, rules)).toEqual({
      ok: true,
      grade: { kind: 'value', value: 0.3 },
    });
  });

  it('refuses a real third decimal', () => {
    expect(parseGrade({ number: 12.555 }, rules)).toEqual({
      ok: false,
      code: 'GRADE_TOO_PRECISE',
      detail: 'Lu : 12,555.',
    });
  });

  it('refuses numbers outside the barème', () => {
    expect(parseGrade({ number: 20.5 }, rules)).toMatchObject({ code: 'GRADE_OUT_OF_RANGE' });
    expect(parseGrade({ number: -0.25 }, rules)).toMatchObject({ code: 'GRADE_OUT_OF_RANGE' });
    // Trial M: 1E+308 has no hundredths; it was refused as too precise.
    expect(parseGrade({ number: 1e308 }, rules)).toMatchObject({
      code: 'GRADE_OUT_OF_RANGE',
      detail: 'Lu : 1e+308 ; barème de 0 à 20.',
    });
    expect(parseGrade({ number: -1e308 }, rules)).toMatchObject({ code: 'GRADE_OUT_OF_RANGE' });
  });

  it('refuses what is not a number', () => {
    expect(parseGrade({ number: Number.NaN }, rules)).toMatchObject({ code: 'GRADE_INVALID' });
    expect(parseGrade({ number: Infinity }, rules)).toMatchObject({ code: 'GRADE_INVALID' });
  });
});

describe('formatGradeFrench', () => {
  it('writes values with a decimal comma and no useless zero', () => {
    expect(formatGradeFrench({ kind: 'value', value: 12.5 })).toBe('12,5');
    expect(formatGradeFrench({ kind: 'value', value: 8 })).toBe('8');
    expect(formatGradeFrench({ kind: 'value', value: 9.75 })).toBe('9,75');
  });

  it('writes absence codes as they are and blanks as nothing', () => {
    expect(formatGradeFrench({ kind: 'absence', code: 'ABI' })).toBe('ABI');
    expect(formatGradeFrench({ kind: 'blank' })).toBe('');
  });
});

describe('gradeToStorage', () => {
  it('stores values as fixed two-decimal text', () => {
    expect(gradeToStorage({ kind: 'value', value: 12.5 })).toEqual({
      value: '12.50',
      absence: null,
    });
    expect(gradeToStorage({ kind: 'value', value: 0 })).toEqual({ value: '0.00', absence: null });
  });

  it('stores absences as their code and blanks as nothing at all', () => {
    expect(gradeToStorage({ kind: 'absence', code: 'DEF' })).toEqual({
      value: null,
      absence: 'DEF',
    });
    expect(gradeToStorage({ kind: 'blank' })).toEqual({ value: null, absence: null });
  });

  it('round-trips a parsed "-0" as 0.00', () => {
    const parsed = text('-0');
    expect(parsed.ok && gradeToStorage(parsed.grade)).toEqual({ value: '0.00', absence: null });
  });
});
