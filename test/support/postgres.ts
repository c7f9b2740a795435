// A throw-away Postgres database per test suite on the shared server, so suites never see each
// other's rows; dropped with (force) afterwards.
import knexFactory from 'knex';

/** A database created for one suite. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates `anonymat_<label>_<pid>_<time>` on the server of DATABASE_URL. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    throw new Error('DATABASE_URL is not set');
  }
  const name = `anonymat_${label}_${process.pid}_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: server });
  await admin.raw(`create database ${name}`);
  await admin.destroy();

  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = knexFactory({ client: 'pg', connection: server });
      await again.raw(`drop database if exists ${name} with (force)`);
      await again.destroy();
    },
  };
}

/** The database targets a DB-tier suite runs on: PGlite always, Postgres when DATABASE_URL is set. */
export const DATABASE_TARGETS: Array<{ name: string; postgres: boolean }> = [
  { name: 'PGlite', postgres: false },
  ...(process.env.DATABASE_URL ? [{ name: 'Postgres', postgres: true }] : []),
];
