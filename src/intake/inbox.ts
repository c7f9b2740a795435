// The inbox layout (inbox/<ctn>/<channel>/<file>) and which files are candidates: never a
// temporary or lock file, never a symbolic link, never a name that could escape the folders.
import { constants, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { lstat, open, readdir, type FileHandle } from 'node:fs/promises';
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

/** Longest file name accepted, in UTF-8 bytes (archive/ prefixes it with ids, under NAME_MAX 255). */
export const MAX_NAME_BYTES = 200;

/** True when a file name is acceptable: no control characters, no path parts, no `..`, not too long. */
export function isSafeName(name: string): boolean {
  const forbidden = [...name].some(
    (ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f || ch === '/' || ch === '\\',
  );
  return (
    name.length > 0 &&
    Buffer.byteLength(name) <= MAX_NAME_BYTES &&
    !forbidden &&
    !name.includes('..')
  );
}

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** A refused name made printable for receipts and logs: control characters shown as `?`, cut short. */
export function printableName(name: string): string {
  // Control characters, and the marks that reorder text (U+202E shows `gpj.exe` as `exe.jpg`):
  // a name printed in a terminal or a receipt shows each as `?`, never what it does.
  const shown = name.replace(UNPRINTABLE, '?');
  return shown.length > 120 ? `${shown.slice(0, 117)}…` : shown;
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

/** Size and modification time of a regular file (never through a link); null when absent. */
export async function fileSignature(absolute: string): Promise<string | null> {
  const stats = await statOrNull(absolute);
  return stats?.isFile() ? signatureOf(stats) : null;
}

function signatureOf(stats: Stats): string {
  return `${stats.size}:${stats.mtimeMs}`;
}

/**
 * Opens a plain file without following a link (O_NOFOLLOW) and hands it, with its stats, to `use`;
 * null when it is absent, a link or not a plain file. The file is closed after.
 */
async function withPlainFile<T>(
  absolute: string,
  use: (handle: FileHandle, stats: Stats) => Promise<T>,
): Promise<T | null> {
  let handle: FileHandle;
  try {
    handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'EISDIR') {
      return null;
    }
    throw error;
  }

  try {
    const stats = await handle.stat();
    return stats.isFile() ? await use(handle, stats) : null;
  } finally {
    await handle.close();
  }
}

/**
 * The first and last bytes of a regular file (never through a link), with the signature it had
 * when they were read; null when it is absent.
 */
export function readEnds(
  absolute: string,
  headBytes: number,
  tailBytes: number,
): Promise<{ head: Buffer; tail: Buffer; signature: string } | null> {
  return withPlainFile(absolute, async (handle, stats) => {
    const slice = async (length: number, position: number): Promise<Buffer> => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      return buffer.subarray(0, bytesRead);
    };
    const tailLength = Math.min(stats.size, tailBytes);
    return {
      head: await slice(Math.min(stats.size, headBytes), 0),
      tail: await slice(tailLength, stats.size - tailLength),
      signature: signatureOf(stats),
    };
  });
}

/** A regular file as read: its SHA-256 always, its bytes only when within the size limit. */
export interface RegularFile {
  /** Null when the file is larger than the limit: it was hashed a slice at a time, never held. */
  bytes: Buffer | null;
  sha256: string;
  size: number;
  signature: string;
  /**
   * The last change of the file's inode, in ms: when it was created, copied or moved into the
   * inbox at the latest (no tool sets it back, unlike the modification time).
   */
  changedMs: number;
}

const HASH_SLICE_BYTES = 1024 * 1024;

/**
 * Hashes an open file from its start a slice at a time, handing each slice to `each` (the slice's
 * memory is reused once `each` is done with it).
 */
async function hashSlices(
  handle: FileHandle,
  each?: (slice: Buffer, position: number) => Promise<void>,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const slice = Buffer.alloc(HASH_SLICE_BYTES);
  let size = 0;
  for (;;) {
    const { bytesRead } = await handle.read(slice, 0, slice.length, size);
    if (bytesRead === 0) {
      break;
    }
    hash.update(slice.subarray(0, bytesRead));
    await each?.(slice.subarray(0, bytesRead), size);
    size += bytesRead;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Reads a plain file with `read` (never through a link) and checks it did not move meanwhile:
 * null when it is absent, a link, not a plain file, or changed under the reader.
 */
function readStill<T extends { size: number }>(
  absolute: string,
  read: (handle: FileHandle, before: Stats) => Promise<T>,
): Promise<(T & { signature: string; changedMs: number }) | null> {
  return withPlainFile(absolute, async (handle, before) => {
    const got = await read(handle, before);
    const after = await handle.stat();
    const signature = signatureOf(after);
    return signature === signatureOf(before) && got.size === after.size
      ? { ...got, signature, changedMs: after.ctimeMs }
      : null;
  });
}

/**
 * Reads a regular file without following a link (O_NOFOLLOW) and checks it did not move while read:
 * null when it is absent, a link, not a plain file, or changed under the reader. A file larger than
 * `maxBytes` is only hashed, so a huge drop costs no memory before it is refused.
 */
export function readRegularFile(
  absolute: string,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<RegularFile | null> {
  return readStill(absolute, async (handle, before) => {
    if (before.size > maxBytes) {
      return { bytes: null, ...(await hashSlices(handle)) };
    }
    const bytes = await handle.readFile();
    return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  });
}

/**
 * Copies a regular file into `target` (open for writing, empty) as it hashes it, a slice at a
 * time, as readRegularFile reads it: null when it is absent, a link, or changed under the reader.
 * A file larger than `maxBytes` is only hashed (`copied` false).
 */
export function copyRegularFile(
  absolute: string,
  maxBytes: number,
  target: FileHandle,
): Promise<(Omit<RegularFile, 'bytes'> & { copied: boolean }) | null> {
  return readStill(absolute, async (handle, before) => {
    const copied = before.size <= maxBytes;
    const hashed = await hashSlices(
      handle,
      copied ? (s, at) => writeAll(target, s, at) : undefined,
    );
    return { copied, ...hashed };
  });
}

/** Writes all of `bytes` at `position` (a write may take fewer bytes than it was given). */
async function writeAll(target: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await target.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/** A regular file's hash, size and signature, read a slice at a time: its bytes are never held. */
export function hashRegularFile(absolute: string): Promise<RegularFile | null> {
  return readRegularFile(absolute, 0);
}

async function statOrNull(absolute: string): Promise<Stats | null> {
  try {
    return await lstat(absolute);
  } catch {
    return null;
  }
}
