// The OLE2 compound file (MS-CFB) that holds an .xls workbook: a small FAT file system in one file.
// Read by hand so that every sector chain is bounded by the file's own size and checked for loops:
// a crafted file can neither make us loop forever nor allocate more than it holds.
import { AppError } from '../domain/errors.js';

const HEADER_SIZE = 512;
const END_OF_CHAIN = 0xfffffffe;
const FREE_SECTOR = 0xffffffff;
const MAX_REGULAR = 0xfffffffa;
const DIFAT_IN_HEADER = 109;
const DIRECTORY_ENTRY = 128;
const STREAM = 2;
const ROOT = 5;

/** One stream of a compound file, by name. */
export interface CfbStream {
  name: string;
  content: Buffer;
}

function corrupt(detail: string): AppError {
  return new AppError('FILE_CORRUPT', `(classeur .xls : ${detail})`);
}

/** Sector geometry and tables of one compound file. */
class Container {
  readonly sectorSize: number;
  readonly fat: number[];

  constructor(private readonly bytes: Buffer) {
    if (bytes.length < HEADER_SIZE) {
      throw corrupt('en-tête tronqué');
    }
    const shift = bytes.readUInt16LE(0x1e);
    if (shift !== 9 && shift !== 12) {
      throw corrupt('taille de secteur invalide');
    }
    this.sectorSize = 1 << shift;
    this.fat = this.readFat();
  }

  /** Most sectors a chain can have: more means a loop or a lie. */
  get maxSectors(): number {
    return Math.ceil(this.bytes.length / this.sectorSize);
  }

  sector(index: number): Buffer {
    const start = (index + 1) * this.sectorSize;
    if (index > MAX_REGULAR || start >= this.bytes.length) {
      throw corrupt('secteur hors du fichier');
    }
    return this.bytes.subarray(start, Math.min(start + this.sectorSize, this.bytes.length));
  }

  /** The sector indexes of a chain, refusing loops and chains longer than the file. */
  chain(first: number, table: number[], limit = this.maxSectors): number[] {
    const sectors: number[] = [];
    const seen = new Set<number>();
    for (let at = first; at !== END_OF_CHAIN; at = table[at] ?? FREE_SECTOR) {
      if (at > MAX_REGULAR || seen.has(at) || sectors.length >= limit) {
        throw corrupt('chaîne de secteurs invalide');
      }
      seen.add(at);
      sectors.push(at);
    }
    return sectors;
  }

  read(first: number, size?: number): Buffer {
    const content = Buffer.concat(this.chain(first, this.fat).map((at) => this.sector(at)));
    return size === undefined ? content : content.subarray(0, size);
  }

  private readFat(): number[] {
    const fatSectors: number[] = [];
    for (let i = 0; i < DIFAT_IN_HEADER; i += 1) {
      fatSectors.push(this.bytes.readUInt32LE(0x4c + i * 4));
    }

    // Workbooks over ~7 MiB list further FAT sectors in DIFAT sectors, chained by their last entry.
    const seen = new Set<number>();
    let next = this.bytes.readUInt32LE(0x44);
    while (next <= MAX_REGULAR) {
      if (seen.has(next) || seen.size > this.maxSectors) {
        throw corrupt('table DIFAT invalide');
      }
      seen.add(next);
      const sector = this.sector(next);
      const per = this.sectorSize / 4 - 1;
      for (let i = 0; i < per; i += 1) {
        fatSectors.push(sector.readUInt32LE(i * 4));
      }
      next = sector.readUInt32LE(per * 4);
    }

    const fat: number[] = [];
    for (const at of fatSectors.filter((s) => s <= MAX_REGULAR)) {
      const sector = this.sector(at);
      for (let i = 0; i + 4 <= sector.length; i += 4) {
        fat.push(sector.readUInt32LE(i));
      }
    }
    return fat;
  }
}

interface Entry {
  name: string;
  type: number;
  start: number;
  size: number;
}

function readEntries(directory: Buffer): Entry[] {
  const entries: Entry[] = [];
  for (let at = 0; at + DIRECTORY_ENTRY <= directory.length; at += DIRECTORY_ENTRY) {
    const nameLength = Math.min(directory.readUInt16LE(at + 64), 64);
    entries.push({
      name: directory.subarray(at, at + Math.max(0, nameLength - 2)).toString('utf16le'),
      type: directory.readUInt8(at + 66),
      start: directory.readUInt32LE(at + 116),
      size: directory.readUInt32LE(at + 120),
    });
  }
  return entries;
}

/** The streams of a compound file stored at its root (an .xls keeps `Workbook` there). */
export function readCfbStreams(bytes: Buffer, wanted: readonly string[]): CfbStream[] {
  const container = new Container(bytes);
  const entries = readEntries(container.read(bytes.readUInt32LE(0x30)));
  const root = entries.find((entry) => entry.type === ROOT);
  if (!root) {
    throw corrupt('répertoire racine absent');
  }
  const cutoff = bytes.readUInt32LE(0x38);

  const streams: CfbStream[] = [];
  for (const entry of entries) {
    if (entry.type !== STREAM || !wanted.includes(entry.name)) {
      continue;
    }
    if (entry.size > bytes.length * 2) {
      throw corrupt(`flux ${entry.name} plus grand que le fichier`);
    }
    const content =
      entry.size < cutoff
        ? readMini(container, bytes, root, entry)
        : container.read(entry.start, entry.size);
    if (content.length < entry.size) {
      throw corrupt(`flux ${entry.name} tronqué`);
    }
    streams.push({ name: entry.name, content });
  }
  return streams;
}

/** Small streams live in 64-byte sectors of the root's mini stream, chained by the mini FAT. */
function readMini(container: Container, bytes: Buffer, root: Entry, entry: Entry): Buffer {
  const miniStream = container.read(root.start, root.size);
  const miniFatBytes = container.read(bytes.readUInt32LE(0x3c));
  const miniFat: number[] = [];
  for (let i = 0; i + 4 <= miniFatBytes.length; i += 4) {
    miniFat.push(miniFatBytes.readUInt32LE(i));
  }

  const miniSize = 1 << bytes.readUInt16LE(0x20);
  const limit = Math.ceil(miniStream.length / miniSize);
  const parts = container
    .chain(entry.start, miniFat, limit)
    .map((at) => miniStream.subarray(at * miniSize, (at + 1) * miniSize));
  return Buffer.concat(parts).subarray(0, entry.size);
}
