import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import type { WorkbookFingerprint } from '../../src/domain/fingerprint.js';
import {
  ENTRY_HEADER_ROW,
  buildGradeEntryWorkbook,
  readFingerprintSheet,
  type SignedFingerprint,
} from '../../src/outputs/grade-entry-workbook.js';
import {
  ASSESSMENT,
  TEMPLATE,
  formulaLike,
  load,
  noFormulaCells,
  sheet,
  text,
  values,
  zipParts,
} from './outputs-helpers.js';

const FIELDS: WorkbookFingerprint = {
  format: 'anonymat-bordereau/1',
  ctn: 'SCI',
  year: 2026,
  templateId: 7,
  templateCode: 'JAN-L1',
  assessmentId: 42,
  numbersDigest: 'a'.repeat(64),
};
const SIGNED: SignedFingerprint = { fields: FIELDS, mac: 'b'.repeat(64) };
const NUMBERS = ['00100', '00042', '00007'];

async function entrySheet(
  fp: SignedFingerprint = SIGNED,
): Promise<{ wb: ExcelJS.Workbook; ws: ExcelJS.Worksheet }> {
  const wb = await load(await buildGradeEntryWorkbook(TEMPLATE, ASSESSMENT, NUMBERS, fp));

  return { wb, ws: sheet(wb, 'Saisie des notes') };
}

/** The key/value rows of the hidden sheet, as the grade channel's reader hands them over. */
function hiddenRows(wb: ExcelJS.Workbook): Array<[string, string]> {
  return values(sheet(wb, '_anonymat')).map(([k, v]) => [text(k), text(v)]);
}

describe('grade-entry workbook', () => {
  it('tells the teacher in French what to type and what not to touch, above the table', async () => {
    const { ws } = await entrySheet();
    const top = [1, 2, 3, 4, 5].map((r) => text(ws.getCell(r, 1).value)).join('\n');

    expect(top).toContain('UE101 Analyse 1');
    expect(top).toContain('de 0 à 20');
    expect(top).toContain('deux décimales');
    expect(top).toContain('ABI (absence injustifiée)');
    for (const code of ['ABJ', 'DEF', 'DEM', 'DIS']) {
      expect(top).toContain(code);
    }
    expect(top).toContain('ne supprimez');
    expect(top).toContain('.xlsx');
    expect(top).toContain('«\u00a0notes\u00a0»');
  });

  it('lists every number once, in number order, as text with its leading zeros, under a French header', async () => {
    const { ws } = await entrySheet();

    expect(values(ws).slice(-4)).toEqual([
      ['N° anonyme', 'Note /20', 'Observations'],
      ['00007'],
      ['00042'],
      ['00100'],
    ]);
    expect(ws.getCell(ENTRY_HEADER_ROW, 1).value).toBe('N° anonyme');
    expect(ENTRY_HEADER_ROW).toBe(6);
    expect(ws.getCell('A8').type).toBe(ExcelJS.ValueType.String);
  });

  it('protects the sheet and leaves only the grade and observation cells of the number rows editable', async () => {
    const bytes = await buildGradeEntryWorkbook(TEMPLATE, ASSESSMENT, NUMBERS, SIGNED);
    const ws = sheet(await load(bytes), 'Saisie des notes');

    expect(zipParts(bytes).get('xl/worksheets/sheet1.xml')).toMatch(/<sheetProtection sheet="1"/);

    for (let row = 7; row <= 9; row += 1) {
      expect(ws.getCell(row, 1).protection?.locked).not.toBe(false);
      expect(ws.getCell(row, 2).protection?.locked).toBe(false);
      expect(ws.getCell(row, 3).protection?.locked).toBe(false);
    }
    expect(ws.getCell('B6').protection?.locked).not.toBe(false);
    expect(ws.getCell('B10').protection?.locked).not.toBe(false);
  });

  it('checks each grade cell as typed: 0 to the scale with two decimals, or an absence code, in French', async () => {
    const { ws } = await entrySheet();

    for (let row = 7; row <= 9; row += 1) {
      const dv = ws.getCell(row, 2).dataValidation;
      const formula = String(dv.formulae[0]);

      expect(dv.type).toBe('custom');
      expect(dv.allowBlank).toBe(true);
      expect(formula).toContain(`ISNUMBER(B${row})`);
      expect(formula).toContain(`B${row}<=20`);
      expect(formula).toContain(`ROUND(B${row}*100,0)`);
      for (const code of ['ABI', 'ABJ', 'DEF', 'DEM', 'DIS']) {
        expect(formula).toContain(`B${row}="${code}"`);
      }
      expect(dv.showErrorMessage).toBe(true);
      expect(dv.error).toContain('de 0 à 20');
    }
    expect(ws.getCell('A7').dataValidation).toBeUndefined();
  });

  it('follows the assessment’s scale', async () => {
    const wb = await load(
      await buildGradeEntryWorkbook(TEMPLATE, { ...ASSESSMENT, scale: 100 }, ['1'], SIGNED),
    );
    const ws = sheet(wb, 'Saisie des notes');

    expect(ws.getCell('B6').value).toBe('Note /100');
    expect(String(ws.getCell('B7').dataValidation.formulae[0])).toContain('B7<=100');
  });

  it('hides the fingerprint in a very hidden sheet that reads back to the same fingerprint', async () => {
    const { wb } = await entrySheet();

    expect(sheet(wb, '_anonymat').state).toBe('veryHidden');
    expect(readFingerprintSheet(hiddenRows(wb))).toEqual(SIGNED);
  });

  it('reads back a fingerprint whose codes start like a formula, after neutralising them', async () => {
    const odd: SignedFingerprint = {
      fields: { ...FIELDS, ctn: '-SCI', templateCode: '=T' },
      mac: SIGNED.mac,
    };
    const { wb } = await entrySheet(odd);

    expect(formulaLike(wb)).toEqual([]);
    expect(readFingerprintSheet(hiddenRows(wb))).toEqual(odd);
  });

  it('writes no formula into any cell and names the service as author', async () => {
    const { wb } = await entrySheet();

    expect(noFormulaCells(wb)).toBe(true);
    expect(wb.creator).toBe('anonymat');
    expect(wb.lastModifiedBy).toBe('anonymat');
  });
});

describe('readFingerprintSheet', () => {
  const rows: Array<[string, string]> = [
    ['format', 'anonymat-bordereau/1'],
    ['ctn', 'SCI'],
    ['year', '2026'],
    ['templateId', '7'],
    ['templateCode', 'JAN-L1'],
    ['assessmentId', '42'],
    ['numbersDigest', 'a'.repeat(64)],
    ['mac', 'b'.repeat(64)],
  ];

  it('ignores keys it does not know', () => {
    expect(readFingerprintSheet([...rows, ['note', 'x']])).toEqual(SIGNED);
  });

  it('refuses a missing field, a repeated key, a foreign format or a non-integer id', () => {
    expect(readFingerprintSheet(rows.filter(([k]) => k !== 'mac'))).toBeNull();
    expect(readFingerprintSheet([...rows, ['ctn', 'LET']])).toBeNull();
    expect(
      readFingerprintSheet(rows.map(([k, v]) => [k, k === 'format' ? 'autre/1' : v])),
    ).toBeNull();
    expect(
      readFingerprintSheet(rows.map(([k, v]) => [k, k === 'templateId' ? '7.5' : v])),
    ).toBeNull();
    expect(readFingerprintSheet([])).toBeNull();
  });
});
