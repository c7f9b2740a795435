// Zip containers (xlsx, ods) are inspected by hand before any library expands them: the central
// directory tells what the archive claims to hold, so a zip bomb or a truncated upload is refused
// without inflating a single byte, and a part is only ever inflated up to the size it declared.

import { createInflateRaw, inflateRawSync } from 'node:zlib';

import { AppError } from '../domain/errors.js';

/** One file of a zip archive as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** Limits applied by `checkZip`. */
export interface ZipLimits {
  /** Total declared uncompressed size allowed, in bytes (default 200 MiB). */
  maxUncompressed?: number;
  /** Highest uncompressed/compressed ratio allowed for entries over 1 MiB (default 200). */
  maxRatio?: number;
}

const MIB = 1024 * 1024;
const DEFAULT_MAX_UNCOMPRESSED = 200 * MIB;
const DEFAULT_MAX_RATIO = 200;
const RATIO_FLOOR = MIB;

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const CENTRAL_SIZE = 46;
const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_SIZE = 30;
const ZIP64_EXTRA_ID = 0x0001;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const FLAG_ENCRYPTED = 0x1;
const FLAG_UTF8 = 0x800;
/** zlib's default output chunk. */
const ZLIB_CHUNK_BYTES = 16 * 1024;

/** Where the central directory lies, as the end-of-central-directory records state it. */
interface Directory {
  offset: number;
  size: number;
  count: number;
  /** Start of the end records: the directory must end before it. */
  end: number;
}

function corrupt(detail: string): AppError {
  return new AppError('FILE_CORRUPT', detail);
}

/** Most bytes the end-of-central-directory record and its comment take at the end of a zip. */
export const EOCD_MAX_BYTES = EOCD_SIZE + U16_MAX;

/**
 * Where the end-of-central-directory record starts, its comment reaching exactly the end of
 * `bytes`; null when there is none. `bytes` may be the file's last EOCD_MAX_BYTES only.
 */
export function eocdOffset(bytes: Buffer): number | null {
  const lowest = Math.max(0, bytes.length - EOCD_MAX_BYTES);

  for (let at = bytes.length - EOCD_SIZE; at >= lowest; at -= 1) {
    if (
      bytes.readUInt32LE(at) === EOCD_SIGNATURE &&
      at + EOCD_SIZE + bytes.readUInt16LE(at + 20) === bytes.length
    ) {
      return at;
    }
  }
  return null;
}

/** Finds the end-of-central-directory record, or refuses the archive as truncated. */
function findEocd(bytes: Buffer): number {
  const at = eocdOffset(bytes);
  if (at === null) {
    throw corrupt('(archive zip tronquée : répertoire central introuvable)');
  }
  return at;
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw corrupt('(archive zip : taille hors limites)');
  }
  return Number(value);
}

/** Reads the zip64 end record that replaces saturated 16/32-bit fields of the classic one. */
function readZip64Directory(bytes: Buffer, eocd: number): Directory {
  const locator = eocd - ZIP64_LOCATOR_SIZE;
  if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) {
    throw corrupt('(archive zip64 : localisateur absent)');
  }

  const record = safeNumber(bytes.readBigUInt64LE(locator + 8));
  if (record + 56 > locator || bytes.readUInt32LE(record) !== ZIP64_EOCD_SIGNATURE) {
    throw corrupt('(archive zip64 : enregistrement de fin absent)');
  }

  return {
    count: safeNumber(bytes.readBigUInt64LE(record + 32)),
    size: safeNumber(bytes.readBigUInt64LE(record + 40)),
    offset: safeNumber(bytes.readBigUInt64LE(record + 48)),
    end: record,
  };
}

function readDirectory(bytes: Buffer): Directory {
  if (bytes.length < EOCD_SIZE) {
    throw corrupt('(archive zip tronquée)');
  }

  const eocd = findEocd(bytes);
  if (bytes.readUInt16LE(eocd + 4) !== 0 || bytes.readUInt16LE(eocd + 6) !== 0) {
    throw corrupt('(archive zip en plusieurs volumes)');
  }

  const count = bytes.readUInt16LE(eocd + 10);
  const size = bytes.readUInt32LE(eocd + 12);
  const offset = bytes.readUInt32LE(eocd + 16);
  const directory =
    count === U16_MAX || size === U32_MAX || offset === U32_MAX
      ? readZip64Directory(bytes, eocd)
      : { count, size, offset, end: eocd };

  if (directory.offset + directory.size > directory.end) {
    throw corrupt('(archive zip tronquée : répertoire central incomplet)');
  }
  return directory;
}

