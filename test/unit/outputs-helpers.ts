// Shared fixtures and read-back helpers of the outputs tests: load the bytes with exceljs as a
// user's spreadsheet would, or unzip them raw to search every part (properties included).

import { inflateRawSync } from 'node:zlib';

import ExcelJS from 'exceljs';

import type { AssessmentInfo, TemplateInfo } from '../../src/outputs/types.js';

/** A template as the store would describe it. */
export const TEMPLATE: TemplateInfo = {
  templateId: 7,
  templateCode: 'JAN-L1',
  templateLabel: 'Examens de janvier L1',
  ctn: 'SCI',
  year: 2026,
  periodLabel: 'janvier',
};

/** A session-1 assessment on 20. */
export const ASSESSMENT: AssessmentInfo = {
  assessmentId: 42,
  objectCode: 'UE101',
  objectLabel: 'Analyse 1',
  session: 1,
  stage: 'admissibility',
  year: 2026,
  scale: 20,
};

/** Texts a spreadsheet would read as formulas if written as they are. */
export const FORMULA_TEXTS = [
  '=HYPERLINK("http://evil.example","clic")',
  '+1',
  '-2',
  '@SUM(A1:A9)',
];

/** The workbook a spreadsheet user would open. */
export async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);

  return wb;
}

/** The sheet of that name, failing the test when it is missing. */
export function sheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = wb.getWorksheet(name);
  if (!ws) {
    throw new Error(`no sheet ${name}; sheets: ${wb.worksheets.map((w) => w.name).join(', ')}`);
  }

  return ws;
}

/**
 * Every non-empty cell value of a sheet, row by row, as the raw value exceljs read; a merged
 * area counts once, as a spreadsheet shows it (exceljs repeats its value in every cell).
 */
export function values(ws: ExcelJS.Worksheet): ExcelJS.CellValue[][] {
  const rows: ExcelJS.CellValue[][] = [];
  ws.eachRow((row) => {
    const cells: ExcelJS.CellValue[] = [];
    row.eachCell((cell) => {
      if (cell.master.address === cell.address) {
        cells.push(cell.value);
      }
    });
    rows.push(cells);
  });

  return rows;
}

/** Every string cell of every sheet. */
export function strings(wb: ExcelJS.Workbook): string[] {
  return wb.worksheets.flatMap((ws) =>
    values(ws)
      .flat()
      .filter((v): v is string => typeof v === 'string'),
  );
}

/** The text of every part of the .xlsx zip (XML, properties), keyed by part name. */
export function zipParts(bytes: Buffer): Map<string, string> {
  const parts = new Map<string, string>();
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);

  for (let i = 0; i < count; i += 1) {
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const skip = nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);

    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(start, start + size);
    parts.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    at += 46 + skip;
  }

  return parts;
}

/** All the text of the file, every part joined. */
export function rawText(bytes: Buffer): string {
  return [...zipParts(bytes).values()].join('\n');
}

/** Asserts-friendly view: every string cell starting like a formula (none expected). */
export function formulaLike(wb: ExcelJS.Workbook): string[] {
  // A sign followed by a number and nothing else reads back as that number, never a formula.
  return strings(wb).filter((s) => /^[=+\-@\t\r\n]/.test(s) && !/^[+-]\d+(?:[.,]\d+)?$/.test(s));
}

/** True when no cell of any sheet holds a formula object. */
export function noFormulaCells(wb: ExcelJS.Workbook): boolean {
  return wb.worksheets.every((ws) => {
    let clean = true;
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        if (cell.type === ExcelJS.ValueType.Formula) {
          clean = false;
        }
      }),
    );
    return clean;
  });
}

/** A cell value as the text a person reads (numbers in digits, anything richer as JSON). */
export function text(value: ExcelJS.CellValue): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }

  return value === null || value === undefined ? '' : JSON.stringify(value);
}
