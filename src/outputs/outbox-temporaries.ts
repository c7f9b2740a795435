// The outbox writer's own temporaries: `.<final name>.<12 hex>.tmp`, hidden and beside the file
// they become (a rename stays on one file system). Hidden, so that a tool watching the outbox
// takes none of them for an output, and named so that none is taken for anything of a user's.
// A crash between writing one and renaming it (kill -9, power, an audit entry never committed)
// leaves it behind: they are removed once old enough that no process can still be writing them
// (trial: a receipt's temporary stayed for good beside the receipts). No other name is touched.
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** Age after which a temporary of the writer is abandoned: a write takes seconds, not minutes. */
export const STALE_TEMPORARY_MS = 10 * 60 * 1000;

// The dot optional: earlier versions named them in sight, and their crashes left some behind.
const OWN_TEMPORARY = /^\.?.+\.[0-9a-f]{12}\.tmp$/;

/** A new temporary name for `target`, in its folder. */
export function outboxTemporaryName(target: string): string {
  const name = `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`;
  return path.join(path.dirname(target), name);
}

/** True for a name the outbox writer gives its temporaries. */
function isOutboxTemporary(name: string): boolean {
  return OWN_TEMPORARY.test(name);
}

/**
 * Removes the writer's temporaries under `root` last modified more than `olderThanMs` ago, and
 * returns their paths relative to `root`. Symbolic links are never followed nor removed.
 */
export async function removeStaleTemporaries(
  root: string,
  olderThanMs = STALE_TEMPORARY_MS,
  now = Date.now(),
): Promise<string[]> {
  const removed: string[] = [];
  const folders = [root];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    for (const entry of await entriesOf(folder)) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        folders.push(file);
      } else if (entry.isFile() && isOutboxTemporary(entry.name)) {
        // Gone meanwhile: its writer renamed it into place.
        const modified = await stat(file).then((s) => s.mtimeMs, absentAsNull);
        if (modified !== null && now - modified > olderThanMs) {
          await rm(file, { force: true });
          removed.push(path.relative(root, file));
        }
      }
    }
  }
  return removed;
}

/** A folder's entries; none when it does not exist (yet, or any more). */
async function entriesOf(folder: string): Promise<Dirent[]> {
  return (await readdir(folder, { withFileTypes: true }).catch(absentAsNull)) ?? [];
}

/** Null for a path that does not exist; any other error is thrown again. */
function absentAsNull(error: unknown): null {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    return null;
  }
  throw error;
}
