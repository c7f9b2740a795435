// A site with one CTN, IUT, its anonymity manager and the real Apogée maquette sample (with any
// other referential files) imported: what the tests of maquettes, in and out, start from.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { pino } from 'pino';

import { loadConfig } from '../../src/config/config.js';
import { createContext, type AppContext } from '../../src/services/context.js';
import { addCtn, addUser, grant } from '../../src/services/setup.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { drop, intake } from './channels-world.js';

/** The real maquette sample (ISO-8859-1, CRLF, columns of session 0). */
export const SAMPLE = readFileSync(
  new URL('../fixtures/apogee-maquette-7W29.txt', import.meta.url),
);

/** The anonymity manager of IUT. */
export const IUT_MANAGER = 'gest-IUT';

/** An open site: its context, its home folder and its Postgres test database (null on PGlite). */
export interface IutSite {
  ctx: AppContext;
  home: string;
  database: TestDatabase | null;
}

/** Drops a file into the IUT inbox and runs the intake; throws unless it is imported. */
export async function importedInto(
  ctx: AppContext,
  channel: string,
  name: string,
  bytes: Buffer | string,
): Promise<void> {
  await drop(ctx, 'IUT', channel, name, bytes);
  const receipt = await intake(ctx, 'IUT', name);
  if (receipt.status !== 'imported') {
    throw new Error(`${name} not imported: ${JSON.stringify(receipt.errors)}`);
  }
}

/**
 * Opens the site (on Postgres when `target.postgres`), the sample then `extra` imported in
 * referentiel/ (`extra` first with `sampleLast`, as when the referential came before the maquette).
 */
export async function openIutSite(
  target: { postgres: boolean },
  tag: string,
  extra: Record<string, string> = {},
  options: { sampleLast?: boolean } = {},
): Promise<IutSite> {
  const database = target.postgres ? await createTestDatabase(tag) : null;
  const home = await mkdtemp(path.join(os.tmpdir(), `anonymat-${tag}-`));
  const config = loadConfig(process.env, {
    home,
    databaseUrl: database?.url ?? null,
    redisUrl: null,
    stableMs: 0,
    unfinishedStableMs: 0,
  });
  const ctx = await createContext(config, pino({ level: 'silent' }));
  await addUser(ctx, 'admin', 'admin', 'Administrateur', true);
  await addCtn(ctx, 'admin', 'IUT', 'IUT MMI');
  await addUser(ctx, 'admin', IUT_MANAGER, 'Gestionnaire anonymat IUT', false);
  await grant(ctx, 'admin', IUT_MANAGER, 'IUT', 'manager');

  const sample: Array<[string, string | Buffer]> = [['apogee-maquette-7W29.txt', SAMPLE]];
  const files = Object.entries(extra);
  for (const [name, bytes] of options.sampleLast ? [...files, ...sample] : [...sample, ...files]) {
    await importedInto(ctx, 'referentiel', name, bytes);
  }
  return { ctx, home, database };
}

/** Closes the site and removes its folder and database. */
export async function closeIutSite(site: IutSite | undefined): Promise<void> {
  if (!site) {
    return;
  }
  await site.ctx.db.destroy();
  await rm(site.home, { recursive: true, force: true });
  await site.database?.drop();
}
