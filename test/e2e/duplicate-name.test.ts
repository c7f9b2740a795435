// The same bytes dropped again are a duplicate: nothing is imported twice (a later copy must not
// undo corrections). Its receipt names the drop that imported them, and says when its name
// designates another assessment: with one number per student for a whole template (the demo's IUT
// « MMI-S4 »), the file name tells which assessment a grade file is for, and `notes-7WGB4.csv`
// after the same bytes as `notes-7WGA4.csv` recorded nothing for 7WGB4 without a word (trial).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runDemo } from '../../src/cli/demo-run.js';
import { locate } from '../../src/intake/inbox.js';
import { processDrop } from '../../src/intake/process-drop.js';
import { registerDrop } from '../../src/intake/register.js';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { closeContext, type AppContext } from '../../src/services/context.js';

const maquette = new URL('../fixtures/apogee-maquette-7W29.txt', import.meta.url).pathname;

let home: string;
let ctx: AppContext;
let codes: string[];
let csv: string;

/** The receipt (JSON) written for a dropped file of IUT's notes/. */
async function receiptFor(name: string): Promise<Receipt> {
  const dir = path.join(ctx.config.outbox, 'IUT', 'accuses', 'notes');
  const { readdir } = await import('node:fs/promises');
  const stem = path.parse(name).name;
  const file = (await readdir(dir)).find((f) => f.includes(stem) && f.endsWith('.json'));
  return JSON.parse(await readFile(path.join(dir, file ?? 'absent'), 'utf8')) as Receipt;
}

async function dropAndRun(name: string): Promise<Receipt> {
  await writeFile(path.join(ctx.config.inbox, 'IUT', 'notes', name), csv);
  await runOnce(ctx, new InProcessQueue(ctx));
  return receiptFor(name);
}

/** Grades recorded per object code of the template. */
async function gradesByCode(): Promise<Record<string, number>> {
  const rows = (await ctx
    .db('grade as g')
    .join('assessment as a', 'a.id', 'g.assessment_id')
    .join('teaching_object as o', 'o.id', 'a.object_id')
    .whereIn('o.code', codes)
    .groupBy('o.code')
    .select('o.code')
    .count({ n: '*' })) as Array<{ code: string; n: string | number }>;
  return Object.fromEntries(rows.map((r) => [r.code, Number(r.n)]));
}

describe('the same bytes dropped again', () => {
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-dup-name-'));
    const outcome = await runDemo({
      home,
      maquette,
      students: 60,
      until: 'V',
      log: pino({ level: 'silent' }),
      say: () => undefined,
    });
    ctx = outcome.ctx as AppContext;
    const numbers = (await ctx
      .db('anonymous_number as n')
      .join('anonymity_template as t', 't.id', 'n.template_id')
      .where('t.code', 'MMI-S4')
      .orderBy('n.number')
      .limit(5)
      .select('n.number')) as Array<{ number: string }>;
    const objects = (await ctx
      .db('template_assessment as ta')
      .join('anonymity_template as t', 't.id', 'ta.template_id')
      .join('assessment as a', 'a.id', 'ta.assessment_id')
      .join('teaching_object as o', 'o.id', 'a.object_id')
      .where('t.code', 'MMI-S4')
      .orderBy('o.code')
      .select('o.code')) as Array<{ code: string }>;
    codes = objects.map((o) => o.code).slice(0, 2);
    csv = ['N° anonyme;Note', ...numbers.map((n, i) => `${n.number};${10 + i}`)].join('\r\n');
  }, 120_000);

  afterAll(async () => {
    await closeContext(ctx);
    await rm(home, { recursive: true, force: true });
  });

  it('records nothing for the other assessment a new name names, and says so and what to do', async () => {
    const [a, b] = codes as [string, string];
    const first = await dropAndRun(`notes-${a}.csv`);
    const second = await dropAndRun(`notes-${b}.csv`);
    const third = await dropAndRun(`notes-${a}-bis.csv`);

    expect([first.status, second.status, third.status]).toEqual([
      'imported',
      'duplicate',
      'duplicate',
    ]);
    expect(await gradesByCode()).toEqual({ [a]: 5 });
    expect(second.summary).toContain(`sous le nom « notes-${a}.csv »`);
    expect(second.summary).toContain(
      `Son nom désigne ${b}, que ne désignait pas le nom du fichier importé : rien n’a été ` +
        `enregistré pour ${b} par ce dépôt.`,
    );
    expect(second.summary).toContain('ajoutez au fichier une colonne « Code épreuve »');
    expect(third.summary).not.toContain('Son nom désigne');
  });

  it('names, on a duplicate, the drop that imported the bytes, not the one registered first', async () => {
    const [a] = codes as [string];
    csv = `${csv}\r\n`;
    const names = [`notes-${a}-salle1.csv`, `notes-${a}-salle2.csv`];
    const files = names.map((name) => path.join(ctx.config.inbox, 'IUT', 'notes', name));
    await Promise.all(files.map((file) => writeFile(file, csv)));
    // Registered in this order: the first name is the one the content is known under.
    const early = await registerDrop(ctx, locate(ctx.config.inbox, files[0]!)!);
    const late = await registerDrop(ctx, locate(ctx.config.inbox, files[1]!)!);

    const imported = await processDrop(ctx, late!);
    const copy = await processDrop(ctx, early!);

    expect(['receipt' in imported && imported.receipt.status]).toEqual(['imported']);
    expect('receipt' in copy && copy.receipt.summary).toContain(`sous le nom « ${names[1]} »`);
  });
});
