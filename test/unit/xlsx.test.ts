import { readFileSync } from 'node:fs';

import type ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import { readWorkbook } from '../../src/readers/index.js';
import type { Cell } from '../../src/readers/table.js';
import { readXlsx } from '../../src/readers/xlsx.js';
import { buildZip, replacePart, xlsxOf } from './zip-guard.fixtures.js';

const sample = (name: string): Buffer =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

async function codeOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (error: unknown) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

/** The cells of the first row of the first sheet of a one-row workbook. */
async function firstRow(
  fill: (sheet: ExcelJS.Worksheet) => void,
  date1904 = false,
): Promise<Cell[]> {
  const bytes = await xlsxOf((wb) => {
    wb.properties.date1904 = date1904;
    fill(wb.addWorksheet('Feuil1'));
  });
  const workbook = await readXlsx(bytes);
  return workbook.sheets[0]!.rows[0]!.cells;
}

describe('readXlsx', () => {
  it('reads numbers, text and booleans with the text a person sees', async () => {
    const cells = await firstRow((sheet) => sheet.addRow([12.5, '007', 'Dupont', true, false]));

    expect(cells).toEqual([
      { kind: 'number', value: 12.5, raw: '12.5' },
      { kind: 'text', raw: '007' },
      { kind: 'text', raw: 'Dupont' },
      { kind: 'bool', value: true, raw: 'VRAI' },
      { kind: 'bool', value: false, raw: 'FAUX' },
    ]);
  });

  it('reads inline strings as well as shared ones', async () => {
    const shared = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['007', 'x']));
    // Streaming writers put the text in the cell itself instead of the shared-string table.
    const bytes = replacePart(shared, 'xl/worksheets/sheet1.xml', (xml) =>
      xml.replace(/<c r="B1"[^>]*>.*?<\/c>/, '<c r="B1" t="inlineStr"><is><t>Léa</t></is></c>'),
    );

    const cells = (await readXlsx(bytes)).sheets[0]!.rows[0]!.cells;

    expect(cells).toEqual([
      { kind: 'text', raw: '007' },
      { kind: 'text', raw: 'Léa' },
    ]);
  });

  it('reads rich text and hyperlinks as their text', async () => {
    const cells = await firstRow((sheet) => {
      sheet.getCell('A1').value = {
        richText: [{ text: 'Note ' }, { text: 'finale', font: { bold: true } }],
      };
      sheet.getCell('B1').value = { text: 'Moodle', hyperlink: 'https://moodle.example.fr' };
    });

    expect(cells).toEqual([
      { kind: 'text', raw: 'Note finale' },
      { kind: 'text', raw: 'Moodle' },
    ]);
  });

  it('reads dates as ISO days in the 1900 date system', async () => {
    const cells = await firstRow((sheet) => {
      sheet.getCell('A1').value = 45000;
      sheet.getCell('A1').numFmt = 'dd/mm/yyyy';
      sheet.getCell('B1').value = new Date(Date.UTC(2007, 7, 19));
      sheet.getCell('B1').numFmt = 'dd/mm/yyyy';
    });

    expect(cells).toEqual([
      { kind: 'date', iso: '2023-03-15', raw: '15/03/2023' },
      { kind: 'date', iso: '2007-08-19', raw: '19/08/2007' },
    ]);
  });

  it('reads dates of a workbook in the 1904 date system', async () => {
    const cells = await firstRow((sheet) => {
      // Serial 45000 counts from 1904-01-01 here: 1462 days later than in the 1900 system.
      sheet.getCell('A1').value = 45000;
      sheet.getCell('A1').numFmt = 'dd/mm/yyyy';
      sheet.getCell('B1').value = new Date(Date.UTC(2007, 7, 19));
      sheet.getCell('B1').numFmt = 'dd/mm/yyyy';
    }, true);

    expect(cells).toEqual([
      { kind: 'date', iso: '2027-03-16', raw: '16/03/2027' },
      { kind: 'date', iso: '2007-08-19', raw: '19/08/2007' },
    ]);
  });

  it('reads the cached result of a formula, never evaluating it', async () => {
    const cells = await firstRow((sheet) => {
      sheet.getCell('A1').value = { formula: 'B2*2', result: 14 };
      sheet.getCell('B1').value = { formula: 'CONCAT("A","B")', result: 'AB' };
      sheet.getCell('C1').value = { formula: 'B2+1' };
      sheet.getCell('D1').value = { formula: '1/0', result: { error: '#DIV/0!' } };
    });

    expect(cells).toEqual([
      { kind: 'number', value: 14, raw: '14' },
      { kind: 'text', raw: 'AB' },
      { kind: 'formula_no_value', raw: '=B2+1' },
      { kind: 'error', raw: '#DIV/0!' },
    ]);
  });

  it('reads error values as errors', async () => {
    const cells = await firstRow((sheet) => {
      sheet.getCell('A1').value = { error: '#N/A' };
    });

    expect(cells).toEqual([{ kind: 'error', raw: '#N/A' }]);
  });

  it('keeps source row numbers, omits blank rows, and marks hidden rows', async () => {
    const bytes = await xlsxOf((wb) => {
      const sheet = wb.addWorksheet('Notes');
      sheet.getCell('A1').value = 'Relevé de notes';
      sheet.getCell('A3').value = 'N° anonyme';
      sheet.getCell('B3').value = 'Note';
      sheet.getCell('A4').value = '0042';
      sheet.getCell('D4').value = 12;
      sheet.getCell('A5').value = '   ';
      sheet.getCell('A6').value = '0043';
      sheet.getRow(6).hidden = true;
    });

    const rows = (await readXlsx(bytes)).sheets[0]!.rows;

    expect(rows.map((row) => row.number)).toEqual([1, 3, 4, 6]);
    expect(rows[2]!.cells).toEqual([
      { kind: 'text', raw: '0042' },
      { kind: 'blank' },
      { kind: 'blank' },
      { kind: 'number', value: 12, raw: '12' },
    ]);
    expect(rows[3]).toMatchObject({ number: 6, hidden: true });
    expect(rows[2]!.hidden).toBeUndefined();
  });

  it('reports sheet states and hidden columns', async () => {
    const bytes = await xlsxOf((wb) => {
      const visible = wb.addWorksheet('Saisie');
      visible.addRow(['a', 'b', 'c', 'd', 'e']);
      // Adjacent hidden columns are stored as one <col min max> range.
      visible.getColumn(2).hidden = true;
      visible.getColumn(3).hidden = true;
      visible.getColumn(5).hidden = true;
      wb.addWorksheet('Contexte', { state: 'hidden' }).addRow(['x']);
      wb.addWorksheet('Empreinte', { state: 'veryHidden' }).addRow(['y']);
    });

    const sheets = (await readXlsx(bytes)).sheets;

    expect(sheets.map((sheet) => [sheet.name, sheet.state])).toEqual([
      ['Saisie', 'visible'],
      ['Contexte', 'hidden'],
      ['Empreinte', 'veryHidden'],
    ]);
    expect(sheets[0]!.hiddenColumns).toEqual([2, 3, 5]);
    expect(sheets[1]!.hiddenColumns).toBeUndefined();
  });

  it('reads a merged range as its top-left value only', async () => {
    const cells = await firstRow((sheet) => {
      sheet.getCell('A1').value = 'Titre';
      sheet.mergeCells('A1:C1');
      sheet.getCell('D1').value = 'x';
    });

    expect(cells).toEqual([
      { kind: 'text', raw: 'Titre' },
      { kind: 'blank' },
      { kind: 'blank' },
      { kind: 'text', raw: 'x' },
    ]);
  });

  it('refuses a workbook whose XML declares a DTD or entities', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['a']));
    const withEntity = replacePart(bytes, 'xl/worksheets/sheet1.xml', (xml) =>
      xml.replace('?>', '?><!DOCTYPE x [<!ENTITY lol "lol">]>'),
    );

    await expect(readXlsx(withEntity)).rejects.toMatchObject({
      code: 'FILE_CORRUPT',
      detail: expect.stringContaining('DOCTYPE'),
    });
  });

  it('refuses a truncated workbook without reading any part of it', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['a']));

    expect(await codeOf(() => readXlsx(bytes.subarray(0, bytes.length - 200)))).toBe(
      'FILE_CORRUPT',
    );
  });

  it('refuses a workbook whose parts exceljs cannot read as FILE_CORRUPT', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['a']));
    const broken = replacePart(bytes, 'xl/workbook.xml', () => '<workbook><sheets><sheet name=');

    expect(await codeOf(() => readXlsx(broken))).toBe('FILE_CORRUPT');
  });

  it('refuses a workbook holding a zip bomb before expanding it', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['a']));
    const bomb = replacePart(
      bytes,
      'xl/worksheets/sheet1.xml',
      (xml) => xml + ' '.repeat(8 * 1024 * 1024),
    );

    expect(await codeOf(() => readXlsx(bomb))).toBe('FILE_ZIP_BOMB');
  });

  it('refuses a workbook with nothing in it', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1'));

    expect(await codeOf(() => readXlsx(bytes))).toBe('FILE_NO_DATA');
  });
});

describe('readWorkbook', () => {
  it('reads workbooks and CSV files by content', async () => {
    const xlsx = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['007']));

    expect((await readWorkbook(xlsx)).format).toBe('xlsx');
    expect((await readWorkbook(sample('amc-student-list.csv'))).format).toBe('csv');
  });

  it('refuses a damaged .ods or .xls as corrupt, and a maquette as unsupported here', async () => {
    const ods = buildZip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', stored: true },
    ]);
    const xls = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(1024),
    ]);

    expect(await codeOf(() => readWorkbook(ods))).toBe('FILE_CORRUPT');
    expect(await codeOf(() => readWorkbook(xls))).toBe('FILE_CORRUPT');
    expect(await codeOf(() => readWorkbook(sample('apogee-maquette-7W29.txt')))).toBe(
      'FILE_FORMAT_UNSUPPORTED',
    );
  });

  it('refuses an empty file', async () => {
    expect(await codeOf(() => readWorkbook(Buffer.alloc(0)))).toBe('FILE_EMPTY');
  });
});
