// upsertFrom as an update of existing rows then an insert of new ones (store/copy.ts): the same
// rows end up written as with `insert … on conflict`, unchanged rows untouched, and a row another
// transaction inserts meanwhile is updated, not refused.
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { copyRows, copyUpsert, upsertFrom, type CopyUpsert } from '../../src/store/copy.js';
import { openDb } from '../../src/store/db.js';
import { DATABASE_TARGETS, createTestDatabase, type TestDatabase } from '../support/postgres.js';

const SPEC: CopyUpsert = {
  table: 'kv',
  columns: ['k', 'v'],
  conflict: ['k'],
  set: ['v = excluded.v', 'writes = kv.writes + 1'],
  changedWhen: 'kv.v is distinct from excluded.v',
};

/** A select of (k, v) pairs, as the grade import selects from its staging table. */
function rowsOf(pairs: Array<[string, number | null]>): { sql: string; bindings: unknown[] } {
  return {
    sql: `select k::text, v::integer from (values ${pairs.map(() => '(?, ?)').join(', ')}) as r (k, v)`,
    bindings: pairs.flat(),
  };
}

describe.each(DATABASE_TARGETS)('upsertFrom on $name', ({ postgres }) => {
  let db: Knex;
  let database: TestDatabase | null = null;

  beforeAll(async () => {
    database = postgres ? await createTestDatabase('upsert') : null;
    db = openDb(database ? { url: database.url } : { memory: true });
    await db.raw(
      'create table kv (k text primary key, v integer, writes integer not null default 1)',
    );
  });

  beforeEach(async () => {
    await db('kv').delete();
  });

  afterAll(async () => {
    await db.destroy();
    await database?.drop();
  });

  const table = async (): Promise<Array<{ k: string; v: number | null; writes: number }>> =>
    (await db('kv').orderBy('k').select('k', 'v', 'writes')) as Array<{
      k: string;
      v: number | null;
      writes: number;
    }>;

  it('inserts new rows, rewrites changed ones, leaves equal ones untouched, and counts the writes', async () => {
    await db('kv').insert([
      { k: 'a', v: 1 },
      { k: 'b', v: 2 },
      { k: 'c', v: null },
    ]);
    const { sql, bindings } = rowsOf([
      ['a', 1],
      ['b', 5],
      ['c', 7],
      ['d', 4],
    ]);

    const written = await db.transaction((trx) => upsertFrom(trx, SPEC, sql, bindings));

    expect(written).toBe(3);
    expect(await table()).toEqual([
      { k: 'a', v: 1, writes: 1 },
      { k: 'b', v: 5, writes: 2 },
      { k: 'c', v: 7, writes: 2 },
      { k: 'd', v: 4, writes: 1 },
    ]);
  });

  it('keeps the error of a statement that fails for another reason than a duplicate key', async () => {
    const { sql, bindings } = rowsOf([['a', 1]]);
    const failing = db.transaction((trx) =>
      upsertFrom(trx, { ...SPEC, columns: ['k', 'missing_column'] }, sql, bindings),
    );

    await expect(failing).rejects.toThrow(/missing_column/);
    expect(await table()).toEqual([]);
  });

  it('rejects a COPY the server refuses, and leaves its transaction able to roll back', async () => {
    await db('kv').insert({ k: 'a', v: 1 });

    const refused = db.transaction((trx) =>
      copyRows(
        trx,
        'kv',
        ['k', 'v'],
        [
          ['b', 2],
          ['a', 3],
        ],
      ),
    );

    await expect(refused).rejects.toMatchObject({ code: '23505' });
    expect(await db('kv').orderBy('k').select('k', 'v')).toEqual([{ k: 'a', v: 1 }]);
  });

  it('refuses rows giving the same key twice rather than keeping one of them', async () => {
    await db('kv').insert({ k: 'a', v: 1 });
    const twice = db.transaction((trx) =>
      copyUpsert(trx, SPEC, [
        ['a', 2],
        ['a', 3],
      ]),
    );

    await expect(twice).rejects.toThrow(/given twice/);
    expect(await table()).toEqual([{ k: 'a', v: 1, writes: 1 }]);
  });

  // Autovacuum leaves a table that was emptied with statistics saying it is empty (as `vacuum
  // analyze` does a new one): the insert's check for existing rows was then planned as a scan of
  // the whole table for every incoming row, the rows the statement had written so far included.
  // 100,000 grades into such a `grade` took 70 s instead of 0.5 (measured).
  it.each([
    ['unaware of the table', undefined],
    ['told no row exists', { existing: false, missing: true, recorded: false }],
  ])(
    'into an emptied, vacuumed table, scans the table once, not once per row (%s)',
    async (_case, known) => {
      await db.raw('vacuum analyze kv');
      const { sql, bindings } = rowsOf(
        Array.from({ length: 3000 }, (_, i): [string, number] => [`k${i}`, i]),
      );

      // The backend's counts not yet reported, earlier transactions' included: read around the call.
      const scansSoFar = async (trx: Knex.Transaction): Promise<number> => {
        const stats = (await trx.raw(
          "select seq_scan::int as n from pg_stat_xact_user_tables where relname = 'kv'",
        )) as { rows: Array<{ n: number }> };
        return stats.rows[0]?.n ?? 0;
      };
      const scans = await db.transaction(async (trx) => {
        const before = await scansSoFar(trx);
        expect(await upsertFrom(trx, SPEC, sql, bindings, known)).toBe(3000);
        return (await scansSoFar(trx)) - before;
      });

      expect(scans).toBeLessThanOrEqual(2);
      expect((await table()).length).toBe(3000);
    },
  );

  // Two connections and a lock wait: only a server has them.
  if (postgres) {
    it('updates a row another transaction inserted meanwhile instead of failing', async () => {
      const other = await db.transaction();
      try {
        await other('kv').insert({ k: 'b', v: 9 });
        const { sql, bindings } = rowsOf([
          ['a', 1],
          ['b', 2],
        ]);
        let settled = false;
        const upsert = db.transaction((trx) => upsertFrom(trx, SPEC, sql, bindings));
        void upsert.then(() => (settled = true));
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(settled).toBe(false); // waiting on the other transaction's key
        await other.commit();

        expect(await upsert).toBe(2);
      } finally {
        if (!other.isCompleted()) {
          await other.rollback();
        }
      }
      expect(await table()).toEqual([
        { k: 'a', v: 1, writes: 1 },
        { k: 'b', v: 2, writes: 2 },
      ]);
    });
  }
});
