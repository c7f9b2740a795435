// The outbox writer's temporaries left by a crash: removed once abandoned, and nothing else is.
import { mkdir, mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  outboxTemporaryName,
  removeStaleTemporaries,
  STALE_TEMPORARY_MS,
} from '../../src/outputs/outbox-temporaries.js';

const HOUR_AGO = new Date(Date.now() - 60 * 60 * 1000);

/** Writes `name` in `folder`, last modified at `when`. */
async function plant(folder: string, name: string, when: Date): Promise<void> {
  await writeFile(path.join(folder, name), 'x');
  await utimes(path.join(folder, name), when, when);
}

describe('removeStaleTemporaries', () => {
  it('removes the writer’s abandoned temporaries, in sight or hidden, and nothing else', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'anonymat-sweep-'));
    const notes = path.join(root, 'SCI', 'accuses', 'notes');
    await mkdir(notes, { recursive: true });
    const hidden = path.basename(outboxTemporaryName(path.join(notes, 'n.accuse.xlsx')));
    await plant(notes, 'notes-MAT101-ab12cd34.receipt.json.0123456789ab.tmp', HOUR_AGO);
    await plant(notes, hidden, HOUR_AGO);
    // Another process may still be writing a young one; the rest is not the writer's.
    await plant(notes, '.notes-MAT101-ab12cd34.accuse.xlsx.ba9876543210.tmp', new Date());
    for (const name of ['copie.tmp', 'notes.csv.tmp', '.DS_Store', 'n.receipt.json', 'x.12.tmp']) {
      await plant(notes, name, HOUR_AGO);
    }

    const removed = await removeStaleTemporaries(root);

    expect(removed.sort()).toEqual(
      [
        path.join('SCI', 'accuses', 'notes', hidden),
        path.join('SCI', 'accuses', 'notes', 'notes-MAT101-ab12cd34.receipt.json.0123456789ab.tmp'),
      ].sort(),
    );
    expect((await readdir(notes)).sort()).toEqual(
      [
        '.DS_Store',
        '.notes-MAT101-ab12cd34.accuse.xlsx.ba9876543210.tmp',
        'copie.tmp',
        'n.receipt.json',
        'notes.csv.tmp',
        'x.12.tmp',
      ].sort(),
    );
  });

  it('leaves a temporary younger than the delay, and finds nothing in a missing outbox', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'anonymat-sweep-'));
    const young = new Date(Date.now() - STALE_TEMPORARY_MS / 2);
    await plant(root, '.pv.xlsx.0123456789ab.tmp', young);

    expect(await removeStaleTemporaries(root)).toEqual([]);
    expect(await readdir(root)).toEqual(['.pv.xlsx.0123456789ab.tmp']);
    expect(await removeStaleTemporaries(path.join(root, 'absent'))).toEqual([]);
  });
});
