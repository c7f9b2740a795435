// The intake in one process (no Redis), on PGlite: nothing missed, nothing doubled, failures sorted.
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listInbox } from '../../src/intake/inbox.js';
import { processDrop } from '../../src/intake/process-drop.js';
import { registerDrop } from '../../src/intake/register.js';
import { runOnce } from '../../src/intake/runner.js';
import { runImportInProcess } from '../../src/jobs/import-job.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import {
  allReceipts,
  CTN,
  declareCtn,
  dropFile,
  dropOutcomes,
  figure,
  inboxLeft,
  openContext,
  referentialCsv,
  studentNumbers,
  tally,
  tempHome,
} from './support.js';

describe('the intake in one process', () => {
  let ctx: AppContext;
  let home: string;

  beforeAll(async () => {
    home = await tempHome('intake');
    ctx = await openContext(home, { retryMaxMs: 20 });
    await declareCtn(ctx, studentNumbers(2));
  });

  afterAll(async () => {
    await closeContext(ctx);
    await rm(home, { recursive: true, force: true });
  });

  it('imports the same bytes dropped 10 times at once once, and answers the 9 others duplicate', async () => {
    const bytes = referentialCsv(studentNumbers(3, 50_000_000));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => dropFile(ctx, 'referentiel', `copie-${i}.csv`, bytes)),
    );

    await runOnce(ctx, new InProcessQueue(ctx));

    const statuses = tally(
      (await allReceipts(ctx)).filter((r) => r.file.startsWith('copie-')).map((r) => r.status),
    );
    figure('same file 10x (in-process)', statuses);
    expect(statuses).toEqual({ imported: 1, duplicate: 9 });
    expect(await inboxLeft(ctx, 'referentiel')).toEqual([]);
  });

  it('gives one drop to ten registrations of one file racing each other', async () => {
    const file = await dropFile(ctx, 'referentiel', 'course.csv', referentialCsv(['07777777']));
    const found = (await listInbox(ctx.config.inbox)).find((f) => f.absolute === file);

    const jobs = await Promise.all(Array.from({ length: 10 }, () => registerDrop(ctx, found!)));

    expect(new Set(jobs.map((j) => j?.dropId)).size).toBe(1);
    await runOnce(ctx, new InProcessQueue(ctx));
    expect((await allReceipts(ctx)).filter((r) => r.file === 'course.csv')).toHaveLength(1);
  });

  it('processes 1,000 files dropped while the service was down exactly once each', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `lot-${String(i).padStart(4, '0')}.csv`);
    for (const [i, name] of names.entries()) {
      await dropFile(ctx, 'referentiel', name, referentialCsv([String(60_000_000 + i)]));
    }

    const started = Date.now();
    await runOnce(ctx, new InProcessQueue(ctx));
    const seconds = (Date.now() - started) / 1000;

    const receipts = (await allReceipts(ctx)).filter((r) => r.file.startsWith('lot-'));
    const perFile = tally(receipts.map((r) => r.file));
    const drops = (await dropOutcomes(ctx)).filter((d) => d.file_name.startsWith('lot-'));
    figure('1000 files while down (in-process)', {
      files: names.length,
      receipts: receipts.length,
      filesWithOneReceipt: Object.values(perFile).filter((n) => n === 1).length,
      outcomes: tally(drops.map((d) => d.outcome)),
      seconds,
    });
    expect(Object.keys(perFile)).toHaveLength(1000);
    expect(Object.values(perFile).every((n) => n === 1)).toBe(true);
    expect(tally(drops.map((d) => d.outcome))).toEqual({ imported: 1000 });
    expect(drops.every((d) => d.done)).toBe(true);
    const count = await ctx
      .db('student')
      .where('student_number', '>=', '60000000')
      .count({ n: '*' });
    expect(Number(count[0]?.n)).toBe(1000);
  }, 240_000);

  it('refuses, with a receipt, names with "..", control characters or too long, and moves them to error/', async () => {
    const bytes = referentialCsv(['08888888']);
    const names = ['notes..csv', 'tab\tname.csv', `${'x'.repeat(210)}.csv`];
    for (const name of names) {
      await dropFile(ctx, 'referentiel', name, bytes);
    }

    await runOnce(ctx, new InProcessQueue(ctx));

    const refused = (await allReceipts(ctx)).filter(
      (r) => r.errors[0]?.code === 'FILE_NAME_INVALID',
    );
    expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(refused.map((r) => r.file)).toContain('tab?name.csv');
    expect(await inboxLeft(ctx, 'referentiel')).toEqual([]);
    expect(await readdir(path.join(ctx.config.errorDir, CTN, 'referentiel'))).toHaveLength(3);
    expect(await ctx.db('student').where({ student_number: '08888888' }).first()).toBeUndefined();
  });

  it('never takes lock, temporary or hidden files, nor follows a symbolic link', async () => {
    const bytes = referentialCsv(['09999999']);
    for (const name of ['~$notes.xlsx', '.~lock.notes.xlsx#', 'copie.tmp', '.cache.csv']) {
      await dropFile(ctx, 'referentiel', name, bytes);
    }
    const outside = path.join(home, 'secret.csv');
    await writeFile(outside, bytes);
    await symlink(outside, path.join(ctx.config.inbox, CTN, 'referentiel', 'lien.csv'));

    expect(await runOnce(ctx, new InProcessQueue(ctx))).toBe(0);
    expect((await inboxLeft(ctx, 'referentiel')).sort()).toEqual(
      ['.cache.csv', '.~lock.notes.xlsx#', 'copie.tmp', 'lien.csv', '~$notes.xlsx'].sort(),
    );
    expect(await ctx.db('student').where({ student_number: '09999999' }).first()).toBeUndefined();
    for (const name of await inboxLeft(ctx, 'referentiel')) {
      await rm(path.join(ctx.config.inbox, CTN, 'referentiel', name));
    }
  });

  it('treats a name dropped again with new content as a new file, and the same content as a duplicate', async () => {
    await dropFile(ctx, 'referentiel', 'maj.csv', referentialCsv(['01010101']));
    await runOnce(ctx, new InProcessQueue(ctx));
    await dropFile(ctx, 'referentiel', 'maj.csv', referentialCsv(['01010101', '02020202']));
    await runOnce(ctx, new InProcessQueue(ctx));
    await dropFile(ctx, 'referentiel', 'maj.csv', referentialCsv(['01010101', '02020202']));
    await runOnce(ctx, new InProcessQueue(ctx));

    const statuses = (await allReceipts(ctx))
      .filter((r) => r.file === 'maj.csv')
      .sort((a, b) => a.processedAt.localeCompare(b.processedAt))
      .map((r) => r.status);
    expect(statuses).toEqual(['imported', 'imported', 'duplicate']);
    expect(await ctx.db('student').where({ student_number: '02020202' }).first()).toBeDefined();
  });

  it('dates a duplicate receipt from the duplicate drop, not from the first copy', async () => {
    const bytes = referentialCsv(['03030303']);
    await dropFile(ctx, 'referentiel', 'date-1.csv', bytes);
    await runOnce(ctx, new InProcessQueue(ctx));
    await dropFile(ctx, 'referentiel', 'date-2.csv', bytes);
    await runOnce(ctx, new InProcessQueue(ctx));

    const receipts = await allReceipts(ctx);
    const first = receipts.find((r) => r.file === 'date-1.csv');
    const again = receipts.find((r) => r.file === 'date-2.csv');
    expect(again?.status).toBe('duplicate');
    // Received once the first copy was processed: a receipt dated before it would be misleading.
    expect(Date.parse(again?.receivedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(first?.processedAt ?? ''),
    );
    // It names the first copy, so that the person finds its receipt.
    expect(again?.summary).toMatch(
      /^Ce fichier a déjà été reçu le \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2} /,
    );
    expect(again?.summary).toContain(
      'sous le nom « date-1.csv » et importé : rien n’a été importé une seconde fois.',
    );
  });

  it('rejects a truncated workbook with a receipt and takes it again only when dropped again', async () => {
    const truncated = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(300, 7)]);
    await dropFile(ctx, 'referentiel', 'coupe.xlsx', truncated);
    await runOnce(ctx, new InProcessQueue(ctx));
    expect(await runOnce(ctx, new InProcessQueue(ctx))).toBe(0);

    await dropFile(ctx, 'referentiel', 'coupe.xlsx', truncated);
    await runOnce(ctx, new InProcessQueue(ctx));

    const receipts = (await allReceipts(ctx)).filter((r) => r.file === 'coupe.xlsx');
    expect(receipts.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const moved = await readdir(path.join(ctx.config.errorDir, CTN, 'referentiel'));
    expect(moved.filter((n) => n.endsWith('coupe.xlsx'))).toHaveLength(2);
  });

  it('resumes a drop committed before a crash: released with its first outcome, not recomputed', async () => {
    const file = await dropFile(ctx, 'referentiel', 'crash.csv', referentialCsv(['03030303']));
    const found = (await listInbox(ctx.config.inbox)).find((f) => f.absolute === file);
    const job = await registerDrop(ctx, found!);
    const first = await processDrop(ctx, job!);
    // As if the process died after the commit, before the move: the file is back, the drop open.
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, referentialCsv(['03030303']));
    await ctx.db('intake_drop').where({ id: job!.dropId }).update({ done: false });

    const again = await processDrop(ctx, job!);

    expect('receipt' in again && 'receipt' in first && again.receipt).toEqual(
      'receipt' in first && first.receipt,
    );
    expect((await allReceipts(ctx)).filter((r) => r.file === 'crash.csv')).toHaveLength(1);
    expect(await inboxLeft(ctx, 'referentiel')).toEqual([]);
  });

  it('waits out a database outage: the file stays in the inbox, then gets its one outcome', async () => {
    await dropFile(ctx, 'referentiel', 'panne.csv', referentialCsv(['04040404']));
    const outage = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const spy = vi.spyOn(ctx.db, 'transaction');
    for (let i = 0; i < 4; i += 1) {
      spy.mockRejectedValueOnce(outage);
    }

    await runOnce(ctx, new InProcessQueue(ctx));
    spy.mockRestore();

    const receipts = (await allReceipts(ctx)).filter((r) => r.file === 'panne.csv');
    figure('in-process outage', { failedCalls: 4, receipts: receipts.map((r) => r.status) });
    expect(receipts.map((r) => r.status)).toEqual(['imported']);
    expect(await ctx.db('student').where({ student_number: '04040404' }).first()).toBeDefined();
  });

  it('moves a file that keeps failing for an unexpected reason to error/ with a receipt, once', async () => {
    const file = await dropFile(ctx, 'referentiel', 'bogue.csv', referentialCsv(['05050505']));
    const found = (await listInbox(ctx.config.inbox)).find((f) => f.absolute === file);
    const job = await registerDrop(ctx, found!);
    const spy = vi.spyOn(ctx.db, 'transaction');
    for (let i = 0; i < 5; i += 1) {
      spy.mockRejectedValueOnce(new TypeError('bug'));
    }

    const outcome = await runImportInProcess(ctx, job!, () => false);
    spy.mockRestore();

    const receipt = outcome && 'receipt' in outcome ? outcome.receipt : null;
    expect(receipt?.status).toBe('rejected');
    expect(receipt?.errors[0]?.code).toBe('FILE_PROCESSING_FAILED');
    expect(await inboxLeft(ctx, 'referentiel')).toEqual([]);
    expect(await runOnce(ctx, new InProcessQueue(ctx))).toBe(0);
  });
});
