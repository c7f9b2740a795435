// The inbox layout (inbox/<ctn>/<channel>/<file>) and which files are candidates: never a
// temporary or lock file, never a symbolic link, never a name that could escape the folders.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** The input channels, one sub-folder each. Persisted in receipts: never rename one. */
export const CHANNELS = ['referentiel', 'notes', 'lecteur-optique', 'jury'] as const;

/** One input channel. */
export type Channel = (typeof CHANNELS)[number];

/** A file found in the inbox. */
export interface InboxFile {
  absolute: string;
  ctn: string;
  channel: Channel;
  name: string;
}

/** True for names no person means as input: Office/LibreOffice locks, temporaries, hidden files. */
export function isIgnoredName(name: string): boolean {
  return (
    name.startsWith('~$') ||
    name.startsWith('.') ||
    /\.(tmp|part|crdownload)$/i.test(name) ||
    name.endsWith('#')
  );
}

/** True when a file name is acceptable: no control characters, no path parts, not too long. */
export function isSafeName(name: string): boolean {
  const forbidden = [...name].some(
    (ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f || ch === '/' || ch === '\\',
  );
  return name.length > 0 && Buffer.byteLength(name) <= 200 && !forbidden && name !== '..';
}

/** The channel of a folder name, or null. */
export function channelOf(folder: string): Channel | null {
  return (CHANNELS as readonly string[]).includes(folder) ? (folder as Channel) : null;
}

async function directories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw error;
  }
}

/** Lists candidate files of every CTN and channel, in name order (symbolic links skipped). */
export async function listInbox(inbox: string): Promise<InboxFile[]> {
  const found: InboxFile[] = [];
  for (const ctn of (await directories(inbox)).sort()) {
    for (const folder of (await directories(path.join(inbox, ctn))).sort()) {
      const channel = channelOf(folder);
      if (!channel) {
        continue;
      }
      const dir = path.join(inbox, ctn, folder);
      for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
        a.name.localeCompare(b.name),
      )) {
        if (entry.isFile() && !isIgnoredName(entry.name)) {
          found.push({ absolute: path.join(dir, entry.name), ctn, channel, name: entry.name });
        }
      }
    }
  }
  return found;
}

/** Parses an absolute path below the inbox into its CTN, channel and name; null when outside the layout. */
export function locate(inbox: string, absolute: string): InboxFile | null {
  const parts = path.relative(inbox, absolute).split(path.sep);
  if (parts.length !== 3 || parts.some((p) => p === '..' || p === '')) {
    return null;
  }
  const [ctn, folder, name] = parts as [string, string, string];
  const channel = channelOf(folder);
  return channel && !isIgnoredName(name) ? { absolute, ctn, channel, name } : null;
}

/** Waits until size and mtime hold still for `stableMs`; false when the file vanished or is a link. */
export async function waitStable(absolute: string, stableMs: number): Promise<boolean> {
  let before = await statOrNull(absolute);
  for (;;) {
    if (!before?.isFile()) {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, stableMs));
    const after = await statOrNull(absolute);
    if (after?.isFile() && after.size === before.size && after.mtimeMs === before.mtimeMs) {
      return true;
    }
    before = after;
  }
}

async function statOrNull(absolute: string): Promise<import('node:fs').Stats | null> {
  try {
    return await lstat(absolute);
  } catch {
    return null;
  }
}
