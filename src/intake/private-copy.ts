// A drop's bytes as the job imports them: copied once from the inbox into a file of the service's
// own under var/intake/, hashed as they are copied, then read from there by position. What the
// job imports, copies to the outbox or keeps in the archive is then exactly what it hashed, though
// the person save the inbox file again meanwhile, and a long CSV is read a slice at a time instead
// of held whole (issue 7: a 1,000,000-row file kept its 14 MB in memory for the whole import).
// The copy is unlinked as soon as it is created: it lives as long as the job holds it open, so a
// crash or a kill leaves nothing behind; only a crash in between leaves a name, swept once stale.
import { readSync } from 'node:fs';
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { outboxTemporaryName, removeStaleTemporaries } from '../outputs/outbox-temporaries.js';
import type { ByteSource } from '../readers/byte-source.js';
import { copyRegularFile, type RegularFile } from './inbox.js';

/** The job's copy of a drop's bytes: read by position, whole, or in chunks; gone once closed. */
export interface PrivateCopy extends ByteSource {
  /** All the bytes, for the readers that take a whole file (workbooks, maquettes). */
  whole(): Promise<Buffer>;
  /** The bytes in order, a chunk at a time. */
  chunks(): AsyncGenerator<Buffer>;
  close(): Promise<void>;
}

/** An inbox file as the job took it: its hash and signature, its copy (null: over the size limit). */
export type TakenFile = Omit<RegularFile, 'bytes'> & { copy: PrivateCopy | null };

const CHUNK_BYTES = 1024 * 1024;

/** Where the copies live for their instant with a name, under the service's var/ folder. */
export function copiesDir(varDir: string): string {
  return path.join(varDir, 'intake');
}

/**
 * Opens a new file in `dir` that only the service's user may read and unlinks it at once. A name
 * left by a crash between the two is removed by a later call, once old enough to be abandoned.
 */
async function openUnnamed(dir: string): Promise<FileHandle> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await removeStaleTemporaries(dir);
  const name = outboxTemporaryName(path.join(dir, 'copie'));
  const handle = await open(name, 'wx+', 0o600);
  try {
    await unlink(name);
  } catch (error: unknown) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** Reads up to `length` bytes at `position`, fewer only past the end. */
async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) {
      break;
    }
    done += bytesRead;
  }
  return buffer.subarray(0, done);
}

function privateCopy(handle: FileHandle, size: number): PrivateCopy {
  return {
    size,
    // Synchronous, as the CSV stream that calls it parses: a 64 KiB read of a file just written
    // is a copy from the page cache, a few microseconds.
    readInto(target, position) {
      const length = Math.max(0, Math.min(target.length, size - position));
      let done = 0;
      while (done < length) {
        const read = readSync(handle.fd, target, done, length - done, position + done);
        if (read === 0) {
          break;
        }
        done += read;
      }
      return done;
    },
    whole: () => readAt(handle, 0, size),
    async *chunks() {
      for (let at = 0; at < size; at += CHUNK_BYTES) {
        yield await readAt(handle, at, Math.min(CHUNK_BYTES, size - at));
      }
    },
    close: () => handle.close(),
  };
}

/**
 * Takes the inbox file at `absolute` as readRegularFile reads it (never through a link, null when
 * absent or changed while read), its bytes copied into a private file of `varDir` rather than
 * held. A file over `maxBytes` is only hashed. The caller closes the copy.
 */
export async function takeRegularFile(
  absolute: string,
  varDir: string,
  maxBytes: number,
): Promise<TakenFile | null> {
  const handle = await openUnnamed(copiesDir(varDir));
  let kept = false;
  try {
    const file = await copyRegularFile(absolute, maxBytes, handle);
    if (!file) {
      return null;
    }
    const { copied, ...taken } = file;
    kept = copied;
    return { ...taken, copy: copied ? privateCopy(handle, file.size) : null };
  } finally {
    if (!kept) {
      await handle.close();
    }
  }
}
