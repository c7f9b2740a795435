import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import { checkZip, listZipEntries, readZipEntry } from '../../src/readers/zip-guard.js';
import { buildZip, xlsxOf } from './zip-guard.fixtures.js';

const MIB = 1024 * 1024;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error: unknown) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

describe('zip guard', () => {
  it('lists the parts of a workbook written by exceljs', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Notes').addRow(['a']));

    const names = checkZip(bytes).map((entry) => entry.name);

    expect(names).toContain('[Content_Types].xml');
    expect(names).toContain('xl/workbook.xml');
  });

  it('refuses a workbook cut short at any point as FILE_CORRUPT', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Notes').addRow(['a', 1]));

    for (const keep of [10, Math.floor(bytes.length / 2), bytes.length - 30, bytes.length - 1]) {
      expect(codeOf(() => checkZip(bytes.subarray(0, keep)))).toBe('FILE_CORRUPT');
    }
  });

  it('refuses bytes that are no zip at all as FILE_CORRUPT', () => {
    expect(codeOf(() => checkZip(Buffer.from('PK\x03\x04 not really a zip, just text')))).toBe(
      'FILE_CORRUPT',
    );
  });

  it('refuses an entry expanding more than 200 times over 1 MiB', () => {
    const bytes = buildZip([{ name: 'xl/big.xml', data: Buffer.alloc(4 * MIB) }]);

    expect(codeOf(() => checkZip(bytes))).toBe('FILE_ZIP_BOMB');
  });

  it('accepts a highly compressed entry under 1 MiB', () => {
    const bytes = buildZip([{ name: 'xl/small.xml', data: Buffer.alloc(MIB - 1) }]);

    expect(checkZip(bytes)).toHaveLength(1);
  });

  it('refuses an archive whose declared total exceeds the limit', () => {
    const parts = [1, 2, 3].map((n) => ({
      name: `part${n}.bin`,
      data: Buffer.alloc(1000, n),
      stored: true,
    }));
    const bytes = buildZip(parts);

    expect(codeOf(() => checkZip(bytes, { maxUncompressed: 2500 }))).toBe('FILE_ZIP_BOMB');
    expect(checkZip(bytes, { maxUncompressed: 3000 })).toHaveLength(3);
  });

  it('refuses by default an archive declaring more than 200 MiB', () => {
    const parts = [0, 1, 2].map((n) => ({
      name: `p${n}.bin`,
      data: 'x',
      stored: true,
      declaredSize: 70 * MIB,
    }));

    expect(codeOf(() => checkZip(buildZip(parts)))).toBe('FILE_ZIP_BOMB');
  });

  it('never expands an entry beyond the size it declared', () => {
    const bytes = buildZip([
      { name: 'xl/liar.xml', data: Buffer.alloc(50_000), declaredSize: 100 },
    ]);
    const [entry] = checkZip(bytes);

    expect(codeOf(() => readZipEntry(bytes, entry!))).toBe('FILE_ZIP_BOMB');
  });

  it('expands stored and deflated entries to their content', () => {
    const bytes = buildZip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', stored: true },
      { name: 'content.xml', data: '<office:document-content/>' },
    ]);

    const contents = listZipEntries(bytes).map((entry) =>
      readZipEntry(bytes, entry).toString('utf8'),
    );

    expect(contents).toEqual([
      'application/vnd.oasis.opendocument.spreadsheet',
      '<office:document-content/>',
    ]);
  });

  it('reads the zip64 records some writers always use', () => {
    const bytes = buildZip(
      [
        { name: 'a.xml', data: '<a/>' },
        { name: 'b.xml', data: '<b/>' },
      ],
      { zip64: true },
    );

    const entries = checkZip(bytes);

    expect(entries.map((entry) => [entry.name, entry.uncompressedSize])).toEqual([
      ['a.xml', 4],
      ['b.xml', 4],
    ]);
    expect(readZipEntry(bytes, entries[1]!).toString('utf8')).toBe('<b/>');
  });
});
