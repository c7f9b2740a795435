// Formats are told apart by content only: a file named .xls is often an HTML page or a CSV, and a
// .txt may be an Apogée maquette. Each refusal carries the code that tells the person what to do.

import { AppError } from '../domain/errors.js';
import type { FileFormat } from './table.js';
import {
  EOCD_MAX_BYTES,
  eocdOffset,
  listZipEntries,
  readZipEntry,
  type ZipEntry,
} from './zip-guard.js';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16_BOMS = [Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])];
const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');
/** High bytes of the BOF record type of BIFF2 (0x0009), BIFF3 (0x0209) and BIFF4 (0x0409). */
const LEGACY_BOF_HIGH_BYTES = new Set([0x00, 0x02, 0x04]);

/** Office encryption stores the real package in these OLE2 streams (names are UTF-16LE). */
const ENCRYPTION_STREAMS = ['EncryptionInfo', 'EncryptedPackage'].map((name) =>
  Buffer.from(name, 'utf16le'),
);

const ODS_MIMETYPES = new Set([
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.spreadsheet-template',
]);
const MIMETYPE_MAX_BYTES = 200;

/** Markup openings of web pages and XML spreadsheets that some tools save under an .xls name. */
const MARKUP_OPENINGS = ['<html', '<!doctype html', '<?xml', '<table'];
/** A flat OpenDocument spreadsheet (.fods): the whole document in one XML file, its type on the root. */
const FLAT_ODS = /<office:document[\s>][^>]*application\/vnd\.oasis\.opendocument\.spreadsheet/;
/**
 * SYLK (.slk), Excel's old text exchange format: an `ID;P…` line, then records such as
 * `C;Y2;X1;K"S3572052"` (one cell). A CSV whose header starts « ID;Prénom » has no such cell record.
 */
const SYLK = { opening: /^ID;P/, cell: /[\r\n](?:C;(?:Y\d+;)?X\d+;K|B;Y\d+;X\d+)/ };

/** Text files are judged on their head: binary when a NUL byte appears in the first 8 KiB. */
const TEXT_PROBE_BYTES = 8 * 1024;
/** The maquette marker opens the file; 64 KiB leaves room for anything placed before it. */
const MAQUETTE_PROBE_BYTES = 64 * 1024;
const MAQUETTE_MARKER = /(?:^|[\r\n])XX-APO_TITRES-XX[ \t]*(?:[\r\n]|$)/;

/** What a UTF-16 refusal adds to FILE_ENCODING's message: the encoding found, and where it comes from. */
const UTF16_DETAIL = "(fichier en UTF-16, l'encodage du format « Texte Unicode » d'Excel)";
/** Share of character pairs that must be a Latin-1 character beside a NUL to call BOM-less text UTF-16. */
const UTF16_PAIR_SHARE = 0.9;

function startsWith(bytes: Buffer, magic: Buffer): boolean {
  return bytes.length >= magic.length && bytes.subarray(0, magic.length).equals(magic);
}

function sniffZip(bytes: Buffer): FileFormat {
  const entries = listZipEntries(bytes);
  const names = new Set(entries.map((entry) => entry.name));

  const mimetype = entries.find((entry) => entry.name === 'mimetype');
  if (mimetype && isOdsMimetype(bytes, mimetype)) {
    return 'ods';
  }
  if (names.has('[Content_Types].xml') && names.has('xl/workbook.xml')) {
    return 'xlsx';
  }

  throw new AppError(
    'FILE_FORMAT_UNKNOWN',
    '(archive zip qui n’est ni un classeur Excel ni un tableur OpenDocument)',
  );
}

function isOdsMimetype(bytes: Buffer, entry: ZipEntry): boolean {
  if (entry.uncompressedSize > MIMETYPE_MAX_BYTES) {
    return false;
  }
  return ODS_MIMETYPES.has(readZipEntry(bytes, entry).toString('latin1').trim());
}

function sniffOle2(bytes: Buffer): FileFormat {
  if (ENCRYPTION_STREAMS.some((name) => bytes.includes(name))) {
    throw new AppError('FILE_ENCRYPTED');
  }
  return 'xls';
}

function sniffText(bytes: Buffer): FileFormat {
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes;
  const head = body.subarray(0, MAQUETTE_PROBE_BYTES).toString('latin1');

  const opening = head.trimStart().slice(0, 20).toLowerCase();
  if (MARKUP_OPENINGS.some((markup) => opening.startsWith(markup))) {
    throw FLAT_ODS.test(head)
      ? new AppError('FILE_FORMAT_OTHER_SPREADSHEET', '(tableur OpenDocument « plat », .fods)')
      : new AppError('FILE_WEB_PAGE');
  }
  if (SYLK.opening.test(head) && SYLK.cell.test(head)) {
    throw new AppError('FILE_FORMAT_OTHER_SPREADSHEET', '(format SYLK, .slk)');
  }
  if (MAQUETTE_MARKER.test(head)) {
    return 'apogee_maquette';
  }

  return 'csv';
}

/** Excel 2.x-4.x files are bare BIFF records (no OLE2 container): a BOF record opens them. */
function isLegacyBiff(bytes: Buffer): boolean {
  return (
    bytes.length >= 8 &&
    bytes[0] === 0x09 &&
    LEGACY_BOF_HIGH_BYTES.has(bytes[1] ?? -1) &&
    bytes.readUInt16LE(2) >= 4 &&
    bytes.readUInt16LE(2) <= 16
  );
}

/** A text byte of Latin-1: TAB, LF, CR, printable ASCII, or a letter or sign above 0xA0. */
function isLatin1Text(byte: number | undefined): boolean {
  return (
    byte !== undefined &&
    (byte === 9 ||
      byte === 10 ||
      byte === 13 ||
      (byte >= 0x20 && byte !== 0x7f && (byte < 0x80 || byte >= 0xa0)))
  );
}

