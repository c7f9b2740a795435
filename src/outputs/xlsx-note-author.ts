// exceljs (4.4) gives every cell note the author « Author »: its comments part lists that one
// author, hard-coded, with no option to change it, and a spreadsheet shows it with each note
// (Excel's status bar, LibreOffice's note). The notes of the service's workbooks name the service
// instead: the zip exceljs wrote is written again, every part's compressed bytes copied as they
// are, but for the comments parts, whose author is replaced.
import { crc32, deflateRawSync } from 'node:zlib';

import { listZipEntries, readZipEntry, type ZipEntry } from '../readers/zip-guard.js';

const COMMENTS_PART = /^xl\/comments\d+\.xml$/;
const EXCELJS_AUTHORS = '<authors><author>Author</author></authors>';

const LOCAL_SIGNATURE = 0x04034b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const END_SIGNATURE = 0x06054b50;
const LOCAL_SIZE = 30;
const CENTRAL_SIZE = 46;
const END_SIZE = 22;
/** Version 2.0: deflate, no zip64. */
const ZIP_VERSION = 20;
const DEFLATE = 8;
/** Sizes and CRC in a descriptor after the data: written in the headers here instead. */
const FLAG_DESCRIPTOR = 0x8;
/** MS-DOS attribute of a folder entry (`xl/`), as exceljs's zip marks them. */
const DOS_DIRECTORY = 0x10;

/** One part of the archive as it is written again. */
interface Part {
  name: Buffer;
  flags: number;
  method: number;
  /** DOS time and date, as the local header gave them. */
  stamp: Buffer;
  crc: number;
  size: number;
  data: Buffer;
}

/** A part of `bytes`: as it is, or for a comments part, with the author replaced. */
function partOf(bytes: Buffer, entry: ZipEntry, authors: string): Part {
  const at = entry.localHeaderOffset;
  const nameEnd = at + LOCAL_SIZE + bytes.readUInt16LE(at + 26);
  const start = nameEnd + bytes.readUInt16LE(at + 28);
  const kept = {
    name: bytes.subarray(at + LOCAL_SIZE, nameEnd),
    flags: entry.flags & ~FLAG_DESCRIPTOR,
    stamp: bytes.subarray(at + 10, at + 14),
  };

  if (COMMENTS_PART.test(entry.name)) {
    const xml = readZipEntry(bytes, entry).toString('utf8').replace(EXCELJS_AUTHORS, authors);
    const content = Buffer.from(xml, 'utf8');
    const data = deflateRawSync(content, { level: 1 });
    return { ...kept, method: DEFLATE, crc: crc32(content), size: content.length, data };
  }
  // Past a descriptor flag, the local header's CRC is 0: it is computed from the content.
  const crc =
    entry.flags & FLAG_DESCRIPTOR ? crc32(readZipEntry(bytes, entry)) : bytes.readUInt32LE(at + 14);
  const data = bytes.subarray(start, start + entry.compressedSize);
  return { ...kept, method: entry.method, crc, size: entry.uncompressedSize, data };
}

/** A local (`central` false) or central header of a part; `offset` is its local header's. */
function header(part: Part, central: boolean, offset: number): Buffer {
  const out = Buffer.alloc((central ? CENTRAL_SIZE : LOCAL_SIZE) + part.name.length);
  out.writeUInt32LE(central ? CENTRAL_SIGNATURE : LOCAL_SIGNATURE, 0);
  // The central header has a « version made by » before the fields both share.
  const at = central ? 6 : 4;
  if (central) {
    out.writeUInt16LE(ZIP_VERSION, 4);
    out.writeUInt32LE(part.name.at(-1) === 0x2f ? DOS_DIRECTORY : 0, 38);
    out.writeUInt32LE(offset, 42);
  }
  out.writeUInt16LE(ZIP_VERSION, at);
  out.writeUInt16LE(part.flags, at + 2);
  out.writeUInt16LE(part.method, at + 4);
  part.stamp.copy(out, at + 6);
  out.writeUInt32LE(part.crc, at + 10);
  out.writeUInt32LE(part.data.length, at + 14);
  out.writeUInt32LE(part.size, at + 18);
  out.writeUInt16LE(part.name.length, at + 22);
  part.name.copy(out, central ? CENTRAL_SIZE : LOCAL_SIZE);
  return out;
}

/** The archive of `parts`, in their order. */
function archive(parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const local = header(part, false, 0);
    directory.push(header(part, true, offset));
    chunks.push(local, part.data);
    offset += local.length + part.data.length;
  }

  const size = directory.reduce((sum, entry) => sum + entry.length, 0);
  const end = Buffer.alloc(END_SIZE);
  end.writeUInt32LE(END_SIGNATURE, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...directory, end]);
}

/** The .xlsx `bytes` with `author` as the author of its cell notes; the same bytes when it has none. */
export function withNoteAuthor(bytes: Buffer, author: string): Buffer {
  const entries = listZipEntries(bytes);
  if (!entries.some((entry) => COMMENTS_PART.test(entry.name))) {
    return bytes;
  }

  const authors = `<authors><author>${escapeXml(author)}</author></authors>`;
  return archive(entries.map((entry) => partOf(bytes, entry, authors)));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
