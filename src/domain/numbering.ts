// Anonymous numbers (design.md §4): check characters, formatting, drawing and parsing.
// Numbers are text; they are never derived from a student, a name or the order of a list.

import { randomInt as cryptoRandomInt } from 'node:crypto';

import { AppError } from './errors.js';
import type { CheckKind, NumberingRule } from './types.js';

/** A uniform random integer in [min, max): `crypto.randomInt` in production, a stub in tests. */
export type RandomInt = (min: number, max: number) => number;

// crypto.randomInt refuses ranges of 2^48 or more; 10^14 is the widest power of ten below.
const MAX_WIDTH = 14;

// Random numbers must stay sparse: a guessed number should rarely be a real one, and
// rejection sampling stays fast. A random rule may hand out at most half of its space.
const MAX_RANDOM_SHARE = 0.5;

// Damm's totally anti-symmetric quasigroup of order 10 (H. M. Damm, 2004): row = interim, column = digit.
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/** Product in the dihedral group D5: 0-4 are rotations, 5-9 reflections. */
function dihedral(j: number, k: number): number {
  if (j < 5) {
    return k < 5 ? (j + k) % 5 : 5 + ((j + k - 5) % 5);
  }

  return k < 5 ? 5 + ((j - 5 - k + 5) % 5) : (j - k + 5) % 5;
}

// Verhoeff's position permutation (1 5 8 9 4 2 7 0)(3 6) and its powers; it has order 8.
const VERHOEFF_STEP = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4];
const VERHOEFF_PERM: number[][] = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]];
for (let i = 1; i < 8; i++) {
  VERHOEFF_PERM.push(VERHOEFF_PERM[i - 1]!.map((d) => VERHOEFF_STEP[d]!));
}
const VERHOEFF_INVERSE = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/** Throws unless `digits` holds digits only: check characters are computed over digits. */
function assertDigits(digits: string): void {
  if (!/^\d*$/.test(digits)) {
    throw new AppError('INVALID_ARGUMENT', `Chiffres attendus : « ${digits} ».`);
  }
}

/** Digits of a digit-only string, right to left. */
function digitsRightToLeft(digits: string): number[] {
  return [...digits].reverse().map(Number);
}

/** Damm interim digit of a digit-only string; 0 when a trailing check digit is right. */
function dammInterim(digits: string): number {
  // A loop over char codes: a pose formats every number of its run, so this runs 100,000s of times.
  let interim = 0;
  for (let i = 0; i < digits.length; i++) {
    interim = DAMM[interim]![digits.charCodeAt(i) - 48]!;
  }

  return interim;
}

/** Verhoeff checksum with positions starting at `offset` (1 to compute, 0 to verify). */
function verhoeffSum(digits: string, offset: number): number {
  return digitsRightToLeft(digits).reduce(
    (c, d, i) => dihedral(c, VERHOEFF_PERM[(i + offset) % 8]![d]!),
    0,
  );
}

/** Luhn sum with doubling starting at `offset` (0 to compute, 1 to verify) from the right. */
function luhnSum(digits: string, offset: number): number {
  return digitsRightToLeft(digits).reduce((sum, d, i) => {
    const doubled = (i + offset) % 2 === 0 ? d * 2 : d;
    return sum + (doubled > 9 ? doubled - 9 : doubled);
  }, 0);
}

/** The check character of `digits` for `kind` ('' when the rule has none). */
export function checkDigit(kind: CheckKind, digits: string): string {
  assertDigits(digits);

  return checkOfDigits(kind, digits);
}

/** checkDigit for a string already known to hold digits only. */
function checkOfDigits(kind: CheckKind, digits: string): string {
  switch (kind) {
    case 'none':
      return '';
    case 'damm':
      return String(dammInterim(digits));
    case 'verhoeff':
      return String(VERHOEFF_INVERSE[verhoeffSum(digits, 1)]);
    case 'luhn':
      return String((10 - (luhnSum(digits, 0) % 10)) % 10);
  }
}

