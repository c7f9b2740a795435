// Embedded PGlite in its worker thread, seen from the main thread: database errors keep their
// SQLSTATE and details, statements run in the order they were issued, values cross whole, and a
// thread that dies or cannot start turns into errors instead of a hang.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { PgliteThread } from '../../src/store/pglite-thread.js';

describe('PGlite in a worker thread', () => {
  let db: Db;

  beforeAll(async () => {
    db = openDb({ memory: true });
    await db.raw(
      'create table item (id serial primary key, n int not null unique, body bytea, at timestamptz, doc jsonb)',
    );
  });

  afterAll(async () => {
    await db.destroy();
  });

  it('reports a unique violation with its SQLSTATE, constraint and detail', async () => {
    await db('item').insert({ n: 1 });

    await expect(db('item').insert({ n: 1 })).rejects.toMatchObject({
      name: 'error',
      code: '23505',
      constraint: 'item_n_key',
      detail: 'Key (n)=(1) already exists.',
      table: 'item',
    });
  });

  it('runs the statements of a transaction in the order they were issued', async () => {
    const issued = Array.from({ length: 40 }, (_, i) => 100 + i);

    await db.transaction(async (trx) => {
      // Issued without waiting for each other: only the order of arrival decides the ids.
      await Promise.all(issued.map((n) => trx('item').insert({ n })));
    });

    const rows = (await db('item').where('n', '>=', 100).orderBy('id').select('n')) as Array<{
      n: number;
    }>;
    expect(rows.map((row) => row.n)).toEqual(issued);
  });

  it('rolls back a failed transaction as a whole', async () => {
    const failing = db.transaction(async (trx) => {
      await trx('item').insert({ n: 500 });
      await trx('item').insert({ n: 500 });
    });

    await expect(failing).rejects.toMatchObject({ code: '23505' });
    expect(await db('item').where({ n: 500 }).count({ total: '*' })).toEqual([{ total: 0 }]);
  });

  it('carries bytes, dates and JSON both ways', async () => {
    const at = new Date('2026-06-15T08:30:00.000Z');
    await db('item').insert({
      n: 700,
      body: Buffer.from([0, 1, 254, 255]),
      at,
      doc: { note: 'é' },
    });

    const [row] = (await db('item').where({ n: 700 }).select('body', 'at', 'doc')) as Array<{
      body: Uint8Array;
      at: Date;
      doc: unknown;
    }>;
    expect([...row!.body]).toEqual([0, 1, 254, 255]);
    expect(row!.at.toISOString()).toBe('2026-06-15T08:30:00.000Z');
    expect(row!.doc).toEqual({ note: 'é' });
  });
});

describe('when the PGlite thread ends', () => {
  it('refuses calls after close with a PgliteWorkerError', async () => {
    const thread = new PgliteThread('memory://');
    await thread.waitReady;
    await thread.close();

    await expect(thread.query('select 1')).rejects.toMatchObject({
      name: 'PgliteWorkerError',
      message: 'PGlite database closed',
    });
  });

  it('fails the call in flight, and every later one, when the thread exits', async () => {
    // A stand-in thread that starts, then dies on the first request.
    const dying = (): Worker =>
      new Worker(
        `const { parentPort } = require('node:worker_threads');
         parentPort.postMessage({ kind: 'ready' });
         parentPort.on('message', () => process.exit(7));`,
        { eval: true },
      );
    const thread = new PgliteThread('memory://', dying);
    await thread.waitReady;

    const stopped = { name: 'PgliteWorkerError', message: 'PGlite worker exited (code 7)' };
    await expect(thread.query('select 1')).rejects.toMatchObject(stopped);
    await expect(thread.query('select 2')).rejects.toMatchObject(stopped);
    await expect(thread.close()).rejects.toMatchObject(stopped);
  });

  it('fails the start when the thread throws before it is ready', async () => {
    const broken = (): Worker => new Worker(`throw new Error('no wasm here');`, { eval: true });
    const thread = new PgliteThread('memory://', broken);

    const failure = await thread.waitReady.then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure?.name).toBe('PgliteWorkerError');
    expect((failure?.cause as Error | undefined)?.message).toBe('no wasm here');
    await expect(thread.query('select 1')).rejects.toMatchObject({ name: 'PgliteWorkerError' });
  });

  it('reports a data folder PGlite cannot open as an error of the first query', async () => {
    // A regular file where the data folder should be: PGlite itself fails to start.
    const home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-pglite-'));
    await writeFile(path.join(home, 'pgdata'), 'not a folder');
    const thread = new PgliteThread(pathToFileURL(path.join(home, 'pgdata')).href);

    await expect(thread.query('select 1')).rejects.toMatchObject({ name: 'ErrnoError' });
    await thread.close();
    await rm(home, { recursive: true, force: true });
  });
});
