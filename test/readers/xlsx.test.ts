// The xlsx reader (readers/xlsx-fast.ts) cell by cell: what a person sees in Excel is what is read.
import { readFileSync } from 'node:fs';

import type ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import { readWorkbook } from '../../src/readers/index.js';
import type { Cell } from '../../src/readers/table.js';
import { readXlsxFast } from '../../src/readers/xlsx-fast.js';
import { buildZip, handWritten, parts, replacePart, sheetXml, xlsxOf } from './xlsx.fixtures.js';

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
  const workbook = await readXlsxFast(bytes);
  return workbook.sheets[0]!.rows[0]!.cells;
}

describe('readXlsxFast', () => {
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

    const cells = (await readXlsxFast(bytes)).sheets[0]!.rows[0]!.cells;

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

    const rows = (await readXlsxFast(bytes)).sheets[0]!.rows;

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

    const sheets = (await readXlsxFast(bytes)).sheets;

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

    await expect(readXlsxFast(withEntity)).rejects.toMatchObject({
      code: 'FILE_CORRUPT',
      detail: expect.stringContaining('DOCTYPE'),
    });
  });

  it('refuses a truncated workbook without reading any part of it', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['a']));

    expect(await codeOf(() => readXlsxFast(bytes.subarray(0, bytes.length - 200)))).toBe(
      'FILE_CORRUPT',
    );
  });

  it('refuses a workbook whose parts cannot be read as FILE_CORRUPT', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['a']));
    const broken = replacePart(bytes, 'xl/workbook.xml', () => '<workbook><sheets><sheet name=');

    expect(await codeOf(() => readXlsxFast(broken))).toBe('FILE_CORRUPT');
  });

  it('refuses a workbook holding a zip bomb before expanding it', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['a']));
    const bomb = replacePart(
      bytes,
      'xl/worksheets/sheet1.xml',
      (xml) => xml + ' '.repeat(8 * 1024 * 1024),
    );

    expect(await codeOf(() => readXlsxFast(bomb))).toBe('FILE_ZIP_BOMB');
  });

  it('refuses a workbook with nothing in it', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1'));

    expect(await codeOf(() => readXlsxFast(bytes))).toBe('FILE_NO_DATA');
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

describe('readXlsxFast on workbooks other tools write', () => {
  it('reads prefixed tags, inline and rich strings, custom date formats, CDATA, t="b" and t="d"', async () => {
    const bytes = handWritten(
      '<?xml version="1.0"?><x:worksheet xmlns:x="s"><x:sheetData>' +
        '<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:r><x:t>Note </x:t></x:r><x:r><x:t xml:space="preserve">finale</x:t></x:r><x:rPh><x:t>ノート</x:t></x:rPh></x:is></x:c>' +
        '<x:c r="C2" s="1"><x:v>0</x:v></x:c><x:c r="D2" s="2"><x:v>1.5E1</x:v></x:c><x:c r="E2" t="str"><x:f>A1</x:f><x:v>&#233;t&#xE9;</x:v></x:c></x:row>' +
        '<x:row><x:c t="b"><x:v>1</x:v></x:c><x:c><![CDATA[ignored]]></x:c><x:c t="d"><x:v>2026-01-15T00:00:00Z</x:v></x:c></x:row>' +
        '<!-- comment with <c> inside --></x:sheetData></x:worksheet>',
      {
        workbook:
          '<x:workbook xmlns:x="s" xmlns:r="r"><x:workbookPr date1904="1"/><x:sheets><x:sheet name="Notes" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>',
      },
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

  it('keeps the zeros a zero-padding format shows, on typed numbers and formula results', async () => {
    const bytes = handWritten(
      sheetXml(
        '<row r="1"><c r="A1" s="3"><v>4211</v></c><c r="B1" s="3"><v>-42</v></c><c r="C1" s="3"><v>4211.5</v></c>' +
          '<c r="D1" s="3"><f>A1</f><v>4211</v></c><c r="E1" s="3"><v>123456</v></c><c r="F1"><v>4211</v></c></row>',
      ),
    );

    expect((await readXlsxFast(bytes)).sheets[0]!.rows[0]!.cells).toEqual([
      { kind: 'number', value: 4211, raw: '04211' },
      { kind: 'number', value: -42, raw: '-00042' },
      // Excel would round the shown digits; the value read stays the one stored.
      { kind: 'number', value: 4211.5, raw: '4211.5' },
      { kind: 'number', value: 4211, raw: '04211' },
      { kind: 'number', value: 123456, raw: '123456' },
      { kind: 'number', value: 4211, raw: '4211' },
    ]);
  });

  it('reports hidden rows and columns, whatever order or overlap the file gives them in', async () => {
    const bytes = handWritten(
      sheetXml(
        '<row r="2" hidden="true"><c r="A2"><v>2</v></c></row><row r="1"><c r="A1"><v>1</v></c></row><row r="3" hidden="0"><c r="A3"><v>3</v></c></row>',
        '',
      ).replace(
        '<sheetData>',
        '<cols><col min="7" max="8" hidden="1"/><col min="2" max="3" hidden="true"/><col min="3" max="4" hidden="1"/><col min="5" max="5" width="9"/></cols><sheetData>',
      ),
    );

    const sheet = (await readXlsxFast(bytes)).sheets[0]!;

    expect(sheet.rows.map((r) => [r.number, r.hidden ?? false])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    expect(sheet.hiddenColumns).toEqual([2, 3, 4, 7, 8]);
  });

  it('decodes `_xHHHH_` escapes and hands line ends over as XML does (`\\r\\n` is `\\n`)', async () => {
    const bytes = handWritten(
      sheetXml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a_x000D_b</t></is></c><c r="B1" t="inlineStr"><is><t>c\r\nd\re</t></is></c>' +
          '<c r="C1" t="inlineStr"><is><t>_x005F_x0041_</t></is></c><c r="D1" t="inlineStr"><is><t>a&#13;b</t></is></c></row>',
      ),
    );

    expect((await readXlsxFast(bytes)).sheets[0]!.rows[0]!.cells).toEqual([
      { kind: 'text', raw: 'a\rb' },
      { kind: 'text', raw: 'c\nd\ne' },
      { kind: 'text', raw: '_x0041_' },
      { kind: 'text', raw: 'a\rb' },
    ]);
  });

  it('shows a shared formula without a cached value as the formula of its own cell', async () => {
    const bytes = handWritten(
      sheetXml(
        '<row r="2"><c r="C2"><f t="shared" ref="C2:D4" si="3">SUM($A2:B2)*\'Feuil 2\'!B$1&amp;"B2"</f></c></row>' +
          '<row r="4"><c r="D4"><f t="shared" si="3"/></c><c r="E4"><f>LOG10(A1)</f></c></row>',
      ),
    );

    const rows = (await readXlsxFast(bytes)).sheets[0]!.rows;

    expect(rows.map((r) => r.cells.filter((c) => c.kind !== 'blank'))).toEqual([
      [{ kind: 'formula_no_value', raw: `=SUM($A2:B2)*'Feuil 2'!B$1&"B2"` }],
      [
        { kind: 'formula_no_value', raw: `=SUM($A4:C4)*'Feuil 2'!C$1&"B2"` },
        { kind: 'formula_no_value', raw: '=LOG10(A1)' },
      ],
    ]);
  });

  it('reads a large sheet split across many inflate chunks without losing a cell', async () => {
    const count = 20_000;
    const bytes = await xlsxOf((wb) => {
      const sheet = wb.addWorksheet('Notes');
      sheet.addRow(['N° anonyme', 'Note']);
      for (let i = 0; i < count; i += 1) {
        sheet.addRow([`A${String(i).padStart(6, '0')}`, i % 3 === 0 ? 'ABI' : i / 7]);
      }
    });

    const rows = (await readXlsxFast(bytes)).sheets[0]!.rows;

    expect(rows).toHaveLength(count + 1);
    expect(rows[count]!.cells).toEqual([
      { kind: 'text', raw: `A${String(count - 1).padStart(6, '0')}` },
      { kind: 'number', value: (count - 1) / 7, raw: String((count - 1) / 7) },
    ]);
  });

  it('refuses a DTD in shared strings, UTF-16 XML, a part larger than declared and a missing shared string', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['a']));
    const inStrings = replacePart(bytes, 'xl/sharedStrings.xml', (xml) =>
      xml.replace('?>', '?><!DOCTYPE x>'),
    );
    const utf16 = handWritten(
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from(sheetXml('<row r="1"><c r="A1"><v>1</v></c></row>'), 'utf16le'),
      ]),
    );
    const bomb = handWritten(
      `<worksheet><sheetData>${' '.repeat(3_000_000)}</sheetData></worksheet>`,
    );
    const dangling = handWritten(sheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'));

    await expect(readXlsxFast(inStrings)).rejects.toMatchObject({
      code: 'FILE_CORRUPT',
      detail: '(xl/sharedStrings.xml : déclaration DOCTYPE/ENTITY refusée)',
    });
    await expect(readXlsxFast(utf16)).rejects.toMatchObject({
      code: 'FILE_CORRUPT',
      detail: '(xl/worksheets/sheet1.xml : XML en UTF-16 non pris en charge)',
    });
    expect(await codeOf(() => readXlsxFast(bomb))).toBe('FILE_ZIP_BOMB');
    await expect(readXlsxFast(dangling)).rejects.toMatchObject({
      code: 'FILE_CORRUPT',
      detail: '(xl/worksheets/sheet1.xml : texte partagé n° 0 absent du classeur)',
    });
  });
});

