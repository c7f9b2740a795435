// Cell notes of the service's workbooks name the service as their author, not exceljs's « Author »:
// a spreadsheet shows the author with each note of an annotated copy.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { buildAnnotatedCopy } from '../../src/outputs/annotated-copy.js';
import { OUTPUT_AUTHOR } from '../../src/outputs/xlsx-style.js';
import { listZipEntries, readZipEntry } from '../../src/readers/zip-guard.js';
import { xlsxOf } from './zip-guard.fixtures.js';

const ERRORS = [
  { row: 2, column: 'Note', value: '21', code: 'GRADE_OUT_OF_RANGE', message: 'Note hors barème.' },
  { row: 3, column: 'Note', value: 'x', code: 'GRADE_INVALID', message: 'Note illisible.' },
];

/** The authors listed by each comments part of an .xlsx. */
function noteAuthors(bytes: Buffer): string[][] {
  return listZipEntries(bytes)
    .filter((entry) => /^xl\/comments\d+\.xml$/.test(entry.name))
    .map((entry) =>
      [
        ...readZipEntry(bytes, entry)
          .toString('utf8')
          .matchAll(/<author>([^<]*)<\/author>/g),
      ].map((m) => m[1] ?? ''),
    );
}

describe('the author of the notes of an annotated copy', () => {
  it('is the service, for a copy rebuilt from a CSV', async () => {
    const csv = Buffer.from('N° anonyme;Note\r\n123456;21\r\n123457;x\r\n');

    const copy = await buildAnnotatedCopy(csv, { status: 'rejected', errors: ERRORS });

    expect(OUTPUT_AUTHOR).toBe('anonymat');
    expect(noteAuthors(copy ?? Buffer.alloc(0))).toEqual([['anonymat']]);
  });

  it('is the service, for a copy of the person’s workbook, whose notes still read back', async () => {
    const source = await xlsxOf((wb) => {
      const ws = wb.addWorksheet('Saisie');
      ws.addRow(['N° anonyme', 'Note']);
      ws.addRow(['123456', 21]);
      ws.addRow(['123457', 'x']);
    });

    const copy = (await buildAnnotatedCopy(source, { status: 'partial', errors: ERRORS })) ?? null;

    expect(copy).not.toBeNull();
    expect(noteAuthors(copy ?? Buffer.alloc(0))).toEqual([['anonymat']]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(copy ?? Buffer.alloc(0)).buffer);
    const ws = wb.getWorksheet('Saisie');
    expect(JSON.stringify(ws?.getCell('B2').note)).toContain(
      'GRADE_OUT_OF_RANGE : Note hors barème.',
    );
    expect(JSON.stringify(ws?.getCell('B3').note)).toContain('GRADE_INVALID : Note illisible.');
    expect(ws?.getCell('A3').text).toBe('123457');
  });
});
