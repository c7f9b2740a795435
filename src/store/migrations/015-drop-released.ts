// What became of a drop's file once it left the inbox, so that the service notices when it goes on
// changing there. A writer that kept the file open and stalled longer than the stability wait (a
// network copy) writes the rest into the archived file: a rename keeps the open handle (trial: the
// first rows imported, the last ones written into archive/, nobody told). The size and
// modification time the file was released with are compared at each scan for a day
// (intake/rewritten.ts); `rewritten_at` says the check fired, once, and `rewritten_sha256` what
// was put back in the inbox, whose drop's receipt then says why it came again.
// Null for drops released before these columns: they are not watched.
import type { Knex } from 'knex';

const STATEMENTS = [
  // Path under archive/ (error/ for a rejected outcome), as release.ts named it.
  'alter table intake_drop add column released_name text',
  'alter table intake_drop add column released_size bigint',
  // Milliseconds as fs.Stats.mtimeMs gives them, fraction kept: compared for equality.
  'alter table intake_drop add column released_mtime_ms double precision',
  'alter table intake_drop add column released_at timestamptz',
  'alter table intake_drop add column rewritten_at timestamptz',
  'alter table intake_drop add column rewritten_sha256 text',
  // The scan looks at the drops released lately and not yet found rewritten; a new drop asks
  // whether its bytes were put back from an archived file.
  `create index intake_drop_released on intake_drop (released_at)
     where released_at is not null and rewritten_at is null`,
  `create index intake_drop_rewritten on intake_drop (rewritten_sha256)
     where rewritten_sha256 is not null`,
];

/** Adds the columns and their indexes. */
export async function up(db: Knex): Promise<void> {
  for (const sql of STATEMENTS) {
    await db.raw(sql);
  }
}

/** Drops them. */
export async function down(db: Knex): Promise<void> {
  await db.raw('drop index if exists intake_drop_rewritten');
  await db.raw('drop index if exists intake_drop_released');
  for (const column of [
    'rewritten_sha256',
    'rewritten_at',
    'released_at',
    'released_mtime_ms',
    'released_size',
    'released_name',
  ]) {
    await db.raw(`alter table intake_drop drop column ${column}`);
  }
}
