// Hand-built zip archives for the reader tests: exact control over declared sizes, zip64 records
// and truncation, which no zip library lets a test get wrong on purpose.
import { crc32, deflateRawSync } from 'node:zlib';

import ExcelJS from 'exceljs';

import { listZipEntries, readZipEntry } from '../../src/readers/zip-guard.js';

export interface FixtureEntry {
  name: string;
  data: Buffer | string;
  /** Store instead of deflating. */
  stored?: boolean;
  /** Uncompressed size written in the headers instead of the real one. */
  declaredSize?: number;
}

interface Built {
  local: Buffer;
  central: (offset: number) => Buffer;
}

function buildEntry(entry: FixtureEntry, zip64: boolean): Built {
  const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
  const body = entry.stored ? data : deflateRawSync(data);
  const name = Buffer.from(entry.name, 'utf8');
  const size = entry.declaredSize ?? data.length;
  const crc = crc32(data);

  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x800, 6);
  local.writeUInt16LE(entry.stored ? 0 : 8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);

  const central = (offset: number): Buffer => {
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(45, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x800, 8);
    header.writeUInt16LE(entry.stored ? 0 : 8, 10);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(zip64 ? 0xffffffff : body.length, 20);
    header.writeUInt32LE(zip64 ? 0xffffffff : size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(zip64 ? 28 : 0, 30);
    header.writeUInt32LE(zip64 ? 0xffffffff : offset, 42);
    if (!zip64) {
      return Buffer.concat([header, name]);
    }

    const extra = Buffer.alloc(28);
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(size), 4);
    extra.writeBigUInt64LE(BigInt(body.length), 12);
    extra.writeBigUInt64LE(BigInt(offset), 20);
    return Buffer.concat([header, name, extra]);
  };

  return { local: Buffer.concat([local, name, body]), central };
}

function zip64Records(count: number, size: number, offset: number): Buffer {
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(size), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);

  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + size), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator]);
}

/** Builds a zip archive; `zip64` saturates every classic field and writes the zip64 records. */
export function buildZip(entries: FixtureEntry[], options: { zip64?: boolean } = {}): Buffer {
  const zip64 = options.zip64 ?? false;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];

  let offset = 0;
  for (const entry of entries) {
    const built = buildEntry(entry, zip64);
    centrals.push(built.central(offset));
    locals.push(built.local);
    offset += built.local.length;
  }

  const directory = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(zip64 ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(zip64 ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : directory.length, 12);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);

  const tail = zip64 ? [zip64Records(entries.length, directory.length, offset), eocd] : [eocd];
  return Buffer.concat([...locals, directory, ...tail]);
}

/** Rebuilds an archive with one part's content replaced. */
export function replacePart(
  bytes: Buffer,
  name: string,
  edit: (content: string) => string,
): Buffer {
  const entries = listZipEntries(bytes).map((entry) => {
    const content = readZipEntry(bytes, entry);
    return {
      name: entry.name,
      data: entry.name === name ? edit(content.toString('utf8')) : content,
    };
  });
  return buildZip(entries);
}

/** Serialises an exceljs workbook built by `fill`. */
export async function xlsxOf(fill: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  fill(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
