// Values read as the person meant them, from the bytes each tool writes to the grade a channel
// parses: CSV written by hand per encoding and separator, workbooks written by exceljs.
import { describe, expect, it } from 'vitest';

import { parseGrade, type ParsedGrade } from '../../src/domain/grades.js';
import { birthDateOf } from '../../src/channels/rows.js';
import { readCsv } from '../../src/readers/csv.js';
import { readWorkbook } from '../../src/readers/index.js';
import { withoutThousandsSeparators } from '../../src/readers/values.js';
import type { Cell } from '../../src/readers/table.js';
import { xlsxOf } from '../unit/zip-guard.fixtures.js';

/** The grade a channel reads from a cell (text is read as typed, numbers as stored). */
function gradeOf(cell: Cell | undefined): ParsedGrade | 'refused' {
  switch (cell?.kind) {
    case undefined:
    case 'blank':
      return parseGrade({ raw: '' }, { scale: 20 });
    case 'text':
      return parseGrade({ raw: withoutThousandsSeparators(cell.raw) }, { scale: 20 });
    case 'number':
      return parseGrade({ number: cell.value }, { scale: 20 });
    case 'bool':
    case 'date':
    case 'error':
    case 'formula_no_value':
      return 'refused';
  }
}

function summary(parsed: ParsedGrade | 'refused'): string {
  if (parsed === 'refused') {
    return 'refused';
  }
  if (!parsed.ok) {
    return parsed.code;
  }
  switch (parsed.grade.kind) {
    case 'value':
      return String(parsed.grade.value);
    case 'absence':
      return parsed.grade.code;
    case 'blank':
      return 'blank';
  }
}

const TYPED = [
  '',
  '007',
  '12,5',
  '12.5',
  '12,50',
  ' 12,5 ',
  ' 12 ',
  '12/5',
  'ABI',
  'abi',
  'Abs.',
  'ABX',
];
const MEANT = [
  'blank',
  '7',
  '12.5',
  '12.5',
  '12.5',
  '12.5',
  '12',
  'GRADE_INVALID',
  'ABI',
  'ABI',
  'ABI',
  'ABSENCE_CODE_UNKNOWN',
];

describe('grades read as meant', () => {
  it('from a French Excel CSV (Windows-1252, `;`, CRLF): blank never 0, no date, absences mapped', () => {
    const lines = ['Copie;Note', ...TYPED.map((t, i) => `${i + 1};${t}`)];
    const workbook = readCsv(Buffer.from(lines.join('\r\n'), 'latin1'));
    const rows = workbook.sheets[0]?.rows ?? [];
    // The blank first grade leaves row 2 with a blank cell, still read.
    expect(rows.slice(1).map((r) => summary(gradeOf(r.cells[1])))).toEqual(MEANT);
    expect((rows[2]?.cells[1] as { raw: string }).raw).toBe('007');
  });

  it('from an exceljs workbook where people typed text, numbers, dates and formulas', async () => {
    const bytes = await xlsxOf((wb) => {
      const ws = wb.addWorksheet('Notes');
      ws.addRow(['Note']);
      ws.addRow([12.5]);
      ws.addRow([null]);
      ws.addRow(['12,50']);
      ws.addRow([new Date(Date.UTC(2026, 4, 12))]);
      ws.addRow([{ formula: 'A2+1', result: 13.5 }]);
      ws.addRow([{ formula: 'A2+1' }]);
      ws.addRow([{ error: '#DIV/0!' }]);
    });
    const rows = (await readWorkbook(bytes)).sheets[0]?.rows ?? [];

    expect(rows.map((r) => [r.number, summary(gradeOf(r.cells[0]))])).toEqual([
      [1, 'ABSENCE_CODE_UNKNOWN'],
      [2, '12.5'],
      [4, '12.5'],
      [5, 'refused'],
      [6, '13.5'],
      [7, 'refused'],
      [8, 'refused'],
    ]);
    expect(rows.map((r) => r.cells[0]?.kind).slice(4)).toEqual([
      'number',
      'formula_no_value',
      'error',
    ]);
  });

  it('with a thousands separator as French Excel prints it (NBSP, narrow NBSP, space)', () => {
    const csv = Buffer.from('Points;Note\r\n"1\u00a0234,5";12\r\n1\u202f050;8\r\n', 'utf8');
    const rows = readCsv(csv).sheets[0]?.rows ?? [];

    expect(
      rows.slice(1).map((r) => withoutThousandsSeparators((r.cells[0] as { raw: string }).raw)),
    ).toEqual(['1234,5', '1050']);
    expect(summary(gradeOf({ kind: 'text', raw: '1\u00a0234' }))).toBe('GRADE_OUT_OF_RANGE');
    expect(withoutThousandsSeparators('12 5')).toBe('12 5');
  });
});

