import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import { readWorkbook } from '../../src/readers/index.js';
import type { Cell, Workbook } from '../../src/readers/table.js';
import { isDateFormat } from '../../src/readers/number-format.js';
import { readXls } from '../../src/readers/xls.js';
import { xlsOf, type XlsCell } from './xls.fixtures.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error: unknown) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

function oneRow(cells: XlsCell[], date1904 = false): Cell[] {
  const workbook = readXls(xlsOf([{ name: 'Feuil1', rows: [cells] }], { date1904 }));
  return workbook.sheets[0]?.rows[0]?.cells ?? [];
}

function texts(workbook: Workbook): string[][] {
  return (workbook.sheets[0]?.rows ?? []).map((row) =>
    row.cells.map((c) => (c.kind === 'blank' ? '' : c.raw)),
  );
}

describe('readXls (Excel 97-2003, BIFF8)', () => {
  it('reads shared strings, inline labels, numbers and RK numbers as typed', () => {
    expect(
      oneRow([
        { text: '007' },
        { text: 'Élodie N’Diaye', inline: true },
        { number: 12.5 },
        { number: 14, rk: true },
      ]),
    ).toEqual([
      { kind: 'text', raw: '007' },
      { kind: 'text', raw: 'Élodie N’Diaye' },
      { kind: 'number', value: 12.5, raw: '12.5' },
      { kind: 'number', value: 14, raw: '14' },
    ]);
  });

  it('reads a shared string continued in a CONTINUE record that switches to UTF-16', () => {
    const workbook = readXls(
      xlsOf([{ name: 'Feuil1', rows: [[{ text: 'Note' }, { text: 'Algèbre linéaire – S1' }]] }], {
        splitLastString: 8,
      }),
    );

    expect(texts(workbook)).toEqual([['Note', 'Algèbre linéaire – S1']]);
  });

  it('reads dates of built-in and custom formats in the 1900 and 1904 systems', () => {
    // 46037 is 15/01/2026 in the 1900 system; the same day is 44575 in the 1904 system.
    expect(
      oneRow([
        { number: 46037, date: 'builtin' },
        { number: 46037, date: 'custom' },
      ]),
    ).toEqual([
      { kind: 'date', iso: '2026-01-15', raw: '15/01/2026' },
      { kind: 'date', iso: '2026-01-15', raw: '15/01/2026' },
    ]);
    expect(oneRow([{ number: 44575, date: 'builtin' }], true)).toEqual([
      { kind: 'date', iso: '2026-01-15', raw: '15/01/2026' },
    ]);
  });

  it('reads cached formula results, never evaluating them, and error cells as errors', () => {
    expect(
      oneRow([
        { formula: 15.75 },
        { formula: 'ABI' },
        { formula: { error: 0x07 } },
        { error: 0x2a },
        { bool: true },
      ]),
    ).toEqual([
      { kind: 'number', value: 15.75, raw: '15.75' },
      { kind: 'text', raw: 'ABI' },
      { kind: 'error', raw: '#DIV/0!' },
      { kind: 'error', raw: '#N/A' },
      { kind: 'bool', value: true, raw: 'VRAI' },
    ]);
  });

  it('reads a text result stored after the SHRFMLA, ARRAY or TABLE record of its formula', () => {
    expect(
      oneRow([
        { formula: 'ABJ', companion: 'SHRFMLA' },
        { formula: 'ABI', companion: 'ARRAY' },
        { formula: 'DEF', companion: 'TABLE' },
        { formula: 12.5, companion: 'SHRFMLA' },
        { text: 'fin' },
      ]),
    ).toEqual([
      { kind: 'text', raw: 'ABJ' },
      { kind: 'text', raw: 'ABI' },
      { kind: 'text', raw: 'DEF' },
      { kind: 'number', value: 12.5, raw: '12.5' },
      { kind: 'text', raw: 'fin' },
    ]);
  });

  it('keeps row numbers, marks hidden rows and columns, and reports sheet states', () => {
    const workbook = readXls(
      xlsOf([
        {
          name: 'Notes',
          rows: [[{ text: 'N° anonyme' }, { text: 'Note' }], [], [{ text: '1234' }, { number: 9 }]],
          hiddenRows: [2],
          hiddenColumns: [1],
        },
        { name: 'Cachée', state: 1, rows: [[{ text: 'x' }]] },
      ]),
    );

    expect(workbook.sheets.map((s) => [s.name, s.state])).toEqual([
      ['Notes', 'visible'],
      ['Cachée', 'hidden'],
    ]);
    expect(workbook.sheets[0]?.rows.map((r) => [r.number, r.hidden ?? false])).toEqual([
      [1, false],
      [3, true],
    ]);
    expect(workbook.sheets[0]?.hiddenColumns).toEqual([2]);
  });

  it('reads a small workbook kept in the compound file’s mini stream', () => {
    const workbook = readXls(
      xlsOf(
        [
          {
            name: 'Feuil1',
            rows: [
              [{ text: 'N° anonyme' }, { text: 'Note' }],
              [{ text: '123456' }, { number: 12.5 }],
            ],
          },
        ],
        {
          mini: true,
        },
      ),
    );

    expect(texts(workbook)).toEqual([
      ['N° anonyme', 'Note'],
      ['123456', '12.5'],
    ]);
  });

  it('is read by content through readWorkbook', async () => {
    const workbook = await readWorkbook(xlsOf([{ name: 'Feuil1', rows: [[{ text: 'x' }]] }]));

    expect(workbook.format).toBe('xls');
  });

  it('refuses a password-protected workbook, an Excel 95 one, and one without data', () => {
    expect(
      codeOf(() => readXls(xlsOf([{ name: 'F', rows: [[{ text: 'x' }]] }], { encrypted: true }))),
    ).toBe('FILE_ENCRYPTED');
    expect(
      codeOf(() => readXls(xlsOf([{ name: 'F', rows: [[{ text: 'x' }]] }], { version: 0x0500 }))),
    ).toBe('FILE_FORMAT_LEGACY');
    expect(codeOf(() => readXls(xlsOf([{ name: 'F', rows: [] }])))).toBe('FILE_NO_DATA');
  });

  it('refuses a truncated or looping compound file as corrupt', () => {
    const bytes = xlsOf([{ name: 'F', rows: [[{ text: 'x' }]] }]);
    const looping = Buffer.from(bytes);
    // The Workbook stream's first sector points at itself in the FAT.
    looping.writeUInt32LE(2, 512 + 2 * 4);

    expect(codeOf(() => readXls(bytes.subarray(0, 700)))).toBe('FILE_CORRUPT');
    expect(codeOf(() => readXls(looping))).toBe('FILE_CORRUPT');
  });
});

describe('isDateFormat (shared by the xls and xlsx readers)', () => {
  it('tells date formats from number formats, ignoring quoted text, colours, escapes and padding', () => {
    expect(
      [
        'dd/mm/yyyy',
        'd-mmm-yy',
        '[$-40C]dddd d mmmm yyyy',
        'hh:mm',
        'yy-m-d',
        'YYYY',
        'jj/mm/aaaa',
      ].map(isDateFormat),
    ).toEqual([true, true, true, true, true, true, true]);
    expect(
      [
        '0.00',
        '# ##0,00 "pts"',
        '[Red]0.0',
        'General',
        '0.00E+00',
        '"jour "0',
        '0\\ \\p\\t\\s',
        '_-* #,##0.00\\ [$€-40C]_-',
      ].map(isDateFormat),
    ).toEqual([false, false, false, false, false, false, false, false]);
  });
});