/** True when the last character of `digitsWithCheck` is the right check character for the rest. */
export function isValidCheck(kind: CheckKind, digitsWithCheck: string): boolean {
  if (!/^\d+$/.test(digitsWithCheck)) {
    return false;
  }

  switch (kind) {
    case 'none':
      return true;
    case 'damm':
      return dammInterim(digitsWithCheck) === 0;
    case 'verhoeff':
      return verhoeffSum(digitsWithCheck, 0) === 0;
    case 'luhn':
      return luhnSum(digitsWithCheck, 1) % 10 === 0;
  }
}

/** Count of distinct numbers a rule can write: 10^width. */
function spaceOf(rule: NumberingRule): number {
  if (!Number.isInteger(rule.width) || rule.width < 1 || rule.width > MAX_WIDTH) {
    throw new AppError('INVALID_ARGUMENT', `Largeur de numéro entre 1 et ${MAX_WIDTH} attendue.`);
  }

  return 10 ** rule.width;
}

/** The number `n` as the rule writes it: prefix, zero-padded digits, check character. */
export function formatNumber(rule: NumberingRule, n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n >= spaceOf(rule)) {
    throw new AppError('INVALID_ARGUMENT', `Numéro ${n} hors de la règle.`);
  }

  return writeNumber(rule, n);
}

/** formatNumber for an `n` the caller already knows is inside the rule's space. */
function writeNumber(rule: NumberingRule, n: number): string {
  // Digits only by construction: a non-negative safe integer, zero-padded.
  const digits = String(n).padStart(rule.width, '0');

  return rule.prefix + digits + checkOfDigits(rule.check, digits);
}

/** A uniformly shuffled copy of `items` (Fisher–Yates over a cryptographic source). */
export function shuffle<T>(items: readonly T[], randomInt: RandomInt = cryptoRandomInt): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }

  return out;
}

/**
 * A uniformly random `count` of `items`, kept in their order. A partial Fisher–Yates over the
 * indices draws the smaller of the kept and the left-out parts: picking 100,000 of 110,000 numbers
 * takes 10,000 draws, where a shuffle would take 110,000 and a sort after it.
 */
export function pick<T>(
  items: readonly T[],
  count: number,
  randomInt: RandomInt = cryptoRandomInt,
): T[] {
  const n = items.length;
  if (count >= n) {
    return [...items];
  }

  const draws = Math.min(count, n - count);
  const index = new Int32Array(n).map((_, i) => i);
  const drawn = new Uint8Array(n);
  for (let i = n - 1; i >= n - draws; i--) {
    const j = randomInt(0, i + 1);
    const chosen = index[j]!;
    index[j] = index[i]!;
    index[i] = chosen;
    drawn[chosen] = 1;
  }
  const keep = draws === count ? 1 : 0;

  return items.filter((_, i) => drawn[i] === keep);
}

/** Error thrown when the rule has no room left for `count` numbers. */
function exhausted(count: number, rule: NumberingRule): AppError {
  const sequential = rule.kind === 'sequential';
  // A sequential draw asks for its places of reserve too (for late students): the count is more
  // than the students, and says so.
  const asked = `${count} numéro${count > 1 ? 's' : ''} à tirer`;
  const reserve = sequential ? ', places de réserve de la suite comprises' : '';
  const kind = sequential ? 'séquentielle' : 'aléatoire';
  return new AppError(
    'NUMBER_SPACE_EXHAUSTED',
    `(${asked}${reserve}, numéros de ${rule.width} chiffres, règle ${kind})`,
  );
}

/** The next `count` free numbers of the run, starting at `start`. */
function drawSequential(
  rule: NumberingRule,
  count: number,
  isTaken: (formatted: string) => boolean,
  start: number,
): string[] {
  const space = spaceOf(rule);
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new AppError('INVALID_ARGUMENT', `Numéro ${start} hors de la règle.`);
  }

  const out: string[] = [];
  for (let n = start; out.length < count; n++) {
    if (n >= space) {
      throw exhausted(count, rule);
    }
    const formatted = writeNumber(rule, n);
    if (!isTaken(formatted)) {
      out.push(formatted);
    }
  }

  return out;
}

