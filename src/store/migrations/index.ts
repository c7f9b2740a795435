// Versioned migrations, listed in code so they run the same from src/ (tests) and dist/ (service).
import type { Knex } from 'knex';
import * as m001 from './001-initial.js';

interface Migration {
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

const MIGRATIONS: Record<string, Migration> = { '001-initial': m001 };

/** knex migration source over the in-code list above. */
export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(Object.keys(MIGRATIONS).sort()),
  getMigrationName: (name) => name,
  getMigration: (name) => {
    const migration = MIGRATIONS[name];
    if (!migration) {
      throw new Error(`unknown migration ${name}`);
    }
    return Promise.resolve(migration);
  },
};
