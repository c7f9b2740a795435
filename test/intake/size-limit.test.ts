// A file larger than configured is refused before it is read into memory: hashed a slice at a time
// (so its drop is still recorded once), then refused with FILE_TOO_LARGE; nothing is imported and
// the file goes to error/ with its receipt.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import type { AppContext } from '../../src/services/context.js';
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

const LIMIT = 64 * 1024;

describe('files larger than ANONYMAT_MAX_FILE_BYTES', () => {
  let home: string;
  let ctx: AppContext;
  let world: GradedWorld;

  beforeAll(async () => {
    home = await tempHome('size');
    // The referential of the world is small enough for the limit.
    ctx = await openContext(home, { maxFileBytes: LIMIT });
    world = await buildGradedWorld(ctx, 5);
  });

  afterAll(async () => {
    await ctx?.db.destroy();
    await rm(home, { recursive: true, force: true });
  });

  it('refuses a grade file one byte over the limit, imports nothing, moves it to error/', async () => {
    const head = gradeCsv([[world.numbers[0] ?? '', '12']]);
    // Valid lines up to one byte over the limit: only its size is wrong.
    const filler = `${world.numbers[1]};13\r\n`;
    let text = head;
    while (Buffer.byteLength(text) + filler.length <= LIMIT) {
      text += filler;
    }
    text += 'x'.repeat(LIMIT + 1 - Buffer.byteLength(text));
    expect(Buffer.byteLength(text)).toBe(LIMIT + 1);
    await dropFile(ctx, 'notes', 'trop-gros.csv', text);

    await runOnce(ctx, new InProcessQueue(ctx));

    const receipt = (await allReceipts(ctx)).find((r) => r.file === 'trop-gros.csv');
    expect(receipt?.status).toBe('rejected');
    expect(receipt?.errors.map((e) => [e.row, e.code])).toEqual([[null, 'FILE_TOO_LARGE']]);
    expect(receipt?.errors[0]?.message).toBe(
      'Le fichier dépasse la taille maximale acceptée : découpez-le en plusieurs fichiers plus petits (par exemple un par épreuve) puis déposez-les. (64 Kio ; maximum 64 Kio)',
    );
    expect(await ctx.db('grade').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await inboxLeft(ctx, 'notes')).toEqual([]);
    const refused = await readdir(path.join(ctx.config.errorDir, CTN, 'notes'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/trop-gros\.csv$/);
    // No annotated copy: there is no row to point at, and the file was never read.
    const receipts = await readdir(path.join(ctx.config.outbox, CTN, 'accuses', 'notes'));
    expect(receipts.filter((n) => n.includes('trop-gros'))).toEqual(
      expect.not.arrayContaining([expect.stringMatching(/annote/)]),
    );
  });

  it('imports a file exactly at the limit', async () => {
    const text = gradeCsv([[world.numbers[2] ?? '', '15,5']]);
    await dropFile(ctx, 'notes', 'juste.csv', text + ' '.repeat(LIMIT - Buffer.byteLength(text)));

    await runOnce(ctx, new InProcessQueue(ctx));

    const receipt = (await allReceipts(ctx)).find((r) => r.file === 'juste.csv');
    expect(receipt?.status).toBe('imported');
    expect(receipt?.rows.imported).toBe(1);
  });
});
