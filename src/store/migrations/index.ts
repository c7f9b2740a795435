// Versioned migrations, listed in code so they run the same from src/ (tests) and dist/ (service).
import type { Knex } from 'knex';
import * as m001 from './001-initial.js';
import * as m002 from './002-anonymity-guards.js';
import * as m003 from './003-spare-labels.js';
import * as m005 from './005-roster-version.js';
import * as m006 from './006-number-lookup.js';
import * as m007 from './007-statement-references.js';
import * as m008 from './008-roster-words.js';
import * as m009 from './009-number-key-order.js';
import * as m010 from './010-number-collation.js';
import * as m012 from './012-grade-received.js';
import * as m013 from './013-distinct-references.js';
import * as m014 from './014-drop-handed-in.js';
import * as m015 from './015-drop-released.js';
import * as m016 from './016-unpadded-number.js';
import * as m017 from './017-grade-update-references.js';
import * as m018 from './018-letters-written-out.js';

interface Migration {
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-anonymity-guards': m002,
  '003-spare-labels': m003,
  '005-roster-version': m005,
  '006-number-lookup': m006,
  '007-statement-references': m007,
  '008-roster-words': m008,
  '009-number-key-order': m009,
  '010-number-collation': m010,
  '012-grade-received': m012,
  '013-distinct-references': m013,
  '014-drop-handed-in': m014,
  '015-drop-released': m015,
  '016-unpadded-number': m016,
  '017-grade-update-references': m017,
  '018-letters-written-out': m018,
};

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
