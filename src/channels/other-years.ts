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
