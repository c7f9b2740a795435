// Registers a stable inbox file as a drop: its content is identified by SHA-256 (one intake_file
// per CTN, channel and content), each physical drop gets an intake_drop row. Idempotent and safe
// under concurrency: the same file seen again while its drop is open gives back the same drop,
// even when two scanners (watcher, rescan, another process) register it at the same instant.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { AppContext } from '../services/context.js';
import { fileSignature, hashRegularFile, type InboxFile, type RegularFile } from './inbox.js';

/** The job payload: ids and a hash, never a name. */
export interface DropJob {
  dropId: number;
  sha256: string;
}

/** SHA-256 hex of bytes. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** True for a Postgres unique violation (23505), as raised by a lost registration race. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/** When a file was last written, in ms, from its signature (`size:mtimeMs`, fileSignature). */
export function savedAt(signature: string): number {
  return Number(signature.slice(signature.indexOf(':') + 1));
}

async function claim(
  trx: Knex.Transaction,
  file: InboxFile,
  read: RegularFile,
): Promise<number | null> {
  const { sha256, size, signature } = read;
  await trx('intake_file')
    .insert({
      sha256,
      ctn: file.ctn,
      channel: file.channel,
      file_name: file.name,
      size,
    })
    .onConflict(['ctn', 'channel', 'sha256'])
    .ignore();
  const intake = (await trx('intake_file')
    .where({ ctn: file.ctn, channel: file.channel, sha256 })
    .first('id')) as { id: number };

  const open = (await trx('intake_drop')
    .where({ intake_id: intake.id, file_name: file.name, done: false })
    .first('id')) as { id: number } | undefined;
  if (open) {
    return Number(open.id);
  }
  // A drop is marked done only after its file left the inbox: if the file we read was just
  // released, it is gone now, and registering it again would create a drop with no file.
  if ((await fileSignature(file.absolute)) !== signature) {
    return null;
  }
  const [drop] = (await trx('intake_drop')
    .insert({
      intake_id: intake.id,
      file_name: file.name,
      // When the file was last saved, on the clock of its file system; never after its arrival in
      // the inbox (its inode's change, which a copy or a move sets and a `touch` cannot set back: a
      // file dated in the future and left in the inbox before a grade was typed replaced it, a
      // trial), nor after its registration.
      handed_in_at: trx.raw(
        'least(now(), to_timestamp(?::double precision / 1000), to_timestamp(?::double precision / 1000))',
        [savedAt(signature), read.changedMs],
      ),
    })
    .returning('id')) as Array<{ id: number }>;
  return Number(drop?.id);
}

/**
 * Records the drop of a file and returns its job payload; null when the file is gone, is not a
 * plain file, or no longer carries the size and time it was found stable with (`stableSignature`).
 */
export async function registerDrop(
  ctx: AppContext,
  file: InboxFile,
  stableSignature?: string,
): Promise<DropJob | null> {
  // Checked again just before the claim: a writer that resumed after the stability wait loses.
  // Only hashed: the job reads the file itself, and a second copy held here would double the
  // memory a large drop costs.
  const read = await hashRegularFile(file.absolute);
  if (!read || (stableSignature !== undefined && read.signature !== stableSignature)) {
    return null;
  }
  const { sha256 } = read;

  // The partial unique index intake_drop_open lets only one open drop per (content, name): the
  // loser of a race gets 23505, and its retry finds the winner's drop.
  for (let attempt = 1; ; attempt += 1) {
    try {
      const dropId = await ctx.db.transaction((trx) => claim(trx, file, read));
      return dropId === null ? null : { dropId, sha256 };
    } catch (error: unknown) {
      if (!isUniqueViolation(error) || attempt >= 5) {
        throw error;
      }
    }
  }
}
