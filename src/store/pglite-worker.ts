// The worker thread that owns the embedded PGlite database: Postgres compiled to WASM runs every
// statement synchronously, so it lives here and the main thread's event loop stays free while a
// big COPY or upsert runs. Requests are answered strictly in the order they arrive, as on the
// single connection the main thread had before.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { errorFields, type Reply, type Request, type WorkerInput } from './pglite-protocol.js';

if (!parentPort) {
  throw new Error('pglite-worker runs only as a worker thread');
}
const port: MessagePort = parentPort;
const { dataDir } = workerData as WorkerInput;
const db = new PGlite(dataDir);
/** False when PGlite failed to start: closing then has nothing to close. */
let started = false;

function post(reply: Reply): void {
  port.postMessage(reply);
}

async function answer(request: Request): Promise<void> {
  try {
    if (request.op === 'close') {
      if (started) {
        await db.close();
      }
      post({ kind: 'done', id: request.id, result: null, keyRows: false });
      return;
    }
    // Rows travel as arrays (see pglite-protocol.ts), keyed again unless arrays were asked for.
    const keyRows = request.options?.rowMode !== 'array';
    const options = { ...request.options, rowMode: 'array' as const };
    const result = await db.query(request.sql, request.params, options);
    post({ kind: 'done', id: request.id, result, keyRows });
  } catch (error: unknown) {
    // Also reached when a result cannot be cloned: the caller gets an error, never silence.
    post({ kind: 'error', id: request.id, error: errorFields(error) });
  }
}

// The chain starts once PGlite is ready (or has failed: each request then gets its own error).
let tail: Promise<void> = db.waitReady.then(
  () => {
    started = true;
    post({ kind: 'ready' });
  },
  (error: unknown) => post({ kind: 'failed', error: errorFields(error) }),
);

port.on('message', (request: Request) => {
  tail = tail.then(() => answer(request));
});
