// The archive of an .xlsx the service writes itself: parts one after the other, each with its sizes
// and CRC in its local header (no data descriptor), then the central directory. No zip64: an
// outbox workbook stays far below 4 GiB and 65,535 parts.
import { constants, crc32, deflateRawSync } from 'node:zlib';

const LOCAL_SIGNATURE = 0x04034b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const END_SIGNATURE = 0x06054b50;
/** Size of a local header before its name. */
export const LOCAL_SIZE = 30;
const CENTRAL_SIZE = 46;
const END_SIZE = 22;
/** Version 2.0: deflate, no zip64. */
const ZIP_VERSION = 20;
/** Compression method of a deflated part. */
export const DEFLATE = 8;
/** MS-DOS attribute of a folder entry (`xl/`), as exceljs's zip marks them. */
const DOS_DIRECTORY = 0x10;

/** One part of an archive, its data already compressed (or stored) as `method` says. */
export interface ZipPart {
  name: Buffer;
  flags: number;
  method: number;
  /** DOS time and date, 4 bytes as a header holds them. */
  stamp: Buffer;
  crc: number;
  /** Size of the content once inflated. */
  size: number;
  data: Buffer;
}

/** The DOS time and date of `date` (local time, two-second steps), as a header holds them. */
export function dosStamp(date: Date): Buffer {
  const stamp = Buffer.alloc(4);
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1);
  const day = ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  stamp.writeUInt16LE(time, 0);
  stamp.writeUInt16LE(day, 2);
  return stamp;
}

/** A part holding `content`, deflated at the fastest level: sheet XML is repetitive, it shrinks well. */
export function deflatedPart(name: string, content: Buffer, stamp: Buffer): ZipPart {
  return {
    name: Buffer.from(name, 'utf8'),
    flags: 0,
    method: DEFLATE,
    stamp,
    crc: crc32(content),
    size: content.length,
    data: deflateRawSync(content, { level: 1 }),
  };
}

/** Text gathered before it is deflated as one segment of a part: a few hundred rows of a sheet. */
const SEGMENT_CHARS = 256 * 1024;

/**
 * A part deflated as its text is written, so that a long sheet is never held whole as text. Each
 * segment is deflated on its own and ends on a sync flush, which leaves the stream open: raw
 * deflate segments so ended, then a last one finished, read as one stream (the CRC and size run
 * across segments). A fresh compressor per segment costs little at this segment size.
 */
export class DeflatingPart {
  private readonly segments: Buffer[] = [];
  private pending: string[] = [];
  private pendingChars = 0;
  private crc = 0;
  private size = 0;

  constructor(
    private readonly name: string,
    private readonly stamp: Buffer,
  ) {}

  /** Appends `text` to the part. */
  write(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= SEGMENT_CHARS) {
      this.deflatePending(constants.Z_SYNC_FLUSH);
    }
  }

  /** The part, its last segment finished; nothing may be written after. */
  finish(): ZipPart {
    this.deflatePending(constants.Z_FINISH);
    const data = Buffer.concat(this.segments);
    return { ...this.header(), crc: this.crc, size: this.size, data };
  }

  private header(): Pick<ZipPart, 'name' | 'flags' | 'method' | 'stamp'> {
    return { name: Buffer.from(this.name, 'utf8'), flags: 0, method: DEFLATE, stamp: this.stamp };
  }

  private deflatePending(flush: number): void {
    const content = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    this.crc = crc32(content, this.crc);
    this.size += content.length;
    this.segments.push(deflateRawSync(content, { level: 1, finishFlush: flush }));
  }
}

/** A local (`central` false) or central header of a part; `offset` is its local header's. */
function header(part: ZipPart, central: boolean, offset: number): Buffer {
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
export function zipArchive(parts: ZipPart[]): Buffer {
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
