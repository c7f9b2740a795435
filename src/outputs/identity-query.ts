// The questions the identity scan (identity-scan.ts) asks its roster about a file: the file's
// distinct words, the runs of words that may be a last name, the dates it holds, then the
// [last name, first name] pairs around the last names the roster recognised.
import { datesIn, mayBeUnpadded } from './identity-parts.js';
import type { RosterQuery } from './identity-roster.js';

/** Longest last name searched alone, in words (« DE LA TOUR D AUVERGNE » is 5). */
export const MAX_NAME_WORDS = 8;
/** Longest first name searched next to a last name, in words. */
const MAX_FIRST_WORDS = 4;

/** One text of a part in `words` form, with its raw text (for dates) and its words. */
export interface Reading {
  part: string;
  raw: string;
  flat: string;
}

const hasLetter = (word: string): boolean => /[A-Z]/.test(word);

/**
 * Adds to `dates` the ISO dates a compact 8-digit word may be (yyyymmdd or ddmmyyyy), those that
 * are calendar days. Told from the digits first: every anonymous number of a long file is such a
 * word, and most are no date at all.
 */
function addCompactDates(word: string, dates: Set<string>): void {
  const part = (from: number, to: number): number => Number(word.slice(from, to));
  if (isDay(part(0, 4), part(4, 6), part(6, 8))) {
    dates.add(`${word.slice(0, 4)}-${word.slice(4, 6)}-${word.slice(6)}`);
  }
  if (isDay(part(4, 8), part(2, 4), part(0, 2))) {
    dates.add(`${word.slice(4)}-${word.slice(2, 4)}-${word.slice(0, 2)}`);
  }
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether year `y`, month `m`, day `d` is a day of the calendar (what Postgres accepts as a date). */
function isDay(y: number, m: number, d: number): boolean {
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = m === 2 && !leap ? 28 : (DAYS_IN_MONTH[m - 1] ?? 0);
  return y >= 1 && d >= 1 && d <= days;
}

/** Whether `yyyy-mm-dd` is a day of the calendar (what Postgres accepts as a date). */
export function isCalendarDay(iso: string): boolean {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return isDay(y, m, d);
}

/**
 * The question about a file: its distinct words, name-shaped runs and dates; with `unpadded`, the
 * digit words that may be a student number stripped of its leading zeros too.
 */
export function queryOf(readings: Reading[], unpadded = false): RosterQuery {
  const all = new Set<string>();
  const names = new Set<string>();
  const dates = new Set<string>();
  // The UTF-8 and Latin-1 readings of an ASCII text are the same: each text is read once.
  // Runs of words with letters, each distinct run once (a receipt repeats the same message).
  const runs = new Set<string>();
  for (const flat of new Set(readings.map((r) => r.flat))) {
    let run: string[] = [];
    for (const word of flat.trim().split(' ')) {
      all.add(word);
      if (word.length === 8 && /^\d{8}$/.test(word)) {
        addCompactDates(word, dates);
      }
      if (hasLetter(word)) {
        run.push(word);
      } else if (run.length > 0) {
        runs.add(run.join(' '));
        run = [];
      }
    }
    runs.add(run.join(' '));
  }
  for (const run of runs) {
    const list = run.split(' ');
    list.forEach((_w, i) => {
      for (let n = 1; n <= MAX_NAME_WORDS && i + n <= list.length; n += 1) {
        names.add(list.slice(i, i + n).join(' '));
      }
    });
  }
  names.delete('');
  for (const raw of new Set(readings.map((r) => r.raw))) {
    datesIn(raw).forEach((d) => isCalendarDay(d) && dates.add(d));
  }
  all.delete('');
  const bare = unpadded ? [...all].filter(mayBeUnpadded) : [];
  return { words: [...all], unpadded: bare, names: [...names], dates: [...dates] };
}

/** The [last, first] pairs worth asking about: name-shaped runs right before or after a last name. */
export function pairsOf(readings: Reading[], lastNames: string[]): Array<[string, string]> {
  const pairs = new Map<string, [string, string]>();
  for (const reading of readings) {
    const list = reading.flat.trim().split(' ');
    for (const last of lastNames) {
      if (!reading.flat.includes(` ${last} `)) {
        continue;
      }
      const size = last.split(' ').length;
      list.forEach((_w, i) => {
        if (list.slice(i, i + size).join(' ') !== last) {
          return;
        }
        for (let n = 1; n <= MAX_FIRST_WORDS; n += 1) {
          for (const first of [list.slice(i - n, i), list.slice(i + size, i + size + n)]) {
            if (first.length === n && first.every(hasLetter)) {
              pairs.set(`${last}|${first.join(' ')}`, [last, first.join(' ')]);
            }
          }
        }
      });
    }
  }
  return [...pairs.values()];
}
