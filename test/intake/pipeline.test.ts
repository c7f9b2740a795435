// The pipeline as on a site: real Postgres (a database of our own), real Redis (a prefix of our
// own, or a private redis-server we stop), real `anonymat worker` processes we kill. Whatever
// happens, every file ends with exactly one outcome and no grade is lost or doubled. Skipped, with
// a printed notice, when DATABASE_URL or REDIS_URL is not set.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scanInbox } from '../../src/intake/runner.js';
import {
  BullQueue,
  checkEvictionPolicy,
  redisConnection,
  scheduleReconcile,
  startWorker,
} from '../../src/jobs/bull-queue.js';
import { RECONCILE_JOB } from '../../src/jobs/queue.js';
import { reconcile } from '../../src/services/reconcile.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { freePort, spawnWorker, startRedis, stop, type WorkerProcess } from './processes.js';
import {
  allReceipts,
  buildGradedWorld,
  CTN,
  dropFile,
  figure,
  gradeCsv,
  gradeOf,
  inboxLeft,
  openContext,
  referentialCsv,
  tally,
  tempHome,
  type GradedWorld,
} from './support.js';

const redisUrl = process.env.REDIS_URL;
const enabled = Boolean(process.env.DATABASE_URL && redisUrl);
if (!enabled) {
  process.stdout.write(
    'NOTICE: intake pipeline tier skipped (set DATABASE_URL and REDIS_URL to run it)\n',
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Drops still open (not done) among those whose file name starts with `prefix`. */
async function openDrops(ctx: AppContext, prefix: string): Promise<number> {
  const rows = await ctx
    .db('intake_drop')
    .where('file_name', 'like', `${prefix}%`)
    .andWhere({ done: false })
    .count({ n: '*' });
  return Number(rows[0]?.n);
}

/** Per file name with `prefix`: its receipts, its drop outcomes, its import audit entries. */
async function accounts(ctx: AppContext, prefix: string) {
  const receipts = (await allReceipts(ctx)).filter((r) => r.file.startsWith(prefix));
  const drops = (await ctx
    .db('intake_drop')
    .where('file_name', 'like', `${prefix}%`)
    .select('id', 'file_name', 'outcome', 'done')) as Array<{
    id: number;
    file_name: string;
    outcome: string | null;
    done: boolean;
  }>;
  const ids = new Set(drops.map((d) => Number(d.id)));
  const audits = (await ctx
    .db('audit_log')
    .where({ action: 'import' })
    .select('subject')) as Array<{
    subject: { dropId: number };
  }>;
  const importsPerDrop = tally(
    audits.filter((a) => ids.has(Number(a.subject.dropId))).map((a) => String(a.subject.dropId)),
  );
  return { receipts, drops, importsPerDrop };
}

describe.skipIf(!enabled)('the intake pipeline on Postgres and Redis', { timeout: 150_000 }, () => {
  let database: TestDatabase;
  let home: string;
  let ctx: AppContext;
  let world: GradedWorld;
  const prefix = `anonymat-pipe-${process.pid}-${Date.now()}`;
  const children: WorkerProcess[] = [];

  const workerEnv = (queuePrefix: string, redis = redisUrl!): Record<string, string> => ({
    ANONYMAT_HOME: home,
    DATABASE_URL: database.url,
    REDIS_URL: redis,
    ANONYMAT_QUEUE_PREFIX: queuePrefix,
    ANONYMAT_JOB_LOCK_MS: '2000',
    ANONYMAT_RETRY_MAX_MS: '1000',
    ANONYMAT_RECONCILE_CRON: 'off',
    ANONYMAT_STABLE_MS: '0',
    ANONYMAT_UNFINISHED_STABLE_MS: '0',
  });
  const worker = (queuePrefix: string, concurrency: number): WorkerProcess => {
    const started = spawnWorker(workerEnv(queuePrefix), concurrency);
    children.push(started);
    return started;
  };

  beforeAll(async () => {
    database = await createTestDatabase('pipeline');
    home = await tempHome('pipeline');
    ctx = await openContext(home, {
      databaseUrl: database.url,
      redisUrl: redisUrl!,
      queuePrefix: prefix,
      jobLockMs: 2000,
      retryMaxMs: 1000,
    });
    world = await buildGradedWorld(ctx, 200);
  });

  afterAll(async () => {
    for (const c of children) {
      await stop(c.child, 'SIGKILL');
    }
    const redis = redisConnection(redisUrl!);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    redis.disconnect();
    await closeContext(ctx);
    await database.drop();
    await rm(home, { recursive: true, force: true });
  });

  it('loses and doubles no grade when workers are killed (SIGKILL) at random during 200 imports', async () => {
    const queuePrefix = `${prefix}-kill`;
    for (let i = 0; i < 200; i += 1) {
      const grade = gradeOf(i);
      await dropFile(ctx, 'notes', `kill-${i}.csv`, gradeCsv([[world.numbers[i]!, grade.typed]]));
    }
    const redis = redisConnection(redisUrl!);
    const queue = new BullQueue(redis, queuePrefix, ctx.log);
    await scanInbox(ctx, queue);

    const pool = [worker(queuePrefix, 4), worker(queuePrefix, 4)];
    let kills = 0;
    // Each kill lands on a worker that is up and taking jobs, at a random point of its work.
    while ((await openDrops(ctx, 'kill-')) > 0 && kills < 6) {
      await Promise.all(pool.map((w) => w.ready));
      await sleep(200 + Math.random() * 800);
      const victim = Math.floor(Math.random() * pool.length);
      await stop(pool[victim]!.child, 'SIGKILL');
      kills += 1;
      pool[victim] = worker(queuePrefix, 4);
    }
    // The killed workers' jobs come back once their locks expire; a rescan revives any given up.
    await vi.waitFor(
      async () => {
        if ((await openDrops(ctx, 'kill-')) > 0) {
          await scanInbox(ctx, queue);
          throw new Error('drops still open');
        }
      },
      { timeout: 90_000, interval: 1000 },
    );
    const finished = await queue.queue.getJobs(['completed', 'failed'], 0, -1);
    const resumed = finished.filter((j) => j.attemptsStarted > 1 || j.stalledCounter > 0).length;
    await queue.close();
    redis.disconnect();

    const { receipts, drops, importsPerDrop } = await accounts(ctx, 'kill-');
    const grades = (await ctx
      .db('grade')
      .where({ assessment_id: world.assessmentId })
      .select('student_number', 'value')) as Array<{ student_number: string; value: string }>;
    const byStudent = new Map(grades.map((g) => [g.student_number, Number(g.value).toFixed(2)]));
    const lost = world.students.filter((s, i) => byStudent.get(s) !== gradeOf(i).stored).length;
    const doubled = Object.values(importsPerDrop).filter((n) => n > 1).length;
    const perFile = tally(receipts.map((r) => r.file));
    figure('SIGKILL during 200 imports', {
      kills,
      jobsTakenAgainAfterAKill: resumed,
      gradesLost: lost,
      importsDoubled: doubled,
      outcomes: tally(drops.map((d) => d.outcome)),
      filesWithExactlyOneReceipt: Object.values(perFile).filter((n) => n === 1).length,
    });

    expect(kills).toBeGreaterThan(0);
    expect(lost).toBe(0);
    expect(doubled).toBe(0);
    expect(grades).toHaveLength(200);
    expect(tally(drops.map((d) => d.outcome))).toEqual({ imported: 200 });
    expect(Object.keys(perFile)).toHaveLength(200);
    expect(Object.values(perFile).every((n) => n === 1)).toBe(true);
    expect(await inboxLeft(ctx, 'notes')).toEqual([]);
  });

  it('leaves no file half-done when a worker gets SIGTERM with 50 jobs in hand', async () => {
    const queuePrefix = `${prefix}-term`;
    for (let i = 0; i < 50; i += 1) {
      const grade = gradeOf(i + 7);
      await dropFile(ctx, 'notes', `term-${i}.csv`, gradeCsv([[world.numbers[i]!, grade.typed]]));
    }
    const redis = redisConnection(redisUrl!);
    const queue = new BullQueue(redis, queuePrefix, ctx.log);
    await scanInbox(ctx, queue);

    const first = worker(queuePrefix, 50);
    let active = 0;
    await vi.waitFor(
      async () => {
        active = await queue.queue.getActiveCount();
        expect(active).toBeGreaterThanOrEqual(50);
      },
      { timeout: 30_000, interval: 20 },
    );
    first.child.kill('SIGTERM');
    const code = await first.exited;

    const inbox = new Set(await inboxLeft(ctx, 'notes'));
    const receipted = new Set((await allReceipts(ctx)).map((r) => r.file));
    const { drops } = await accounts(ctx, 'term-');
    const halfDone = drops.filter((d) => {
      const finished =
        d.outcome !== null && d.done && !inbox.has(d.file_name) && receipted.has(d.file_name);
      const untouched =
        d.outcome === null && !d.done && inbox.has(d.file_name) && !receipted.has(d.file_name);
      return !finished && !untouched;
    });
    const finishedBeforeExit = drops.filter((d) => d.done).length;

    worker(queuePrefix, 8);
    await vi.waitFor(async () => expect(await openDrops(ctx, 'term-')).toBe(0), {
      timeout: 60_000,
      interval: 500,
    });
    const after = await accounts(ctx, 'term-');
    figure('SIGTERM during 50 active jobs', {
      activeAtSigterm: active,
      exitCode: code,
      finishedBeforeExit,
      halfDone: halfDone.length,
      outcomesAfterRestart: tally(after.drops.map((d) => d.outcome)),
    });
    await queue.close();
    redis.disconnect();

    expect(code).toBe(0);
    expect(halfDone).toEqual([]);
    expect(tally(after.drops.map((d) => d.outcome))).toEqual({ imported: 50 });
    expect(Object.values(after.importsPerDrop).every((n) => n === 1)).toBe(true);
  });

  it('imports the same file dropped 10 times at once once, with 9 duplicate receipts, across workers', async () => {
    const queuePrefix = `${prefix}-same`;
    const bytes = referentialCsv(['04040404', '05050505']);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => dropFile(ctx, 'referentiel', `meme-${i}.csv`, bytes)),
    );
    const redis = redisConnection(redisUrl!);
    const queue = new BullQueue(redis, queuePrefix, ctx.log);
    worker(queuePrefix, 5);
    worker(queuePrefix, 5);
    await scanInbox(ctx, queue);

    await vi.waitFor(async () => expect(await openDrops(ctx, 'meme-')).toBe(0), {
      timeout: 60_000,
      interval: 300,
    });
    await queue.close();
    redis.disconnect();

    const statuses = tally((await accounts(ctx, 'meme-')).receipts.map((r) => r.status));
    figure('same file 10x, two worker processes', statuses);
    expect(statuses).toEqual({ imported: 1, duplicate: 9 });
  });

  it('brings every file to its outcome when Redis is stopped during imports, then restarted', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let server = await startRedis(port);
    const queuePrefix = `${prefix}-outage`;
    for (let i = 0; i < 80; i += 1) {
      await dropFile(
        ctx,
        'referentiel',
        `panne-${i}.csv`,
        referentialCsv([String(70_000_000 + i)]),
      );
    }
    const redis = redisConnection(url);
    // Refused connections are the point of this test: ioredis retries them on its own.
    redis.on('error', () => undefined);
    const queue = new BullQueue(redis, queuePrefix, ctx.log);
    const inTest = startWorker({ ...ctx, config: { ...ctx.config, queuePrefix } }, redis, 2);
    await scanInbox(ctx, queue);

    await vi.waitFor(async () => expect(await openDrops(ctx, 'panne-')).toBeLessThan(70), {
      timeout: 30_000,
      interval: 50,
    });
    await stop(server, 'SIGKILL');
    const openAtOutage = await openDrops(ctx, 'panne-');
    await sleep(1500);
    server = await startRedis(port);

    // The restarted Redis is empty: the rescan finds the open drops in Postgres and submits them again.
    await vi.waitFor(
      async () => {
        if ((await openDrops(ctx, 'panne-')) > 0) {
          await scanInbox(ctx, queue);
          throw new Error('drops still open');
        }
      },
      { timeout: 60_000, interval: 1000 },
    );
    const { receipts, drops } = await accounts(ctx, 'panne-');
    const perFile = tally(receipts.map((r) => r.file));
    figure('Redis stopped during 80 imports', {
      openAtOutage,
      outcomes: tally(drops.filter((d) => d.outcome !== null).map((d) => d.outcome)),
      filesWithExactlyOneReceipt: Object.values(perFile).filter((n) => n === 1).length,
    });
    await inTest.close();
    await queue.close();
    redis.disconnect();
    await stop(server, 'SIGTERM');

    expect(openAtOutage).toBeGreaterThan(0);
    expect(Object.keys(perFile)).toHaveLength(80);
    expect(Object.values(perFile).every((n) => n === 1)).toBe(true);
    expect(await readdir(path.join(ctx.config.inbox, CTN, 'referentiel'))).toEqual([]);
  });

  it('keeps the nightly reconciliation as a BullMQ job scheduler, and a worker runs it', async () => {
    const queuePrefix = `${prefix}-nightly`;
    const redis = redisConnection(redisUrl!);
    const queue = new BullQueue(redis, queuePrefix, ctx.log);
    const here = { ...ctx, config: { ...ctx.config, queuePrefix } };
    const nightly = startWorker(here, redis, 1, () => reconcile(here, queue));

    await scheduleReconcile(queue, '30 2 * * *');
    await scheduleReconcile(queue, '30 2 * * *');
    const scheduler = await queue.queue.getJobScheduler(RECONCILE_JOB);
    const job = await queue.queue.add(RECONCILE_JOB, {});
    await vi.waitFor(async () => expect(await job.isCompleted()).toBe(true), {
      timeout: 30_000,
      interval: 200,
    });
    const reports = await readdir(path.join(ctx.config.outbox, CTN, 'controle'));

    await nightly.close();
    await queue.close();
    redis.disconnect();
    expect(scheduler?.pattern).toBe('30 2 * * *');
    expect(reports.some((n) => n.startsWith('rapprochement-'))).toBe(true);
  });

  it('warns loudly, in French, when Redis may evict keys', async () => {
    const port = await freePort();
    const server = await startRedis(port, ['--maxmemory-policy', 'allkeys-lru']);
    const redis = redisConnection(`redis://127.0.0.1:${port}`);
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });

    await checkEvictionPolicy(redis, ctx);
    spy.mockRestore();
    redis.disconnect();
    await stop(server, 'SIGTERM');

    expect(written.join('')).toMatch(/ATTENTION.*maxmemory-policy=allkeys-lru.*noeviction/);
  });
});
