// exceljs (4.4) gives every cell note the author « Author »: its comments part lists that one
// author, hard-coded, with no option to change it, and a spreadsheet shows it with each note
// (Excel's status bar, LibreOffice's note). The notes of the service's workbooks name the service
// instead: the zip exceljs wrote is written again, every part's compressed bytes copied as they
// are, but for the comments parts, whose author is replaced.
import { crc32, deflateRawSync } from 'node:zlib';

import { listZipEntries, readZipEntry, type ZipEntry } from '../readers/zip-guard.js';
import { DEFLATE, LOCAL_SIZE, zipArchive, type ZipPart } from './zip-write.js';

const COMMENTS_PART = /^xl\/comments\d+\.xml$/;
const EXCELJS_AUTHORS = '<authors><author>Author</author></authors>';

/** Sizes and CRC in a descriptor after the data: written in the headers here instead. */
const FLAG_DESCRIPTOR = 0x8;

/** A part of `bytes`: as it is, or for a comments part, with the author replaced. */
function partOf(bytes: Buffer, entry: ZipEntry, authors: string): ZipPart {
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

/** The .xlsx `bytes` with `author` as the author of its cell notes; the same bytes when it has none. */
export function withNoteAuthor(bytes: Buffer, author: string): Buffer {
  const entries = listZipEntries(bytes);
  if (!entries.some((entry) => COMMENTS_PART.test(entry.name))) {
    return bytes;
  }

  const authors = `<authors><author>${escapeXml(author)}</author></authors>`;
  return zipArchive(entries.map((entry) => partOf(bytes, entry, authors)));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
