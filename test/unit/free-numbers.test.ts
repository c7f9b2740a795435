// Drawing numbers against a year the service does not load: what the ledger learns as it asks.
import { describe, expect, it } from 'vitest';
import { drawNumbers, formatNumber } from '../../src/domain/numbering.js';
import type { NumberingRule } from '../../src/domain/types.js';
import { assignNumbers } from '../../src/services/anonymity.js';
import {
  freeNumbers,
  retriedOnNumberClash,
  type YearLedger,
} from '../../src/services/year-numbers.js';

/** A year whose taken numbers are hidden until asked about, counting the questions. */
class HiddenYear implements YearLedger {
  readonly known = new Set<string>();
  rounds = 0;

  constructor(private readonly taken: ReadonlySet<string>) {}

  knows = (number: string): boolean => this.known.has(number);

  clashes(numbers: readonly string[]): Promise<string[]> {
    this.rounds += 1;
    const found = numbers.filter((n) => this.taken.has(n));
    found.forEach((n) => this.known.add(n));
    return Promise.resolve(found);
  }

  takenBetween(low: string, high: string): Promise<string[]> {
    this.rounds += 1;
    const found = [...this.taken].filter((n) => n >= low && n <= high);
    found.forEach((n) => this.known.add(n));
    return Promise.resolve(found);
  }
}

const rule = (kind: NumberingRule['kind']): NumberingRule => ({
  kind,
  width: 3,
  prefix: 'X',
  check: 'none',
  start: 1,
});

describe('freeNumbers', () => {
  it('fills a random draw around 480 hidden numbers of 1,000 in a few rounds, none of them given', async () => {
    const random = rule('random');
    const taken = new Set(Array.from({ length: 480 }, (_, i) => formatNumber(random, i * 2)));
    const year = new HiddenYear(taken);

    const numbers = await freeNumbers(year, random, 500, (count, isTaken) =>
      drawNumbers(random, count, isTaken),
    );

    expect(numbers).toHaveLength(500);
    expect(new Set(numbers).size).toBe(500);
    expect(numbers.filter((n) => taken.has(n))).toEqual([]);
    expect(numbers).toEqual([...numbers].sort());
    // Replacing only the clashing numbers converges; drawing all 500 again each round would not.
    expect(year.rounds).toBeLessThan(60);
  });

  it('continues a sequential run past the numbers other templates hold', async () => {
    const sequential = rule('sequential');
    const taken = new Set(['X001', 'X002', 'X005', 'X009', 'X010', 'X011']);
    const year = new HiddenYear(taken);

    const numbers = await freeNumbers(year, sequential, 6, (count, isTaken) =>
      drawNumbers(sequential, count, isTaken),
    );

    expect(numbers).toEqual(['X003', 'X004', 'X006', 'X007', 'X008', 'X012']);
  });

  it('gets past another template’s long run in two reads, not one per stretch of its own size', async () => {
    const sequential = { ...rule('sequential'), width: 6 };
    const other = Array.from({ length: 200_000 }, (_, i) => formatNumber(sequential, i + 1));
    const year = new HiddenYear(new Set(other));

    const numbers = await freeNumbers(year, sequential, 1_000, (count, isTaken) =>
      drawNumbers(sequential, count, isTaken),
    );

    expect(numbers[0]).toBe('X200001');
    expect(numbers.at(-1)).toBe('X201000');
    expect(year.rounds).toBe(2);
  });

  it('counts the whole draw and the free numbers found when a random space runs out', async () => {
    const random = { ...rule('random'), width: 2 };
    const taken = new Set(Array.from({ length: 60 }, (_, i) => formatNumber(random, i)));

    const draw = freeNumbers(new HiddenYear(taken), random, 45, (count, isTaken) =>
      drawNumbers(random, count, isTaken),
    );

    const refusal = (await draw.catch((error: unknown) => error)) as {
      code: string;
      detail: string;
    };
    const found = Number(
      /^\(45 numéros à tirer, (\d+) trouvés? libres? /.exec(refusal.detail)?.[1],
    );

    // The whole draw is counted, not its last round; then the free numbers found before the space
    // ran out (of the 40 there are: a round that cannot be filled stops the draw).
    expect(refusal.code).toBe('NUMBER_SPACE_EXHAUSTED');
    expect(found).toBeGreaterThan(0);
    expect(found).toBeLessThanOrEqual(40);
  });

  it('asks nothing more when no number clashes', async () => {
    const year = new HiddenYear(new Set());

    const numbers = await freeNumbers(year, rule('random'), 40, (count, isTaken) =>
      drawNumbers(rule('random'), count, isTaken),
    );

    expect(numbers).toHaveLength(40);
    expect(year.rounds).toBe(1);
  });

  it('never hands out a free-looking place of its run that another template holds', async () => {
    const sequential = rule('sequential');
    // The template's run is 1–100; its own numbers fill every third place, another template holds
    // some of the places left (as a run sharing the rule may), unknown until asked.
    const own = Array.from({ length: 100 }, (_, i) => i + 1).filter((n) => n % 3 === 0);
    const hidden = new Set(
      Array.from({ length: 100 }, (_, i) => i + 1)
        .filter((n) => n % 3 !== 0 && n % 4 === 0)
        .map((n) => formatNumber(sequential, n)),
    );
    for (let trial = 0; trial < 200; trial += 1) {
      const year = new HiddenYear(hidden);
      own.forEach((n) => year.known.add(formatNumber(sequential, n)));

      const numbers = await freeNumbers(
        year,
        sequential,
        20,
        (count, isTaken) =>
          assignNumbers(sequential, count, isTaken, { first: 1, last: 100 }).numbers,
      );

      expect(numbers.filter((n) => hidden.has(n))).toEqual([]);
      expect(new Set(numbers).size).toBe(20);
    }
  });
});

describe('retriedOnNumberClash', () => {
  const clash = Object.assign(new Error('duplicate key'), {
    code: '23505',
    constraint: 'anonymous_number_number_year_key',
  });

  it('draws again when a concurrent pose took a number first, and returns the next outcome', async () => {
    let calls = 0;
    const outcome = await retriedOnNumberClash(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(clash) : Promise.resolve('posé');
    });

    expect([outcome, calls]).toEqual(['posé', 2]);
  });

  it('refuses in French after three clashes, and passes any other error through', async () => {
    await expect(retriedOnNumberClash(() => Promise.reject(clash))).rejects.toMatchObject({
      code: 'POSE_CONCURRENT',
    });
    const other = Object.assign(new Error('other'), { code: '23503' });
    await expect(retriedOnNumberClash(() => Promise.reject(other))).rejects.toBe(other);
  });
});
