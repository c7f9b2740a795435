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

/** A row whose number is held in other years too, read for the service's year. */
export interface LiftedHolding {
  row: KeyedRow;
  number: string;
  year: number;
  /** Whether its exam is lifted in the service's year. */
  lifted: boolean;
}

/** The academic years a file name names (« notes-2027-LET101 »): none when it names `year` too. */
function yearsNamedIn(fileName: string | null, year: number): number[] {
  const named = (fileName ?? '').split(/[^\p{L}\p{N}]+/u).filter((w) => /^20\d\d$/.test(w));
  const years = [...new Set(named.map(Number))];
  return years.includes(year) ? [] : years;
}

/**
 * `resolved` without the rows among `held` (numbers held in other years too) that are more likely
 * meant for another year, which are refused: a number whose exam is lifted in the service's year
 * while another year holds it under anonymity (read for the service's year, a 2027 file replaced
 * lifted 2026 grades of other students, trial), and a number held in a year the file's name names.
 * One query per chunk, none when no row is lifted and the name names no other year.
 */
export async function withoutYearDoubts<T extends { row: KeyedRow }>(
  input: ChannelInput,
  resolved: T[],
  held: readonly LiftedHolding[],
  errors: ErrorList,
): Promise<T[]> {
  const year = held[0]?.year ?? 0;
  const named = yearsNamedIn(input.fileName, year);
  if (held.length === 0 || (named.length === 0 && !held.some((h) => h.lifted))) {
    return resolved;
  }
  const found = (await input.trx.raw(
    `select n.number,
            array_agg(distinct n.year order by n.year) filter (where ta.state <> 'L') as open_years,
            bool_or(n.year = any(?::int[])) as named
       from anonymous_number n
       join template_assessment ta on ta.template_id = n.template_id
        and (n.assessment_id is null or ta.assessment_id = n.assessment_id)
      where n.number = any(?::text[]) and n.year <> ?
      group by n.number`,
    [named, held.map((h) => h.number), year],
  )) as { rows: Array<{ number: string; open_years: number[] | null; named: boolean }> };
  const byNumber = new Map(found.rows.map((r) => [r.number, r]));
  const refused = new Set<number>();
  for (const { row, number, lifted } of held) {
    const other = byNumber.get(number);
    const open = other?.open_years ?? [];
    if (lifted && open.length > 0) {
      const others = open.map(academicYearLabel).join(', ');
      const detail = `(levée en ${academicYearLabel(year)} ; sous anonymat en ${others})`;
      errors.add(row.number, 'N° anonyme', 'NUMBER_YEAR_AMBIGUOUS', row.text('number'), detail);
      refused.add(row.number);
    } else if (other?.named === true) {
      const names = named.map(academicYearLabel).join(', ');
      const detail = `(nom du fichier : ${names} ; année du service : ${academicYearLabel(year)})`;
      errors.add(row.number, 'N° anonyme', 'NUMBER_YEAR_NAMED', row.text('number'), detail);
      refused.add(row.number);
    }
  }
  return refused.size === 0 ? resolved : resolved.filter((r) => !refused.has(r.row.number));
}
