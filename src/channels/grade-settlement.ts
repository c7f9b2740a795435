// What a grade file's stage (grade-stage.ts) holds once every row is in, before anything is
// written: the rows whose (assessment, student) appears twice, the grades that could not be read,
// and how many grades are kept or blank; then the receipt's listing of those faults.
import type { Knex } from 'knex';
import type { ErrorList } from './rows.js';

/** What settling the stage found: the rows to list, the grades kept and the blank rows. */
export interface Settlement {
  faults: Fault[];
  kept: number;
  blanks: number;
}

interface Fault {
  row_no: number;
  key_text: string | null;
  key_column: string;
  grade_text: string | null;
  error_code: string;
  error_detail: string | null;
  dup: boolean;
}

/**
 * Marks the rows of the stage `table` whose (assessment, student) appears twice (none of them is
 * kept) and reads the rows to list (those and the grades that could not be read, in row order)
 * with the counts of grades kept and blank.
 */
export async function settleStage(trx: Knex.Transaction, table: string): Promise<Settlement> {
  await trx.raw(
    `update ${table} s set dup = true from (
       select assessment_id, student_number from ${table}
       group by assessment_id, student_number having count(*) > 1
     ) d where s.assessment_id = d.assessment_id and s.student_number = d.student_number`,
  );
  const faults = (await trx.raw(
    `select row_no, key_text, key_column, grade_text, error_code, error_detail, dup from ${table}
     where dup or error_code is not null order by row_no`,
  )) as { rows: Fault[] };
  const counts = (await trx.raw(
    `select count(*) filter (where not blank)::int as kept, count(*) filter (where blank)::int as blanks
     from ${table} where not dup and error_code is null`,
  )) as { rows: Array<{ kept: number; blanks: number }> };
  return { faults: faults.rows, ...(counts.rows[0] ?? { kept: 0, blanks: 0 }) };
}

/** Lists a settlement's faults on the receipt, in row order. */
export function listFaults(settlement: Settlement, errors: ErrorList): void {
  for (const f of settlement.faults) {
    if (f.dup) {
      // The value shown is what the person typed in the key column, never a resolved identity.
      errors.add(f.row_no, f.key_column, 'NUMBER_DUPLICATED', f.key_text ?? '');
    } else {
      errors.add(
        f.row_no,
        'Note',
        f.error_code as Parameters<ErrorList['add']>[2],
        f.grade_text ?? '',
        f.error_detail ?? undefined,
      );
    }
  }
}
