// The last step of the import-file job, once the outcome is committed: the annotated copy and the
// receipt are written, then the input leaves the inbox for archive/ or error/ under a name of its
// own. Run again after a crash at any point, it writes the same files and overwrites no input.
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { annotatedCopyWanted, writeAnnotatedCopy } from '../outputs/annotated-copy.js';
import { slug, writeReceipt } from '../outputs/gateway.js';
import type { Receipt } from '../outputs/receipt.js';
import { rosterUnderAnonymity } from '../services/anonymity.js';
import type { AppContext } from '../services/context.js';
import { isSafeName, readRegularFile } from './inbox.js';

/** What releasing a drop needs to know of it. */
export interface ReleasedDrop {
  id: number;
  intake_id: number;
  file_name: string;
  ctn: string;
  channel: string;
  sha256: string;
}

/** Where a dropped file sits in the inbox. */
export function inboxPath(ctx: AppContext, drop: ReleasedDrop): string {
  return path.join(ctx.config.inbox, drop.ctn, drop.channel, drop.file_name);
}

/**
 * The `n`th name a processed input may get in archive/ or error/, under ids and a name that cannot
 * escape: `12-ab12cd34-notes.csv`, then `12-ab12cd34-2-notes.csv`, …
 */
function releaseTarget(
  ctx: AppContext,
  drop: ReleasedDrop,
  status: Receipt['status'],
  n = 1,
): string {
  const root = status === 'rejected' ? ctx.config.errorDir : ctx.config.archive;
  const name = isSafeName(drop.file_name) ? drop.file_name : slug(drop.file_name);
  const ids = [drop.id, drop.sha256.slice(0, 8), ...(n > 1 ? [n] : [])].join('-');
  return path.join(root, drop.ctn, drop.channel, `${ids}-${name}`);
}

/** Keeps one receipt per drop: a duplicate, or a later drop of bytes once refused, gets its own name. */
async function receiptSuffix(
  ctx: AppContext,
  drop: ReleasedDrop,
  status: Receipt['status'],
): Promise<string> {
  if (status === 'duplicate') {
    return `-doublon-${drop.id}`;
  }
  const first = (await ctx
    .db('intake_drop')
    .where({ intake_id: drop.intake_id })
    .min<{ id: number | string }>('id as id')
    .first()) as { id: number | string } | undefined;
  return Number(first?.id) === Number(drop.id) ? '' : `-depot-${drop.id}`;
}

/**
 * The bytes that were imported, when the job did not read them itself (a run after a crash): from
 * the inbox if they are still there, else from the first archive name; null when neither holds them.
 */
async function importedBytes(
  ctx: AppContext,
  drop: ReleasedDrop,
  status: Receipt['status'],
): Promise<Buffer | null> {
  for (const place of [inboxPath(ctx, drop), releaseTarget(ctx, drop, status)]) {
    const file = await readRegularFile(place, ctx.config.maxFileBytes);
    if (file?.bytes && file.sha256 === drop.sha256) {
      return file.bytes;
    }
  }
  return null;
}

/**
 * Writes the annotated copy, then the receipt (saying why there is no copy when one was due and
 * could not be written), then moves the input out of the inbox and checks the moved file is the
 * one imported. `bytes` are the imported bytes when the job read them; the copy is made from them,
 * never from what the inbox path holds by then.
 */
export async function release(
  ctx: AppContext,
  drop: ReleasedDrop,
  receipt: Receipt,
  bytes?: Buffer | null,
): Promise<void> {
  const stem = `${slug(path.parse(drop.file_name).name)}-${drop.sha256.slice(0, 8)}`;
  const suffix = await receiptSuffix(ctx, drop, receipt.status);
  // One folder per channel: two channels' drops with the same name and bytes keep a receipt each.
  const base = path.join(drop.ctn, 'accuses', drop.channel, `${stem}${suffix}`);
  // One roster lookup per drop: the receipt and the annotated copy share its remembered answers.
  const roster = await rosterUnderAnonymity(ctx.db, drop.ctn);

  const source = annotatedCopyWanted(receipt)
    ? (bytes ?? (await importedBytes(ctx, drop, receipt.status)))
    : null;
  const absence = source ? await writeAnnotatedCopy(ctx.outbox, base, source, receipt, roster) : '';
  const told = absence ? { ...receipt, summary: `${receipt.summary} ${absence}` } : receipt;
  await writeReceipt(ctx.outbox, base, told, roster);

  const moved = await moveOut(inboxPath(ctx, drop), (n) =>
    releaseTarget(ctx, drop, receipt.status, n),
  );
  // The inbox path may have been given new content after the file was read (a `mv` over it): what
  // was moved is then not what was imported. Hashed after the move, so nothing can swap it later;
  // a limit of 0 hashes it a slice at a time without holding it.
  if (moved && (await readRegularFile(moved, 0))?.sha256 !== drop.sha256) {
    await putBack(ctx, drop, moved);
  }
  await ctx.db('intake_drop').where({ id: drop.id }).update({ done: true });
}

/**
 * Moves `source` to its first name, or to the next free one: never over a file already there
 * (an input archived by a run that crashed before marking its drop done, then a new file dropped
 * under the same name). Each name is reserved first (created exclusively), so two runs of the same
 * drop never pick the same one. Returns where the file went, or null when it was already gone.
 */
async function moveOut(source: string, nameAt: (n: number) => string): Promise<string | null> {
  await mkdir(path.dirname(nameAt(1)), { recursive: true });
  for (let n = 1; ; n += 1) {
    const target = nameAt(n);
    try {
      await (await open(target, 'wx')).close();
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        continue;
      }
      throw error;
    }
    try {
      await rename(source, target);
      return target;
    } catch (error: unknown) {
      await unlink(target);
      // Already moved by an earlier run that stopped before marking the drop done.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return null;
      }
      throw error;
    }
  }
}

/**
 * Returns a file moved out by mistake to the inbox, where the scan takes it as a new file. A link
 * never replaces a file that arrived at that path meanwhile: then it stays where it was moved.
 */
async function putBack(ctx: AppContext, drop: ReleasedDrop, target: string): Promise<void> {
  try {
    await link(target, inboxPath(ctx, drop));
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
    ctx.log.warn(
      { dropId: drop.id, target },
      'file replaced while imported, and again since: the replacement stays in the archive',
    );
    return;
  }
  await unlink(target);
  ctx.log.warn({ dropId: drop.id }, 'file replaced while imported: put back in the inbox');
}
