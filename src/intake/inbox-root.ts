// A job finds its file through this process's own inbox path. A worker started with another
// ANONYMAT_HOME (a second machine where the share is mounted elsewhere, or not yet) sees every file
// it is given as gone, and closes those drops unread: that is said, with the path looked at, and
// an inbox folder missing altogether is said loudly, once (trial: nothing was logged at all).
import { lstat, stat } from 'node:fs/promises';
import type { AppContext } from '../services/context.js';

// Inbox folders already reported missing by this process: the error is said once, not per job.
const reported = new Set<string>();

/** Whether this process's inbox folder exists; when not, an error is logged, once per folder. */
export async function inboxRootExists(ctx: AppContext): Promise<boolean> {
  const inbox = ctx.config.inbox;
  const exists = await stat(inbox).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists && !reported.has(inbox)) {
    reported.add(inbox);
    ctx.log.error({ inbox }, 'inbox folder not found: every file given to this process looks gone');
  }
  return exists;
}

/** Logs a drop closed unread because its inbox file is missing, with the path looked at. */
export async function warnFileMissing(
  ctx: AppContext,
  drop: { id: number; ctn: string; channel: string },
  file: string,
): Promise<void> {
  const inboxExists = await inboxRootExists(ctx);
  ctx.log.warn(
    { dropId: drop.id, ctn: drop.ctn, channel: drop.channel, file, inboxExists },
    'inbox file missing: drop closed unread',
  );
}

/**
 * Why a drop's file could not be taken: 'missing' when nothing is at its inbox path now, else
 * 'changed' (rewritten while it was copied: the office saved it again; the scan registers the new
 * content as a drop of its own). Both were said « missing » (trial: `inboxExists: true`).
 */
export async function whyUnread(absolute: string): Promise<'missing' | 'changed'> {
  return (await lstat(absolute).then(
    () => true,
    () => false,
  ))
    ? 'changed'
    : 'missing';
}
