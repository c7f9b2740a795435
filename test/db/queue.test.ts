// The Postgres + Redis tier: files go through BullMQ queues and workers, as on a site. Skipped,
// with a printed notice, when DATABASE_URL or REDIS_URL is not set.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { runOnce } from '../../src/intake/runner.js';
import { BullQueue, redisConnection, startWorker } from '../../src/jobs/bull-queue.js';
import { closeContext, createContext, type AppContext } from '../../src/services/context.js';
import { addCtn, addUser } from '../../src/services/setup.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const enabled = Boolean(databaseUrl && redisUrl);
if (!enabled) {
  process.stdout.write(
    'NOTICE: Postgres+Redis tier skipped (set DATABASE_URL and REDIS_URL to run it)\n',
  );
}

const CSV = [
  'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP;LIB_ELP',
  '00012345;CANARI;Zoé;01/02/2005;VETX;1;2026;ELPX;Élément X',
  '00054321;PINSON;Léo;03/04/2004;VETX;1;2026;ELPX;Élément X',
].join('\r\n');

async function receipts(outbox: string): Promise<Array<{ status: string; file: string }>> {
  const dir = path.join(outbox, 'Q', 'accuses', 'referentiel');
  const names = (await readdir(dir)).filter((n) => n.endsWith('.receipt.json')).sort();
  return Promise.all(
    names.map(
      async (n) =>
        JSON.parse(await readFile(path.join(dir, n), 'utf8')) as { status: string; file: string },
    ),
  );
}

describe.skipIf(!enabled)('intake through BullMQ on Postgres and Redis', () => {
  let database: TestDatabase;
  let ctx: AppContext;
  let home: string;
  const prefix = `anonymat-it-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    database = await createTestDatabase('queue');
    home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-it-'));
    ctx = await createContext(
      loadConfig(
        { ...process.env },
        {
          home,
          databaseUrl: database.url,
          redisUrl: redisUrl!,
          stableMs: 0,
          unfinishedStableMs: 0,
          queuePrefix: prefix,
        },
      ),
      pino({ level: 'silent' }),
    );
    await addUser(ctx, 'admin', 'admin', 'Admin', true);
    await addCtn(ctx, 'admin', 'Q', 'CTN de test');
  });

  afterAll(async () => {
    await closeContext(ctx);
    await database.drop();
    await rm(home, { recursive: true, force: true });
  });

  it('imports a file once and answers a second drop of the same bytes with a duplicate receipt', async () => {
    const dir = path.join(home, 'inbox', 'Q', 'referentiel');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'etudiants.csv'), CSV);
    await writeFile(path.join(dir, 'etudiants-copie.csv'), CSV);

    const redis = redisConnection(redisUrl!);
    const queue = new BullQueue(redis, prefix);
    const worker = startWorker(ctx, redis);
    try {
      expect(await runOnce(ctx, queue)).toBe(2);

      const statuses = (await receipts(ctx.config.outbox)).map((r) => r.status).sort();
      expect(statuses).toEqual(['duplicate', 'imported']);
      expect(await ctx.db('student').count<{ n: number }[]>({ n: '*' })).toEqual([{ n: 2 }]);
      expect(
        await ctx
          .db('student')
          .where({ student_number: '00012345' })
          .first('last_name', 'first_name'),
      ).toEqual({ last_name: 'CANARI', first_name: 'Zoé' });

      const keys = await redis.keys(`${prefix}:intake:drop-*`);
      const payloads = await Promise.all(
        keys.filter((k) => !k.includes(':lock')).map((k) => redis.hget(k, 'data')),
      );
      const joined = payloads.join(' ');
      expect(payloads.length).toBeGreaterThan(0);
      expect(joined).not.toMatch(/CANARI|PINSON|00012345|etudiants/);
      expect(JSON.parse(payloads[0] ?? '{}')).toEqual({
        dropId: expect.any(Number),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    } finally {
      await worker.close();
      await queue.close();
      redis.disconnect();
    }
  });
});
