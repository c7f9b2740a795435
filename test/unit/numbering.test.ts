import { describe, it, expect } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import {
  checkDigit,
  drawNumbers,
  formatNumber,
  isValidCheck,
  likelyIntended,
  parseNumber,
  pick,
  shuffle,
  type RandomInt,
} from '../../src/domain/numbering.js';
import type { CheckKind, NumberingRule } from '../../src/domain/types.js';

/** A rule with sensible defaults. */
function rule(overrides: Partial<NumberingRule> = {}): NumberingRule {
  return { kind: 'sequential', width: 6, prefix: '', check: 'none', start: 1, ...overrides };
}

/** A RandomInt that plays back `values` in order, checking each stays in range. */
function scripted(values: number[]): RandomInt {
  let i = 0;
  return (min, max) => {
    const v = values[i++];
    if (v === undefined || v < min || v >= max) {
      throw new Error(`scripted value ${v} outside [${min}, ${max})`);
    }
    return v;
  };
}

/** Every variant of `full` with one wrong digit. */
function wrongDigits(full: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < full.length; i++) {
    for (let d = 0; d <= 9; d++) {
      const typo = full.slice(0, i) + String(d) + full.slice(i + 1);
      if (typo !== full) {
        out.push(typo);
      }
    }
  }
  return out;
}

/** Every variant of `full` with two different adjacent digits swapped. */
function adjacentSwaps(full: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < full.length; i++) {
    if (full[i] !== full[i + 1]) {
      out.push(full.slice(0, i) + full[i + 1]! + full[i]! + full.slice(i + 2));
    }
  }
  return out;
}

/** Every 4-digit payload with its check character appended. */
function allFourDigitNumbers(kind: CheckKind): string[] {
  return Array.from({ length: 10_000 }, (_, n) => {
    const digits = String(n).padStart(4, '0');
    return digits + checkDigit(kind, digits);
  });
}

describe('check characters', () => {
  it.each(['damm', 'verhoeff'] as const)(
    '%s detects every single wrong digit and every adjacent swap over all 4-digit numbers',
    (kind) => {
      const numbers = allFourDigitNumbers(kind);
      const passes = (typo: string): boolean => isValidCheck(kind, typo);
      expect(numbers.every(passes)).toBe(true);
      expect(numbers.flatMap(wrongDigits).filter(passes)).toEqual([]);
      expect(numbers.flatMap(adjacentSwaps).filter(passes)).toEqual([]);
    },
  );

  it('luhn detects every single wrong digit but misses the 09/90 swap', () => {
    const numbers = allFourDigitNumbers('luhn');
    const passes = (typo: string): boolean => isValidCheck('luhn', typo);
    expect(numbers.flatMap(wrongDigits).filter(passes)).toEqual([]);
    const missedSwaps = numbers.flatMap(adjacentSwaps).filter(passes);
    expect(missedSwaps.length).toBeGreaterThan(0);
    expect(missedSwaps.every((typo) => typo.includes('09') || typo.includes('90'))).toBe(true);
  });

  it('matches the published examples', () => {
    expect(checkDigit('damm', '572')).toBe('4');
    expect(checkDigit('verhoeff', '236')).toBe('3');
    expect(checkDigit('luhn', '7992739871')).toBe('3');
  });

  it('adds nothing when the rule has no check character', () => {
    expect(checkDigit('none', '1234')).toBe('');
    expect(isValidCheck('none', '1234')).toBe(true);
  });

  it('refuses anything but digits', () => {
    expect(() => checkDigit('damm', '12a')).toThrowError(AppError);
    expect(isValidCheck('damm', '12a4')).toBe(false);
    expect(isValidCheck('damm', '')).toBe(false);
  });
});

describe('formatNumber', () => {
  it('keeps leading zeros', () => {
    expect(formatNumber(rule(), 42)).toBe('000042');
    expect(formatNumber(rule(), 0)).toBe('000000');
  });

  it('puts the prefix first and the check character last, computed over the padded digits', () => {
    const damm = rule({ prefix: 'S', check: 'damm' });
    expect(formatNumber(damm, 42)).toBe(`S000042${checkDigit('damm', '000042')}`);
  });

  it('refuses a number wider than the rule', () => {
    expect(() => formatNumber(rule({ width: 3 }), 1000)).toThrowError(AppError);
    expect(() => formatNumber(rule(), -1)).toThrowError(AppError);
  });
});

