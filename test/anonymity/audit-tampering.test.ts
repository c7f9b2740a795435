// Everything on the record (issue 5 §5): the service cannot rewrite the audit log, and whoever
// can (a superuser switching the triggers off) leaves a trace `anonymat audit verify` finds.
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAudit } from '../../src/store/audit.js';
import { migrate, openDb } from '../../src/store/db.js';
import { SERVICE_ROLE } from '../../src/store/migrations/002-anonymity-guards.js';
import { DATABASE_TARGETS, createTestDatabase, type TestDatabase } from '../support/postgres.js';

const ENTRIES = 20;

/** Runs `body` with the append-only triggers off, as a superuser attacking the log would. */
async function asSuperuser(db: Knex, body: (trx: Knex.Transaction) => Promise<unknown>) {
  await db.transaction(async (trx) => {
    await trx.raw('alter table audit_log disable trigger user');
    await trx.raw('alter table audit_head disable trigger user');
    await body(trx);
    await trx.raw('alter table audit_log enable trigger user');
    await trx.raw('alter table audit_head enable trigger user');
  });
}

/** A fresh log of ENTRIES entries. */
async function freshLog(db: Knex): Promise<void> {
  await asSuperuser(db, async (trx) => {
    await trx('audit_log').delete();
    await trx('audit_head').delete();
  });
  for (let i = 1; i <= ENTRIES; i++) {
    await db.transaction((trx) =>
      appendAudit(trx, { actor: `gest-${i % 3}`, ctn: 'A', action: 'validate', subject: { i } }),
    );
  }
}

async function refused(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'accepted',
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
}

describe.each(DATABASE_TARGETS)('the audit log on $name', ({ postgres }) => {
  let db: Knex;
  let database: TestDatabase | null = null;
  const detected: string[] = [];

  beforeAll(async () => {
    database = postgres ? await createTestDatabase('audit') : null;
    db = openDb(database ? { url: database.url } : { memory: true });
    await migrate(db);
  });

  afterAll(async () => {
    console.info('tampering attempts detected or refused', detected.length, detected);
    await db.destroy();
    await database?.drop();
  });

  it('refuses UPDATE, DELETE and TRUNCATE from the service', async () => {
    await freshLog(db);

    const answers = [
      await refused(db('audit_log').where({ seq: 3 }).update({ actor: 'personne' })),
      await refused(db('audit_log').where({ seq: 3 }).delete()),
      await refused(db.raw('truncate audit_log')),
      await refused(db('audit_head').where({ id: 1 }).update({ seq: 2 })),
    ];

    expect(answers.every((a) => /append-only|forward/.test(a))).toBe(true);
    detected.push('update refused', 'delete refused', 'truncate refused', 'head rewind refused');
    expect(await verifyAudit(db)).toEqual({ ok: true, count: ENTRIES });
  });

  // Roles exist on Postgres only (PGlite has one user): the test is registered there, not skipped here.
  const onPostgres = postgres ? it : (((): void => undefined) as unknown as typeof it);
  onPostgres('gives the service role no right to UPDATE or DELETE audit rows', async () => {
    await freshLog(db);
    const asService = (body: (trx: Knex.Transaction) => Promise<unknown>): Promise<string> =>
      refused(
        db.transaction(async (trx) => {
          await trx.raw(`set local role ${SERVICE_ROLE}`);
          await body(trx);
        }),
      );

    const read = await asService((trx) => trx('audit_log').first('seq'));
    const update = await asService((trx) =>
      trx('audit_log').where({ seq: 1 }).update({ actor: 'x' }),
    );
    const remove = await asService((trx) => trx('audit_log').where({ seq: 1 }).delete());

    expect(read).toBe('accepted');
    expect([update, remove]).toEqual([
      expect.stringMatching(/permission denied/),
      expect.stringMatching(/permission denied/),
    ]);
    detected.push('service role delete denied');
    detected.push('service role update denied');
  });

  const TAMPERINGS: Array<[string, (trx: Knex.Transaction) => Promise<unknown>, number]> = [
    [
      'an edited subject',
      (t) => t('audit_log').where({ seq: 7 }).update({ subject: '{"i":70}' }),
      7,
    ],
    ['an edited actor', (t) => t('audit_log').where({ seq: 12 }).update({ actor: 'autre' }), 12],
    [
      'an edited time',
      (t) => t('audit_log').where({ seq: 2 }).update({ at: '2020-01-01T00:00:00Z' }),
      2,
    ],
    ['a deleted middle entry', (t) => t('audit_log').where({ seq: 9 }).delete(), 10],
    ['a deleted first entry', (t) => t('audit_log').where({ seq: 1 }).delete(), 2],
    ['a deleted last entry', (t) => t('audit_log').where({ seq: ENTRIES }).delete(), ENTRIES],
    [
      'the last three deleted',
      (t) =>
        t('audit_log')
          .where('seq', '>', ENTRIES - 3)
          .delete(),
      ENTRIES - 2,
    ],
    [
      'two entries swapped',
      async (t) => {
        await t('audit_log').where({ seq: 5 }).update({ seq: -5 });
        await t('audit_log').where({ seq: 6 }).update({ seq: 5 });
        await t('audit_log').where({ seq: -5 }).update({ seq: 6 });
      },
      5,
    ],
    [
      'a rehashed edit (hash recomputed without the chain)',
      (t) =>
        t('audit_log')
          .where({ seq: 4 })
          .update({ subject: '{"i":40}', hash: 'f'.repeat(64) }),
      4,
    ],
  ];

  it.each(TAMPERINGS)('detects %s', async (what, tamper, at) => {
    await freshLog(db);

    await asSuperuser(db, tamper);

    const verdict = await verifyAudit(db);
    expect(verdict).toMatchObject({ ok: false, brokenAtSeq: at });
    detected.push(what);
  });
});
