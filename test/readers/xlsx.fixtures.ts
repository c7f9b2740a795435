// Workbooks for the xlsx reader tests: written by exceljs (the library most tools around us use),
// written by hand (prefixed tags, inline strings, what streaming writers and other tools do), and
// saved by LibreOffice (test/readers/fixtures/). The parity test reads every one of them with both
// readers; the behaviour tests assert exact cells on some.
import { readdirSync, readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';

import ExcelJS from 'exceljs';

import { gradeLines, gradeXlsx } from '../../bench/data.js';
import { listZipEntries, readZipEntry } from '../../src/readers/zip-guard.js';
import { buildZip, replacePart, xlsxOf, type FixtureEntry } from '../unit/zip-guard.fixtures.js';

export { buildZip, replacePart, xlsxOf };

/** A named way to build a workbook. */
export type WorkbookCase = [name: string, build: () => Promise<Buffer> | Buffer];

/** A one-sheet workbook (`Feuil1`) filled by `fill`, in the 1900 or the 1904 date system. */
export function oneSheet(
  fill: (sheet: ExcelJS.Worksheet) => void,
  date1904 = false,
): Promise<Buffer> {
  return xlsxOf((wb) => {
    wb.properties.date1904 = date1904;
    fill(wb.addWorksheet('Feuil1'));
  });
}

/** Parts of a hand-written workbook that a case may replace. */
interface HandParts {
  workbook?: string;
  rels?: string;
  styles?: string;
  sharedStrings?: string;
  /** Where the shared strings part lives (Excel: `sharedStrings.xml`, relative to `xl/`). */
  sharedStringsTarget?: string;
  extra?: FixtureEntry[];
}

const REL_BASE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const rel = (id: string, type: string, target: string): string =>
  `<Relationship Id="${id}" Type="${REL_BASE}/${type}" Target="${target}"/>`;

/** Styles of the hand-written workbooks: 0 General, 1 `"le "dd/mm/yy`, 2 `0.00`, 3 `00000`, 4 built-in date 14. */
const HAND_STYLES =
  '<styleSheet><numFmts><numFmt numFmtId="164" formatCode="&quot;le &quot;dd/mm/yy"/>' +
  '<numFmt numFmtId="165" formatCode="00000"/></numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>' +
  '<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="2"/><xf numFmtId="165"/><xf numFmtId="14"/></cellXfs></styleSheet>';

/** A one-sheet workbook written by hand, as streaming writers and other tools do. */
export function handWritten(sheetXml: string | Buffer, parts: HandParts = {}): Buffer {
  const strings = parts.sharedStringsTarget ?? 'sharedStrings.xml';
  const rels =
    parts.rels ??
    `<Relationships xmlns="${REL_BASE.replace('officeDocument/2006/relationships', 'package/2006/relationships')}">` +
      `${rel('rId1', 'worksheet', '/xl/worksheets/sheet1.xml')}${rel('rId2', 'styles', 'styles.xml')}` +
      `${parts.sharedStrings === undefined ? '' : rel('rId3', 'sharedStrings', strings)}</Relationships>`;
  return buildZip([
    {
      name: '[Content_Types].xml',
      data: '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    },
    {
      name: 'xl/workbook.xml',
      data:
        parts.workbook ??
        `<workbook xmlns="s" xmlns:r="${REL_BASE}"><sheets><sheet name="Notes" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    { name: 'xl/_rels/workbook.xml.rels', data: rels },
    { name: 'xl/styles.xml', data: parts.styles ?? HAND_STYLES },
    { name: 'xl/worksheets/sheet1.xml', data: sheetXml },
    ...(parts.sharedStrings === undefined
      ? []
      : [{ name: `xl/${strings}`, data: parts.sharedStrings }]),
    ...(parts.extra ?? []),
  ]);
}

/** A worksheet part around the given `sheetData` content (and what follows it). */
export function sheetXml(rows: string, after = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData>${after}</worksheet>`;
}

/** A shared-strings part holding the given `<si>` items. */
export function sharedStringsXml(items: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${items.length}" uniqueCount="${items.length}">${items.join('')}</sst>`;
}

const MACRO_TYPE = 'application/vnd.ms-excel.sheet.macroEnabled.main+xml';

/** The workbook saved as .xlsm: macro-enabled content type and a VBA project part. */
export function withMacros(xlsx: Buffer): Buffer {
  const typed = replacePart(xlsx, '[Content_Types].xml', (t) =>
    t.replace(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
      MACRO_TYPE,
    ),
  );
  return buildZip([
    ...parts(typed),
    { name: 'xl/vbaProject.bin', data: Buffer.from('Attribute VB_Name = "x"') },
  ]);
}

/** Every part of an archive, expanded. */
export function parts(bytes: Buffer): Array<{ name: string; data: Buffer }> {
  return listZipEntries(bytes).map((entry) => ({
    name: entry.name,
    data: readZipEntry(bytes, entry),
  }));
}

/** The same parts in a new archive: stored instead of deflated, and/or with zip64 records. */
export function rezip(bytes: Buffer, options: { zip64?: boolean; stored?: boolean }): Buffer {
  const stored = options.stored ?? false;
  return buildZip(
    parts(bytes).map((part) => ({ ...part, stored })),
    { zip64: options.zip64 ?? false },
  );
}

/** The archive with the "encrypted" flag set on its first entry, as a password-protected zip has. */
export function withEncryptedFlag(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const central = copy.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  copy.writeUInt16LE(copy.readUInt16LE(central + 8) | 0x1, central + 8);
  return copy;
}

/** The same rows written by exceljs's streaming writer (inline `t="str"` text, no shared strings). */
export async function streamed(rows: ExcelJS.CellValue[][], numFmt?: string): Promise<Buffer> {
  const sink = new PassThrough();
  const parts: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => parts.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink });
  const sheet = workbook.addWorksheet('Flux');
  for (const values of rows) {
    const row = sheet.addRow(values);
    if (numFmt) {
      row.getCell(2).numFmt = numFmt;
    }
    row.commit();
  }
  sheet.commit();
  await workbook.commit();
  return Buffer.concat(parts);
}

/** A grade workbook as the bench drops them (exceljs streaming writer, shared strings). */
export function benchGrades(count: number): Promise<Buffer> {
  const numbers = Array.from({ length: count }, (_, i) => String(100_000 + i));
  return gradeXlsx(gradeLines(numbers, count, 7));
}

/** Workbooks saved by LibreOffice Calc 7.4 from the flat ODS files beside them (see fixtures/README.md). */
export function libreOfficeCases(): WorkbookCase[] {
  const folder = new URL('./fixtures/', import.meta.url);
  return readdirSync(folder)
    .filter((name) => name.endsWith('.xlsx'))
    .sort()
    .map((name): WorkbookCase => [
      `LibreOffice ${name}`,
      () => readFileSync(new URL(name, folder)),
    ]);
}