/** `count` distinct free numbers drawn uniformly over the whole space. */
function drawRandom(
  rule: NumberingRule,
  count: number,
  isTaken: (formatted: string) => boolean,
  randomInt: RandomInt,
): string[] {
  const space = spaceOf(rule);
  if (count > Math.floor(space * MAX_RANDOM_SHARE)) {
    throw exhausted(count, rule);
  }

  // With at least half the space free a draw succeeds every other try; running past this budget
  // means numbers taken elsewhere in the year fill the space, which is worth a clear error.
  const budget = 64 * count + 1024;
  const drawn = new Set<number>();
  const out: string[] = [];
  for (let attempt = 0; out.length < count; attempt++) {
    if (attempt >= budget) {
      throw exhausted(count, rule);
    }
    const n = randomInt(0, space);
    if (drawn.has(n)) {
      continue;
    }
    drawn.add(n);
    const formatted = writeNumber(rule, n);
    if (!isTaken(formatted)) {
      out.push(formatted);
    }
  }

  return out;
}

/**
 * `count` new numbers for a template, none of them `isTaken` (already used in the year).
 * Sequential rules continue the run after `after`, the highest integer the template already used.
 */
export function drawNumbers(
  rule: NumberingRule,
  count: number,
  isTaken: (formatted: string) => boolean,
  opts: { randomInt?: RandomInt; after?: number } = {},
): string[] {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new AppError('INVALID_ARGUMENT', `Nombre de numéros invalide : ${count}.`);
  }

  switch (rule.kind) {
    case 'sequential': {
      const start = Math.max(rule.start, (opts.after ?? -1) + 1);
      return drawSequential(rule, count, isTaken, start);
    }
    case 'random':
      return drawRandom(rule, count, isTaken, opts.randomInt ?? cryptoRandomInt);
  }
}

/** Text as a person may have typed it: spaces of any kind removed, upper case. */
function normalise(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/** The digits after the prefix (check character included) if `text` has the rule's shape. */
function digitsOf(rule: NumberingRule, text: string): string | null {
  const prefix = rule.prefix.toUpperCase();
  const length = rule.width + (rule.check === 'none' ? 0 : 1);
  if (!text.startsWith(prefix)) {
    return null;
  }

  const digits = text.slice(prefix.length);

  return digits.length === length && /^\d+$/.test(digits) ? digits : null;
}

/** Result of reading a number from a file or a command line. */
export type ParsedNumber =
  | { ok: true; number: string; value: number }
  | { ok: false; code: 'NUMBER_BLANK' | 'NUMBER_CHECK_FAILED' | 'NUMBER_UNKNOWN' };

/** Reads a number typed by a person: blank, wrong shape (unknown), wrong check, or the number. */
export function parseNumber(rule: NumberingRule, text: string): ParsedNumber {
  const normalised = normalise(text);
  if (normalised === '') {
    return { ok: false, code: 'NUMBER_BLANK' };
  }

  const digits = digitsOf(rule, normalised);
  if (digits === null) {
    return { ok: false, code: 'NUMBER_UNKNOWN' };
  }
  if (!isValidCheck(rule.check, digits)) {
    return { ok: false, code: 'NUMBER_CHECK_FAILED' };
  }

  const value = Number(digits.slice(0, rule.width));

  return { ok: true, number: formatNumber(rule, value), value };
}

/** Every digit string one wrong digit or one swap of adjacent digits away from `digits`. */
function oneTypoAway(digits: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < digits.length; i++) {
    for (let d = 0; d <= 9; d++) {
      out.add(digits.slice(0, i) + String(d) + digits.slice(i + 1));
    }
    if (i + 1 < digits.length) {
      out.add(digits.slice(0, i) + digits[i + 1]! + digits[i]! + digits.slice(i + 2));
    }
  }
  out.delete(digits);

  return out;
}

/**
 * The known numbers of the rule one typo (a wrong digit, or two adjacent digits swapped) away
 * from `text`, sorted: listed next to a rejected number, never used to correct it.
 */
export function likelyIntended(
  rule: NumberingRule,
  text: string,
  known: (n: string) => boolean,
): string[] {
  const digits = digitsOf(rule, normalise(text));
  if (digits === null) {
    return [];
  }

  const candidates: string[] = [];
  for (const candidate of oneTypoAway(digits)) {
    if (!isValidCheck(rule.check, candidate)) {
      continue;
    }
    const number = rule.prefix + candidate;
    if (known(number)) {
      candidates.push(number);
    }
  }

  return candidates.sort();
}
