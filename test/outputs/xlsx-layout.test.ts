// Every workbook prints whole: no text cut off by its neighbour or by the last column, no number
// too wide for its cell, no wrapped text taller than its row (estimated from the workbook alone,
// so it runs on CI; test/outputs/sheets-render.test.ts checks the estimate through LibreOffice).
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { GRADE_FORMAT } from '../../src/outputs/xlsx-style.js';
import { layoutFindings } from './xlsx-layout.js';
import { everyWorkbook } from './workbooks.js';

async function workbook(build: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet('Feuille'));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('printed layout of the workbooks', () => {
  it.each([
    'etiquettes',
    'bordereau',
    'pv-anonyme',
    'pv-nominatif',
    'pv-individuels',
    'correspondance',
    'avancement',
    'modalites',
    'accuse',
    'rapprochement',
  ])('%s cuts no text off', async (name) => {
    const book = (await everyWorkbook()).find((b) => b.name === name);

    expect(await layoutFindings(book?.bytes ?? Buffer.alloc(0))).toEqual([]);
  });

  it('finds a label cut off by the cell next to it, a number that would print ###, a short row', async () => {
    const bytes = await workbook((ws) => {
      ws.getColumn(1).width = 8;
      ws.addRow(['Absents (ABI, ABJ, DEF, DEM)', 3]);
      const grade = ws.addRow([123456.75]).getCell(1);
      grade.numFmt = GRADE_FORMAT;
      const wrapped = ws.addRow(['Une explication longue qui tient sur plusieurs lignes']);
      wrapped.getCell(1).alignment = { wrapText: true };
    });

    expect((await layoutFindings(bytes)).map((f) => [f.cell, f.problem])).toEqual([
      ['A1', 'trop large'],
      ['A2', '###'],
      ['A3', 'trop haut'],
    ]);
  });

  it('lets a text run over empty cells on its right', async () => {
    const bytes = await workbook((ws) => {
      ws.columns = [{ width: 8 }, { width: 30 }];
      ws.addRow(['Absents (ABI, ABJ, DEF, DEM)']);
      ws.addRow([null, 'fin']);
    });

    expect(await layoutFindings(bytes)).toEqual([]);
  });
});
