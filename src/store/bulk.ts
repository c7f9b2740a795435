// Set-based writes: one INSERT statement per batch of rows, never one query per row.
import type { Knex } from 'knex';

/** Rows per statement: keeps parameters under Postgres' 65,535 bind limit for our widest tables. */
export const BATCH_ROWS = 2000;

/** Splits rows into statement-sized batches. */
export function batches<T>(rows: readonly T[], size = BATCH_ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) {
    out.push(rows.slice(i, i + size));
  }
  return out;
}

/** Inserts rows in batches, ignoring rows that hit the given unique key. Returns rows inserted. */
export async function insertIgnore(
  db: Knex | Knex.Transaction,
  table: string,
  rows: readonly Record<string, unknown>[],
  conflict: string[],
): Promise<number> {
  let inserted = 0;
  for (const batch of batches(rows)) {
    const result = await db(table)
      .insert(batch)
      .onConflict(conflict)
      .ignore()
      .returning(conflict[0] ?? '*');
    inserted += result.length;
  }
  return inserted;
}

/** Inserts rows in batches, updating `merge` columns of rows that hit the unique key. */
export async function upsert(
  db: Knex | Knex.Transaction,
  table: string,
  rows: readonly Record<string, unknown>[],
  conflict: string[],
  merge: string[],
): Promise<void> {
  for (const batch of batches(rows)) {
    await db(table).insert(batch).onConflict(conflict).merge(merge);
  }
}
