// The numbers of an academic year a new draw must avoid (design.md §4: unique within the year across
// all templates), asked of the database for the numbers drawn rather than loaded whole. A large
// university gives millions of numbers a year (one per student per assessment): loading them all
// for each pose took 0.5 s of query and 0.6 s of JavaScript per million, and a set of that size,
// for a pose of 100,000 students (issue 7). Asking costs one index probe per number drawn.
import type { Knex } from 'knex';
import { AppError } from '../domain/errors.js';
import { parseNumber } from '../domain/numbering.js';
import type { NumberingRule } from '../domain/types.js';
import type { LoadedTemplate } from './lookups.js';

/** Numbers asked per query: a parameter array of this size stays well under a megabyte. */
const ASKED_PER_QUERY = 50_000;

/** What a draw asks of the year: what it already knows taken, and which of its numbers clash. */
export interface YearLedger {
  knows: (number: string) => boolean;
  /** Of `numbers`, those taken in the year; from then on they are known. */
  clashes(numbers: readonly string[]): Promise<string[]>;
  /** The year's numbers from `low` to `high` in text order; from then on they are known. */
  takenBetween(low: string, high: string): Promise<string[]>;
}

/** What the year holds, learnt as draws meet it: numbers given, printed as spares, or drawn here. */
export class YearNumbers implements YearLedger {
  private readonly known = new Set<string>();

  constructor(
    private readonly trx: Knex.Transaction,
    private readonly year: number,
  ) {}

  /** Marks numbers as taken: a template's own, or those an earlier scope of the same draw took. */
  hold(numbers: Iterable<string>): void {
    for (const number of numbers) {
      this.known.add(number);
    }
  }

  /** True when the number is known to be taken (a draw avoids it without asking). */
  readonly knows = (number: string): boolean => this.known.has(number);

  /** Of `numbers`, those the year already holds (given or spare); they are remembered as taken. */
  async clashes(numbers: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    for (let at = 0; at < numbers.length; at += ASKED_PER_QUERY) {
      // One index probe per number, in key order; spares are numbers of the year too (a printed
      // spare label must never name a posed student).
      const result = (await this.trx.raw(
        `select k from (select distinct k from unnest(?::text[]) as k order by k) as keys (k)
          where exists (select 1 from anonymous_number a where a.number = keys.k and a.year = ?)
             or exists (select 1 from spare_label s where s.number = keys.k and s.year = ?)`,
        [numbers.slice(at, at + ASKED_PER_QUERY), this.year, this.year],
      )) as { rows: Array<{ k: string }> };
      result.rows.forEach((row) => found.push(row.k));
    }
    this.hold(found);
    return found;
  }

  async takenBetween(low: string, high: string): Promise<string[]> {
    // One range of the year's index (its numbers compare byte by byte: migration 010), and the
    // spares' compared the same way, whatever the database's default collation.
    const result = (await this.trx.raw(
      `select number from anonymous_number where number >= ? and number <= ? and year = ?
       union all
       select number from spare_label
        where (number collate "C") >= ? and (number collate "C") <= ? and year = ?`,
      [low, high, this.year, low, high, this.year],
    )) as { rows: Array<{ number: string }> };
    const found = result.rows.map((row) => row.number);
    this.hold(found);
    return found;
  }
}

/**
 * `count` numbers none of which the year holds, drawn by `draw` (given how many to draw and what to
 * avoid) and checked with the database until none clashes. Random numbers come back in ascending
 * order.
 */
export async function freeNumbers(
  year: YearLedger,
  rule: NumberingRule,
  count: number,
  draw: (count: number, isTaken: (number: string) => boolean) => string[],
): Promise<string[]> {
  return rule.kind === 'sequential'
    ? freeRun(year, rule, count, draw)
    : freeRandom(year, count, draw);
}

/**
 * A random draw keeps its free numbers and replaces only those that clashed (one index probe per
 * number), so that a year whose space is already well filled converges in a few rounds.
 */
