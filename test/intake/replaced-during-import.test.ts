// A grade file replaced at its inbox path (an atomic `mv` over it) after the import read it and
// before the file was moved out: the archive must keep only the bytes that were imported, and the
// replacement must come back to the inbox to be imported with its own receipt.
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as FsPromises from 'node:fs/promises';

// What happens just before the intake links a file back into the inbox (set by one test).
const linking = vi.hoisted(() => ({ before: null as (() => Promise<void>) | null }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  return {
    ...real,
    link: async (existing: string, created: string): Promise<void> => {
      const before = linking.before;
      linking.before = null;
      await before?.();
      return real.link(existing, created);
    },
  };
});
import { listInbox } from '../../src/intake/inbox.js';
import { processDrop } from '../../src/intake/process-drop.js';
import { registerDrop } from '../../src/intake/register.js';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import {
  allReceipts,
  buildGradedWorld,
  CTN,
  dropFile,
  gradeCsv,
  inboxLeft,
  openContext,
  tempHome,
  type GradedWorld,
} from './support.js';

const sha = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Every cell value of every sheet of an annotated copy, as text. */
async function cellTexts(file: string): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(await readFile(file)).buffer);
  const texts: string[] = [];
  wb.eachSheet((sheet) =>
    sheet.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.text)))),
  );
  return texts;
}