/**
 * UTF-16 without a byte-order mark (database exports such as `bcp -w`): French text in it is
 * Latin-1 characters each beside a NUL byte, on the same side of every pair.
 */
function looksLikeUtf16(bytes: Buffer): boolean {
  const pairs = Math.floor(Math.min(bytes.length, TEXT_PROBE_BYTES) / 2);
  let little = 0;
  let big = 0;
  for (let at = 0; at < pairs * 2; at += 2) {
    const [first, second] = [bytes[at], bytes[at + 1]];
    little += second === 0 && isLatin1Text(first) ? 1 : 0;
    big += first === 0 && isLatin1Text(second) ? 1 : 0;
  }
  return pairs >= 2 && Math.max(little, big) >= pairs * UTF16_PAIR_SHARE;
}

/** How many NUL bytes end the file. */
function trailingNuls(bytes: Buffer): number {
  let at = bytes.length;
  while (at > 0 && bytes[at - 1] === 0) {
    at -= 1;
  }
  return bytes.length - at;
}

/**
 * Text followed by NUL bytes up to the end: the tail of a save or a copy that was cut off (the
 * file was sized, not all written). The lost end may have held rows, or the rest of the last
 * grade: the file is refused rather than read without its end.
 */
function nulPaddedText(bytes: Buffer): AppError | undefined {
  const padding = trailingNuls(bytes);
  const text = bytes.subarray(0, bytes.length - padding);
  if (padding === 0 || text.includes(0)) {
    return undefined;
  }
  return new AppError(
    'FILE_CORRUPT',
    text.length === 0
      ? '(le fichier ne contient que des octets nuls : son contenu n’a jamais été écrit)'
      : `(fichier texte dont la fin est remplie de ${padding} octets nuls, signe d’un enregistrement ` +
          'ou d’une copie interrompus : ses dernières lignes ont pu être perdues ; vérifiez dans le ' +
          'fichier d’origine que toutes les lignes y sont avant de l’enregistrer à nouveau)',
  );
}

/** The bytes of a file's start that judge a file neither zip nor OLE2: a BOM, then the maquette probe. */
export const SNIFF_HEAD_BYTES = UTF8_BOM.length + MAQUETTE_PROBE_BYTES;

/** Tells a file's format from its bytes; FILE_EMPTY, FILE_ENCRYPTED, FILE_WEB_PAGE, FILE_FORMAT_*, FILE_CORRUPT. */
export function sniffFormat(bytes: Buffer): FileFormat {
  if (bytes.length === 0) {
    throw new AppError('FILE_EMPTY');
  }
  if (startsWith(bytes, ZIP_MAGIC)) {
    return sniffZip(bytes);
  }
  if (startsWith(bytes, OLE2_MAGIC)) {
    return sniffOle2(bytes);
  }
  return sniffUncontained(bytes.subarray(0, SNIFF_HEAD_BYTES), () => nulPaddedText(bytes));
}

/**
 * The format of a file too long to be read whole for the asking, told from its first
 * SNIFF_HEAD_BYTES bytes (all of them when it is shorter) with the answer sniffFormat gives on the
 * whole file; null when that answer needs the whole file (a zip or OLE2 container, or a file ending
 * in a NUL byte). Throws what sniffFormat throws.
 */
export function sniffHead(head: Buffer, endsWithNul: boolean): FileFormat | null {
  if (head.length === 0) {
    throw new AppError('FILE_EMPTY');
  }
  if (endsWithNul || startsWith(head, ZIP_MAGIC) || startsWith(head, OLE2_MAGIC)) {
    return null;
  }
  // A file not ending in a NUL byte is no NUL-padded text.
  return sniffUncontained(head, () => undefined);
}

/** The format of a file that is no container, judged on its head; `padded` judges its end. */
function sniffUncontained(head: Buffer, padded: () => AppError | undefined): FileFormat {
  if (isLegacyBiff(head)) {
    throw new AppError('FILE_FORMAT_LEGACY');
  }

  // UTF-16 text (Excel's "Unicode text") is full of NUL bytes: name the real problem instead.
  if (UTF16_BOMS.some((bom) => startsWith(head, bom)) || looksLikeUtf16(head)) {
    throw new AppError('FILE_ENCODING', UTF16_DETAIL);
  }
  if (startsWith(head, PDF_MAGIC)) {
    throw new AppError('FILE_FORMAT_UNKNOWN');
  }
  const cutOff = padded();
  if (cutOff) {
    throw cutOff;
  }
  if (head.subarray(0, TEXT_PROBE_BYTES).includes(0)) {
    throw new AppError('FILE_FORMAT_UNKNOWN');
  }

  return sniffText(head);
}

/** How much of a file's start and end `looksUnfinished` needs: the end record of a zip fits its tail. */
export const END_PROBE = { headBytes: 512, tailBytes: EOCD_MAX_BYTES } as const;

/**
 * True when a file's end shows it is still being written (judged on its first and last bytes,
 * END_PROBE): nothing written yet, text (no NUL byte in its head) whose last byte is no line break
 * (a copy stalled in the middle of a row), or a zip (xlsx, ods) whose end-of-central-directory
 * record is not at its end yet. Other files, and text files ending a line, tell nothing.
 */
export function looksUnfinished(head: Buffer, tail: Buffer): boolean {
  if (head.length === 0) {
    return true;
  }
  if (startsWith(head, ZIP_MAGIC)) {
    return eocdOffset(tail) === null;
  }
  if (startsWith(head, OLE2_MAGIC) || head.includes(0)) {
    return false;
  }
  const last = tail[tail.length - 1];
  return last !== 0x0a && last !== 0x0d;
}
