import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openDb, type Db } from '../../src/store/db.js';
import { copyRows, copyUpsert } from '../../src/store/copy.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  process.stdout.write('NOTICE: COPY on Postgres skipped (set DATABASE_URL to run it)\n');
}

const TRICKY: Array<[number, string | null, boolean]> = [
  [1, 'plain', true],
  [2, 'tab\there, new\nline, cr\r, back\\slash', false],
  [3, null, true],
  [4, '\\N is not null', false],
  [5, 'Élodie N’Diaye — 12,5', true],
];

// One embedded database for the PGlite tests: starting PGlite is the slow part.
let pglite: Db;
beforeAll(() => {
  pglite = openDb({ memory: true });
});
afterAll(async () => {
  await pglite.destroy();
});

async function roundTrip(db: Db): Promise<unknown[]> {
  await db.raw('create table copied (id integer, label text, ok boolean)');
  const copied = await db.transaction((trx) =>
    copyRows(trx, 'copied', ['id', 'label', 'ok'], TRICKY),
  );
  expect(copied).toBe(TRICKY.length);
  const rows = (await db('copied').orderBy('id').select('id', 'label', 'ok')) as Array<{
    id: number;
    label: string | null;
    ok: boolean;
  }>;
  return rows.map((r) => [r.id, r.label, r.ok]);
}

describe('copyRows', () => {
  it('loads every value exactly, on embedded PGlite', async () => {
    expect(await roundTrip(pglite)).toEqual(TRICKY);
  });

  it('takes a large number of rows in chunks, inside the caller’s transaction', async () => {
    const db = pglite;
    await db.raw('create table big (n integer)');
    await db
      .transaction(async (trx) => {
        await copyRows(
          trx,
          'big',
          ['n'],
          Array.from({ length: 25_000 }, (_, i) => [i]),
        );
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await copyRows(db, 'big', ['n'], [[1], [2]]);

    expect(await db('big').count({ n: '*' })).toEqual([{ n: 2 }]);
  });

  describe.skipIf(!databaseUrl)('on Postgres', () => {
    const name = `anonymat_copy_${process.pid}_${Date.now()}`;
    const admin = (): Db => knexFactory({ client: 'pg', connection: databaseUrl });

    afterAll(async () => {
      const db = admin();
      await db.raw(`drop database if exists ${name} with (force)`);
      await db.destroy();
    });

    it('loads every value exactly through the copy sub-protocol', async () => {
      const setup = admin();
      await setup.raw(`create database ${name}`);
      await setup.destroy();
      const url = new URL(databaseUrl ?? '');
      url.pathname = `/${name}`;
      const db = openDb({ url: url.toString() });
      try {
        expect(await roundTrip(db)).toEqual(TRICKY);
      } finally {
        await db.destroy();
      }
    });
  });
});

describe('copyUpsert', () => {
  it('inserts new rows and rewrites only the rows whose value changed', async () => {
    const db = pglite;
    await db.raw(
      'create table mark (k integer primary key, v text, touched integer not null default 0)',
    );
    await db('mark').insert([
      { k: 1, v: 'a' },
      { k: 2, v: 'b' },
    ]);
    const spec = {
      table: 'mark',
      columns: ['k', 'v'],
      conflict: ['k'],
      set: ['v = excluded.v', 'touched = mark.touched + 1'],
      changedWhen: 'mark.v is distinct from excluded.v',
    };

    const written = await db.transaction((trx) =>
      copyUpsert(trx, spec, [
        [1, 'a'],
        [2, 'B'],
        [3, 'c'],
      ]),
    );

    expect(written).toBe(2);
    expect(await db('mark').orderBy('k').select('k', 'v', 'touched')).toEqual([
      { k: 1, v: 'a', touched: 0 },
      { k: 2, v: 'B', touched: 1 },
      { k: 3, v: 'c', touched: 0 },
    ]);
  });
});

describe('copyRows into a constrained table', () => {
  it('inserts every row, defaults filled, and counts them', async () => {
    const db = pglite;
    await db.raw('create table tag (k integer primary key, v text not null, n integer default 7)');

    const inserted = await db.transaction((trx) =>
      copyRows(
        trx,
        'tag',
        ['k', 'v'],
        [
          [2, 'b'],
          [1, 'a\tz'],
        ],
      ),
    );

    expect(inserted).toBe(2);
    expect(await db('tag').orderBy('k').select('k', 'v', 'n')).toEqual([
      { k: 1, v: 'a\tz', n: 7 },
      { k: 2, v: 'b', n: 7 },
    ]);
  });

  it('still checks the unique key: one conflicting row fails the COPY and writes nothing', async () => {
    const db = pglite;
    await db.raw('create table seat (k integer primary key, v text)');
    await db('seat').insert({ k: 1, v: 'kept' });

    const attempt = db.transaction((trx) =>
      copyRows(
        trx,
        'seat',
        ['k', 'v'],
        [
          [2, 'new'],
          [1, 'clash'],
        ],
      ),
    );

    await expect(attempt).rejects.toThrow(/duplicate key/);
    expect(await db('seat').orderBy('k').select('k', 'v')).toEqual([{ k: 1, v: 'kept' }]);
  });
});