/** Replaces saturated sizes/offset of a central entry with the values of its zip64 extra field. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  let at = 0;

  while (at + 4 <= extra.length) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    const body = extra.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    if (id !== ZIP64_EXTRA_ID) {
      continue;
    }

    // The zip64 field lists, in this order, only the values that were saturated.
    let cursor = 0;
    const next = (): number => {
      if (cursor + 8 > body.length) {
        throw corrupt('(archive zip64 : champ étendu incomplet)');
      }
      const value = safeNumber(body.readBigUInt64LE(cursor));
      cursor += 8;
      return value;
    };
    entry.uncompressedSize = entry.uncompressedSize === U32_MAX ? next() : entry.uncompressedSize;
    entry.compressedSize = entry.compressedSize === U32_MAX ? next() : entry.compressedSize;
    entry.localHeaderOffset =
      entry.localHeaderOffset === U32_MAX ? next() : entry.localHeaderOffset;
  }
}

function readCentralEntry(
  bytes: Buffer,
  at: number,
  limit: number,
): { entry: ZipEntry; next: number } {
  if (at + CENTRAL_SIZE > limit || bytes.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
    throw corrupt('(archive zip : répertoire central illisible)');
  }

  const flags = bytes.readUInt16LE(at + 8);
  const nameLength = bytes.readUInt16LE(at + 28);
  const extraLength = bytes.readUInt16LE(at + 30);
  const commentLength = bytes.readUInt16LE(at + 32);
  const next = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
  if (next > limit) {
    throw corrupt('(archive zip : répertoire central illisible)');
  }

  const nameBytes = bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
  const entry: ZipEntry = {
    name: nameBytes.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1'),
    method: bytes.readUInt16LE(at + 10),
    flags,
    compressedSize: bytes.readUInt32LE(at + 20),
    uncompressedSize: bytes.readUInt32LE(at + 24),
    localHeaderOffset: bytes.readUInt32LE(at + 42),
  };
  applyZip64Extra(
    entry,
    bytes.subarray(at + CENTRAL_SIZE + nameLength, at + CENTRAL_SIZE + nameLength + extraLength),
  );

  return { entry, next };
}

/** Lists the entries of a zip archive from its central directory; FILE_CORRUPT when it is missing or truncated. */
export function listZipEntries(bytes: Buffer): ZipEntry[] {
  const directory = readDirectory(bytes);
  const limit = directory.offset + directory.size;
  const entries: ZipEntry[] = [];

  let at = directory.offset;
  for (let index = 0; index < directory.count; index += 1) {
    const { entry, next } = readCentralEntry(bytes, at, limit);
    if (entry.localHeaderOffset + LOCAL_SIZE > directory.offset) {
      throw corrupt('(archive zip : entrée hors du fichier)');
    }
    entries.push(entry);
    at = next;
  }

  return entries;
}

/** Refuses a zip archive that is truncated (FILE_CORRUPT), encrypted, or whose declared sizes look like a bomb. */
export function checkZip(bytes: Buffer, limits: ZipLimits = {}): ZipEntry[] {
  const maxUncompressed = limits.maxUncompressed ?? DEFAULT_MAX_UNCOMPRESSED;
  const maxRatio = limits.maxRatio ?? DEFAULT_MAX_RATIO;
  const entries = listZipEntries(bytes);

  let total = 0;
  for (const entry of entries) {
    if (entry.flags & FLAG_ENCRYPTED) {
      throw new AppError('FILE_ENCRYPTED');
    }

    total += entry.uncompressedSize;
    const tooDense =
      entry.uncompressedSize > RATIO_FLOOR &&
      entry.uncompressedSize > maxRatio * entry.compressedSize;
    if (tooDense || total > maxUncompressed) {
      throw new AppError('FILE_ZIP_BOMB');
    }
  }

  return entries;
}