describe('a grade file replaced while it is imported', () => {
  let ctx: AppContext;
  let home: string;
  let world: GradedWorld;

  beforeAll(async () => {
    home = await tempHome('replaced');
    ctx = await openContext(home, {});
    world = await buildGradedWorld(ctx, 4);
  });

  afterAll(async () => {
    await closeContext(ctx);
    await rm(home, { recursive: true, force: true });
  });

  /** Drops `a`, imports it, and `mv`s `b` over it after it was read, before it leaves the inbox. */
  async function replacedWhileImported(
    name: string,
    a: string,
    b: string,
  ): Promise<Receipt | null> {
    const file = await dropFile(ctx, 'notes', name, a);
    const found = (await listInbox(ctx.config.inbox)).find((f) => f.absolute === file);
    const job = await registerDrop(ctx, found!);
    // The first write to the outbox is A's receipt, after A was read and its outcome committed,
    // before it leaves the inbox: the tester's `mv` of B over the same path lands exactly there.
    const original = ctx.outbox.writeAllAnonymous.bind(ctx.outbox);
    const spy = vi
      .spyOn(ctx.outbox, 'writeAllAnonymous')
      .mockImplementationOnce(async (...args) => {
        await writeFile(`${file}.tmp`, b);
        await rename(`${file}.tmp`, file);
        return original(...args);
      });
    const outcome = await processDrop(ctx, job!);
    spy.mockRestore();
    return 'receipt' in outcome ? outcome.receipt : null;
  }

  /** SHA-256 of every file moved out of the inbox to `root` for the notes channel. */
  async function movedShas(root: string): Promise<string[]> {
    const dir = path.join(root, CTN, 'notes');
    const names = await readdir(dir).catch(() => [] as string[]);
    return Promise.all(names.map(async (n) => sha(await readFile(path.join(dir, n)))));
  }

  /** Each version got an `imported` receipt of its own under `name`, and nothing else did. */
  async function expectImported(name: string, ...versions: string[]): Promise<void> {
    expect(await receiptsOf(name)).toEqual(versions.map((v) => [sha(v), 'imported']).sort());
  }

  async function receiptsOf(name: string): Promise<Array<[string, string]>> {
    return (await allReceipts(ctx))
      .filter((r) => r.file === name)
      .map((r): [string, string] => [r.sha256, r.status])
      .sort();
  }

  it('archives only the imported bytes and imports the replacement next, with its own receipt', async () => {
    const [first, second] = world.numbers as [string, string];
    const versionA = gradeCsv([[first, '12,00']]);
    const versionB = gradeCsv([[second, '17,75']]);

    const receipt = await replacedWhileImported('corrections.csv', versionA, versionB);

    expect([receipt?.sha256, receipt?.status]).toEqual([sha(versionA), 'imported']);
    // The archive holds A's bytes or nothing, never B's under A's name; B is back, untouched.
    expect((await movedShas(ctx.config.archive)).filter((s) => s !== sha(versionA))).toEqual([]);
    expect(await inboxLeft(ctx, 'notes')).toEqual(['corrections.csv']);
    expect(
      await readFile(path.join(ctx.config.inbox, CTN, 'notes', 'corrections.csv'), 'utf8'),
    ).toBe(versionB);

    await runOnce(ctx, new InProcessQueue(ctx));

    await expectImported('corrections.csv', versionA, versionB);
    expect(await inboxLeft(ctx, 'notes')).toEqual([]);
    expect((await movedShas(ctx.config.archive)).filter((s) => s === sha(versionB))).toHaveLength(
      1,
    );
  });

  it('never annotates a refused file with the rows of the file that replaced it', async () => {
    const [, , third, fourth] = world.numbers as [string, string, string, string];
    // Each version has an unknown number: refused whole, each with an annotated copy.
    const versionA = gradeCsv([
      [third, '12,00'],
      ['999990', '10,00'],
    ]);
    const versionB = gradeCsv([
      [fourth, '17,75'],
      ['999991', '09,00'],
    ]);

    const receipt = await replacedWhileImported('refus.csv', versionA, versionB);

    expect([receipt?.sha256, receipt?.status]).toEqual([sha(versionA), 'rejected']);
    expect((await movedShas(ctx.config.errorDir)).filter((s) => s !== sha(versionA))).toEqual([]);
    expect(await inboxLeft(ctx, 'notes')).toEqual(['refus.csv']);

    await runOnce(ctx, new InProcessQueue(ctx));

    expect(await receiptsOf('refus.csv')).toEqual(
      [
        [sha(versionA), 'rejected'],
        [sha(versionB), 'rejected'],
      ].sort(),
    );
    expect(await inboxLeft(ctx, 'notes')).toEqual([]);
    const copyDir = path.join(ctx.config.outbox, CTN, 'accuses', 'notes');
    const copies = (await readdir(copyDir)).filter((n) => n.endsWith('.annote.xlsx'));
    const copiesOf = (bytes: string): string[] =>
      copies.filter((n) => n.startsWith(`refus-${sha(bytes).slice(0, 8)}`));
    // A's own copy, built from the bytes that were imported, shows A's rows only.
    expect(copiesOf(versionA)).toHaveLength(1);
    const textsA = await cellTexts(path.join(copyDir, copiesOf(versionA)[0]!));
    expect(textsA).toContain(third);
    expect(textsA).toContain('999990');
    expect(textsA).not.toContain(fourth);
    expect(textsA).not.toContain('999991');
    // B's own copy, built from the file moved to error/, shows B's rows.
    expect(copiesOf(versionB)).toHaveLength(1);
    const textsB = await cellTexts(path.join(copyDir, copiesOf(versionB)[0]!));
    expect(textsB).toContain(fourth);
    expect(textsB).toContain('999991');
  });
  it('never overwrites a file archived by a run that stopped before closing its drop', async () => {
    const [first, second] = world.numbers as [string, string];
    const versionA = gradeCsv([[first, '11,00']]);
    const versionB = gradeCsv([[second, '08,50']]);
    const file = await dropFile(ctx, 'notes', 'reprise.csv', versionA);
    const found = (await listInbox(ctx.config.inbox)).find((f) => f.absolute === file);
    const job = await registerDrop(ctx, found!);
    await processDrop(ctx, job!);
    // A crash after A was archived, before its drop was closed; the job runs again, and while it
    // writes A's receipt once more a corrected file is dropped under the same name.
    await ctx.db('intake_drop').where({ id: job!.dropId }).update({ done: false });
    const original = ctx.outbox.writeAllAnonymous.bind(ctx.outbox);
    const again = vi
      .spyOn(ctx.outbox, 'writeAllAnonymous')
      .mockImplementationOnce(async (...args) => {
        await writeFile(file, versionB);
        return original(...args);
      });
    await processDrop(ctx, job!);
    again.mockRestore();

    expect(await movedShas(ctx.config.archive)).toContain(sha(versionA));
    expect(await readFile(file, 'utf8')).toBe(versionB);

    await runOnce(ctx, new InProcessQueue(ctx));

    await expectImported('reprise.csv', versionA, versionB);
    expect(await movedShas(ctx.config.archive)).toEqual(
      expect.arrayContaining([sha(versionA), sha(versionB)]),
    );
  });

  it('keeps the replacement in the archive when a third file took its place in the inbox', async () => {
    const [, second, third] = world.numbers as [string, string, string];
    const versionA = gradeCsv([[second, '13,00']]);
    const versionB = gradeCsv([[third, '14,00']]);
    const versionC = gradeCsv([[third, '15,25']]);
    const inbox = path.join(ctx.config.inbox, CTN, 'notes', 'trois.csv');
    // B is moved out in A's place; before it can go back, C is dropped under the same name.
    linking.before = () => writeFile(inbox, versionC);

    const receipt = await replacedWhileImported('trois.csv', versionA, versionB);

    expect([receipt?.sha256, receipt?.status]).toEqual([sha(versionA), 'imported']);
    expect(await readFile(inbox, 'utf8')).toBe(versionC);
    expect(await movedShas(ctx.config.archive)).toContain(sha(versionB));

    await runOnce(ctx, new InProcessQueue(ctx));

    // C is imported with its own receipt; B, replaced by C before it could be imported, is kept.
    await expectImported('trois.csv', versionA, versionC);
    expect(await inboxLeft(ctx, 'notes')).toEqual([]);
    expect(await movedShas(ctx.config.archive)).toEqual(
      expect.arrayContaining([sha(versionB), sha(versionC)]),
    );
  });
});
