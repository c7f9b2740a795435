// Grade cells as people type them in French spreadsheets: decimal comma, absence codes, blanks.
// A blank is never a zero, and `12/5` is never a date nor a fraction: it is refused.

import type { ErrorCode } from './errors.js';
import { ABSENCE_CODES, type AbsenceCode, type GradeValue } from './types.js';

/** How grades of an assessment are read. */
export interface GradeRules {
  /** The barème: grades go from 0 to `scale` (20 by default in configuration). */
  scale: number;
  /** Extra spellings of absence codes, any case; replaces `DEFAULT_ABSENCE_ALIASES` when given. */
  absenceAliases?: Record<string, AbsenceCode>;
}

/** Spellings seen in real sheets, on top of the five official codes. */
export const DEFAULT_ABSENCE_ALIASES: Readonly<Record<string, AbsenceCode>> = {
  ABS: 'ABI',
  'ABS.': 'ABI',
  ABSENT: 'ABI',
  DISP: 'DIS',
};

/** Result of reading one grade cell. */
export type ParsedGrade =
  { ok: true; grade: GradeValue } | { ok: false; code: ErrorCode; detail?: string };

// A decimal number with a comma or a point, nothing else (no exponent, no thousands separator).
const DECIMAL = /^([+-]?)(\d*)(?:[.,](\d*))?$/;

// What looks like an attempt at a code rather than a number: letters, maybe a final dot.
const CODE_LIKE = /^\p{L}+\.?$/u;

// Spreadsheets store 12.5 as 12.499999999999998 after some arithmetic; anything closer than
// this to a two-decimal value is that value.
const BINARY_NOISE = 1e-9;

/** The absence code a text stands for, if any. */
function absenceOf(text: string, rules: GradeRules): AbsenceCode | null {
  const upper = text.toUpperCase();
  if ((ABSENCE_CODES as readonly string[]).includes(upper)) {
    return upper as AbsenceCode;
  }

  const aliases = rules.absenceAliases ?? DEFAULT_ABSENCE_ALIASES;
  for (const [alias, code] of Object.entries(aliases)) {
    if (alias.toUpperCase() === upper) {
      return code;
    }
  }

  return null;
}

/** Checks a value already known to have at most two decimals against the barème. */
function inRange(value: number, rules: GradeRules, typed: string): ParsedGrade {
  if (value < 0 || value > rules.scale) {
    return {
      ok: false,
      code: 'GRADE_OUT_OF_RANGE',
      detail: `Lu : ${typed} ; barème de 0 à ${rules.scale}.`,
    };
  }

  // `+ 0` turns -0 into 0, so "-0" stores as 0.00.
  return { ok: true, grade: { kind: 'value', value: value + 0 } };
}

/** Reads a grade typed as text. */
function parseText(raw: string, rules: GradeRules): ParsedGrade {
  // trim() also removes U+00A0 and U+202F, which French Excel puts around numbers.
  const text = raw.trim();
  if (text === '') {
    return { ok: true, grade: { kind: 'blank' } };
  }

  const decimal = DECIMAL.exec(text);
  if (decimal && (decimal[2] !== '' || (decimal[3] ?? '') !== '')) {
    const [, sign = '', whole = '', fraction = ''] = decimal;
    if (fraction.replace(/0+$/, '').length > 2) {
      return { ok: false, code: 'GRADE_TOO_PRECISE', detail: `Lu : ${text}.` };
    }
    const value = Number(
      `${sign}${whole === '' ? '0' : whole}.${fraction === '' ? '0' : fraction}`,
    );
    return inRange(value, rules, text);
  }

  const absence = absenceOf(text, rules);
  if (absence) {
    return { ok: true, grade: { kind: 'absence', code: absence } };
  }
  if (CODE_LIKE.test(text)) {
    return { ok: false, code: 'ABSENCE_CODE_UNKNOWN', detail: `Lu : ${text}.` };
  }

  return { ok: false, code: 'GRADE_INVALID', detail: `Lu : ${text}.` };
}

/** Reads a grade stored as a number in a spreadsheet cell. */
function parseNumeric(value: number, rules: GradeRules): ParsedGrade {
  if (!Number.isFinite(value)) {
    return { ok: false, code: 'GRADE_INVALID' };
  }

  const rounded = Math.round(value * 100) / 100;
  if (Math.abs(value - rounded) > BINARY_NOISE) {
    return { ok: false, code: 'GRADE_TOO_PRECISE', detail: `Lu : ${formatDecimal(value, 6)}.` };
  }

  return inRange(rounded, rules, formatDecimal(rounded, 2));
}

/** A number in French notation with at most `decimals` decimals, trailing zeros dropped. */
function formatDecimal(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals))).replace('.', ',');
}

/** Reads one grade cell: a value on the barème, an absence code, or a blank (never 0). */
export function parseGrade(
  input: { raw: string } | { number: number },
  rules: GradeRules,
): ParsedGrade {
  return 'raw' in input ? parseText(input.raw, rules) : parseNumeric(input.number, rules);
}

/** A grade as a French reader writes it: '12,5', '8', 'ABI', or '' for a blank. */
export function formatGradeFrench(g: GradeValue): string {
  switch (g.kind) {
    case 'value':
      return formatDecimal(g.value, 2);
    case 'absence':
      return g.code;
    case 'blank':
      return '';
  }
}

/** A grade as stored: the value as fixed two-decimal text ('12.50') or the absence code. */
export function gradeToStorage(g: GradeValue): {
  value: string | null;
  absence: AbsenceCode | null;
} {
  switch (g.kind) {
    case 'value':
      return { value: g.value.toFixed(2), absence: null };
    case 'absence':
      return { value: null, absence: g.code };
    case 'blank':
      return { value: null, absence: null };
  }
}
