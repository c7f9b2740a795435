// The live watcher on a temporary inbox (in-process jobs, PGlite): files written slowly are read
// only once complete, and a burst the watcher never hears of is caught by the periodic rescan.
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchInbox } from '../../src/intake/watcher.js';
import { sha256Hex } from '../../src/intake/register.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import {
  allReceipts,
  CTN,
  declareCtn,
  dropFile,
  figure,
  openContext,
  referentialCsv,
  studentNumbers,
  tally,
  tempHome,
} from './support.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `text` into `file` in `chunks` pieces, `pauseMs` apart, as a slow copy or a scanner does. */
async function writeSlowly(
  file: string,
  text: string,
  chunks: number,
  pauseMs: number,
): Promise<void> {
  const bytes = Buffer.from(text);
  const size = Math.ceil(bytes.length / chunks);
  const handle = await open(file, 'w');
  try {
    for (let at = 0; at < bytes.length; at += size) {
      await handle.write(bytes.subarray(at, at + size));
      await sleep(pauseMs);
    }
  } finally {
    await handle.close();
  }
}

describe('the watched inbox', () => {
  let ctx: AppContext | null = null;
  let home = '';

  afterEach(async () => {
    if (ctx) {
      await closeContext(ctx);
    }
    await rm(home, { recursive: true, force: true });
    ctx = null;
  });

  it('reads 100 files written in chunks over seconds only once complete: 0 partial reads', async () => {
    home = await tempHome('slow');
    const c = (ctx = await openContext(home, { stableMs: 1000, rescanMs: 2000 }));
    await declareCtn(c, studentNumbers(1));
    const watcher = watchInbox(c, new InProcessQueue(c));

    const dir = path.join(c.config.inbox, CTN, 'referentiel');
    const contents = Array.from({ length: 100 }, (_, i) =>
      referentialCsv(studentNumbers(8, 20_000_000 + i * 1000)),
    );
    const started = Date.now();
    await Promise.all(
      contents.map((text, i) => writeSlowly(path.join(dir, `lent-${i}.csv`), text, 25, 100)),
    );
    const writing = Date.now() - started;

    await vi.waitFor(
      async () =>
        expect((await allReceipts(c)).filter((r) => r.file.startsWith('lent-'))).toHaveLength(100),
      { timeout: 60_000, interval: 200 },
    );
    await watcher.close();

    const finalShas = new Set(contents.map((t) => sha256Hex(Buffer.from(t))));
    const registered = (await c
      .db('intake_file')
      .where('file_name', 'like', 'lent-%')
      .select('sha256')) as Array<{ sha256: string }>;
    const partial = registered.filter((r) => !finalShas.has(r.sha256)).length;
    const receipts = (await allReceipts(c)).filter((r) => r.file.startsWith('lent-'));
    const exact = receipts.filter((r) => r.status === 'imported' && finalShas.has(r.sha256)).length;
    figure('slow writer', { writingMs: writing, partialReads: partial, exact: `${exact}/100` });

    expect(partial).toBe(0);
    expect(exact).toBe(100);
    const students = await c
      .db('student')
      .where('student_number', '>=', '20000000')
      .count({ n: '*' });
    expect(Number(students[0]?.n)).toBe(800);
  });

  it('picks up a burst of 200 files by the periodic rescan when the watcher hears nothing', async () => {
    home = await tempHome('burst');
    const c = (ctx = await openContext(home, { stableMs: 100, rescanMs: 500, watchEvents: false }));
    await declareCtn(c, studentNumbers(1));
    const watcher = watchInbox(c, new InProcessQueue(c));
    await watcher.rescan();

    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        dropFile(c, 'referentiel', `rafale-${i}.csv`, referentialCsv([String(30_000_000 + i)])),
      ),
    );

    await vi.waitFor(
      async () =>
        expect((await allReceipts(c)).filter((r) => r.file.startsWith('rafale-'))).toHaveLength(
          200,
        ),
      { timeout: 60_000, interval: 200 },
    );
    await watcher.close();

    const statuses = tally(
      (await allReceipts(c)).filter((r) => r.file.startsWith('rafale-')).map((r) => r.status),
    );
    figure('burst of 200, events off', { pickedUpByRescan: statuses });
    expect(statuses).toEqual({ imported: 200 });
  });

  it('takes a file whose last row is not ended once it held still the longer delay, not before', async () => {
    home = await tempHome('unfinished');
    const c = (ctx = await openContext(home, {
      stableMs: 100,
      unfinishedStableMs: 2000,
      rescanMs: 600_000,
      watchEvents: false,
    }));
    await declareCtn(c, studentNumbers(1));
    const written = Date.now();
    // A copy that stalled for good in its last row (no final line break): no event, no rescan due.
    await dropFile(c, 'referentiel', 'sans-fin.csv', referentialCsv(['40000001']).trimEnd());
    const watcher = watchInbox(c, new InProcessQueue(c));

    await vi.waitFor(
      async () =>
        expect((await allReceipts(c)).filter((r) => r.file === 'sans-fin.csv')).toHaveLength(1),
      { timeout: 20_000, interval: 100 },
    );
    await watcher.close();

    const [receipt] = (await allReceipts(c)).filter((r) => r.file === 'sans-fin.csv');
    expect(receipt?.status).toBe('imported');
    expect(new Date(receipt?.receivedAt ?? 0).getTime() - written).toBeGreaterThanOrEqual(2000);
  });
});