describe('numbers typed with leading zeros', () => {
  it('keep their zeros as text in CSV and under a zero-padding format in a workbook', async () => {
    const bytes = await xlsxOf((wb) => {
      const ws = wb.addWorksheet('F');
      ws.addRow(['007', 4211, 4211]);
      ws.getCell('B1').numFmt = '00000000';
    });
    const cells = (await readWorkbook(bytes)).sheets[0]?.rows[0]?.cells;

    expect(cells).toEqual([
      { kind: 'text', raw: '007' },
      { kind: 'number', value: 4211, raw: '00004211' },
      { kind: 'number', value: 4211, raw: '4211' },
    ]);
    expect(readCsv(Buffer.from('a;b\r\n007;00004211\r\n')).sheets[0]?.rows[1]?.cells).toEqual([
      { kind: 'text', raw: '007' },
      { kind: 'text', raw: '00004211' },
    ]);
  });
});

describe('dates read as meant', () => {
  it('as dd/mm/yyyy text, as a date cell in either date system, never as a guess', async () => {
    const book = async (date1904: boolean): Promise<Cell | undefined> => {
      const bytes = await xlsxOf((wb) => {
        wb.properties.date1904 = date1904;
        wb.addWorksheet('F').addRow([new Date(Date.UTC(2004, 1, 29))]);
      });
      return (await readWorkbook(bytes)).sheets[0]?.rows[0]?.cells[0];
    };

    expect(birthDateOf({ kind: 'text', raw: '05/09/2006' })).toBe('2006-09-05');
    expect(birthDateOf({ kind: 'text', raw: '31/02/2006' })).toBe('invalid');
    expect(birthDateOf({ kind: 'text', raw: '12/5' })).toBe('invalid');
    expect(birthDateOf(await book(false))).toBe('2004-02-29');
    expect(birthDateOf(await book(true))).toBe('2004-02-29');
  });
});

describe('CSV bytes as each tool writes them', () => {
  const body = 'N° anonyme;Note;Commentaire\r\n"12345";"12,5";"copie\r\nrendue tard"\r\n';

  it('reads the same cells from UTF-8 with BOM, UTF-8, Windows-1252 and ISO-8859-1', () => {
    const encodings = [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')]),
      Buffer.from(body, 'utf8'),
      Buffer.from(body, 'latin1'),
    ];
    const heads = encodings.map((bytes) =>
      readCsv(bytes).sheets[0]?.rows.map((r) =>
        r.cells.map((c) => (c.kind === 'blank' ? '' : c.raw)),
      ),
    );

    for (const head of heads) {
      expect(head).toEqual([
        ['N° anonyme', 'Note', 'Commentaire'],
        ['12345', '12,5', 'copie\r\nrendue tard'],
      ]);
    }
  });

  it('reads CR-only line ends, TAB and `|` separators, trailing separators and ragged rows', () => {
    const read = (text: string): string[][] =>
      (readCsv(Buffer.from(text, 'latin1')).sheets[0]?.rows ?? []).map((r) =>
        r.cells.map((c) => (c.kind === 'blank' ? '' : c.raw)),
      );

    expect(read('a\tb\rc\td\r')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(read('a|b|c\nd|e|f\n')).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
    expect(read('a;b;\nc;d;e;f\ng\n')).toEqual([['a', 'b', ''], ['c', 'd', 'e', 'f'], ['g']]);
  });
});
