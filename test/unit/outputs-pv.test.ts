import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { buildAnonymousPv, buildNamedPv } from '../../src/outputs/pv.js';
import type { AnonymousGradeRow, NamedGradeRow } from '../../src/outputs/types.js';
import {
  ASSESSMENT,
  TEMPLATE,
  formulaLike,
  load,
  noFormulaCells,
  rawText,
  sheet,
  values,
} from './outputs-helpers.js';

const NAMED: NamedGradeRow[] = [
  {
    number: '00100',
    grade: { kind: 'value', value: 12.5 },
    result: 'ADM',
    studentNumber: '00123456',
    lastName: 'Zorglub',
    firstName: 'Ysolde',
  },
  {
    number: '00007',
    grade: { kind: 'value', value: 8 },
    result: 'AJ',
    studentNumber: '21000001',
    lastName: 'Abélard',
    firstName: 'Héloïse',
  },
  {
    number: '00042',
    grade: { kind: 'absence', code: 'ABI' },
    result: 'AJ',
    studentNumber: '21000002',
    lastName: 'Quasimodo',
    firstName: 'Esmeralda',
  },
  {
    number: '00050',
    grade: { kind: 'absence', code: 'DIS' },
    result: null,
    studentNumber: '21000003',
    lastName: 'Martin',
    firstName: 'Paul',
  },
  {
    number: '00051',
    grade: null,
    result: null,
    studentNumber: '21000004',
    lastName: 'Martin',
    firstName: 'Anne',
  },
];

const ANONYMOUS: AnonymousGradeRow[] = NAMED.map(({ number, grade, result }) => ({
  number,
  grade,
  result,
}));

/** The rows of the grade table: from the header row to the last numbered row. */
function table(ws: ExcelJS.Worksheet, count: number): ExcelJS.CellValue[][] {
  const rows = values(ws);
  const header = rows.findIndex((r) => r.includes('Résultat'));

  return rows.slice(header, header + count + 1);
}

/** The value written next to a count label under the table. */
function count(ws: ExcelJS.Worksheet, label: string): ExcelJS.CellValue {
  let found: ExcelJS.CellValue = undefined;
  ws.eachRow((row) => {
    if (row.getCell(1).value === label) {
      found = row.getCell(2).value;
    }
  });

  return found;
}

async function anonymousPv(rows: AnonymousGradeRow[] = ANONYMOUS) {
  const bytes = await buildAnonymousPv(TEMPLATE, [{ assessment: ASSESSMENT, rows }]);
  return { bytes, wb: await load(bytes) };
}