describe('shuffle', () => {
  it('returns a permutation and leaves the input alone', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const shuffled = shuffle(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(items[0]).toBe(0);
  });

  it('is unbiased: each of the 24 random sequences gives a different order of 4 items', () => {
    const orders = new Set<string>();
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 3; b++) {
        for (let c = 0; c < 2; c++) {
          orders.add(shuffle(['w', 'x', 'y', 'z'], scripted([a, b, c])).join(''));
        }
      }
    }
    expect(orders.size).toBe(24);
  });
});

describe('pick', () => {
  it('keeps `count` of the items, in their order, and leaves the input alone', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const kept = pick(items, 900);

    expect(kept).toHaveLength(900);
    expect(kept.every((v, i) => i === 0 || v > (kept[i - 1] ?? v))).toBe(true);
    expect(items).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('gives each of the 6 pairs of 4 items for 2 of the 12 random sequences', () => {
    const pairs = new Map<string, number>();
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 3; b++) {
        const pair = pick(['w', 'x', 'y', 'z'], 2, scripted([a, b])).join('');
        pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
      }
    }

    expect(Object.fromEntries(pairs)).toEqual({ wx: 2, wy: 2, wz: 2, xy: 2, xz: 2, yz: 2 });
  });

  it('draws the left-out items when they are fewer: each 3 of 4 from one random value', () => {
    const kept = [0, 1, 2, 3].map((a) => pick(['w', 'x', 'y', 'z'], 3, scripted([a])).join(''));

    expect(kept.sort()).toEqual(['wxy', 'wxz', 'wyz', 'xyz']);
  });

  it('returns every item when asked for as many or more', () => {
    expect(pick(['a', 'b'], 2, scripted([]))).toEqual(['a', 'b']);
    expect(pick(['a', 'b'], 5, scripted([]))).toEqual(['a', 'b']);
  });
});

describe('drawNumbers, sequential', () => {
  it('hands out a contiguous run from the rule start', () => {
    expect(drawNumbers(rule({ start: 7 }), 4, () => false)).toEqual([
      '000007',
      '000008',
      '000009',
      '000010',
    ]);
  });

  it('skips numbers already taken elsewhere in the year', () => {
    const taken = new Set(['000002', '000003']);
    expect(drawNumbers(rule(), 3, (n) => taken.has(n))).toEqual(['000001', '000004', '000005']);
  });

  it('continues the run after the highest number the template already used', () => {
    expect(drawNumbers(rule({ start: 1 }), 2, () => false, { after: 120 })).toEqual([
      '000121',
      '000122',
    ]);
    expect(drawNumbers(rule({ start: 500 }), 1, () => false, { after: 120 })).toEqual(['000500']);
  });

  it('draws 100,000 numbers quickly', () => {
    const numbers = drawNumbers(rule({ check: 'verhoeff' }), 100_000, () => false);
    expect(new Set(numbers).size).toBe(100_000);
    expect(numbers.at(-1)?.slice(0, 6)).toBe('100000');
  });

  it('reports an exhausted space instead of overflowing the width', () => {
    expect(() => drawNumbers(rule({ width: 2, start: 95 }), 6, () => false)).toThrowError(
      expect.objectContaining({ code: 'NUMBER_SPACE_EXHAUSTED' }),
    );
  });

  it('returns nothing when nothing is asked', () => {
    expect(drawNumbers(rule(), 0, () => false)).toEqual([]);
  });
});

