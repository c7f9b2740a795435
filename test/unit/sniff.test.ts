import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import { SNIFF_HEAD_BYTES, sniffFormat, sniffHead } from '../../src/readers/sniff.js';
import { buildZip, xlsxOf } from './zip-guard.fixtures.js';

const sample = (name: string): Buffer =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

function codeOf(bytes: Buffer): string {
  try {
    return `format ${sniffFormat(bytes)}`;
  } catch (error: unknown) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
}

function messageOf(bytes: Buffer): string {
  try {
    return `format ${sniffFormat(bytes)}`;
  } catch (error: unknown) {
    return error instanceof Error ? error.message : String(error);
  }
}

function ole2With(...streams: string[]): Buffer {
  const directory = streams.map((name) => Buffer.from(name, 'utf16le'));
  return Buffer.concat([OLE2, Buffer.alloc(504), ...directory, Buffer.alloc(512)]);
}

describe('sniffFormat', () => {
  it('refuses an empty file', () => {
    expect(codeOf(Buffer.alloc(0))).toBe('FILE_EMPTY');
  });

  it('recognises an Excel workbook whatever its name', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['x']));

    expect(codeOf(bytes)).toBe('format xlsx');
  });

  it('recognises an OpenDocument spreadsheet by its mimetype entry', () => {
    const bytes = buildZip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', stored: true },
      { name: 'content.xml', data: '<office:document-content/>' },
    ]);

    expect(codeOf(bytes)).toBe('format ods');
  });

  it('does not take an OpenDocument text or any other zip for a spreadsheet', () => {
    const odt = buildZip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.text', stored: true },
    ]);
    const other = buildZip([{ name: 'readme.txt', data: 'hello' }]);

    expect(codeOf(odt)).toBe('FILE_FORMAT_UNKNOWN');
    expect(codeOf(other)).toBe('FILE_FORMAT_UNKNOWN');
  });

  it('refuses a truncated workbook as corrupt', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['x']));

    expect(codeOf(bytes.subarray(0, bytes.length - 100))).toBe('FILE_CORRUPT');
  });

  it('recognises an old .xls compound file', () => {
    expect(codeOf(ole2With('Workbook', 'SummaryInformation'))).toBe('format xls');
  });

  it('refuses a password-protected workbook as encrypted', () => {
    expect(codeOf(ole2With('EncryptionInfo', 'EncryptedPackage'))).toBe('FILE_ENCRYPTED');
  });

  it('refuses a web page or XML saved under a spreadsheet name', () => {
    const pages = [
      '<html xmlns:o="urn:schemas-microsoft-com:office:office"><body><table></table></body></html>',
      '\uFEFF  \r\n<!DOCTYPE html><html></html>',
      '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
      '<HTML><TABLE><TR><TD>1</TD></TR></TABLE></HTML>',
    ];

    for (const page of pages) {
      expect(codeOf(Buffer.from(page, 'utf8'))).toBe('FILE_WEB_PAGE');
    }
  });

  it('names a flat OpenDocument spreadsheet (.fods) and says to save it as .ods or .xlsx', () => {
    const fods = readFileSync(new URL('../readers/fixtures/lo-features.fods', import.meta.url));

    expect(codeOf(fods)).toBe('FILE_FORMAT_OTHER_SPREADSHEET');
    expect(messageOf(fods)).toContain('(tableur OpenDocument « plat », .fods)');
    expect(messageOf(fods)).toContain(
      'enregistrez-le en classeur Excel (.xlsx), en tableur OpenDocument (.ods)',
    );
  });

  it('refuses a SYLK file instead of reading it as CSV, but reads a CSV whose header starts ID;P', () => {
    const sylk =
      'ID;PWXL;N;E\r\nP;PGeneral\r\nC;Y1;X1;K"N° anonyme"\r\nC;Y1;X2;K"Note"\r\nC;Y2;X1;K"S01"\r\nE\r\n';

    expect(codeOf(Buffer.from(sylk))).toBe('FILE_FORMAT_OTHER_SPREADSHEET');
    expect(messageOf(Buffer.from(sylk))).toContain('(format SYLK, .slk)');
    expect(codeOf(Buffer.from('ID;Prénom;Note\r\n12;Léa;14\r\nC;Y;X\r\n'))).toBe('format csv');
  });

  it('refuses text padded with NUL bytes up to its end as cut off, not as an unknown format', () => {
    const text = Buffer.from('N° anonyme;Note\r\nS01;13\r\nS02;1');
    const padded = Buffer.concat([text, Buffer.alloc(100)]);

    expect(codeOf(padded)).toBe('FILE_CORRUPT');
    expect(messageOf(padded)).toContain('remplie de 100 octets nuls');
    expect(messageOf(padded)).toContain('ses dernières lignes ont pu être perdues');
    expect(codeOf(Buffer.alloc(50))).toBe('FILE_CORRUPT');
    // NUL bytes inside the content are not padding: binary, unknown.
    expect(codeOf(Buffer.concat([text, Buffer.alloc(3), text, Buffer.alloc(3)]))).toBe(
      'FILE_FORMAT_UNKNOWN',
    );
  });

  it('refuses an Excel 2-4 file (bare BIFF records, often renamed .xlsx) as a legacy format', () => {
    // BOF record of BIFF4 (0x0409), 6 bytes of data, as the file opens.
    const biff4 = Buffer.from([0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00]);
    const biff2 = Buffer.from([0x09, 0x00, 0x04, 0x00, 0x02, 0x00, 0x10, 0x00]);

    expect(codeOf(biff4)).toBe('FILE_FORMAT_LEGACY');
    expect(codeOf(biff2)).toBe('FILE_FORMAT_LEGACY');
  });

  it('recognises the real Apogée maquette sample, in ISO-8859-1 and re-encoded in UTF-8', () => {
    const latin1 = sample('apogee-maquette-7W29.txt');
    const utf8 = Buffer.from(latin1.toString('latin1'), 'utf8');

    expect(codeOf(latin1)).toBe('format apogee_maquette');
    expect(codeOf(utf8)).toBe('format apogee_maquette');
    expect(codeOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toBe(
      'format apogee_maquette',
    );
  });

  it('does not take a CSV mentioning the marker inside a line for a maquette', () => {
    expect(codeOf(Buffer.from('note;commentaire\r\n12;voir XX-APO_TITRES-XX\r\n'))).toBe(
      'format csv',
    );
  });

  it('takes other text for CSV', () => {
    expect(codeOf(sample('amc-student-list.csv'))).toBe('format csv');
    expect(codeOf(sample('omrchecker-results.csv'))).toBe('format csv');
    expect(codeOf(Buffer.from('Num\xe9ro;Note\r\n007;12,5\r\n', 'latin1'))).toBe('format csv');
  });

  it('refuses binary content as unknown, listing every format accepted', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(codeOf(png)).toBe('FILE_FORMAT_UNKNOWN');
    expect(messageOf(png)).toContain(
      '(.xlsx ou .xls), un tableur OpenDocument (.ods), un fichier CSV',
    );
    expect(codeOf(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj', 'latin1'))).toBe('FILE_FORMAT_UNKNOWN');
  });

  it('names the encoding problem of a UTF-16 text export', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('Nom\tNote\r\n', 'utf16le'),
    ]);

    expect(codeOf(utf16)).toBe('FILE_ENCODING');
  });
});