describe('anonymous PV', () => {
  it('titles the sheet after the object and session, and the page "— anonyme" with the state', async () => {
    const { wb } = await anonymousPv();
    const ws = sheet(wb, 'UE101 S1');
    const top = values(ws).slice(0, 5).flat();

    expect(top[0]).toBe('Procès-verbal de délibération — anonyme');
    expect(top).toContain("État d'anonymat : Validé");
  });

  it('lists rows in number order with grades as typed numbers shown with two decimals, codes as text', async () => {
    const { wb } = await anonymousPv();
    const ws = sheet(wb, 'UE101 S1');

    expect(table(ws, 5)).toEqual([
      ['N° anonyme', 'Note /20', 'Résultat'],
      ['00007', 8, 'AJ'],
      ['00042', 'ABI', 'AJ'],
      ['00050', 'DIS'],
      ['00051'],
      ['00100', 12.5, 'ADM'],
    ]);

    const gradeCell = ws.getCell(ws.getColumn(1).values.indexOf('00100'), 2);
    expect(gradeCell.type).toBe(ExcelJS.ValueType.Number);
    expect(gradeCell.numFmt).toBe('0.00');
  });

  it('counts enrolled, present, absent, exempt, ungraded and admitted, and averages those present', async () => {
    const { wb } = await anonymousPv();
    const ws = sheet(wb, 'UE101 S1');

    expect(count(ws, 'Inscrits')).toBe(5);
    expect(count(ws, 'Présents (note chiffrée)')).toBe(2);
    expect(count(ws, 'Absents (ABI, ABJ, DEF, DEM)')).toBe(1);
    expect(count(ws, 'Dispensés (DIS)')).toBe(1);
    expect(count(ws, 'Sans note')).toBe(1);
    expect(count(ws, 'Admis')).toBe(1);
    expect(count(ws, 'Moyenne des présents')).toBe(10.25);
  });

  it('leaves out the admitted count when no result is recorded, and says "—" when nobody sat', async () => {
    const { wb } = await anonymousPv([
      { number: '1', grade: { kind: 'absence', code: 'ABJ' }, result: null },
    ]);
    const ws = sheet(wb, 'UE101 S1');

    expect(count(ws, 'Admis')).toBeUndefined();
    expect(count(ws, 'Moyenne des présents')).toBe('—');
  });

  it('ends with the jury’s signature block', async () => {
    const { wb } = await anonymousPv();
    const text = values(sheet(wb, 'UE101 S1')).flat();

    expect(text).toContain('Le président du jury');
    expect(text).toContain('Les membres du jury');
  });

  // NamedGradeRow[] is assignable to AnonymousGradeRow[]: only the renderer keeps identities out.
  it('writes no identity even when handed rows that carry one', async () => {
    const { bytes, wb } = await anonymousPv(NAMED);
    const raw = rawText(bytes);

    for (const planted of [
      'Zorglub',
      'Ysolde',
      'Abélard',
      'Héloïse',
      'Quasimodo',
      'Esmeralda',
      '00123456',
      '21000001',
    ]) {
      expect(raw).not.toContain(planted);
    }
    expect(values(sheet(wb, 'UE101 S1')).flat()).toContain('00100');
  });

  it('gives each assessment its own sheet, named without clash', async () => {
    const sections = [
      { assessment: ASSESSMENT, rows: ANONYMOUS },
      { assessment: { ...ASSESSMENT, assessmentId: 43, session: 2 as const }, rows: ANONYMOUS },
      {
        assessment: { ...ASSESSMENT, assessmentId: 44, stage: 'admission' as const },
        rows: ANONYMOUS,
      },
    ];
    const wb = await load(await buildAnonymousPv(TEMPLATE, sections));

    expect(wb.worksheets.map((ws) => ws.name)).toEqual([
      'UE101 S1',
      'UE101 S2',
      'UE101 S1 admission',
    ]);
  });

  it('still opens, saying there is nothing to deliberate, when given no assessment', async () => {
    const wb = await load(await buildAnonymousPv(TEMPLATE, []));

    expect(values(sheet(wb, 'PV')).flat()).toContain('Aucune épreuve à délibérer.');
  });

  it('neutralises result codes that look like formulas and names the service as author', async () => {
    const rows = ['=1+1', '+1', '-2', '@SUM(A1)'].map((result, i) => ({
      number: `0${i}`,
      grade: null,
      result,
    }));
    const { wb } = await anonymousPv(rows);

    expect(formulaLike(wb)).toEqual([]);
    expect(noFormulaCells(wb)).toBe(true);
    expect(wb.creator).toBe('anonymat');
    expect(wb.lastModifiedBy).toBe('anonymat');
  });
});

describe('named PV', () => {
  it('lists rows in name order with identities, grades typed, and the state it is given', async () => {
    const wb = await load(
      await buildNamedPv(TEMPLATE, [{ assessment: ASSESSMENT, rows: NAMED, state: 'P' }]),
    );
    const ws = sheet(wb, 'UE101 S1');

    expect(values(ws)[0]).toEqual(['Procès-verbal de délibération — nominatif']);
    expect(values(ws).flat()).toContain("État d'anonymat : Posé");
    expect(table(ws, 5)).toEqual([
      ['Nom', 'Prénom', 'N° étudiant', 'N° anonyme', 'Note /20', 'Résultat'],
      ['Abélard', 'Héloïse', '21000001', '00007', 8, 'AJ'],
      ['Martin', 'Anne', '21000004', '00051'],
      ['Martin', 'Paul', '21000003', '00050', 'DIS'],
      ['Quasimodo', 'Esmeralda', '21000002', '00042', 'ABI', 'AJ'],
      ['Zorglub', 'Ysolde', '00123456', '00100', 12.5, 'ADM'],
    ]);
  });

  it('shows "Levé" when no state is given, and counts with the institution’s passing codes', async () => {
    const wb = await load(
      await buildNamedPv(TEMPLATE, [{ assessment: ASSESSMENT, rows: NAMED }], {
        passingResults: ['ADM', 'AJ'],
      }),
    );
    const ws = sheet(wb, 'UE101 S1');

    expect(values(ws).flat()).toContain("État d'anonymat : Levé");
    expect(count(ws, 'Admis')).toBe(3);
  });

  it('neutralises names that look like formulas', async () => {
    const rows = NAMED.map((r) => ({
      ...r,
      lastName: '=HYPERLINK("http://x","y")',
      firstName: '@x',
    }));
    const wb = await load(await buildNamedPv(TEMPLATE, [{ assessment: ASSESSMENT, rows }]));

    expect(formulaLike(wb)).toEqual([]);
    expect(noFormulaCells(wb)).toBe(true);
  });
});
