import type ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import type { Workbook } from '../../src/readers/table.js';
import { readXlsx } from '../../src/readers/xlsx.js';
import { readXlsxFast } from '../../src/readers/xlsx-fast.js';
import { isDateFormat } from '../../src/readers/xlsx-fast-sheet.js';
import { buildZip, replacePart, xlsxOf } from './zip-guard.fixtures.js';

async function codeOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (error: unknown) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

/** Reads the same bytes with both readers; the fast one must see exactly what exceljs sees. */
async function bothReaders(bytes: Buffer): Promise<Workbook> {
  const fast = await readXlsxFast(bytes);
  expect(fast).toEqual(await readXlsx(bytes));
  return fast;
}

function oneSheet(fill: (sheet: ExcelJS.Worksheet) => void, date1904 = false): Promise<Buffer> {
  return xlsxOf((wb) => {
    wb.properties.date1904 = date1904;
    fill(wb.addWorksheet('Feuil1'));
  });
}

/** A workbook written by hand, as streaming writers and other tools do. */
function handWritten(sheetXml: string, extra: Array<{ name: string; data: string }> = []): Buffer {
  const rel = (id: string, type: string, target: string): string =>
    `<Relationship Id="${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/${type}" Target="${target}"/>`;
  return buildZip([
    {
      name: 'xl/workbook.xml',
      data: '<x:workbook xmlns:x="s" xmlns:r="r"><x:workbookPr date1904="1"/><x:sheets><x:sheet name="Notes" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<Relationships>${rel('rId1', 'worksheet', '/xl/worksheets/sheet1.xml')}${rel('rId2', 'styles', 'styles.xml')}</Relationships>`,
    },
    {
      name: 'xl/styles.xml',
      data: '<styleSheet><numFmts><numFmt numFmtId="164" formatCode="&quot;le &quot;dd/mm/yy"/></numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="2"/></cellXfs></styleSheet>',
    },
    { name: 'xl/worksheets/sheet1.xml', data: sheetXml },
    ...extra,
  ]);
}

