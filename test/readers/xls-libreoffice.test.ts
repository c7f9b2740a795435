// .xls files as another program writes them: LibreOffice Calc saved these (fixtures/README.md).
// Every sheet it writes holds records of two bytes (CALCCOUNT, DEFCOLWIDTH…), which once made
// every real .xls refused as corrupt (a trial). A grade sheet must read exactly as the .xlsx saved
// from the same sheet does.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readWorkbook } from '../../src/readers/index.js';
import type { Workbook } from '../../src/readers/table.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

async function read(name: string): Promise<Workbook> {
  return readWorkbook(await readFile(path.join(FIXTURES, name)));
}

/** Each sheet's rows as a person reads them: row number, hidden, each cell's kind and text. */
function shown(workbook: Workbook): unknown {
  return workbook.sheets.map((sheet) => ({
    name: sheet.name,
    state: sheet.state,
    rows: sheet.rows.map((row) => [
      row.number,
      row.hidden === true,
      row.cells.map((cell) => (cell.kind === 'blank' ? 'blank' : `${cell.kind}:${cell.raw}`)),
    ]),
  }));
}

describe('.xls saved by LibreOffice', () => {
  it('reads a 600-row grade sheet cell for cell as its .xlsx twin', async () => {
    const xls = await read('lo-grades.xls');
    const xlsx = await read('lo-grades.xlsx');

    expect(xls.format).toBe('xls');
    expect(xls.sheets[0]?.rows).toHaveLength(601);
    expect(shown(xls)).toEqual(shown(xlsx));
  });

  it('reads the text result of the first cell of a filled-down formula as its .xlsx twin', async () => {
    // LibreOffice stores that first cell as FORMULA, SHRFMLA, then STRING: the whole file was once
    // refused as « formule sans valeur calculée » (trial).
    const xls = await read('lo-formulas.xls');
    const xlsx = await read('lo-formulas.xlsx');

    expect(shown(xls)).toEqual(shown(xlsx));
    expect(xls.sheets[0]?.rows[1]?.cells).toEqual([
      { kind: 'text', raw: 'S0003100' },
      { kind: 'text', raw: 'ABJ' },
      { kind: 'blank' },
      { kind: 'text', raw: 'ABJ' },
    ]);
    expect(xls.sheets[0]?.rows[2]?.cells[1]).toEqual({ kind: 'number', value: 3.5, raw: '3.5' });
  });

  it('flags the cells of a percentage format, as its .xlsx twin does', async () => {
    const percents = (workbook: Workbook): string[] =>
      (workbook.sheets[0]?.rows ?? []).flatMap((row) =>
        row.cells.flatMap((cell) => (cell.kind === 'number' && cell.percent ? [cell.raw] : [])),
      );

    expect(percents(await read('lo-features.xls'))).toEqual(['0.625', '1', '-0.05']);
    expect(percents(await read('lo-features.xlsx'))).toEqual(['0.625', '1', '-0.05']);
  });

  it('keeps the zeros a padding format shows, and the time of a date-time', async () => {
    const row = (await read('lo-features.xls')).sheets[0]?.rows.find((r) => r.number === 3);
    const cells = row?.cells.map((c) => (c.kind === 'blank' ? '' : c.raw));

    expect(cells?.slice(0, 6)).toEqual([
      '00004211',
      '007',
      '12.5',
      '0.625',
      '29/02/2004',
      '12/05/2026 14:30',
    ]);
    const negative = (await read('lo-features.xls')).sheets[0]?.rows.find((r) => r.number === 5);
    expect(negative?.cells[0]).toEqual({ kind: 'number', value: -42, raw: '-00000042' });
  });
});
