// The main thread's handle on the PGlite worker thread: it offers the three members knex-pglite
// and copy.ts use on a PGlite instance (`waitReady`, `query(sql, params, options)`, `close()`) and
// forwards each call to the worker, which answers in order. PGlite's own worker mode
// (`@electric-sql/pglite/worker`) is made for browser tabs and needs navigator.locks, which Node 20
// lacks, hence this small protocol.
import { Worker } from 'node:worker_threads';
import type { QueryOptions, Results } from '@electric-sql/pglite';
import {
  keyRows,
  reviveError,
  type Call,
  type Reply,
  type WorkerInput,
} from './pglite-protocol.js';

/** The worker thread stopped (crash, out of memory, killed): every call fails with this. */
export class PgliteWorkerError extends Error {
  override name = 'PgliteWorkerError';
}

interface Pending {
  resolve(result: Results<unknown> | null): void;
  reject(error: Error): void;
}

/** Starts the worker script: compiled JavaScript, or the TypeScript source under vitest and tsx. */
function spawn(input: WorkerInput): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./pglite-worker.js', import.meta.url), { workerData: input });
  }
  // Node 20 cannot load a .ts file by itself and a worker does not inherit the loader of the test
  // runner, so the thread registers tsx (a development dependency) before loading the source.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const source = JSON.stringify(new URL('./pglite-worker.ts', import.meta.url).href);
  const code = `const { register } = await import(${tsx}); register(); await import(${source});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), {
    workerData: input,
    execArgv: [],
  });
}

/** An embedded PGlite database running in its own worker thread. */
export class PgliteThread {
  /** Settles once the database has started (rejects if it could not). */
  readonly waitReady: Promise<void>;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #stopped: Error | null = null;
  #closing: Promise<void> | null = null;
  #ending = false;

  /**
   * Starts PGlite on `dataDir` (`file:///absolute/folder` or `memory://`) in a new thread; `start`
   * is replaced only by tests that need a thread that fails.
   */
  constructor(dataDir: string, start: (input: WorkerInput) => Worker = spawn) {
    this.#worker = start({ dataDir });
    this.waitReady = this.#started();
    // Whoever awaits waitReady (knex, on the first query) sees a start-up failure: not the process.
    this.waitReady.catch(() => undefined);
    this.#worker.on('message', (reply: Reply) => this.#settle(reply));
    this.#worker.on('error', (error: Error) =>
      this.#stop(new PgliteWorkerError('PGlite worker failed', { cause: error })),
    );
    this.#worker.on('messageerror', (error: Error) =>
      this.#stop(new PgliteWorkerError('PGlite worker sent an unreadable reply', { cause: error })),
    );
    this.#worker.on('exit', (code: number) =>
      this.#stop(new PgliteWorkerError(`PGlite worker exited (code ${code})`)),
    );
  }

  /** Runs one statement in the worker; rows, counts and errors come back as PGlite gives them. */
  query(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<unknown>> {
    return this.#call({ op: 'query', sql, params, options }) as Promise<Results<unknown>>;
  }

  /**
   * Closes the database, then ends the thread; later calls return the same promise. Rejects when
   * the thread had already stopped on its own: the database was then not closed cleanly.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const stopped = this.#stopped;
    const closed = stopped ? Promise.resolve(null) : this.#call({ op: 'close' });
    // From here on calls are refused, and the thread keeps the process alive until it has exited.
    this.#stopped ??= new PgliteWorkerError('PGlite database closed');
    this.#ending = true;
    this.#holdProcess();
    try {
      await closed;
    } finally {
      await this.#worker.terminate();
    }
    if (stopped) {
      throw stopped;
    }
  }

  /**
   * An idle thread does not keep the process alive, as PGlite in the main thread did not; a call in
   * flight or the thread's ending does (else a process with nothing else to do exits with code 13).
   */
  #holdProcess(): void {
    if (this.#pending.size > 0 || this.#ending) {
      this.#worker.ref();
    } else {
      this.#worker.unref();
    }
  }

  #started(): Promise<void> {
    // A new worker is referenced: it keeps the process alive until PGlite is up.
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(0, { resolve: () => resolve(), reject });
    });
  }

  #call(call: Call): Promise<Results<unknown> | null> {
    if (this.#stopped) {
      return Promise.reject(this.#stopped);
    }
    const id = this.#nextId;
    this.#nextId += 1;
    return new Promise((resolve, reject) => {
      try {
        // Posted at once, in call order: the worker answers in the same order.
        this.#worker.postMessage({ ...call, id });
      } catch (error: unknown) {
        // A parameter that cannot be cloned (a function, a class with private state).
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      this.#pending.set(id, { resolve, reject });
      this.#holdProcess();
    });
  }

  #settle(reply: Reply): void {
    const id = reply.kind === 'ready' || reply.kind === 'failed' ? 0 : reply.id;
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    this.#holdProcess();

    switch (reply.kind) {
      case 'ready':
        pending?.resolve(null);
        return;
      case 'done':
        pending?.resolve(reply.result && reply.keyRows ? keyRows(reply.result) : reply.result);
        return;
      case 'failed':
      case 'error':
        pending?.reject(reviveError(reply.error));
        return;
    }
  }

  #stop(error: Error): void {
    this.#stopped ??= error;
    for (const pending of this.#pending.values()) {
      pending.reject(error);
    }
    this.#pending.clear();
  }
}
