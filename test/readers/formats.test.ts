// Every format people send, told apart by content whatever its name, and each file that cannot be
// read refused with its own code.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import { readWorkbook } from '../../src/readers/index.js';
import { buildZip, withMacros, xlsxOf } from './xlsx.fixtures.js';
import { compoundFile, xlsOf } from './xls.fixtures.js';

const sample = (name: string): Buffer =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

async function outcome(bytes: Buffer): Promise<string> {
  try {
    const workbook = await readWorkbook(bytes);
    return `${workbook.format}: ${workbook.sheets[0]?.rows.length ?? 0} row(s)`;
  } catch (error: unknown) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
}

describe('readWorkbook by content', () => {
  it('reads .xlsx, .xlsm (macros never run), .xls, .ods, CSV and TAB text', async () => {
    const xlsx = await xlsxOf((wb) => wb.addWorksheet('F').addRow(['N° anonyme', 'Note']));
    const macroEnabled = withMacros(xlsx);
    const ods = buildZip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', stored: true },
      {
        name: 'content.xml',
        data: '<office:document-content><office:body><office:spreadsheet><table:table table:name="F"><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>',
      },
    ]);

    expect(
      await Promise.all(
        [
          xlsx,
          macroEnabled,
          xlsOf([{ name: 'F', rows: [[{ text: 'x' }], [{ number: 1 }]] }]),
          ods,
          sample('omrchecker-results.csv'),
          Buffer.from('N° anonyme\tNote\r\n123456\t12,5\r\n', 'latin1'),
        ].map(outcome),
      ),
    ).toEqual([
      'xlsx: 1 row(s)',
      'xlsx: 1 row(s)',
      'xls: 2 row(s)',
      'ods: 1 row(s)',
      'csv: 4 row(s)',
      'csv: 2 row(s)',
    ]);
  });

  it('refuses each unreadable file with its own code', async () => {
    const encrypted = compoundFile('EncryptedPackage', Buffer.alloc(10));
    const excel95 = xlsOf([{ name: 'F', rows: [[{ text: 'x' }]] }], { version: 0x0500 });
    const excel4 = Buffer.from([0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00]);
    const webPage = Buffer.from('<html><body><table><tr><td>12</td></tr></table></body></html>');
    const noData = await xlsxOf((wb) => wb.addWorksheet('Feuil1'));

    expect(
      await Promise.all(
        [Buffer.alloc(0), encrypted, excel95, excel4, webPage, noData].map(outcome),
      ),
    ).toEqual([
      'FILE_EMPTY',
      'FILE_ENCRYPTED',
      'FILE_FORMAT_LEGACY',
      'FILE_FORMAT_LEGACY',
      'FILE_WEB_PAGE',
      'FILE_NO_DATA',
    ]);
  });
});
