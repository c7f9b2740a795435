// Database access: Postgres when DATABASE_URL is set, embedded PGlite under var/ otherwise.
// Same knex queries and the same migrations on both.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import { migrationSource } from './migrations/index.js';

export type Db = Knex;
export type Tx = Knex.Transaction;

// Return BIGINT (int8) and NUMERIC as JS values we control: counts as numbers, grades as strings.
pg.types.setTypeParser(20, (value: string) => Number(value));

/** Where the database lives: a Postgres URL, or a folder for embedded PGlite. */
export type DbTarget = { url: string } | { dir: string } | { memory: true };

/** Opens a knex instance on Postgres or PGlite. */
export function openDb(target: DbTarget): Db {
  if ('url' in target) {
    return knexFactory({ client: 'pg', connection: target.url, pool: { min: 0, max: 10 } });
  }
  const connectionString = 'dir' in target ? `file://${prepareDir(target.dir)}` : 'memory://';
  return knexFactory({
    client: ClientPgLite as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: { connectionString },
  });
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