/** Where the compressed bytes of an entry start, read from its local header. */
function dataStart(bytes: Buffer, entry: ZipEntry): number {
  const at = entry.localHeaderOffset;
  if (at + LOCAL_SIZE > bytes.length || bytes.readUInt32LE(at) !== LOCAL_SIGNATURE) {
    throw corrupt(`(archive zip : en-tête local de ${entry.name} illisible)`);
  }

  const start = at + LOCAL_SIZE + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  if (start + entry.compressedSize > bytes.length) {
    throw corrupt(`(archive zip : ${entry.name} tronqué)`);
  }
  return start;
}

function inflateBounded(data: Buffer, entry: ZipEntry): Buffer {
  try {
    // maxOutputLength makes zlib stop at the declared size: an entry lying about it is refused.
    return inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (error: unknown) {
    if (error instanceof RangeError) {
      throw new AppError('FILE_ZIP_BOMB', `(${entry.name} dépasse la taille annoncée)`);
    }
    throw corrupt(`(archive zip : ${entry.name} illisible)`);
  }
}

/** Expands one entry, never beyond the size its directory entry declares (call `checkZip` first). */
export function readZipEntry(bytes: Buffer, entry: ZipEntry): Buffer {
  const start = dataStart(bytes, entry);
  const data = bytes.subarray(start, start + entry.compressedSize);

  let content: Buffer;
  if (entry.method === 0) {
    content = data;
  } else if (entry.method === 8) {
    content = inflateBounded(data, entry);
  } else {
    throw new AppError('FILE_FORMAT_UNSUPPORTED', `(méthode de compression zip ${entry.method})`);
  }

  if (content.length !== entry.uncompressedSize) {
    throw corrupt(`(archive zip : taille de ${entry.name} incohérente)`);
  }
  return content;
}

/**
 * The expanded bytes of one entry, chunk by chunk, so a large part never sits whole in memory (call
 * `checkZip` first): refused as soon as it goes past the size its directory entry declares. A reader
 * may stop early; the size is checked to the byte once the entry is read to its end. `chunkBytes`
 * sizes the chunks (zlib's 16 KiB by default); a stored entry is handed over in slices of that size.
 */
export async function* zipEntryChunks(
  bytes: Buffer,
  entry: ZipEntry,
  chunkBytes?: number,
): AsyncGenerator<Buffer> {
  const start = dataStart(bytes, entry);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new AppError('FILE_FORMAT_UNSUPPORTED', `(méthode de compression zip ${entry.method})`);
  }

  const chunks = entry.method === 0 ? slices(data, chunkBytes) : inflating(data, chunkBytes);
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > entry.uncompressedSize) {
      throw new AppError('FILE_ZIP_BOMB', `(${entry.name} dépasse la taille annoncée)`);
    }
    yield chunk;
  }
  if (total !== entry.uncompressedSize) {
    throw corrupt(`(archive zip : taille de ${entry.name} incohérente)`);
  }
}

/** Expands one entry chunk by chunk into `onChunk` (see `zipEntryChunks`). */
export async function streamZipEntry(
  bytes: Buffer,
  entry: ZipEntry,
  onChunk: (chunk: Buffer) => void,
  chunkBytes?: number,
): Promise<void> {
  for await (const chunk of zipEntryChunks(bytes, entry, chunkBytes)) {
    onChunk(chunk);
  }
}

/** Views of stored data, so that its text is decoded and scanned a piece at a time too. */
function* slices(data: Buffer, size = ZLIB_CHUNK_BYTES): Generator<Buffer> {
  for (let at = 0; at < data.length; at += size) {
    yield data.subarray(at, at + size);
  }
}

/** Inflated chunks of raw deflate data; a broken stream is a corrupt file. */
async function* inflating(data: Buffer, chunkBytes?: number): AsyncGenerator<Buffer> {
  const inflater = createInflateRaw(chunkBytes ? { chunkSize: chunkBytes } : {});
  inflater.end(data);
  try {
    for await (const chunk of inflater) {
      yield chunk as Buffer;
    }
  } catch (error: unknown) {
    if (error instanceof AppError) {
      throw error;
    }
    throw corrupt('(archive zip : données compressées illisibles)');
  } finally {
    inflater.destroy();
  }
}