describe('readXlsxFast', () => {
  it('reads numbers, shared text, booleans and errors exactly as the exceljs reader does', async () => {
    const bytes = await oneSheet((sheet) => {
      sheet.addRow([12.5, '007', 'Dupont', true, false, { error: '#N/A' }]);
      sheet.addRow(['12,5', 'ABS', -0.25, 'Léa & Noé <3>', '  ']);
    });

    const workbook = await bothReaders(bytes);

    expect(workbook.sheets[0]!.rows[0]!.cells).toEqual([
      { kind: 'number', value: 12.5, raw: '12.5' },
      { kind: 'text', raw: '007' },
      { kind: 'text', raw: 'Dupont' },
      { kind: 'bool', value: true, raw: 'VRAI' },
      { kind: 'bool', value: false, raw: 'FAUX' },
      { kind: 'error', raw: '#N/A' },
    ]);
    expect(workbook.sheets[0]!.rows[1]!.cells[3]).toEqual({ kind: 'text', raw: 'Léa & Noé <3>' });
  });

  it('reads dates in the 1900 and the 1904 date systems', async () => {
    for (const date1904 of [false, true]) {
      const bytes = await oneSheet((sheet) => {
        sheet.getCell('A1').value = 45000;
        sheet.getCell('A1').numFmt = 'dd/mm/yyyy';
        sheet.getCell('B1').value = new Date(Date.UTC(2007, 7, 19, 14, 30));
        sheet.getCell('B1').numFmt = 'dd/mm/yyyy hh:mm';
        sheet.getCell('C1').value = 45000;
        sheet.getCell('C1').numFmt = '0.00';
      }, date1904);

      const cells = (await bothReaders(bytes)).sheets[0]!.rows[0]!.cells;

      expect(cells[0]).toEqual(
        date1904
          ? { kind: 'date', iso: '2027-03-16', raw: '16/03/2027' }
          : { kind: 'date', iso: '2023-03-15', raw: '15/03/2023' },
      );
      expect(cells[1]).toEqual({ kind: 'date', iso: '2007-08-19', raw: '19/08/2007 14:30' });
      expect(cells[2]).toEqual({ kind: 'number', value: 45000, raw: '45000' });
    }
  });

  it('reads the cached result of a formula and flags a formula without one', async () => {
    const bytes = await oneSheet((sheet) => {
      sheet.getCell('A1').value = { formula: 'B2*2', result: 14 };
      sheet.getCell('B1').value = { formula: 'CONCAT("A","B")', result: 'AB' };
      sheet.getCell('C1').value = { formula: 'B2+1' };
      sheet.getCell('D1').value = { formula: '1/0', result: { error: '#DIV/0!' } };
    });

    expect((await bothReaders(bytes)).sheets[0]!.rows[0]!.cells).toEqual([
      { kind: 'number', value: 14, raw: '14' },
      { kind: 'text', raw: 'AB' },
      { kind: 'formula_no_value', raw: '=B2+1' },
      { kind: 'error', raw: '#DIV/0!' },
    ]);
  });

  it('keeps row numbers, hidden rows, sheet states, hidden columns and merged areas', async () => {
    const bytes = await xlsxOf((wb) => {
      const sheet = wb.addWorksheet('Notes');
      sheet.getCell('A1').value = 'Relevé de notes';
      sheet.mergeCells('A1:C1');
      sheet.getCell('A3').value = 'N° anonyme';
      sheet.getCell('A4').value = '0042';
      sheet.getCell('D4').value = 12;
      sheet.getCell('A5').value = '   ';
      sheet.getCell('A6').value = '0043';
      sheet.getRow(6).hidden = true;
      sheet.getColumn(2).hidden = true;
      sheet.getColumn(3).hidden = true;
      wb.addWorksheet('Contexte', { state: 'hidden' }).addRow(['x']);
      wb.addWorksheet('Empreinte', { state: 'veryHidden' }).addRow(['y']);
    });

    const workbook = await bothReaders(bytes);

    expect(workbook.sheets.map((s) => s.state)).toEqual(['visible', 'hidden', 'veryHidden']);
    expect(workbook.sheets[0]!.rows.map((r) => r.number)).toEqual([1, 3, 4, 6]);
    expect(workbook.sheets[0]!.hiddenColumns).toEqual([2, 3]);
  });

  it('reads hand-written sheets: prefixed tags, inline and rich strings, custom date formats', async () => {
    const bytes = handWritten(
      '<?xml version="1.0"?><x:worksheet xmlns:x="s"><x:sheetData>' +
        '<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:r><x:t>Note </x:t></x:r><x:r><x:t xml:space="preserve">finale</x:t></x:r><x:rPh><x:t>ノート</x:t></x:rPh></x:is></x:c>' +
        '<x:c r="C2" s="1"><x:v>0</x:v></x:c><x:c r="D2" s="2"><x:v>1.5E1</x:v></x:c><x:c r="E2" t="str"><x:f>A1</x:f><x:v>&#233;t&#xE9;</x:v></x:c></x:row>' +
        '<x:row><x:c t="b"><x:v>1</x:v></x:c><x:c><![CDATA[ignored]]></x:c><x:c t="d"><x:v>2026-01-15T00:00:00Z</x:v></x:c></x:row>' +
        '<!-- comment with <c> inside --></x:sheetData></x:worksheet>',
    );

    const rows = (await readXlsxFast(bytes)).sheets[0]!.rows;

    expect(rows.map((r) => r.number)).toEqual([2, 3]);
    expect(rows[0]!.cells).toEqual([
      { kind: 'text', raw: 'Note finale' },
      { kind: 'blank' },
      // Serial 0 in the 1904 system is 1 January 1904.
      { kind: 'date', iso: '1904-01-01', raw: '01/01/1904' },
      { kind: 'number', value: 15, raw: '15' },
      { kind: 'text', raw: 'été' },
    ]);
    expect(rows[1]!.cells).toEqual([
      { kind: 'bool', value: true, raw: 'VRAI' },
      { kind: 'blank' },
      { kind: 'date', iso: '2026-01-15', raw: '15/01/2026' },
    ]);
  });

  it('reads a large sheet split across many inflate chunks without losing a cell', async () => {
    const count = 20_000;
    const bytes = await oneSheet((sheet) => {
      sheet.addRow(['N° anonyme', 'Note']);
      for (let i = 0; i < count; i += 1) {
        sheet.addRow([`A${String(i).padStart(6, '0')}`, i % 3 === 0 ? 'ABI' : i / 7]);
      }
    });

    const rows = (await bothReaders(bytes)).sheets[0]!.rows;

    expect(rows).toHaveLength(count + 1);
    expect(rows[count]!.cells).toEqual([
      { kind: 'text', raw: `A${String(count - 1).padStart(6, '0')}` },
      { kind: 'number', value: (count - 1) / 7, raw: String((count - 1) / 7) },
    ]);
  });

  it('refuses a DTD, a truncated archive, a zip bomb and an empty workbook', async () => {
    const bytes = await oneSheet((sheet) => sheet.addRow(['a']));
    const withEntity = replacePart(bytes, 'xl/worksheets/sheet1.xml', (xml) =>
      xml.replace('?>', '?><!DOCTYPE x [<!ENTITY lol "lol">]>'),
    );
    const inStrings = replacePart(bytes, 'xl/sharedStrings.xml', (xml) =>
      xml.replace('?>', '?><!DOCTYPE x>'),
    );
    const bomb = handWritten(
      `<worksheet><sheetData>${' '.repeat(3_000_000)}</sheetData></worksheet>`,
    );
    const empty = await oneSheet(() => undefined);

    expect(await codeOf(() => readXlsxFast(withEntity))).toBe('FILE_CORRUPT');
    expect(await codeOf(() => readXlsxFast(inStrings))).toBe('FILE_CORRUPT');
    expect(await codeOf(() => readXlsxFast(bytes.subarray(0, bytes.length - 40)))).toBe(
      'FILE_CORRUPT',
    );
    expect(await codeOf(() => readXlsxFast(bomb))).toBe('FILE_ZIP_BOMB');
    expect(await codeOf(() => readXlsxFast(empty))).toBe('FILE_NO_DATA');
  });
});

describe('isDateFormat', () => {
  it('tells date formats from number formats, ignoring quoted text and colours', () => {
    expect(['dd/mm/yyyy', 'hh:mm', '[$-40C]d mmmm yyyy', 'yy-m-d'].map(isDateFormat)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['0.00', '"jour "0', '[Red]#,##0', 'General', '0.00E+00'].map(isDateFormat)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
