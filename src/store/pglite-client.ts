// The knex client for embedded PGlite: knex-pglite's dialect, driving a PgliteThread (the
// database in a worker thread) instead of an in-process PGlite instance.
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { PgliteThread } from './pglite-thread.js';

/**
 * How long the single connection may take to open and a query may wait for it (knex and tarn stop
 * at 30 s and 60 s). Opening waits for PGlite to start, about a minute for a new folder on a busy
 * machine (measured at load 25 on 2 cores); waiting for it lasts as long as another transaction (a
 * big import). Both are normal here, unlike on a full Postgres pool; a dead thread fails at once.
 */
const WAIT_MS = 10 * 60_000;

type PoolDefaults = ReturnType<Knex.Client['poolDefaults']>;

/** The knex settings of a folder database: how to release its lock once the thread is closed. */
type LockedConfig = Knex.Config & { releaseLock?: () => void };

/** knex-pglite's client whose destroy() also ends the thread, even if no query ever ran. */
class PgliteThreadClient extends ClientPgLite {
  /** Set by knex-pglite from the `connection` function of the config. */
  declare pglite: PgliteThread;

  // A connection that opens late is not only refused: tarn destroys it, which closes the database.
  override poolDefaults(): PoolDefaults & {
    createTimeoutMillis: number;
    acquireTimeoutMillis: number;
  } {
    return { ...super.poolDefaults(), createTimeoutMillis: WAIT_MS, acquireTimeoutMillis: WAIT_MS };
  }

  override async destroy(callback?: (error?: unknown) => void): Promise<void> {
    try {
      // The pool closes its connection (the thread) when it has one; close() is idempotent.
      await super.destroy(undefined);
      await this.pglite.close();
      (this.config as LockedConfig).releaseLock?.();
    } catch (error: unknown) {
      if (callback) {
        callback(error);
        return;
      }
      throw error;
    }
    callback?.();
  }
}

/**
 * A knex instance on PGlite at `dataDir` (`file:///absolute/folder` or `memory://`);
 * `releaseLock` is called once the database is closed (see embedded-lock.ts).
 */
export function openPglite(dataDir: string, releaseLock?: () => void): Knex {
  const pglite = new PgliteThread(dataDir);
  const config: LockedConfig = {
    client: PgliteThreadClient as typeof Knex.Client,
    dialect: 'postgres',
    // A function, so knex hands the thread over as is instead of deep-cloning its settings.
    connection: () => ({ pglite }) as Knex.StaticConnectionConfig,
    releaseLock,
  };
  return knexFactory(config);
}
