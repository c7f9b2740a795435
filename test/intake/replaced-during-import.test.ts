// A grade file replaced at its inbox path after the import read it and before the file was moved
// out, by an atomic `mv` over it or rewritten in place (`cat v7 > x.csv`): the archive must keep
// the bytes that were imported, and the replacement must come back to the inbox to be imported with
// its own receipt, even when the job stops at any step of that and runs again.
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import type * as FsPromises from 'node:fs/promises';

// What happens just before the intake's next calls to link and unlink (queued by some tests).
const hooks = vi.hoisted(() => ({
  link: [] as Array<() => Promise<void>>,
  unlink: [] as Array<() => Promise<void>>,
}));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  return {
    ...real,
    link: async (existing: string, created: string): Promise<void> => {
      await hooks.link.shift()?.();
      return real.link(existing, created);
    },
    unlink: async (file: string): Promise<void> => {
      await hooks.unlink.shift()?.();
      return real.unlink(file);
    },
  };
});
import { listInbox } from '../../src/intake/inbox.js';
import { processDrop } from '../../src/intake/process-drop.js';
import { registerDrop, type DropJob } from '../../src/intake/register.js';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import { createTestDatabase, DATABASE_TARGETS, type TestDatabase } from '../support/postgres.js';
import {
  allReceipts,
  archivedShas as archivedShasIn,
  buildGradedWorld,
  CTN,
  dropFile,
  gradeCsv,
  inboxLeft,
  openContext,
  registeredDrop,
  sha,
  tempHome,
  type GradedWorld,
} from './support.js';

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

