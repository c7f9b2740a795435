// The streamed workbook (readers/xlsx-stream.ts, what notes/ imports an .xlsx through) against the
// whole read (readWorkbook): on every workbook the xlsx tests build and every real file of
// fixtures/, the first rows of each sheet and the rows after any header must be the same rows
// (numbers, cells, hidden flags), the sheets the same (states, hidden columns), and a refused
// workbook refused with the same code and detail.
import { afterAll, describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import { FINGERPRINT_SHEET_NAME } from '../../src/outputs/grade-entry-workbook.js';
import type { HeaderMatch } from '../../src/readers/columns.js';
import type { Row, Sheet, Workbook } from '../../src/readers/table.js';
import { readXlsxFast } from '../../src/readers/xlsx-fast.js';
import { xlsxSource, type XlsxSource } from '../../src/readers/xlsx-stream.js';
import { parityCases, REFUSAL_CASES } from './xlsx-cases.js';
import { streamCases, streamRefusals } from './xlsx-stream.fixtures.js';

type Refusal = { refused: string; detail: string | undefined };

async function attempt<T>(read: () => Promise<T>): Promise<T | Refusal> {
  try {
    return await read();
  } catch (error: unknown) {
    if (error instanceof AppError) {
      return { refused: error.code, detail: error.detail };
    }
    throw error;
  }
}

function refused(outcome: object): outcome is Refusal {
  return 'refused' in outcome;
}

function open(bytes: Buffer): Promise<XlsxSource> {
  return xlsxSource(bytes, { wholeSheets: [FINGERPRINT_SHEET_NAME] });
}

async function collect(batches: AsyncIterable<readonly Row[]>): Promise<Row[]> {
  const all: Row[] = [];
  for await (const batch of batches) {
    batch.forEach((row) => all.push(row));
  }
  return all;
}

function after(source: XlsxSource, sheet: Sheet, headerRowIndex: number): Promise<Row[]> {
  const match: HeaderMatch = { sheet, headerRowIndex, columns: {} };
  return collect(source.rowsAfter(match));
}

const compared = { workbooks: 0, sheets: 0, rows: 0, refusals: 0 };

afterAll(() => {
  // The figures quoted in the issue note come from this line.
  console.info('xlsx stream vs whole', compared);
});

/** Reads both ways and checks the streamed workbook against the whole one, sheet by sheet. */
async function expectSameRows(bytes: Buffer): Promise<Workbook | Refusal> {
  const whole = await attempt(() => readXlsxFast(bytes));
  const source = await attempt(() => open(bytes));
  compared.workbooks += 1;
  if (refused(whole) || refused(source)) {
    expect(source).toEqual(whole);
    compared.refusals += 1;
    return whole;
  }

  expect(source.head.format).toBe('xlsx');
  expect(source.head.sheets).toHaveLength(whole.sheets.length);
  for (const [index, sheet] of whole.sheets.entries()) {
    const head = source.head.sheets[index]!;
    // Same sheet (name, state, hidden columns), its first rows at least those a header is looked for in.
    expect({ ...head, rows: [] }).toStrictEqual({ ...sheet, rows: [] });
    const shown = Math.max(head.rows.length, Math.min(20, sheet.rows.length));
    expect(head.rows).toStrictEqual(sheet.rows.slice(0, shown));
    if (sheet.name === FINGERPRINT_SHEET_NAME) {
      expect(head.rows).toHaveLength(sheet.rows.length);
    }

    const headers = new Set([-1, 0, 1, head.rows.length - 1].filter((at) => at < head.rows.length));
    for (const at of headers) {
      expect(await after(source, head, at)).toStrictEqual(sheet.rows.slice(at + 1));
    }
    compared.sheets += 1;
    compared.rows += sheet.rows.length;
  }
  return whole;
}

describe('a workbook streamed gives the rows of the workbook read whole', () => {
  it.each(parityCases())('%s', async (_name, build) => {
    await expectSameRows(await build());
  });

  it.each(streamCases())('%s', async (_name, build) => {
    const whole = await expectSameRows(await build());

    expect(refused(whole)).toBe(false);
  });
});

describe('a workbook streamed is refused as the workbook read whole', () => {
  it.each([...REFUSAL_CASES, ...streamRefusals()])('%s: %s', async (_name, code, build) => {
    const whole = await expectSameRows(await build());

    expect(refused(whole) ? whole.refused : 'read').toBe(code);
  });
});

describe('xlsxSource', () => {
  const cases = new Map(streamCases());

  it('looks for the header below the rows a merged area empties', async () => {
    const source = await open(
      await cases.get('rows dropped by a merged area push the head past row 20')!(),
    );

    const numbers = source.head.sheets[0]!.rows.map((row) => row.number);
    expect(numbers).toEqual([1, ...Array.from({ length: 19 }, (_, i) => 41 + i)]);
  });

  it('blanks a merged cell of a data row thousands of rows below the header', async () => {
    const source = await open(
      await cases.get('merged areas among 30,000 data rows, one spanning 9,000 rows')!(),
    );

    const rows = await after(source, source.head.sheets[0]!, 0);
    const byNumber = new Map(rows.map((row) => [row.number, row.cells]));
    expect(byNumber.get(10)).toEqual([
      { kind: 'text', raw: '00000010' },
      { kind: 'number', value: 10, raw: '10' },
    ]);
    expect(byNumber.get(1001)).toBeUndefined();
    expect(byNumber.get(25_000)).toEqual([{ kind: 'text', raw: '00025000' }]);
    expect(byNumber.get(29_001)?.[2]).toEqual({ kind: 'text', raw: 'copie relue' });
  });

  it('reads a sheet whose rows are out of order whole, in order, the later of a repeated row kept', async () => {
    const source = await open(
      await cases.get('rows out of order and a repeated row in a long sheet')!(),
    );

    const rows = await after(source, source.head.sheets[0]!, 0);
    expect(rows.slice(0, 3).map((row) => row.number)).toEqual([2, 3, 4]);
    expect(rows[1]?.cells).toEqual([{ kind: 'text', raw: 'reprise' }]);
    expect(rows.at(-1)?.number).toBe(6_009);
    expect(rows.map((row) => row.number)).toEqual(
      [...rows.map((row) => row.number)].sort((a, b) => a - b),
    );
  });

  it('holds the whole fingerprint sheet in its head and only 20 rows of the others', async () => {
    const source = await open(
      await cases.get('the fingerprint sheet of a grade-entry workbook, longer than a head')!(),
    );

    expect(source.head.sheets.map((sheet) => [sheet.name, sheet.state, sheet.rows.length])).toEqual(
      [
        ['Saisie', 'visible', 20],
        [FINGERPRINT_SHEET_NAME, 'veryHidden', 30],
      ],
    );
  });
});
