// The last step of the import-file job, once the outcome is committed: the annotated copy and the
// receipt are written, then the input leaves the inbox for archive/ or error/ under a name of its
// own. When the inbox path no longer holds the imported bytes (the person replaced the file, in
// place or by a `mv`, after it was read), those bytes are written there from the job's private
// copy (private-copy.ts) and the replacement goes back to the inbox for a drop of its own. Every
// step leaves names the next run recognises (a temporary copy of the bytes, a replacement under
// this drop's name): run again after a crash at any point, it finishes the work, overwrites no
// file and archives nothing twice.
import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { annotatedCopyWanted, writeAnnotatedCopy } from '../outputs/annotated-copy.js';
import { slug, writeReceipt, writeSynced } from '../outputs/gateway.js';
import type { Receipt } from '../outputs/receipt.js';
import { rosterUnderAnonymity } from '../services/anonymity.js';
import type { AppContext } from '../services/context.js';
import { hashRegularFile, isSafeName, readRegularFile } from './inbox.js';
import type { PrivateCopy } from './private-copy.js';
import { savedAt } from './register.js';

/** What releasing a drop needs to know of it. */
export interface ReleasedDrop {
  id: number;
  intake_id: number;
  file_name: string;
  ctn: string;
  channel: string;
  sha256: string;
}

/** What the job knows of the inbox file when it releases the drop. */
export interface InboxKnowledge {
  /** The job's copy of the imported bytes (null: too large to be copied). */
  copy?: PrivateCopy | null;
  /** The job saw other content at the inbox path: it belongs to a drop of its own, left there. */
  replaced?: boolean;
}

/** Gives the `n`th name a processed input may take in archive/ or error/. */
type NameAt = (n: number) => string;

/** Where a dropped file sits in the inbox. */
export function inboxPath(
  ctx: AppContext,
  drop: Pick<ReleasedDrop, 'ctn' | 'channel' | 'file_name'>,
): string {
  return path.join(ctx.config.inbox, drop.ctn, drop.channel, drop.file_name);
}

/**
 * The `n`th name a processed input may get under archive/ or error/, under ids and a name that
 * cannot escape: `<ctn>/<channel>/12-ab12cd34-notes.csv`, then `…/12-ab12cd34-2-notes.csv`, …
 * Exported so that a message naming where a file went gives the name it was moved under.
 */
export function releasedName(drop: ReleasedDrop, n = 1): string {
  const name = isSafeName(drop.file_name) ? drop.file_name : slug(drop.file_name);
  return path.join(drop.ctn, drop.channel, `${ownPrefix(drop)}${n > 1 ? `${n}-` : ''}${name}`);
}

/** Where processed inputs go: error/ when refused, archive/ otherwise. */
export function releaseRoot(ctx: AppContext, status: Receipt['status']): string {
  return status === 'rejected' ? ctx.config.errorDir : ctx.config.archive;
}

/** The `n`th path a processed input may take, under its releaseRoot. */
function releaseTarget(
  ctx: AppContext,
  drop: ReleasedDrop,
  status: Receipt['status'],
  n = 1,
): string {
  return path.join(releaseRoot(ctx, status), releasedName(drop, n));
}

/** The start of every name this drop's files take in archive/ or error/ (never another drop's). */
function ownPrefix(drop: ReleasedDrop): string {
  return `${drop.id}-${drop.sha256.slice(0, 8)}-`;
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

/** This drop's files in `dir`: the names it was moved or archived under, and temporary copies. */
async function ownFiles(
  dir: string,
  drop: ReleasedDrop,
): Promise<{ named: string[]; temps: string[] }> {
  const prefix = ownPrefix(drop);
  const names = await readdir(dir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [] as string[];
    }
    throw error;
  });
  return {
    named: names.filter((n) => n.startsWith(prefix)).map((n) => path.join(dir, n)),
    temps: names.filter((n) => n.startsWith(`.${prefix}`)).map((n) => path.join(dir, n)),
  };
}

/** True when `file` holds the drop's bytes. */
async function holdsImported(file: string, drop: ReleasedDrop): Promise<boolean> {
  return (await hashRegularFile(file))?.sha256 === drop.sha256;
}

/**
 * The bytes that were imported, when the job did not read them itself (a run after a crash): from
 * the inbox if they are still there, else from this drop's files in archive/ or error/; null when
 * none holds them.
 */
