// The columns of a grade file are found by meaning; headings the file itself uses for AMC's
// `A:<key>` and `Note …` are added as synonyms, and must not claim unrelated headings.
import { describe, expect, it } from 'vitest';
import { gradeColumn, keyColumns } from '../../src/channels/grades.js';
import { findHeader } from '../../src/readers/columns.js';
import type { Workbook } from '../../src/readers/table.js';

function header(...texts: string[]): Workbook {
  return {
    format: 'csv',
    sheets: [
      {
        name: '',
        state: 'visible',
        rows: [{ number: 1, cells: texts.map((raw) => ({ kind: 'text' as const, raw })) }],
      },
    ],
  };
}

function columnsOf(workbook: Workbook): Record<string, number> {
  return findHeader(workbook, keyColumns(workbook, gradeColumn(workbook))).columns;
}

describe('grade file columns', () => {
  it('leaves a comment column starting with an A alone (Appréciation, Absences)', () => {
    expect(columnsOf(header('N° anonyme', 'Note', 'Appréciation', 'Absences'))).toEqual({
      number: 0,
      grade: 1,
    });
  });

  it('takes AMC’s A:<key> column as the number and `Note /20` as the grade', () => {
    expect(columnsOf(header('Nom', 'A:numero', 'Note /20'))).toEqual({ number: 1, grade: 2 });
  });
});
