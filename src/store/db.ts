// Database access: Postgres when DATABASE_URL is set, embedded PGlite under var/ otherwise (run in
// a worker thread, see pglite-thread.ts). Same knex queries and the same migrations on both.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from './migrations/index.js';
import { lockEmbedded } from './embedded-lock.js';
import { openPglite } from './pglite-client.js';

export type Db = Knex;
export type Tx = Knex.Transaction;

// Return BIGINT (int8) and NUMERIC as JS values we control: counts as numbers, grades as strings.
pg.types.setTypeParser(20, (value: string) => Number(value));

/** Where the database lives: a Postgres URL, or a folder for embedded PGlite. */
export type DbTarget = { url: string } | { dir: string } | { memory: true };

/** Opens a knex instance on Postgres or PGlite. */
export function openDb(target: DbTarget, options: { role?: string } = {}): Db {
  if ('url' in target) {
    const role = options.role;
    return knexFactory({
      client: 'pg',
      connection: target.url,
      pool: {
        min: 0,
        max: 10,
        // Every session acts as the restricted role: it cannot rewrite the audit log.
        ...(role
          ? {
              afterCreate: (
                conn: pg.Client,
                done: (err: Error | null, conn: pg.Client) => void,
              ) => {
                conn.query(`set role ${role}`).then(
                  () => done(null, conn),
                  (err: unknown) => done(err instanceof Error ? err : new Error(String(err)), conn),
                );
              },
            }
          : {}),
      },
    });
  }
  if (!('dir' in target)) {
    return openPglite('memory://');
  }
  const folder = prepareDir(target.dir);
  // One process at a time on a folder database: a second one would lose writes (embedded-lock.ts).
  const release = lockEmbedded(folder);
  try {
    return openPglite(`file://${folder}`, release);
  } catch (error: unknown) {
    release();
    throw error;
  }
}

function prepareDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return path.resolve(dir);
}

/** Brings the schema to the latest migration. */
export async function migrate(db: Db): Promise<void> {
  await db.migrate.latest({ migrationSource });
}

/** The database target the configuration asks for. */
export function targetFromConfig(config: { databaseUrl: string | null; varDir: string }): DbTarget {
  return config.databaseUrl
    ? { url: config.databaseUrl }
    : { dir: path.join(config.varDir, 'pgdata') };
}

/**
 * The role the service acts as on Postgres: `anonymat_service` (migration 002) when it exists and
 * the connecting user may take it; null otherwise (PGlite has a single user).
 */
export async function serviceRoleOf(db: Db, role: string): Promise<string | null> {
  const result = (await db.raw(
    `select 1 as ok from pg_roles where rolname = ? and pg_has_role(current_user, oid, 'MEMBER')`,
    [role],
  )) as { rows: unknown[] };
  return result.rows.length > 0 ? role : null;
}
