// A file its writer keeps open and stalls on (a network copy paused longer than the stability
// wait) must not be imported half-written (trial: a grade of 19 stored as 1, the rows after it
// lost, the rest written into the archived file and never imported). A text file cut in the middle
// of a row, or a zip without its end record, waits the longer delay; a file that went on being
// written after it was archived is put back in the inbox once and imported again, whole.
import { open, readdir, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce, scanInbox } from '../../src/intake/runner.js';
import { Stillness } from '../../src/intake/stillness.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import { createTestDatabase, DATABASE_TARGETS, type TestDatabase } from '../support/postgres.js';
import {
  allReceipts,
  buildGradedWorld,
  CTN,
  dropFile,
  inboxLeft,
  openContext,
  tempHome,
  type GradedWorld,
} from './support.js';

/** The longer delay of these tests: long next to a scan, short for a test. */
const UNFINISHED_MS = 1500;

describe.each(DATABASE_TARGETS)('a file still being written, on $name', (target) => {
  let database: TestDatabase | null = null;
  let ctx: AppContext;
  let home: string;
  let world: GradedWorld;

  beforeAll(async () => {
    database = target.postgres ? await createTestDatabase('writing') : null;
    home = await tempHome('writing');
    ctx = await openContext(home, {
      databaseUrl: database?.url ?? null,
      unfinishedStableMs: UNFINISHED_MS,
    });
    world = await buildGradedWorld(ctx, 12);
  });

  afterAll(async () => {
    await closeContext(ctx);
    await database?.drop();
    await rm(home, { recursive: true, force: true });
  });

  /** The grade stored for the `i`th student of the world, as text (null when none). */
  async function gradeOf(i: number): Promise<string | null> {
    const row = (await ctx
      .db('grade')
      .where({ assessment_id: world.assessmentId, student_number: world.students[i] })
      .first('value')) as { value: string | number | null } | undefined;
    return row?.value === undefined || row.value === null ? null : Number(row.value).toFixed(2);
  }

  /** The receipts written for `name`, oldest drop first. */
  async function receiptsOf(name: string): Promise<Receipt[]> {
    return (await allReceipts(ctx))
      .filter((r) => r.file === name)
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }

  /** How many drops were registered for `name`. */
  async function dropsOf(name: string): Promise<number> {
    const [row] = (await ctx
      .db('intake_drop')
      .where({ file_name: name })
      .count({ n: '*' })) as Array<{
      n: number | string;
    }>;
    return Number(row?.n ?? 0);
  }

  /** Opens `inbox/Q/notes/<name>` for writing, as a copy that has not ended does. */
  async function writerOf(name: string): Promise<FileHandle> {
    const file = await dropFile(ctx, 'notes', name, '');
    return open(file, 'w');
  }

  const n = (i: number): string => world.numbers[i] ?? '';

  it('does not take a CSV cut in the middle of a row, and takes it whole once written', async () => {
    const name = 'INF101 copie reseau.csv';
    const writer = await writerOf(name);
    await writer.write(`N° anonyme;Note\r\n${n(0)};11\r\n${n(1)};1`);

    // Still for longer than the stability wait (0 here), but its last row is not ended.
    const scan = await scanInbox(ctx, new InProcessQueue(ctx), {
      stillness: new Stillness(UNFINISHED_MS),
    });
    expect(scan.submitted).toBe(0);
    expect(scan.heldBackMs).toBeGreaterThan(0);
    expect(await inboxLeft(ctx, 'notes')).toEqual([name]);
    expect(await dropsOf(name)).toBe(0);

    await writer.write(`9\r\n${n(2)};13\r\n`);
    await writer.close();
    await runOnce(ctx, new InProcessQueue(ctx));

    expect([await gradeOf(0), await gradeOf(1), await gradeOf(2)]).toEqual([
      '11.00',
      '19.00',
      '13.00',
    ]);
    const [receipt] = await receiptsOf(name);
    expect(receipt?.status).toBe('imported');
    expect(receipt?.rows.imported).toBe(3);
  });

  it('takes a CSV that never gets its final line break, once it held still the longer delay', async () => {
    const name = 'sans-fin-de-ligne.csv';
    await dropFile(ctx, 'notes', name, `N° anonyme;Note\r\n${n(3)};8,5`);

    const started = Date.now();
    await runOnce(ctx, new InProcessQueue(ctx));

    expect(Date.now() - started).toBeGreaterThanOrEqual(UNFINISHED_MS);
    expect(await gradeOf(3)).toBe('8.50');
    expect(await inboxLeft(ctx, 'notes')).toEqual([]);
    // Its receipt asks to look at that last row: a copy cut short looks the same (trial).
    const [receipt] = await receiptsOf(name);
    expect(receipt?.status).toBe('imported');
    expect(receipt?.errors.map((e) => [e.row, e.code, e.kind])).toEqual([
      [null, 'FILE_END_WITHOUT_LINE_BREAK', 'notice'],
    ]);
    expect(receipt?.summary).toContain(
      'La dernière ligne du fichier ne se termine pas par un saut',
    );
  });

  it('holds back a workbook whose zip has no end record yet, then refuses it as broken', async () => {
    const name = 'bordereau-en-cours.xlsx';
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Notes').addRows([
      ['N° anonyme', 'Note'],
      [n(4), 12],
    ]);
    const whole = Buffer.from(await wb.xlsx.writeBuffer());
    await dropFile(ctx, 'notes', name, whole.subarray(0, whole.length - 200));

    const scan = await scanInbox(ctx, new InProcessQueue(ctx), {
      stillness: new Stillness(UNFINISHED_MS),
    });
    expect(scan.submitted).toBe(0);
    expect(await dropsOf(name)).toBe(0);

    await runOnce(ctx, new InProcessQueue(ctx));
    const [receipt] = await receiptsOf(name);
    expect(receipt?.status).toBe('rejected');
    expect(receipt?.errors.map((e) => e.code)).toEqual(['FILE_CORRUPT']);
  });

  it('imports again, whole, a file written into the archive after its import, and only once', async () => {
    const name = 'MAT1 copie lente.csv';
    const writer = await writerOf(name);
    // The stall outlived every delay: the first rows are imported and the file archived.
    await writer.write(`N° anonyme;Note\r\n${n(5)};11\r\n${n(6)};1\r\n`);
    await runOnce(ctx, new InProcessQueue(ctx));
    expect(await gradeOf(6)).toBe('1.00');
    expect(await inboxLeft(ctx, 'notes')).toEqual([]);

    // The writer resumes: its open handle writes into the archived file.
    await writer.write(`${n(7)};13\r\n${n(8)};7\r\n`);
    await writer.close();
    const archived = path.join(ctx.config.archive, CTN, 'notes');
    const [first] = (await readdir(archived)).filter((f) => f.endsWith(name));
    const complete = await readFile(path.join(archived, first ?? ''), 'utf8');

    await runOnce(ctx, new InProcessQueue(ctx));

    expect([await gradeOf(5), await gradeOf(7), await gradeOf(8)]).toEqual([
      '11.00',
      '13.00',
      '7.00',
    ]);
    const receipts = await receiptsOf(name);
    expect(receipts.map((r) => r.status)).toEqual(['imported', 'imported']);
    expect(receipts[1]?.rows.imported).toBe(4);
    expect(receipts[1]?.errors.filter((e) => e.code === 'FILE_WRITTEN_AFTER_IMPORT')).toEqual([
      expect.objectContaining({ row: null, kind: 'notice' }),
    ]);
    // The archive keeps the file the writer finished, under its first name, and the new drop's copy.
    const kept = (await readdir(archived)).filter((f) => f.endsWith(name));
    expect(kept).toHaveLength(2);
    expect(await readFile(path.join(archived, first ?? ''), 'utf8')).toBe(complete);

    // Fired once: another run finds nothing to put back.
    await runOnce(ctx, new InProcessQueue(ctx));
    expect(await dropsOf(name)).toBe(2);
    expect(await inboxLeft(ctx, 'notes')).toEqual([]);
  });

  it('lets the grades of the finished file win over those of its half-written first import', async () => {
    const name = 'INF101 bis.csv';
    const writer = await writerOf(name);
    // The stall outlives the longer delay: the file is taken as it stands, « 1 » where 19 was meant.
    await writer.write(`N° anonyme;Note\r\n${n(9)};11\r\n${n(10)};1`);
    await runOnce(ctx, new InProcessQueue(ctx));
    expect(await gradeOf(10)).toBe('1.00');

    await writer.write(`9\r\n${n(11)};13\r\n`);
    await writer.close();
    await runOnce(ctx, new InProcessQueue(ctx));

    expect([await gradeOf(9), await gradeOf(10), await gradeOf(11)]).toEqual([
      '11.00',
      '19.00',
      '13.00',
    ]);
    const [, again] = await receiptsOf(name);
    expect(again?.errors.map((e) => [e.row, e.code])).toEqual([
      [null, 'FILE_WRITTEN_AFTER_IMPORT'],
      [3, 'GRADE_REPLACED'],
    ]);
  });

  it('never puts a rewritten file back over a file of its name waiting in the inbox', async () => {
    const name = 'occupe.csv';
    const writer = await writerOf(name);
    await writer.write(`N° anonyme;Note\r\n${n(0)};11\r\n`);
    await runOnce(ctx, new InProcessQueue(ctx));
    await writer.write(`${n(1)};19\r\n`);
    await writer.close();
    // Another file under the same name is being copied in (its last row not ended yet).
    const waiting = `N° anonyme;Note\r\n${n(2)};13`;
    await writeFile(path.join(ctx.config.inbox, CTN, 'notes', name), waiting);

    const scan = await scanInbox(ctx, new InProcessQueue(ctx));

    expect(scan.returned).toBe(0);
    expect(await readFile(path.join(ctx.config.inbox, CTN, 'notes', name), 'utf8')).toBe(waiting);
  });
});
