// A number held in other academic years too: the receipt says so once per file (issue 7 trials).
import { academicYearLabel } from '../outputs/french.js';
import type { Holder } from './numbers.js';
import { LISTED_NOTICES, type ErrorList, type KeyedRow } from './rows.js';
import type { ChannelInput } from './types.js';

/**
 * Says once per file, on the first row concerned, that a number read is held in other academic
 * years too and which year the grade goes to: numbers are unique within a year only, and a late
 * correction for a past year would otherwise go to this year's student without a word. A returned
 * workbook names its template, and so its year: nothing to say.
 */
export async function noteOtherYears(
  input: ChannelInput,
  errors: ErrorList,
  row: KeyedRow,
  found: { holder: Holder; bound: boolean },
): Promise<void> {
  const code = 'NUMBER_OTHER_YEARS';
  const { holder } = found;
  if (found.bound || !holder.heldElsewhere || errors.noticesListable(code) < LISTED_NOTICES) {
    return;
  }
  const years = (await input
    .trx('anonymous_number')
    .where({ number: holder.number })
    .whereNot({ year: holder.year })
    .distinct('year')
    .orderBy('year')
    .pluck('year')) as number[];
  const others = years.map(academicYearLabel).join(', ');
  const detail = `(aussi attribué en ${others} ; note enregistrée pour ${academicYearLabel(holder.year)})`;
  errors.note(row.number, 'N° anonyme', code, row.text('number'), detail);
}

/** A row whose number is held in other years too, read for the service's year, where it is lifted. */
export interface LiftedHolding {
  row: KeyedRow;
  number: string;
  year: number;
}

/**
 * `resolved` without the rows among `lifted` whose number another year holds for an exam still
 * under anonymity, which are refused. Such a file is far likelier meant for that other year
 * (its exam still collects grades) than a late correction of a lifted one: read for the service's
 * year, a 2027 file replaced lifted 2026 grades of other students (trial). One query per chunk.
 */
export async function withoutYearDoubts<T extends { row: KeyedRow }>(
  input: ChannelInput,
  resolved: T[],
  lifted: readonly LiftedHolding[],
  errors: ErrorList,
): Promise<T[]> {
  const refused = new Set<number>();
  if (lifted.length === 0) {
    return resolved;
  }
  const found = (await input.trx.raw(
    `select n.number, array_agg(distinct n.year order by n.year) as years
       from anonymous_number n
       join template_assessment ta on ta.template_id = n.template_id
        and (n.assessment_id is null or ta.assessment_id = n.assessment_id)
      where n.number = any(?::text[]) and n.year <> ? and ta.state <> 'L'
      group by n.number`,
    [lifted.map((l) => l.number), lifted[0]?.year ?? 0],
  )) as { rows: Array<{ number: string; years: number[] }> };
  const open = new Map(found.rows.map((r) => [r.number, r.years]));
  for (const { row, number, year } of lifted) {
    const years = open.get(number);
    if (years) {
      const others = years.map(academicYearLabel).join(', ');
      const detail = `(levée en ${academicYearLabel(year)} ; sous anonymat en ${others})`;
      errors.add(row.number, 'N° anonyme', 'NUMBER_YEAR_AMBIGUOUS', row.text('number'), detail);
      refused.add(row.number);
    }
  }
  return refused.size === 0 ? resolved : resolved.filter((r) => !refused.has(r.row.number));
}
