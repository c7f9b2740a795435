// The receipt workbook's items are written and deflated row by row: a long one keeps every row in
// order, and both sheets keep the look the person prints and filters (frozen, repeated and
// filtered header, widths, wrapped rows tall enough, the merged title).
import type ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { frenchMessage } from '../../src/domain/errors.js';
import type { Receipt, ReceiptError } from '../../src/outputs/receipt.js';
import { buildReceiptWorkbook } from '../../src/outputs/receipt-xlsx.js';
import { load, sheet, values } from './outputs-helpers.js';

const ERRORS = 12_000;

function receipt(errors: ReceiptError[]): Receipt {
  return {
    file: 'amc-MAT102.csv',
    sha256: 'e'.repeat(64),
    ctn: 'SCI',
    channel: 'lecteur-optique',
    status: 'partial',
    receivedAt: '2027-01-12T09:30:00Z',
    processedAt: '2027-01-12T09:31:05Z',
    rows: { read: ERRORS + 1, imported: 1, rejected: ERRORS },
    errors,
    summary:
      '1 note(s) enregistrée(s). 1 note(s) déjà enregistrée(s) remplacée(s) (voir les avis).',
  };
}

const unknown = (row: number): ReceiptError => ({
  row,
  column: 'N° anonyme',
  value: `K${row}`,
  code: 'NUMBER_UNKNOWN',
  message: frenchMessage('NUMBER_UNKNOWN'),
});

describe('the receipt workbook, written row by row', () => {
  it('lists every error of a long receipt in order, the replaced grade last as a notice', async () => {
    const errors = Array.from({ length: ERRORS }, (_v, i) => unknown(i + 2));
    errors.push({
      row: ERRORS + 2,
      column: 'N° anonyme',
      value: 'K9',
      code: 'GRADE_REPLACED',
      message: frenchMessage('GRADE_REPLACED', 'Avant : 11,00 ; maintenant : 13,00.'),
      kind: 'notice',
    });
    const wb = await load(await buildReceiptWorkbook(receipt(errors)));
    const ws = sheet(wb, 'Erreurs et avis');

    expect(ws.rowCount).toBe(ERRORS + 2);
    expect([ws.getRow(2).getCell(1).value, ws.getRow(2).getCell(4).value]).toEqual([
      'Erreur',
      'K2',
    ]);
    expect(ws.getRow(ERRORS + 1).getCell(4).value).toBe(`K${ERRORS + 1}`);
    const last = ws.getRow(ERRORS + 2);
    expect([1, 2, 4, 5].map((c) => last.getCell(c).value)).toEqual([
      'Avis',
      ERRORS + 2,
      'K9',
      'GRADE_REPLACED',
    ]);
    expect(last.getCell(6).text).toContain('Avant : 11,00 ; maintenant : 13,00.');
    const counts = values(sheet(wb, 'Accusé de réception')).filter(
      ([label]) => label === 'Erreurs' || label === 'Avis',
    );
    expect(counts).toEqual([
      ['Erreurs', ERRORS],
      ['Avis', 1],
    ]);
  });

  it('keeps the header frozen, repeated on every printed page and filtered, and rows wrapped', async () => {
    const outOfRange: ReceiptError = {
      row: 2,
      column: 'Note',
      value: '25',
      code: 'GRADE_OUT_OF_RANGE',
      message: frenchMessage('GRADE_OUT_OF_RANGE', 'Lu : 25 ; barème de 0 à 20.'),
    };
    const wb = await load(await buildReceiptWorkbook(receipt([outOfRange])));
    const ws = sheet(wb, 'Erreurs et avis');

    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.pageSetup).toMatchObject({
      orientation: 'landscape',
      paperSize: 9,
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
    });
    expect(ws.autoFilter).toBe('A1:G1');
    expect([1, 2, 3, 4, 5, 6, 7].map((c) => ws.getColumn(c).width ?? 9)).toEqual([
      9, 9, 16, 22, 24, 50, 50,
    ]);
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    const explanation: ExcelJS.Cell = ws.getRow(2).getCell(6);
    expect(explanation.alignment).toMatchObject({ vertical: 'top', wrapText: true });
    expect(explanation.border?.top?.style).toBe('thin');
    // « Que faire » takes two lines of its 50-wide column.
    expect(ws.getRow(2).height).toBeGreaterThan(15);
  });

  it('keeps the summary sheet first, its title merged over both columns', async () => {
    const wb = await load(await buildReceiptWorkbook(receipt([])));
    const ws = sheet(wb, 'Accusé de réception');

    expect(wb.worksheets.map((w) => w.name)).toEqual(['Accusé de réception', 'Erreurs et avis']);
    expect(ws.model.merges).toEqual(['A1:B1']);
    expect(ws.getCell('A1').font).toMatchObject({ bold: true, size: 14 });
    expect([ws.getColumn(1).width, ws.getColumn(2).width]).toEqual([22, 72]);
    expect(ws.pageSetup).toMatchObject({ orientation: 'portrait', fitToPage: true });
  });
});