describe.each(DATABASE_TARGETS)(
  'a grade file replaced while it is imported, on $name',
  (target) => {
    let database: TestDatabase | null = null;
    let ctx: AppContext;
    let home: string;
    let world: GradedWorld;

    beforeAll(async () => {
      database = target.postgres ? await createTestDatabase('replaced') : null;
      home = await tempHome('replaced');
      ctx = await openContext(home, { databaseUrl: database?.url ?? null });
      world = await buildGradedWorld(ctx, 6);
    });

    afterAll(async () => {
      await closeContext(ctx);
      await database?.drop();
      await rm(home, { recursive: true, force: true });
    });

    /** Drops `a` and registers it; returns its path and job. */
    function registered(name: string, a: string): Promise<{ file: string; job: DropJob }> {
      return registeredDrop(ctx, name, a);
    }

    /**
     * Imports the drop of `file`, replacing its content with `b` after it was read, before it leaves
     * the inbox: by a `mv` over it, or rewritten in place as `cat b > file` does.
     */
    /**
     * Replaces the content of `file` with `b` at the first write to the outbox, by a `mv` over it or
     * rewritten in place as `cat b > file` does. That write is the receipt of the file's drop: after
     * it was read and its outcome committed, before it leaves the inbox. Restore the spy after.
     */
    function replaceAtReceipt(file: string, b: string, how: 'mv' | 'in place'): MockInstance {
      const original = ctx.outbox.writeAllAnonymous.bind(ctx.outbox);
      return vi.spyOn(ctx.outbox, 'writeAllAnonymous').mockImplementationOnce(async (...args) => {
        if (how === 'mv') {
          await writeFile(`${file}.tmp`, b);
          await rename(`${file}.tmp`, file);
        } else {
          await writeFile(file, b);
        }
        return original(...args);
      });
    }

    /** Imports the drop of `file`, its content replaced with `b` after it was read. */
    async function importReplaced(
      file: string,
      job: DropJob,
      b: string,
      how: 'mv' | 'in place' = 'mv',
    ): Promise<Receipt | null> {
      const spy = replaceAtReceipt(file, b, how);
      try {
        const outcome = await processDrop(ctx, job);
        return 'receipt' in outcome ? outcome.receipt : null;
      } finally {
        spy.mockRestore();
      }
    }

    /** Drops `a`, imports it, and replaces it with `b` after it was read, before it leaves the inbox. */
    async function replacedWhileImported(
      name: string,
      a: string,
      b: string,
      how: 'mv' | 'in place' = 'mv',
    ): Promise<Receipt | null> {
      const { file, job } = await registered(name, a);
      return importReplaced(file, job, b, how);
    }

    /** SHA-256 of each file kept in archive/ (or `root`) under `name`, sorted. */
    function archivedShas(name: string, root = ctx.config.archive): Promise<string[]> {
      return archivedShasIn(ctx, name, root);
    }

    /** Hidden files left in archive/ (temporary copies): none once every drop is done. */
    async function temporariesLeft(): Promise<string[]> {
      const names = await readdir(path.join(ctx.config.archive, CTN, 'notes'));
      return names.filter((n) => n.startsWith('.'));
    }

    /** The grade recorded for each of the students at `indexes` (null when none). */
    async function gradesOf(...indexes: number[]): Promise<Array<string | null>> {
      const rows = (await ctx
        .db('grade')
        .where({ assessment_id: world.assessmentId })
        .select('student_number', 'value')) as Array<{ student_number: string; value: string }>;
      const byStudent = new Map(rows.map((r) => [r.student_number, Number(r.value).toFixed(2)]));
      return indexes.map((i) => byStudent.get(world.students[i]!) ?? null);
    }

    /** The text of the file at `name` in the inbox. */
    function inboxText(name: string): Promise<string> {
      return readFile(path.join(ctx.config.inbox, CTN, 'notes', name), 'utf8');
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
      // The archive holds A's bytes, never B's under A's name; B is back, untouched.
      expect(await archivedShas('corrections.csv')).toEqual([sha(versionA)]);
      expect(await inboxLeft(ctx, 'notes')).toEqual(['corrections.csv']);
      expect(
        await readFile(path.join(ctx.config.inbox, CTN, 'notes', 'corrections.csv'), 'utf8'),
      ).toBe(versionB);

      await runOnce(ctx, new InProcessQueue(ctx));

      await expectImported('corrections.csv', versionA, versionB);
      expect(await inboxLeft(ctx, 'notes')).toEqual([]);
      expect(await archivedShas('corrections.csv')).toEqual([sha(versionA), sha(versionB)].sort());
    });

    it('archives the imported bytes of a file rewritten in place, and imports the rewrite as its own drop', async () => {
      const v6 = gradeCsv([[world.numbers[4]!, '14,50']]);
      const v7 = gradeCsv([
        [world.numbers[4]!, '09,25'],
        [world.numbers[5]!, '16,00'],
      ]);

      const receipt = await replacedWhileImported('x.csv', v6, v7, 'in place');

      expect([receipt?.sha256, receipt?.status]).toEqual([sha(v6), 'imported']);
      expect(await gradesOf(4, 5)).toEqual(['14.50', null]);
      expect(await archivedShas('x.csv')).toEqual([sha(v6)]);
      expect(await inboxText('x.csv')).toBe(v7);

      await runOnce(ctx, new InProcessQueue(ctx));

      await expectImported('x.csv', v6, v7);
      expect(await gradesOf(4, 5)).toEqual(['9.25', '16.00']);
      expect(await archivedShas('x.csv')).toEqual([sha(v6), sha(v7)].sort());
      expect(await inboxLeft(ctx, 'notes')).toEqual([]);
      expect(await temporariesLeft()).toEqual([]);
    });

    it('imports, in one `run --once`, a file rewritten in place while imported, then the rewrite', async () => {
      const v6 = gradeCsv([[world.numbers[4]!, '05,50']]);
      const v7 = gradeCsv([[world.numbers[4]!, '06,75']]);
      const file = await dropFile(ctx, 'notes', 'une-fois.csv', v6);
      const spy = replaceAtReceipt(file, v7, 'in place');

      await runOnce(ctx, new InProcessQueue(ctx)).finally(() => spy.mockRestore());

      await expectImported('une-fois.csv', v6, v7);
      expect(await gradesOf(4)).toEqual(['6.75']);
      expect(await archivedShas('une-fois.csv')).toEqual([sha(v6), sha(v7)].sort());
      expect(await inboxLeft(ctx, 'notes')).toEqual([]);
    });

    // Each step of keeping A's bytes and putting B back, where the job stops (a crash): the next
    // run of the same job finishes it. Steps: B back to the inbox, B's name in the archive removed,
    // A's bytes linked to their archive name, their temporary copy removed.
    it.each([
      ['link', 1],
      ['unlink', 1],
      ['link', 2],
      ['unlink', 2],
    ] as const)('finishes the work after a stop at %s #%i', async (call, nth) => {
      const name = `arret-${call}-${nth}.csv`;
      const cents = String(10 * nth + (call === 'link' ? 1 : 2)).padStart(2, '0');
      const versionA = gradeCsv([[world.numbers[5]!, `07,${cents}`]]);
      const versionB = gradeCsv([[world.numbers[5]!, `08,${cents}`]]);
      const { file, job } = await registered(name, versionA);
      // The job's first unlink is that of its private copy's name (private-copy.ts): passed over.
      const before = nth - 1 + (call === 'unlink' ? 1 : 0);
      hooks[call].push(...Array.from({ length: before }, () => () => Promise.resolve()), () =>
        Promise.reject(new Error('stopped')),
      );

      await expect(importReplaced(file, job, versionB, 'in place')).rejects.toThrow('stopped');
      hooks[call].length = 0;
      const outcome = await processDrop(ctx, job);

      expect('receipt' in outcome && outcome.receipt.sha256).toBe(sha(versionA));
      expect(await gradesOf(5)).toEqual([`7.${cents}`]);
      expect(await archivedShas(name)).toEqual([sha(versionA)]);
      expect(await temporariesLeft()).toEqual([]);
      expect(await inboxText(name)).toBe(versionB);

      await runOnce(ctx, new InProcessQueue(ctx));

      await expectImported(name, versionA, versionB);
      expect(await gradesOf(5)).toEqual([`8.${cents}`]);
      expect(await archivedShas(name)).toEqual([sha(versionA), sha(versionB)].sort());
      expect(await inboxLeft(ctx, 'notes')).toEqual([]);
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
      expect(await archivedShas('refus.csv', ctx.config.errorDir)).toEqual([sha(versionA)]);
      expect(await inboxLeft(ctx, 'notes')).toEqual(['refus.csv']);

      await runOnce(ctx, new InProcessQueue(ctx));

      expect(await receiptsOf('refus.csv')).toEqual(
        [
          [sha(versionA), 'rejected'],
          [sha(versionB), 'rejected'],
        ].sort(),
      );
      expect(await inboxLeft(ctx, 'notes')).toEqual([]);
      expect(await archivedShas('refus.csv', ctx.config.errorDir)).toEqual(
        [sha(versionA), sha(versionB)].sort(),
      );
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

      expect(await archivedShas('reprise.csv')).toEqual([sha(versionA)]);
      expect(await readFile(file, 'utf8')).toBe(versionB);

      await runOnce(ctx, new InProcessQueue(ctx));

      await expectImported('reprise.csv', versionA, versionB);
      expect(await archivedShas('reprise.csv')).toEqual([sha(versionA), sha(versionB)].sort());
    });

    it('keeps the replacement in the archive when a third file took its place in the inbox', async () => {
      const [, second, third] = world.numbers as [string, string, string];
      const versionA = gradeCsv([[second, '13,00']]);
      const versionB = gradeCsv([[third, '14,00']]);
      const versionC = gradeCsv([[third, '15,25']]);
      const inbox = path.join(ctx.config.inbox, CTN, 'notes', 'trois.csv');
      // B is moved out in A's place; before it can go back, C is dropped under the same name.
      hooks.link.push(() => writeFile(inbox, versionC));

      const receipt = await replacedWhileImported('trois.csv', versionA, versionB);

      expect([receipt?.sha256, receipt?.status]).toEqual([sha(versionA), 'imported']);
      expect(await readFile(inbox, 'utf8')).toBe(versionC);
      expect(await archivedShas('trois.csv')).toEqual([sha(versionA), sha(versionB)].sort());

      await runOnce(ctx, new InProcessQueue(ctx));

      // C is imported with its own receipt; B, replaced by C before it could be imported, is kept.
      await expectImported('trois.csv', versionA, versionC);
      expect(await inboxLeft(ctx, 'notes')).toEqual([]);
      expect(await archivedShas('trois.csv')).toEqual(
        [sha(versionA), sha(versionB), sha(versionC)].sort(),
      );
    });
  },
);