async function freeRandom(
  year: YearLedger,
  count: number,
  draw: (count: number, isTaken: (number: string) => boolean) => string[],
): Promise<string[]> {
  const kept = new Set<string>();
  while (kept.size < count) {
    const more = drawOrExhausted(count, kept.size, () =>
      draw(count - kept.size, (n) => year.knows(n) || kept.has(n)),
    );
    const clashing = new Set(await year.clashes(more));
    more.filter((n) => !clashing.has(n)).forEach((n) => kept.add(n));
  }
  return [...kept].sort();
}

/**
 * Runs one round of a random draw; when the space runs out, the refusal counts the whole draw (the
 * round only asked for the numbers still missing) and the free numbers found before.
 */
function drawOrExhausted(count: number, found: number, round: () => string[]): string[] {
  try {
    return round();
  } catch (error: unknown) {
    if (!(error instanceof AppError) || error.code !== 'NUMBER_SPACE_EXHAUSTED' || found === 0) {
      throw error;
    }
    throw new AppError(
      'NUMBER_SPACE_EXHAUSTED',
      `(${count} numéros à tirer, ${found} trouvé${found > 1 ? 's' : ''} libre${found > 1 ? 's' : ''} ; ` +
        'les numéros des autres maquettes de l’année et les étiquettes de réserve comptent comme pris)',
    );
  }
}

/**
 * A sequential draw is a stretch of the rule's numbers, and so is what can clash with it: the year's
 * numbers in that stretch are read as one index range (none, usually: templates keep to their own
 * runs). Where another template's numbers lie across it, every number of the year with the rule's
 * shape is read at once (a draw may pick free places anywhere in the template's run, below the
 * stretch too), and the draw made again knows all it can meet (a number committed meanwhile by
 * another pose is refused by the year's unique index, failing this pose).
 */
async function freeRun(
  year: YearLedger,
  rule: NumberingRule,
  count: number,
  draw: (count: number, isTaken: (number: string) => boolean) => string[],
): Promise<string[]> {
  const numbers = draw(count, year.knows);
  const first = numbers[0];
  const last = numbers.at(-1);
  if (first === undefined || last === undefined) {
    return numbers;
  }
  const drawn = new Set(numbers);
  if (!(await year.takenBetween(first, last)).some((n) => drawn.has(n))) {
    return numbers;
  }

  // Every text of the rule's shape sorts between these two: the prefix and its digits.
  await year.takenBetween(
    rule.prefix + '0'.repeat(rule.width),
    rule.prefix + '9'.repeat(rule.width + 1),
  );
  return draw(count, year.knows);
}

/**
 * What a draw for `template` starts from: the year, knowing the template's own numbers and spares
 * (a sequential run looks for free places among them), and the values of both under its rule.
 * Other templates' numbers are asked for as numbers are drawn, never loaded.
 */
export async function templateYear(
  trx: Knex.Transaction,
  template: LoadedTemplate,
): Promise<{ year: YearNumbers; given: number[]; spares: number[] }> {
  const given = (await trx('anonymous_number')
    .select('number')
    .where({ template_id: template.id })) as Array<{ number: string }>;
  const spares = (await trx('spare_label')
    .select('number')
    .where({ template_id: template.id })) as Array<{ number: string }>;

  const year = new YearNumbers(trx, template.year);
  const values = (rows: Array<{ number: string }>): number[] => {
    year.hold(rows.map((row) => row.number));
    return rows
      .map((row) => parseNumber(template.rule, row.number))
      .flatMap((p) => (p.ok ? [p.value] : []));
  };
  return { year, given: values(given), spares: values(spares) };
}

/** Draws a pose can make again when a pose of another template took one of its numbers first. */
const POSE_ATTEMPTS = 3;

/**
 * Runs a pose again when its numbers met those of a pose of another template committed meanwhile
 * (the year's unique index refused them, and its transaction rolled back whole): the next draw
 * sees them. Past the attempts, a clear refusal rather than an internal error.
 */
export async function retriedOnNumberClash<T>(pose: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await pose();
    } catch (error: unknown) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code !== '23505' || constraint !== 'anonymous_number_number_year_key') {
        throw error;
      }
      if (attempt >= POSE_ATTEMPTS) {
        throw new AppError('POSE_CONCURRENT');
      }
    }
  }
}
