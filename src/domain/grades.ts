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

/** What the absence codes stand for, as a person reads them. */
export const ABSENCE_LABELS: Readonly<Record<AbsenceCode, string>> = {
  ABI: 'absence injustifiée',
  ABJ: 'absence justifiée',
  DEF: 'défaillant',
  DEM: 'démissionnaire',
  DIS: 'dispensé',
};

/**
 * Result of reading one grade cell. `alias` is the text as typed when it is another spelling of
 * an absence code (`abs` read as ABI): the person must be told which code was recorded.
 */
export type ParsedGrade =
  { ok: true; grade: GradeValue; alias?: string } | { ok: false; code: ErrorCode; detail?: string };

// A decimal number with a comma or a point, nothing else (no exponent, no thousands separator).
const DECIMAL = /^([+-]?)(\d*)(?:[.,](\d*))?$/;

// What a percentage cell saved as CSV shows (« 60 % », any space before the sign).
const PERCENT = /^[+-]?\d+(?:[.,]\d+)?\s*%$/;

// What looks like an attempt at a code rather than a number: letters, maybe a final dot.
const CODE_LIKE = /^\p{L}+\.?$/u;

// A grade written out in words (« douze »): a number, not an absence code, in the wrong form.
const NUMBER_WORDS = new Set(
  (
    'zero zéro un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze ' +
    'quinze seize vingt'
  ).split(' '),
);

// Spreadsheets store 12.5 as 12.499999999999998 after some arithmetic; anything closer than
// this to a two-decimal value is that value.
const BINARY_NOISE = 1e-9;

/** The absence code a text stands for, if any, and whether the text is an alias of it. */
function absenceOf(text: string, rules: GradeRules): { code: AbsenceCode; alias: boolean } | null {
  const upper = text.toUpperCase();
  if ((ABSENCE_CODES as readonly string[]).includes(upper)) {
    return { code: upper as AbsenceCode, alias: false };
  }

  const aliases = rules.absenceAliases ?? DEFAULT_ABSENCE_ALIASES;
  for (const [alias, code] of Object.entries(aliases)) {
    if (alias.toUpperCase() === upper) {
      return { code, alias: true };
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

  if (PERCENT.test(text)) {
    return { ok: false, code: 'GRADE_CELL_PERCENT', detail: `Lu : ${text}.` };
  }
  const absence = absenceOf(text, rules);
  if (absence) {
    const grade: GradeValue = { kind: 'absence', code: absence.code };
    return absence.alias ? { ok: true, grade, alias: text } : { ok: true, grade };
  }
  if (NUMBER_WORDS.has(text.replace(/\.$/, '').toLowerCase())) {
    return {
      ok: false,
      code: 'GRADE_INVALID',
      detail: `Lu : ${text} (écrivez la note en chiffres).`,
    };
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

  // A number too large to count in hundredths (1E+308) is out of the scale, not « too precise ».
  if (!Number.isFinite(value * 100)) {
    return inRange(value, rules, formatDecimal(value, 6));
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

/** The spelling typed and the absence code it was read as, when a grade was typed as an alias. */
export function aliasOf(parsed: ParsedGrade): { typed: string; code: AbsenceCode } | null {
  return parsed.ok && parsed.alias !== undefined && parsed.grade.kind === 'absence'
    ? { typed: parsed.alias, code: parsed.grade.code }
    : null;
}

/** « « abs » lu comme ABI (absence injustifiée) »: what an alias was recorded as. */
export function aliasRead(alias: string, code: AbsenceCode): string {
  return `« ${alias} » lu comme ${code} (${ABSENCE_LABELS[code]})`;
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

/** How a machine's score becomes a grade (optical profiles); typed grades never go through it. */
export interface ScoreConversion {
  /** Decimals kept (half up, on the exact decimal); without it a longer score is refused. */
  rounding?: number;
  /** What the score is out of, when not the barème: the score is brought to the barème. */
  scoreScale?: number;
}

/** A score as a grade value ('14.13'), and whether it was rounded or brought to the barème. */
export type ConvertedScore =
  | { ok: true; value: string; rounded: boolean; scaled: boolean }
  | { ok: false; code: ErrorCode; detail: string };

/** A decimal as an exact fraction: a signed numerator over a positive denominator. */
interface Fraction {
  n: bigint;
  d: bigint;
}

// What scoring tools write: `70.66666666666667`, `12,5`, `-3`, Python's `1e-05`. Exponents stay
// small so that a hostile `1e999999` cannot make a huge integer.
const SCORE = /^([+-]?)(\d*)(?:[.,](\d*))?(?:[eE]([+-]?\d{1,2}))?$/;

/** The exact fraction a decimal text stands for, or null when it is no decimal. */
function fractionOf(text: string): Fraction | null {
  const match = SCORE.exec(text.trim());
  if (!match || ((match[2] ?? '') === '' && (match[3] ?? '') === '')) {
    return null;
  }

  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const shift = Number(exponent) - fraction.length;
  const digits = BigInt(`${whole}${fraction}` || '0') * (sign === '-' ? -1n : 1n);
  return shift >= 0
    ? { n: digits * 10n ** BigInt(shift), d: 1n }
    : { n: digits, d: 10n ** BigInt(-shift) };
}

/** `f` rounded half away from zero to `decimals` decimals, as text, and whether it was exact. */
function roundFraction(f: Fraction, decimals: number): { text: string; exact: boolean } {
  const scaled = (f.n < 0n ? -f.n : f.n) * 10n ** BigInt(decimals);
  const remainder = scaled % f.d;
  const units = scaled / f.d + (remainder * 2n >= f.d ? 1n : 0n);

  const digits = units.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const text = decimals > 0 ? `${whole}.${digits.slice(-decimals)}` : whole;
  return { text: f.n < 0n && units > 0n ? `-${text}` : text, exact: remainder === 0n };
}

/**
 * Converts a score a reader wrote into a grade value on `scale`, in exact decimal arithmetic (a
 * float would turn 12.345 into 12.34). Null when the text is no decimal (blank, absence code…):
 * it is then read as any grade is.
 */
export function convertScore(
  text: string,
  conversion: ScoreConversion,
  scale: number,
): ConvertedScore | null {
  const score = fractionOf(text);
  const outOf = fractionOf(String(conversion.scoreScale ?? scale));
  const onScale = fractionOf(String(scale));
  if (!score || !outOf || !onScale || outOf.n <= 0n) {
    return null;
  }

  const scaled = conversion.scoreScale !== undefined && conversion.scoreScale !== scale;
  const value = scaled
    ? { n: score.n * onScale.n * outOf.d, d: score.d * onScale.d * outOf.n }
    : score;
  const decimals = conversion.rounding ?? 2;
  const { text: rounded, exact } = roundFraction(value, decimals);
  if (!exact && conversion.rounding === undefined) {
    const read = scaled ? `${text.trim()} sur ${conversion.scoreScale}` : text.trim();
    return { ok: false, code: 'GRADE_TOO_PRECISE', detail: `Lu : ${read}.` };
  }

  return { ok: true, value: rounded, rounded: !exact, scaled };
}