describe('sniffHead', () => {
  /** sniffHead's answer on the file's head and last byte: a format, a refusal's code, or null. */
  function headAnswer(bytes: Buffer): string | null {
    try {
      const format = sniffHead(bytes.subarray(0, SNIFF_HEAD_BYTES), bytes.at(-1) === 0);
      return format === null ? null : `format ${format}`;
    } catch (error: unknown) {
      return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
    }
  }

  const long = 'N° anonyme;Note\r\n' + '00012345;12,5\r\n'.repeat(20_000);
  const files: Record<string, Buffer> = {
    'empty file': Buffer.alloc(0),
    'short CSV': Buffer.from('N° anonyme;Note\r\n0001;12\r\n'),
    'long CSV': Buffer.from(long),
    'long CSV with a NUL byte past its head': Buffer.from(`${long}\0;1\r\n`),
    'long CSV cut off (NUL bytes to its end)': Buffer.concat([Buffer.from(long), Buffer.alloc(9)]),
    'Apogée maquette': sample('apogee-maquette-7W29.txt'),
    'UTF-16 text': Buffer.from(`\ufeff${long.slice(0, 2000)}`, 'utf16le'),
    'web page': Buffer.from(`<html><body>${'<p>x</p>'.repeat(20_000)}</body></html>\n`),
    PDF: Buffer.from(`%PDF-1.7\n${'x'.repeat(100_000)}\n`),
    'old .xls': ole2With('Workbook'),
    zip: buildZip([{ name: 'a.txt', data: Buffer.from('a') }]),
  };

  it.each(Object.keys(files))(
    'tells %s as sniffFormat tells the whole file, or asks for it',
    (name) => {
      const bytes = files[name] ?? Buffer.alloc(0);
      const answer = headAnswer(bytes);
      if (answer !== null) {
        expect(answer).toBe(codeOf(bytes));
      }
    },
  );

  it('needs the whole file only for containers and files ending in a NUL byte', () => {
    const asked = Object.entries(files).filter(([, bytes]) => headAnswer(bytes) === null);
    expect(asked.map(([name]) => name)).toEqual([
      'long CSV cut off (NUL bytes to its end)',
      // Its last character, a line end, is 0x0A 0x00.
      'UTF-16 text',
      'old .xls',
      'zip',
    ]);
  });
});
