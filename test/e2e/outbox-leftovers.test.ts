// After a kill -9 in embedded mode, the receipt's temporary the writer left in the outbox is gone
// once the service is started again (trial: it stayed for good beside the receipts).
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { anonymat } from '../support/cli.js';

describe('the outbox after a crash', () => {
  const homes: string[] = [];

  afterAll(async () => {
    await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
  });

  it('loses the temporaries a crash left there at the next start, and keeps every other file', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-leftovers-'));
    homes.push(home);
    const notes = path.join(home, 'outbox', 'SCI', 'accuses', 'notes');
    await mkdir(notes, { recursive: true });
    const leftover = 'notes-MAT101-ab12cd34.receipt.json.0123456789ab.tmp';
    const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000);
    for (const name of [leftover, 'notes-MAT101-ab12cd34.receipt.json', 'copie.tmp']) {
      await writeFile(path.join(notes, name), '{}');
      await utimes(path.join(notes, name), yesterday, yesterday);
    }

    const answer = await anonymat(home, 'run', '--once');

    expect(answer.code).toBe(0);
    expect((await readdir(notes)).sort()).toEqual(
      ['copie.tmp', 'notes-MAT101-ab12cd34.receipt.json'].sort(),
    );
  }, 120_000);
});