describe('drawNumbers, random', () => {
  const random = rule({ kind: 'random', width: 7, check: 'damm' });

  it('draws 100,000 distinct, well-formed numbers', () => {
    const numbers = drawNumbers(random, 100_000, () => false);
    expect(new Set(numbers).size).toBe(100_000);
    expect(numbers.every((n) => parseNumber(random, n).ok)).toBe(true);
  });

  it('never hands out a number taken elsewhere, nor the same one twice', () => {
    const small = rule({ kind: 'random', width: 1 });
    const numbers = drawNumbers(small, 3, (n) => n === '4', {
      randomInt: scripted([4, 2, 2, 7, 0]),
    });
    expect(numbers).toEqual(['2', '7', '0']);
  });

  it('refuses to use more than half of the space', () => {
    const small = rule({ kind: 'random', width: 2 });
    expect(drawNumbers(small, 50, () => false)).toHaveLength(50);
    expect(() => drawNumbers(small, 51, () => false)).toThrowError(
      expect.objectContaining({ code: 'NUMBER_SPACE_EXHAUSTED' }),
    );
  });

  it('gives up with a clear error when the year has taken the whole space', () => {
    const small = rule({ kind: 'random', width: 3 });
    expect(() => drawNumbers(small, 10, () => true)).toThrowError(
      expect.objectContaining({ code: 'NUMBER_SPACE_EXHAUSTED' }),
    );
  });
});

describe('parseNumber', () => {
  const damm = rule({ prefix: 'S', check: 'damm' });
  const good = formatNumber(damm, 42);

  it('reads a well-formed number, keeping its leading zeros', () => {
    expect(parseNumber(damm, good)).toEqual({ ok: true, number: good, value: 42 });
  });

  it('tolerates spaces of any kind and a lower-case prefix', () => {
    const typed = ` s\u00a0000\u202f${good.slice(4)} `;
    expect(parseNumber(damm, typed)).toEqual({ ok: true, number: good, value: 42 });
  });

  it('reports a blank cell', () => {
    expect(parseNumber(damm, ' \u00a0')).toEqual({ ok: false, code: 'NUMBER_BLANK' });
  });

  it('reports a wrong shape as unknown', () => {
    expect(parseNumber(damm, good.slice(1))).toEqual({ ok: false, code: 'NUMBER_UNKNOWN' });
    expect(parseNumber(damm, 'S42')).toEqual({ ok: false, code: 'NUMBER_UNKNOWN' });
    expect(parseNumber(damm, `${good}0`)).toEqual({ ok: false, code: 'NUMBER_UNKNOWN' });
    expect(parseNumber(damm, 'S00004A7')).toEqual({ ok: false, code: 'NUMBER_UNKNOWN' });
  });

  it('reports a wrong check character', () => {
    const typo = `S000043${good.slice(-1)}`;
    expect(parseNumber(damm, typo)).toEqual({ ok: false, code: 'NUMBER_CHECK_FAILED' });
  });
});

describe('likelyIntended', () => {
  const verhoeff = rule({ prefix: 'A', check: 'verhoeff' });
  const known = new Set(drawNumbers(verhoeff, 2000, () => false, { after: 12_000 }));
  const isKnown = (n: string): boolean => known.has(n);

  it('finds the original of a mistyped digit', () => {
    const original = formatNumber(verhoeff, 12_345);
    const typo = `${original.slice(0, 3)}9${original.slice(4)}`;
    expect(parseNumber(verhoeff, typo)).toEqual({ ok: false, code: 'NUMBER_CHECK_FAILED' });
    expect(likelyIntended(verhoeff, typo, isKnown)).toContain(original);
  });

  it('finds the original of two swapped digits', () => {
    const original = formatNumber(verhoeff, 12_345);
    const typo = `A01${original.slice(4, 5)}${original.slice(3, 4)}${original.slice(5)}`;
    expect(likelyIntended(verhoeff, typo, isKnown)).toContain(original);
  });

  it('lists only known numbers, sorted', () => {
    const original = formatNumber(verhoeff, 12_345);
    const typo = `${original.slice(0, -1)}${(Number(original.slice(-1)) + 1) % 10}`;
    const found = likelyIntended(verhoeff, typo, isKnown);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every(isKnown)).toBe(true);
    expect(found).toEqual([...found].sort());
  });

  it('lists nothing for a text that has not the shape of a number', () => {
    expect(likelyIntended(verhoeff, 'A12', isKnown)).toEqual([]);
  });
});
