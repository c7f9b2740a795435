// The outbox writer's own temporaries: `.<final name>.<12 hex>.tmp`, hidden and beside the file
// they become (a rename stays on one file system). Hidden, so that a tool watching the outbox
// takes none of them for an output, and named so that none is taken for anything of a user's.
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** A new temporary name for `target`, in its folder. */
export function outboxTemporaryName(target: string): string {
  const name = `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`;
  return path.join(path.dirname(target), name);
}
