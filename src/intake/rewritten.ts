// A file that went on changing after it left the inbox. A writer that kept it open and stalled
// longer than the stability wait (a network copy) writes the rest into the archived file, since a
// rename keeps the open handle: its first rows were imported, the rest went nowhere and nobody was
// told (trial). Each scan compares the files released in the last day with the size and time they
// were released with (migration 015, one stat each); a file that changed, once it has held still,
// is copied back to the inbox under its name and imported again as a new drop: saved later, its
// grades win (migration 014). The archived file stays as it is; each drop fires once.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, lstat, link, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { frenchMessage } from '../domain/errors.js';
import type { ReceiptError } from '../outputs/receipt.js';
import type { AppContext } from '../services/context.js';
import { fileSignature, hashRegularFile, isSafeName } from './inbox.js';
import { savedAt } from './register.js';
import { inboxPath, releaseRoot } from './release.js';

/** How long after its release a file is watched, and at most how many files a scan looks at. */
const WATCHED_FOR = '24 hours';
const WATCHED_MOST = 10_000;

/** A released file whose size or time is no longer what it was released with. */
export interface ChangedRelease {
  dropId: number;
  ctn: string;
  channel: string;
  file_name: string;
  /** The bytes that were imported from it. */
  sha256: string;
  /** Where it lies in archive/ or error/. */
  absolute: string;
}

interface ReleasedRow {
  id: number | string;
  file_name: string;
  outcome: 'imported' | 'partial' | 'rejected' | 'duplicate';
  released_name: string;
  released_size: number | string;
  released_mtime_ms: number | string;
  ctn: string;
  channel: string;
  sha256: string;
}

/** True when the file at `absolute` is a plain file whose size or time moved since its release. */
async function movedSince(absolute: string, row: ReleasedRow): Promise<boolean> {
  const stats = await lstat(absolute).catch(() => null);
  return (
    stats !== null &&
    stats.isFile() &&
    (stats.size !== Number(row.released_size) || stats.mtimeMs !== Number(row.released_mtime_ms))
  );
}

/** The files released lately, not yet found rewritten, whose size or time changed since. */
export async function changedReleases(ctx: AppContext): Promise<ChangedRelease[]> {
  const rows = (await ctx
    .db('intake_drop as d')
    .join('intake_file as f', 'f.id', 'd.intake_id')
    .whereNull('d.rewritten_at')
    .whereNotNull('d.released_at')
    .where('d.released_at', '>', ctx.db.raw(`now() - interval '${WATCHED_FOR}'`))
    .orderBy('d.released_at', 'desc')
    .limit(WATCHED_MOST)
    .select(
      'd.id',
      'd.file_name',
      'd.outcome',
      'd.released_name',
      'd.released_size',
      'd.released_mtime_ms',
      'f.ctn',
      'f.channel',
      'f.sha256',
    )) as ReleasedRow[];

  const looked = await Promise.all(
    rows
      .filter((row) => isSafeName(row.file_name))
      .map(async (row) => {
        const absolute = path.join(releaseRoot(ctx, row.outcome), row.released_name);
        return (await movedSince(absolute, row)) ? { row, absolute } : null;
      }),
  );
  return looked.flatMap((found) =>
    found
      ? [
          {
            dropId: Number(found.row.id),
            ctn: found.row.ctn,
            channel: found.row.channel,
            file_name: found.row.file_name,
            sha256: found.row.sha256,
            absolute: found.absolute,
          },
        ]
      : [],
  );
}

/**
 * Copies the released file, found still with `signature`, beside it under a hidden name, its
 * modification time kept (when it was last written: its hand-in time once back in the inbox).
 * Null when it changed during the copy: the next scan sees it again.
 */
async function copyAside(
  change: ChangedRelease,
  signature: string,
): Promise<{ temp: string; sha256: string } | null> {
  const temp = path.join(
    path.dirname(change.absolute),
    `.rewritten-${change.dropId}-${randomBytes(6).toString('hex')}.tmp`,
  );
  await copyFile(change.absolute, temp, constants.COPYFILE_EXCL);
  const saved = new Date(savedAt(signature));
  await utimes(temp, saved, saved);

  const copy = await hashRegularFile(temp);
  const size = Number(signature.slice(0, signature.indexOf(':')));
  if (!copy || copy.size !== size || (await fileSignature(change.absolute)) !== signature) {
    await unlink(temp);
    return null;
  }
  return { temp, sha256: copy.sha256 };
}

/** Marks the drop's check as fired, once: false when it already was (another scan, another process). */
async function fire(
  trx: Knex.Transaction,
  dropId: number,
  sha256: string | null,
): Promise<boolean> {
  const updated = await trx('intake_drop')
    .where({ id: dropId })
    .whereNull('rewritten_at')
    .update({ rewritten_at: trx.fn.now(), rewritten_sha256: sha256 });
  return updated > 0;
}

/**
 * Puts a changed released file, found still with `signature`, back in the inbox under its name,
 * never over a file there (then the next scan tries again); true when it did. A file whose bytes
 * are still those imported (only its time changed) is not put back; its check is spent all the same.
 */
export async function returnRewritten(
  ctx: AppContext,
  change: ChangedRelease,
  signature: string,
): Promise<boolean> {
  const target = inboxPath(ctx, change);
  if (await lstat(target).catch(() => null)) {
    return false;
  }
  const copy = await copyAside(change, signature);
  if (!copy) {
    return false;
  }

  const log = ctx.log.child({ dropId: change.dropId, ctn: change.ctn, channel: change.channel });
  try {
    // Fired and linked in one transaction: a failed link leaves the check to the next scan.
    return await ctx.db.transaction(async (trx) => {
      if (copy.sha256 === change.sha256) {
        await fire(trx, change.dropId, null);
        return false;
      }
      if (!(await fire(trx, change.dropId, copy.sha256))) {
        return false;
      }
      await link(copy.temp, target);
      log.warn(
        { sha256: copy.sha256.slice(0, 12) },
        'file written after it was released: put back',
      );
      return true;
    });
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  } finally {
    await unlink(copy.temp).catch(() => undefined);
  }
}

/**
 * The select column telling, for a drop (`d`, its file `f`), the content hash of the import whose
 * released file went on being written and was put back as this drop's bytes; null for other drops.
 */
export function rewrittenOfColumn(db: Knex): Knex.Raw {
  return db.raw(`(
    select rf.sha256 from intake_drop r join intake_file rf on rf.id = r.intake_id
    where r.rewritten_sha256 = f.sha256 and r.file_name = d.file_name
      and rf.ctn = f.ctn and rf.channel = f.channel
    order by r.id desc limit 1
  ) as rewritten_of`);
}

/** The receipt's notice for a drop put back because its released file went on being written. */
export function rewrittenNotice(rewrittenOf: string): ReceiptError {
  return {
    row: null,
    column: null,
    code: 'FILE_WRITTEN_AFTER_IMPORT',
    message: frenchMessage(
      'FILE_WRITTEN_AFTER_IMPORT',
      `(première importation : accusé de réception portant l’empreinte ${rewrittenOf.slice(0, 8)})`,
    ),
    kind: 'notice',
  };
}
