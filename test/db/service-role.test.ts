// On Postgres the service acts as the restricted role of migration 002: whatever user the URL
// names, its sessions cannot rewrite the audit log (checked on the grant, not only the trigger).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { closeContext, createContext, type AppContext } from '../../src/services/context.js';
import { addUser } from '../../src/services/setup.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const enabled = Boolean(process.env.DATABASE_URL);
if (!enabled) {
  process.stdout.write('NOTICE: service-role test skipped (set DATABASE_URL to run it)\n');
}

describe.skipIf(!enabled)('the database role the service acts as', () => {
  let database: TestDatabase;
  let ctx: AppContext;
  let home: string;

  beforeAll(async () => {
    database = await createTestDatabase('role');
    home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-role-'));
    const config = loadConfig(process.env, { home, databaseUrl: database.url, redisUrl: null });
    ctx = await createContext(config, pino({ level: 'silent' }));
    await addUser(ctx, 'admin', 'admin', 'Admin', true);
  });

  afterAll(async () => {
    await closeContext(ctx);
    await database.drop();
    await rm(home, { recursive: true, force: true });
  });

  it('is anonymat_service, which may append to the audit log but not rewrite it', async () => {
    const who = (await ctx.db.raw('select current_user as role')) as {
      rows: Array<{ role: string }>;
    };
    expect(who.rows[0]?.role).toBe('anonymat_service');
    expect(await ctx.db('audit_log').count<{ n: number }[]>({ n: '*' })).toEqual([{ n: 1 }]);

    const update = await ctx
      .db('audit_log')
      .update({ actor: 'x' })
      .catch((e: unknown) => String(e));
    const remove = await ctx
      .db('audit_log')
      .delete()
      .catch((e: unknown) => String(e));
    expect(update).toMatch(/permission denied/);
    expect(remove).toMatch(/permission denied/);
  });
});
