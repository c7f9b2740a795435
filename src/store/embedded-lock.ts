// One process at a time on an embedded PGlite folder. Two PGlite instances on one folder each keep
// their own copy of the catalog and write over each other's pages: a grade typed by `anonymat
// grade` while `anonymat run` watched was lost when the watcher stopped (trial). A lock file beside
// the folder names its holder; a second process is refused, in French, until the holder is gone.
// A holder that died (its process no longer exists on this machine) leaves a stale lock, taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { AppError } from '../domain/errors.js';

/** What the lock file says of its holder. */
interface Holder {
  pid: number;
  host: string;
  since: string;
  command: string;
}

function holderOf(file: string): Holder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string'
      ? {
          pid: parsed.pid,
          host: parsed.host,
          since: String(parsed.since ?? ''),
          command: String(parsed.command ?? ''),
        }
      : null;
  } catch {
    // Absent, or half-written by a holder that died while writing it: not a live holder's lock.
    return null;
  }
}

/** Whether a process of this machine still runs under `pid`. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock whose holder is known to be gone: on this machine, and no such process runs. */
function stale(holder: Holder | null): boolean {
  return holder === null || (holder.host === os.hostname() && !running(holder.pid));
}

function busy(holder: Holder, folder: string): AppError {
  const command = holder.command === '' ? '' : ` « anonymat ${holder.command} »`;
  return new AppError(
    'EMBEDDED_DB_BUSY',
    `(processus ${holder.pid}${command} sur ${holder.host}, depuis ${holder.since} ; base ${folder} ; ` +
      `si aucun processus anonymat ne tourne plus sur ce dossier, après un redémarrage de la ` +
      `machine par exemple, supprimez le fichier ${folder}.lock)`,
  );
}

/** Writes the lock file; false when it exists already. */
function create(file: string, holder: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      return false;
    }
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new AppError('EMBEDDED_DB_UNWRITABLE', `(${path.dirname(file)} : ${code})`);
    }
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * EMBEDDED_DB_BUSY when a live process holds the embedded database at `folder`: for what must not
 * touch its files meanwhile (the demo wipes a home's var/ before building its own).
 */
export function assertUnlocked(folder: string): void {
  const holder = holderOf(`${folder}.lock`);
  if (holder && !stale(holder)) {
    throw busy(holder, folder);
  }
}

/**
 * Takes the lock of the embedded database at `folder` for this process and returns its release;
 * EMBEDDED_DB_BUSY when another live process (or this one, through another handle) holds it.
 */
export function lockEmbedded(folder: string): () => void {
  const file = `${folder}.lock`;
  const mine: Holder = {
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toLocaleString('fr-FR', { timeZone: 'Europe/Paris' }),
    command: process.argv.slice(2).join(' ').slice(0, 200),
  };
  for (let attempt = 0; !create(file, mine); attempt += 1) {
    const holder = holderOf(file);
    if (!stale(holder) || attempt >= 2) {
      throw busy(holder ?? mine, folder);
    }
    // Taken over from a holder that is gone; a racing taker's fresh lock is never removed twice.
    try {
      unlinkSync(file);
    } catch {
      // Removed by another taker first: the next attempt decides.
    }
  }
  let released = false;
  return () => {
    const holder = released ? null : holderOf(file);
    if (holder?.pid === mine.pid && holder.since === mine.since) {
      unlinkSync(file);
    }
    released = true;
  };
}
