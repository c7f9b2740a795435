// Nor a log or a job (issue 5 §2): canary identities go through a whole cycle; none of them is
// found in the logs, in the Redis job data, or in any file written while anonymity was validated.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoOutcome } from '../../src/cli/demo-run.js';
import { runOnce } from '../../src/intake/runner.js';
import { BullQueue, redisConnection, startWorker } from '../../src/jobs/bull-queue.js';
import { scanForIdentities, type RosterEntry } from '../../src/outputs/gateway.js';
import { closeContext } from '../../src/services/context.js';
import { writePv } from '../../src/services/pv-report.js';
import { writeGradeWorkbooks, writeLabels } from '../../src/services/reports.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { buildAnonWorld, dropFile, type AnonWorld } from './world.js';

const maquette = new URL('../fixtures/apogee-maquette-7W29.txt', import.meta.url).pathname;

/** A pino logger at debug level writing into `lines`. */
function capturingLogger(lines: string[]): Logger {
  return pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
}

/** Every identity of the database as a roster. */
async function everyone(db: AnonWorld['ctx']['db']): Promise<RosterEntry[]> {
  const rows = (await db('student').select('*')) as Array<{
    student_number: string;
    ine: string | null;
    last_name: string;
    first_name: string;
    birth_date: Date | string | null;
  }>;
  const iso = (d: Date | string | null): string | null =>
    d === null
      ? null
      : typeof d === 'string'
        ? d.slice(0, 10)
        : `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return rows.map((r) => ({
    studentNumber: r.student_number,
    ine: r.ine,
    lastName: r.last_name,
    firstName: r.first_name,
    birthDate: iso(r.birth_date),
  }));
}

/** Hits of `roster` in a text (log lines, job data), as `kind` labels. */
function hitsIn(text: string, roster: RosterEntry[]): string[] {
  return scanForIdentities('-', text, roster).map((h) => h.kind);
}

describe('the whole demo cycle with a capturing logger', () => {
  const lines: string[] = [];
  let home: string;
  let outcome: DemoOutcome;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-canary-'));
    outcome = await runDemo({
      home,
      maquette,
      students: 200,
      log: capturingLogger(lines),
      say: () => undefined,
    });
  });

  afterAll(async () => {
    await outcome.ctx?.db.destroy();
    await rm(home, { recursive: true, force: true });
  });

  it('has an inspector that does find a planted identity in a log line', async () => {
    const roster = await everyone(outcome.ctx!.db);
    const canary = roster[17];
    const planted = JSON.stringify({ msg: 'x', number: '123456', student: canary?.studentNumber });

    expect(hitsIn(planted, roster)).toEqual(['student_number']);
    expect(hitsIn(`{"who":"${canary?.lastName ?? ''}"}`, roster)).toEqual(['last_name']);
  });

  it('logs no identity at all', async () => {
    const roster = await everyone(outcome.ctx!.db);
    const hits = hitsIn(lines.join('\n'), roster);
    console.info('canary scan of logs', { lines: lines.length, students: roster.length, hits });

    expect(lines.length).toBeGreaterThan(10);
    expect(hits).toEqual([]);
  });

  it('writes no identity into any file produced while anonymity was validated', async () => {
    const roster = await everyone(outcome.ctx!.db);
    const files = outcome.writtenUnderV.filter((f) => !f.includes('confidentiel'));
    let hits = 0;
    for (const file of files) {
      const bytes = await readFile(path.join(outcome.ctx!.config.outbox, file));
      hits += scanForIdentities(file, bytes, roster).length;
    }
    console.info('canary scan of outputs under V', { files: files.length, hits });

    expect(files.length).toBeGreaterThan(10);
    expect(hits).toBe(0);
    expect(outcome.ctx!.outbox.blocked).toEqual([]);
  });
});

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const both = Boolean(databaseUrl && redisUrl);
if (!both) {
  process.stdout.write(
    'NOTICE: canary Postgres+Redis tier skipped (set DATABASE_URL and REDIS_URL)\n',
  );
}

/** Every value stored under the prefix, whatever the Redis type. */
async function redisDump(
  redis: ReturnType<typeof redisConnection>,
  prefix: string,
): Promise<string> {
  const out: string[] = [];
  for (const key of await redis.keys(`${prefix}:*`)) {
    const type = await redis.type(key);
    out.push(key);
    if (type === 'hash') {
      out.push(JSON.stringify(await redis.hgetall(key)));
    } else if (type === 'list') {
      out.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    } else if (type === 'zset') {
      out.push(JSON.stringify(await redis.zrange(key, 0, -1)));
    } else if (type === 'set') {
      out.push(JSON.stringify(await redis.smembers(key)));
    } else if (type === 'string') {
      out.push((await redis.get(key)) ?? '');
    } else if (type === 'stream') {
      out.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
  }
  return out.join('\n');
}

describe.skipIf(!both)('a cycle on Postgres through BullMQ with canary students', () => {
  const lines: string[] = [];
  const prefix = `anonymat-canary-${process.pid}-${Date.now()}`;
  let database: TestDatabase;
  let world: AnonWorld;
  let dump = '';
  let keys = 0;

  beforeAll(async () => {
    database = await createTestDatabase('canary');
    world = await buildAnonWorld(capturingLogger(lines), database.url, 24, {
      redisUrl: redisUrl!,
      queuePrefix: prefix,
    });
    await writeLabels(world.ctx, 'gest-A', world.refA);
    await writeGradeWorkbooks(world.ctx, 'gest-A', world.refA);
    const graded = world.numbersA.map((n, i) => `${n.number};${(i % 20) + 0.5}`.replace('.', ','));
    await dropFile(
      world.ctx,
      'A',
      'notes',
      'notes-MAT101.csv',
      ['N° anonyme;Note', ...graded].join('\r\n'),
    );
    const victim = world.canaries[1];
    await dropFile(
      world.ctx,
      'A',
      'notes',
      `notes-${victim?.lastName}.csv`,
      `COD_ETU;COD_ELP;Note\r\n${victim?.studentNumber};MAT101;12\r\n`,
    );

    const redis = redisConnection(redisUrl!);
    const queue = new BullQueue(redis, prefix);
    const worker = startWorker(world.ctx, redis);
    await runOnce(world.ctx, queue);
    await writePv(world.ctx, 'gest-A', world.refA);
    dump = await redisDump(redis, prefix);
    keys = (await redis.keys(`${prefix}:*`)).length;
    await worker.close();
    await queue.close();
    for (const key of await redis.keys(`${prefix}:*`)) {
      await redis.del(key);
    }
    redis.disconnect();
  });

  afterAll(async () => {
    await closeContext(world.ctx);
    await database.drop();
    await rm(world.home, { recursive: true, force: true });
  });

  it('imports the anonymous grades through the queue', async () => {
    const grades = await world.ctx.db('grade').whereNotNull('value');

    expect(grades).toHaveLength(world.numbersA.length);
  });

  it('leaves no identity in the Redis job data', async () => {
    const roster = await everyone(world.ctx.db);
    const hits = hitsIn(dump, roster);
    console.info('canary scan of Redis', { keys, chars: dump.length, hits });

    expect(keys).toBeGreaterThan(0);
    expect(hits).toEqual([]);
  });

  it('logs no identity', async () => {
    const hits = hitsIn(lines.join('\n'), await everyone(world.ctx.db));
    console.info('canary scan of logs (Postgres)', { lines: lines.length, hits });

    expect(hits).toEqual([]);
  });

  it('writes no identity into any outbox file but the confidential list', async () => {
    const roster = await everyone(world.ctx.db);
    const files = world.ctx.outbox.written.filter((f) => !f.includes('confidentiel'));
    let hits = 0;
    for (const file of files) {
      hits += scanForIdentities(
        file,
        await readFile(path.join(world.ctx.config.outbox, file)),
        roster,
      ).length;
    }
    console.info('canary scan of outbox (Postgres)', { files: files.length, hits });

    expect(hits).toBe(0);
  });
});
