import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import { ErrorList, keyedRows } from '../../src/channels/rows.js';
import type { ColumnSpec } from '../../src/readers/columns.js';
import type { Workbook } from '../../src/readers/table.js';

const SPECS: ColumnSpec[] = [
  { key: 'number', synonyms: ['N° anonyme'], required: true },
  { key: 'grade', synonyms: ['Note'], required: true },
];

const text = (raw: string) => ({ kind: 'text' as const, raw });

function workbook(hiddenColumns?: number[]): Workbook {
  return {
    format: 'xlsx',
    sheets: [
      {
        name: 'Notes',
        state: 'visible',
        rows: [
          { number: 1, cells: [text('N° anonyme'), text('Note'), text('Remarque')] },
          { number: 2, cells: [text('123456'), text('12')] },
          { number: 3, cells: [text('234567'), text('15')], hidden: true },
        ],
        ...(hiddenColumns ? { hiddenColumns } : {}),
      },
    ],
  };
}

describe('hidden rows and columns in keyed files', () => {
  it('reports a hidden row on the receipt instead of reading it', () => {
    const errors = new ErrorList();

    const { rows } = keyedRows(workbook(), SPECS, errors);

    expect(rows.map((r) => r.number)).toEqual([2]);
    expect(errors.items.map((e) => [e.row, e.code])).toEqual([[3, 'ROW_HIDDEN']]);
  });

  it('refuses a file whose grade column is hidden, and accepts a hidden column it does not read', () => {
    let refused: unknown;
    try {
      keyedRows(workbook([2]), SPECS, new ErrorList());
    } catch (error: unknown) {
      refused = error;
    }

    expect(refused instanceof AppError && [refused.code, refused.detail]).toEqual([
      'COLUMN_HIDDEN',
      '(Note)',
    ]);
    expect(keyedRows(workbook([3]), SPECS, new ErrorList()).rows).toHaveLength(1);
  });

  it('keeps reading hidden rows where the channel asks for no report (referential files)', () => {
    expect(keyedRows(workbook(), SPECS).rows.map((r) => r.number)).toEqual([2, 3]);
  });
});
