// A student number typed without its leading zeros (Excel drops them: 03324370 shows as 3324370) is
// still that student's identifier in a cell beside an anonymous number or in a reveal's reason
// (trial). The identity scan looks such a word up by the number stripped of its zeros: this index
// serves that lookup, for the only numbers it can concern, those starting with a zero.
import type { Knex } from 'knex';

/** Adds the index. */
export async function up(db: Knex): Promise<void> {
  await db.raw(
    `create index student_scan_number_unpadded on student (ltrim(scan_number, '0'))
       where scan_number like '0%'`,
  );
}

/** Drops it. */
export async function down(db: Knex): Promise<void> {
  await db.raw('drop index if exists student_scan_number_unpadded');
}