describe('readXlsxFast on parts it does not read', () => {
  const CHUNK = 256 * 1024;

  /** A large drawing part with `marker` written across the first inflate chunk boundary. */
  async function withLargePart(marker: Buffer): Promise<Buffer> {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Feuil1').addRow(['a']));
    const at = CHUNK - Math.floor(marker.length / 2);
    const body = Buffer.concat([Buffer.alloc(at, 0x20), marker, Buffer.alloc(CHUNK, 0x20)]);
    return buildZip([
      ...parts(bytes),
      { name: 'xl/drawings/drawing1.xml', data: Buffer.concat([Buffer.from('<xdr/>'), body]) },
    ]);
  }

  it('refuses a DTD split across two inflate chunks, in UTF-8 or UTF-16, and accepts the part without one', async () => {
    const utf8 = await withLargePart(Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]>'));
    const utf16 = await withLargePart(Buffer.from('<!DOCTYPE x>', 'utf16le'));
    const clean = await withLargePart(Buffer.from('<xdr:wsDr/>'));

    await expect(readXlsxFast(utf8)).rejects.toMatchObject({
      code: 'FILE_CORRUPT',
      detail: '(xl/drawings/drawing1.xml : déclaration DOCTYPE/ENTITY refusée)',
    });
    expect(await codeOf(() => readXlsxFast(utf16))).toBe('FILE_CORRUPT');
    expect((await readXlsxFast(clean)).sheets[0]!.rows[0]!.cells).toEqual([
      { kind: 'text', raw: 'a' },
    ]);
  });
});