async function importedBytes(
  ctx: AppContext,
  drop: ReleasedDrop,
  nameAt: NameAt,
): Promise<Buffer | null> {
  const { named, temps } = await ownFiles(path.dirname(nameAt(1)), drop);
  for (const place of [inboxPath(ctx, drop), ...named, ...temps]) {
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
 * one imported; if it is not, keeps the imported bytes and puts the replacement back. The copy is
 * made from the imported bytes, never from what the inbox path holds by then.
 */
export async function release(
  ctx: AppContext,
  drop: ReleasedDrop,
  receipt: Receipt,
  known: InboxKnowledge = {},
): Promise<void> {
  const nameAt: NameAt = (n) => releaseTarget(ctx, drop, receipt.status, n);
  const stem = `${slug(path.parse(drop.file_name).name)}-${drop.sha256.slice(0, 8)}`;
  const suffix = await receiptSuffix(ctx, drop, receipt.status);
  // One folder per channel: two channels' drops with the same name and bytes keep a receipt each.
  const base = path.join(drop.ctn, 'accuses', drop.channel, `${stem}${suffix}`);
  // One roster lookup per drop: the receipt and the annotated copy share its remembered answers.
  const roster = await rosterUnderAnonymity(ctx.db, drop.ctn);

  const source = annotatedCopyWanted(receipt)
    ? await (known.copy?.whole() ?? importedBytes(ctx, drop, nameAt))
    : null;
  const absence = source ? await writeAnnotatedCopy(ctx.outbox, base, source, receipt, roster) : '';
  const told = absence ? { ...receipt, summary: `${receipt.summary} ${absence}` } : receipt;
  await writeReceipt(ctx.outbox, base, told, roster);

  const moved = known.replaced ? null : await moveOut(inboxPath(ctx, drop), nameAt);
  // The inbox path may have been given new content after the file was read (a `mv` over it, or
  // rewritten in place): what was moved is then not what was imported. Hashed after the move, so
  // nothing can swap it later.
  const kept = moved ? await hashRegularFile(moved) : null;
  const holds = moved && kept?.sha256 === drop.sha256 ? { moved, kept } : null;
  if (!holds) {
    await keepImported(ctx, drop, nameAt, moved, known.copy ?? null);
  }
  // The size and time it was hashed with: a writer still holding it open shows there (rewritten.ts).
  const released = holds
    ? {
        released_name: path.relative(releaseRoot(ctx, receipt.status), holds.moved),
        released_size: holds.kept.size,
        released_mtime_ms: savedAt(holds.kept.signature),
        released_at: ctx.db.fn.now(),
      }
    : {};
  await ctx
    .db('intake_drop')
    .where({ id: drop.id })
    .update({ done: true, ...released });
}

/**
 * The inbox path did not give back the imported bytes. Writes them (from the job's copy) to a
 * temporary file first, so a crash from here on loses nothing; returns the file moved out in their
 * place to the inbox; then settles this drop's files, as a run after a crash does too.
 */
async function keepImported(
  ctx: AppContext,
  drop: ReleasedDrop,
  nameAt: NameAt,
  moved: string | null,
  copy: PrivateCopy | null,
): Promise<void> {
  const dir = path.dirname(nameAt(1));
  await mkdir(dir, { recursive: true });
  if (copy) {
    await writeTemporary(dir, drop, copy);
  }
  if (moved) {
    await putBack(ctx, drop, moved);
  }

  const { named, temps } = await ownFiles(dir, drop);
  let kept = false;
  for (const file of named) {
    if (await holdsImported(file, drop)) {
      kept = true;
    } else if (file !== moved) {
      await returnStray(ctx, drop, file);
    }
  }
  for (const temp of temps) {
    // Another run's copy still being written is not the drop's bytes yet: left to that run.
    if (!(await holdsImported(temp, drop))) {
      continue;
    }
    if (!kept) {
      await atFreeName(nameAt, (target) => link(temp, target)).catch(ignoreCode('ENOENT'));
      kept = true;
    }
    await unlink(temp).catch(ignoreCode('ENOENT'));
  }
  if (!kept) {
    ctx.log.warn(
      { dropId: drop.id },
      'imported bytes not kept: replaced before they were archived',
    );
  }
}

/** Writes the imported bytes, synced, under a hidden temporary name of this drop. */
async function writeTemporary(dir: string, drop: ReleasedDrop, copy: PrivateCopy): Promise<void> {
  await writeSynced(
    path.join(dir, `.${ownPrefix(drop)}${randomBytes(6).toString('hex')}.tmp`),
    copy.chunks(),
  );
}

/**
 * A file under this drop's name that is not its bytes: a replacement moved out by a run that
 * stopped before putting it back. Still linked elsewhere (the inbox, or its own archive name once
 * imported), only this name goes; an empty one is a name reserved by a run that stopped, kept.
 */
async function returnStray(ctx: AppContext, drop: ReleasedDrop, file: string): Promise<void> {
  const stats = await lstat(file).catch(ignoreCode('ENOENT'));
  if (!stats?.isFile() || stats.size === 0) {
    return;
  }
  if (stats.nlink > 1) {
    await unlink(file).catch(ignoreCode('ENOENT'));
    return;
  }
  await putBack(ctx, drop, file);
}

/**
 * Calls `place` with the first name it can take: never a name already there (an input archived by
 * a run that crashed before marking its drop done, then a new file dropped under the same name).
 * `place` creates the name exclusively and throws EEXIST when it is taken.
 */
async function atFreeName<T>(nameAt: NameAt, place: (target: string) => Promise<T>): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await place(nameAt(n));
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
  }
}

/**
 * Moves `source` to its first free name. Each name is reserved first (created exclusively), so two
 * runs of the same drop never pick the same one. Returns where the file went, or null when it was
 * already gone.
 */
async function moveOut(source: string, nameAt: NameAt): Promise<string | null> {
  await mkdir(path.dirname(nameAt(1)), { recursive: true });
  return atFreeName(nameAt, async (target) => {
    await (await open(target, 'wx')).close();
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
  });
}

/**
 * Returns a file moved out by mistake to the inbox, where the scan takes it as a new file. A link
 * never replaces a file that arrived at that path meanwhile: then it stays where it was moved.
 */
async function putBack(ctx: AppContext, drop: ReleasedDrop, target: string): Promise<void> {
  try {
    await link(target, inboxPath(ctx, drop));
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOENT: another run of the drop put it back first.
    if (code === 'ENOENT') {
      return;
    }
    if (code !== 'EEXIST') {
      throw error;
    }
    ctx.log.warn(
      { dropId: drop.id, target },
      'file replaced while imported, and again since: the replacement stays in the archive',
    );
    return;
  }
  await unlink(target).catch(ignoreCode('ENOENT'));
  ctx.log.warn({ dropId: drop.id }, 'file replaced while imported: put back in the inbox');
}

/** A catch handler that turns the error `code` into undefined and rethrows any other. */
function ignoreCode(code: string): (error: unknown) => undefined {
  return (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== code) {
      throw error;
    }
    return undefined;
  };
}
