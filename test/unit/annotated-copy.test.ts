import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { frenchMessage } from '../../src/domain/errors.js';
import { buildAnnotatedCopy, columnOf } from '../../src/outputs/annotated-copy.js';
import { scanForIdentities } from '../../src/outputs/identity-scan.js';
import { words } from '../../src/outputs/identity-parts.js';
import type { ReceiptError } from '../../src/outputs/receipt.js';
import { readCsv } from '../../src/readers/csv.js';
import { listZipEntries, readZipEntry } from '../../src/readers/zip-guard.js';
import { xlsxOf } from './zip-guard.fixtures.js';

const ERRORS: ReceiptError[] = [
  { row: 3, column: 'Note', value: '21', code: 'GRADE_OUT_OF_RANGE', message: 'Note hors barème.' },
  {
    row: 4,
    column: 'N° anonyme',
    value: '12*456',
    code: 'OPTICAL_MARKS_UNREADABLE',
    message: 'Numéro mal lu : vérifiez la copie.',
  },
];

async function load(bytes: Buffer | null): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(bytes ?? Buffer.alloc(0)).buffer);
  return wb;
}

describe('buildAnnotatedCopy', () => {
  it('copies the person’s workbook, highlights each faulty cell and lists every error', async () => {
    const source = await xlsxOf((wb) => {
      const ws = wb.addWorksheet('Saisie');
      ws.addRow(['Examen de MAT102']);
      ws.addRow(['Note', 'A:numero']);
      ws.addRow([21, '123456']);
      ws.addRow([12, '12*456']);
    });

    const wb = await load(await buildAnnotatedCopy(source, { status: 'partial', errors: ERRORS }));

    const ws = wb.getWorksheet('Saisie');
    expect(ws?.getCell('A1').value).toBe('Examen de MAT102');
    expect(ws?.getCell('A3').value).toBe(21);
    expect(JSON.stringify(ws?.getCell('A3').note)).toContain(
      'GRADE_OUT_OF_RANGE : Note hors barème.',
    );
    expect(JSON.stringify(ws?.getCell('B4').note)).toContain('OPTICAL_MARKS_UNREADABLE');
    expect(ws?.getCell('A4').note).toBeUndefined();
    const list = wb.getWorksheet('Erreurs et avis');
    expect(list?.getRow(3).values).toEqual([
      undefined,
      'Erreur',
      4,
      'N° anonyme',
      '12*456',
      'OPTICAL_MARKS_UNREADABLE',
      'Numéro mal lu.',
      'Vérifiez la copie.',
    ]);
  });

  it('colours only the faulty cell when every cell of the column shares one style', async () => {
    // A grade-entry workbook's grade cells all carry the same style: one fill must not spread.
    const source = await xlsxOf((wb) => {
      const ws = wb.addWorksheet('Saisie');
      ws.addRow(['Note', 'A:numero']);
      for (let i = 0; i < 20; i += 1) {
        const row = ws.addRow([i === 5 ? 21 : 12, `12345${i}`]);
        row.getCell(1).numFmt = '0.00';
        row.getCell(1).protection = { locked: false };
      }
    });
    const errors: ReceiptError[] = [{ ...(ERRORS[0] as ReceiptError), row: 7 }];

    const wb = await load(await buildAnnotatedCopy(source, { status: 'partial', errors }));

    const ws = wb.getWorksheet('Saisie');
    const filled: number[] = [];
    for (let row = 2; row <= 21; row += 1) {
      const fill = ws?.getCell(row, 1).fill as { fgColor?: { argb?: string } } | undefined;
      if (fill?.fgColor?.argb) {
        filled.push(row);
      }
    }
    expect(filled).toEqual([7]);
    expect(ws?.getCell('A8').numFmt).toBe('0.00');
  });

  it('passes on no formula nor hyperlink of the person’s workbook: their saved results and texts', async () => {
    // Trial M: a formula without a saved result showed DUPONT once recalculated, and a link
    // « voir fiche » kept a student's address, in a copy whose cells the scan had found clean.
    const source = await xlsxOf((wb) => {
      const ws = wb.addWorksheet('Saisie');
      ws.addRow(['Note', 'A:numero', 'Remarque', 'Total']);
      ws.addRow([
        21,
        '123456',
        { formula: 'CONCATENATE("DUP","ONT")' },
        { formula: 'A2*2', result: 42 },
      ]);
      ws.addRow([
        12,
        '12*456',
        { text: 'voir fiche', hyperlink: 'mailto:marie.dupont@etu.fr' },
        24,
      ]);
    });

    const copy = await buildAnnotatedCopy(source, { status: 'partial', errors: ERRORS });
    const ws = (await load(copy)).getWorksheet('Saisie');

    expect(ws?.getCell('C2').value).toBeNull();
    expect(ws?.getCell('D2').value).toBe(42);
    expect(ws?.getCell('C3').value).toBe('voir fiche');
    const xml = listZipEntries(copy ?? Buffer.alloc(0))
      .map((entry) => readZipEntry(copy ?? Buffer.alloc(0), entry).toString('utf8'))
      .join('');
    expect(xml).not.toMatch(/<f>|CONCATENATE|mailto|dupont/i);
  });

  it('rebuilds a CSV as a workbook at the same rows, text kept as text', async () => {
    const csv = Buffer.from(
      'Copie;Note;N° anonyme\r\n1;=1+1;007\r\n2;21;123456\r\n3;12;12*456\r\n',
      'latin1',
    );

    const wb = await load(await buildAnnotatedCopy(csv, { status: 'rejected', errors: ERRORS }));

    const ws = wb.worksheets[0];
    expect(ws?.getCell('C2').value).toBe('007');
    expect(ws?.getCell('B2').formula).toBeUndefined();
    expect(JSON.stringify(ws?.getCell('B3').note)).toContain('GRADE_OUT_OF_RANGE');
    expect(JSON.stringify(ws?.getCell('C4').note)).toContain('OPTICAL_MARKS_UNREADABLE');
  });

  it('writes nothing for an imported file, or for errors about the whole file', async () => {
    const csv = Buffer.from('a;b\r\n1;2\r\n');
    const whole: ReceiptError = { row: null, column: null, code: 'FILE_NO_DATA', message: 'Vide.' };

    expect(await buildAnnotatedCopy(csv, { status: 'imported', errors: [] })).toBeNull();
    expect(await buildAnnotatedCopy(csv, { status: 'rejected', errors: [whole] })).toBeNull();
    expect(
      await buildAnnotatedCopy(Buffer.alloc(0), { status: 'rejected', errors: ERRORS }),
    ).toBeNull();
  });

  it('is not taken for a student’s identity because of the words it writes itself', async () => {
    // A number whose check character fails lists the likely numbers after the message.
    const message = frenchMessage('NUMBER_CHECK_FAILED', 'Numéros probables : 123456.');
    const error: ReceiptError = {
      row: 2,
      column: 'N° anonyme',
      value: '123457',
      code: 'NUMBER_CHECK_FAILED',
      message,
    };
    const copy = await buildAnnotatedCopy(Buffer.from('N° anonyme;Note\r\n123457;12\r\n'), {
      status: 'rejected',
      errors: [error],
    });

    // Each word of the message taken in turn for a student's last name (« Faux », « Mal » …).
    const blocked = words(message)
      .trim()
      .split(' ')
      .filter((w) => /^[A-Z]{3,}$/.test(w))
      .filter(
        (lastName) =>
          scanForIdentities('Q/accuses/notes/n-1.annote.xlsx', copy!, [
            { studentNumber: '99999999', lastName, birthDate: null },
          ]).length > 0,
      );
    expect(blocked).toEqual([]);
  });

  it('finds a column under a title block by any of its headings, column A when unknown', () => {
    const sheet = readCsv(Buffer.from('Titre\r\n"Copie";"A:id";"Note /20"\r\n')).sheets[0]!;

    expect([
      columnOf(sheet, 'N° anonyme'),
      columnOf(sheet, 'Note'),
      columnOf(sheet, 'Autre'),
      columnOf(sheet, null),
    ]).toEqual([2, 3, 1, 1]);
  });
});
