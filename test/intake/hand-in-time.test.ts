// A file's grades are handed in when the file was last saved (its modification time), never after
// its arrival in the inbox (its inode's change time) nor its registration: a correction saved after
// its original wins whatever their names and whichever a run finds first, and a file left in the
// inbox before a grade was typed does not replace that grade (trials: the original won over its
// correction; a file waiting in the inbox replaced a grade typed after it came). Runs on PGlite,
// and on Postgres too when DATABASE_URL is set.
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { enterGrade } from '../../src/services/grade-entry.js';
import type { AppContext } from '../../src/services/context.js';
import { drop, gradesOf, worldFor } from '../db/channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

const csv = (lines: string[]): string => `\ufeff${lines.join('\r\n')}\r\n`;

/** Drops a grade file of A's `notes` whose last save was `seconds` ago (ahead when negative). */
async function savedAgo(
  ctx: AppContext,
  name: string,
  rows: string[],
  seconds: number,
): Promise<void> {
  await drop(ctx, 'A', 'notes', name, csv(['N° anonyme;Note', ...rows]));
  const at = Date.now() / 1000 - seconds;
  await utimes(path.join(ctx.config.inbox, 'A', 'notes', name), at, at);
}

describe.each(DATABASE_TARGETS)('when a file was handed in, on $name', (target) => {
  const world = worldFor(target, 'handedin');

  it('takes files waiting together in the order they were saved, not by name: the correction wins', async () => {
    const { ctx, numbers, assessments } = world();
    const n = numbers.mat101.slice(20, 23);
    // The original is saved first under a name that sorts last, its correction a minute later.
    await savedAgo(
      ctx,
      'z-original-MAT101.csv',
      n.map((x) => `${x.number};5`),
      120,
    );
    await savedAgo(
      ctx,
      'a-corrige-MAT101.csv',
      n.map((x) => `${x.number};19`),
      60,
    );

    await runOnce(ctx, new InProcessQueue(ctx));

    const grades = await gradesOf(ctx, assessments.mat101);
    expect(n.map((x) => grades.get(x.student))).toEqual(['19.00', '19.00', '19.00']);
    const drops = (await ctx
      .db('intake_drop')
      .whereIn('file_name', ['z-original-MAT101.csv', 'a-corrige-MAT101.csv'])
      .orderBy('dropped_at')
      .select('file_name')) as Array<{ file_name: string }>;
    expect(drops.map((d) => d.file_name)).toEqual([
      'z-original-MAT101.csv',
      'a-corrige-MAT101.csv',
    ]);
  });

  it('dates a file by its save: one saved before a grade was typed, run later, keeps that grade', async () => {
    const { ctx, numbers, assessments } = world();
    const [x] = numbers.mat101.slice(6, 7);
    // Saved into the inbox two hours ago, left there while the grade office typed a correction.
    await savedAgo(ctx, 'ancien-MAT101.csv', [`${x?.number};5`], 7200);
    await enterGrade(ctx, 'gest-A', { ctn: 'A', number: x?.number ?? '', grade: '19' });

    await runOnce(ctx, new InProcessQueue(ctx));

    expect((await gradesOf(ctx, assessments.mat101)).get(x?.student ?? '')).toBe('19.00');
    const drop_ = (await ctx
      .db('intake_drop')
      .where({ file_name: 'ancien-MAT101.csv' })
      .first('outcome', 'receipt')) as { outcome: string; receipt: Receipt | string };
    const receipt = (
      typeof drop_.receipt === 'string' ? JSON.parse(drop_.receipt) : drop_.receipt
    ) as Receipt;
    expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([[2, 'GRADE_NEWER_KEPT']]);
    // The receipt says when the file was saved, which is why the typed grade was kept.
    const savedAgoMs = Date.now() - new Date(receipt.savedAt ?? '').getTime();
    expect(savedAgoMs).toBeGreaterThan(7_100_000);
    expect(savedAgoMs).toBeLessThan(7_300_000);
  });

  it('dates a file saved « in the future » by its arrival: it keeps a grade typed after it came', async () => {
    const { ctx, numbers, assessments } = world();
    const x = numbers.mat101[13];
    // A share whose clock runs a year ahead; the file sits in the inbox while a grade is typed.
    await savedAgo(ctx, 'en-avance-MAT101.csv', [`${x?.number};5`], -365 * 86_400);
    await enterGrade(ctx, 'gest-A', { ctn: 'A', number: x?.number ?? '', grade: '16' });

    await runOnce(ctx, new InProcessQueue(ctx));

    expect((await gradesOf(ctx, assessments.mat101)).get(x?.student ?? '')).toBe('16.00');
  });

  it('keeps the grades of the file saved last whatever order two runs registered them in', async () => {
    const { ctx, numbers, assessments } = world();
    const n = numbers.mat101.slice(7, 9);
    // The correction is found first (the original was still being copied), the original after.
    await savedAgo(
      ctx,
      'v2-MAT101.csv',
      n.map((x) => `${x.number};14`),
      60,
    );
    await runOnce(ctx, new InProcessQueue(ctx));
    await savedAgo(
      ctx,
      'v1-MAT101.csv',
      n.map((x) => `${x.number};6`),
      600,
    );
    // A clock ahead on the file's side never dates a file after its arrival.
    await savedAgo(ctx, 'futur-MAT101.csv', [`${numbers.mat101[9]?.number};8`], -86_400);
    await runOnce(ctx, new InProcessQueue(ctx));

    const grades = await gradesOf(ctx, assessments.mat101);
    expect(n.map((x) => grades.get(x.student))).toEqual(['14.00', '14.00']);
    const future = (await ctx
      .db('intake_drop')
      .where({ file_name: 'futur-MAT101.csv' })
      .first(ctx.db.raw('handed_in_at <= dropped_at as bounded'))) as { bounded: boolean };
    expect(future.bounded).toBe(true);
  });

  it('keeps a grade a later file confirmed over a file saved between the two that arrives last', async () => {
    const { ctx, numbers, assessments } = world();
    const x = numbers.mat101[16];
    // v1 says 12; v3 says 12 again (v2's 18 was a mistake); v2, held in a mailbox, comes last.
    await savedAgo(ctx, 'confirme-v1-MAT101.csv', [`${x?.number};12`], 30);
    await runOnce(ctx, new InProcessQueue(ctx));
    await savedAgo(ctx, 'confirme-v3-MAT101.csv', [`${x?.number};12,00`], 10);
    await runOnce(ctx, new InProcessQueue(ctx));
    await savedAgo(ctx, 'confirme-v2-MAT101.csv', [`${x?.number};18`], 20);
    await runOnce(ctx, new InProcessQueue(ctx));

    expect((await gradesOf(ctx, assessments.mat101)).get(x?.student ?? '')).toBe('12.00');
    const late = await receiptNamed(ctx, 'confirme-v2-MAT101.csv');
    expect(late.errors.map((e) => [e.row, e.code])).toEqual([[2, 'GRADE_NEWER_KEPT']]);
    expect(late.rows).toEqual({ read: 1, imported: 0, rejected: 0 });
  });

  it('keeps a grade typed again as it is over a file saved before the typing that arrives after', async () => {
    const { ctx, numbers, assessments } = world();
    const x = numbers.mat102[16];
    await drop(ctx, 'A', 'notes', 'a-MAT102.csv', csv(['N° anonyme;Note', `${x?.number};11`]));
    const first = Date.now() / 1000 - 60;
    await utimes(path.join(ctx.config.inbox, 'A', 'notes', 'a-MAT102.csv'), first, first);
    await runOnce(ctx, new InProcessQueue(ctx));
    // The office checks the copy and types the same grade: the grade is confirmed now.
    const typed = await enterGrade(ctx, 'gest-A', {
      ctn: 'A',
      number: x?.number ?? '',
      grade: '11',
    });
    expect(typed.unchanged).toBe(true);
    await drop(ctx, 'A', 'notes', 'b-MAT102.csv', csv(['N° anonyme;Note', `${x?.number};8`]));
    const between = Date.now() / 1000 - 30;
    await utimes(path.join(ctx.config.inbox, 'A', 'notes', 'b-MAT102.csv'), between, between);
    await runOnce(ctx, new InProcessQueue(ctx));

    expect((await gradesOf(ctx, assessments.mat102)).get(x?.student ?? '')).toBe('11.00');
    const late = await receiptNamed(ctx, 'b-MAT102.csv');
    expect(late.errors.map((e) => e.code)).toEqual(['GRADE_NEWER_KEPT']);
  });

  it('says when a file replaces grades of a file saved at the very same instant (zip times)', async () => {
    const { ctx, numbers } = world();
    const n = numbers.mat101.slice(1, 3);
    // Extracted from a zip, whose times have two seconds' precision: both saved at the same instant.
    const at = Math.floor(Date.now() / 2000) * 2 - 300;
    for (const [name, grade] of [
      ['zip-v1-MAT101.csv', 7],
      ['zip-v2-MAT101.csv', 13],
    ] as const) {
      await drop(
        ctx,
        'A',
        'notes',
        name,
        csv(['N° anonyme;Note', ...n.map((x) => `${x.number};${grade}`)]),
      );
      await utimes(path.join(ctx.config.inbox, 'A', 'notes', name), at, at);
      await runOnce(ctx, new InProcessQueue(ctx));
    }

    const row = (await ctx
      .db('intake_drop')
      .where({ file_name: 'zip-v2-MAT101.csv' })
      .first('receipt')) as { receipt: Receipt | string };
    const receipt = (
      typeof row.receipt === 'string' ? JSON.parse(row.receipt) : row.receipt
    ) as Receipt;
    expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'GRADE_REPLACED'],
      [3, 'GRADE_REPLACED'],
    ]);
    for (const e of receipt.errors) {
      expect(e.message).toContain('Avant : 7,00 ; maintenant : 13,00.');
      expect(e.message).toContain('la même heure d’enregistrement');
    }
    // Said in the summary too: a person reading it alone must not miss it (trial).
    expect(receipt.summary).toContain(
      '2 note(s) déjà enregistrée(s) remplacée(s) (voir les avis). Dont 2 donnée(s) par un ' +
        'fichier enregistré à la même heure que celui-ci : le fichier traité le dernier l’emporte',
    );
  });
});

/** The receipt of the drop of `name`. */
async function receiptNamed(ctx: AppContext, name: string): Promise<Receipt> {
  const found = (await ctx.db('intake_drop').where({ file_name: name }).first('receipt')) as {
    receipt: Receipt | string;
  };
  return (typeof found.receipt === 'string' ? JSON.parse(found.receipt) : found.receipt) as Receipt;
}
