// What every use case receives: configuration, database, logger and the outbox gateway.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import { Outbox } from '../outputs/gateway.js';
import { SERVICE_ROLE } from '../store/migrations/002-anonymity-guards.js';
import { migrate, openDb, serviceRoleOf, targetFromConfig, type Db } from '../store/db.js';

/** Dependencies of the use cases, built once per process. */
export interface AppContext {
  config: Config;
  db: Db;
  log: Logger;
  outbox: Outbox;
  /** Key for the fingerprints of grade-entry workbooks. */
  secret: string;
}

/** The workbook-fingerprint key: ANONYMAT_SECRET, else a random key kept in var/secret.key. */
function loadSecret(config: Config): string {
  if (config.secret) {
    return config.secret;
  }
  const file = path.join(config.varDir, 'secret.key');
  if (!existsSync(file)) {
    // Several processes may start at once: the key is written whole under a temporary name, then
    // linked into place; the first link wins and every process reads the same key.
    mkdirSync(config.varDir, { recursive: true });
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temporary, randomBytes(32).toString('hex'), { mode: 0o600 });
    try {
      linkSync(temporary, file);
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    } finally {
      unlinkSync(temporary);
    }
  }
  return readFileSync(file, 'utf8').trim();
}

/** Opens the database (migrating it as the owner) and builds the context, acting as the service role on Postgres. */
export async function createContext(
  config: Config,
  log: Logger,
  options: { asOwner?: boolean } = {},
): Promise<AppContext> {
  const target = targetFromConfig(config);
  const owner = openDb(target);
  try {
    await migrate(owner);
  } catch (error: unknown) {
    // Released before the error goes up: an embedded database's thread must not outlive the start.
    await owner.destroy();
    throw error;
  }
  // `asOwner` is for tools that create their own tables (the benchmark's floors), never the service.
  if (!('url' in target) || options.asOwner) {
    return {
      config,
      db: owner,
      log,
      outbox: new Outbox(config.outbox),
      secret: loadSecret(config),
    };
  }

  // Migrations run as the connecting user; the service then acts as the restricted role.
  const role = await serviceRoleOf(owner, SERVICE_ROLE);
  await owner.destroy();
  if (!role) {
    log.warn({ role: SERVICE_ROLE }, 'service role unavailable: acting as the connecting user');
  }
  const db = openDb(target, role ? { role } : {});
  return { config, db, log, outbox: new Outbox(config.outbox), secret: loadSecret(config) };
}

/** Releases the database: closes the pool, and the thread of an embedded PGlite database. */
export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.db.destroy();
}
