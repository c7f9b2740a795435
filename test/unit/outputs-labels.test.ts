import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { buildLabelSheet } from '../../src/outputs/labels-xlsx.js';
import {
  ASSESSMENT,
  FORMULA_TEXTS,
  TEMPLATE,
  formulaLike,
  load,
  noFormulaCells,
  sheet,
  values,
} from './outputs-helpers.js';

const SESSION_2 = { ...ASSESSMENT, assessmentId: 43, session: 2 as const };

describe('label sheet', () => {
  it('puts French headers in the first row, for the print shop’s mail merge', async () => {
    const wb = await load(
      await buildLabelSheet(TEMPLATE, [{ number: '00042', assessment: ASSESSMENT }]),
    );
    const ws = sheet(wb, 'Étiquettes');

    expect(values(ws)[0]).toEqual([
      'N° anonyme',
      'Code',
      "Libellé de l'enseignement",
      'Session',
      'Année universitaire',
    ]);
  });

  it('lists one label per row in number order, numbers as text with their leading zeros', async () => {
    const labels = [
      { number: '00100', assessment: ASSESSMENT },
      { number: '00042', assessment: SESSION_2 },
      { number: '00042', assessment: ASSESSMENT },
      { number: '00007', assessment: ASSESSMENT },
    ];
    const ws = sheet(await load(await buildLabelSheet(TEMPLATE, labels)), 'Étiquettes');

    expect(values(ws).slice(1)).toEqual([
      ['00007', 'UE101', 'Analyse 1', 'Session 1', '2026/2027'],
      ['00042', 'UE101', 'Analyse 1', 'Session 1', '2026/2027'],
      ['00042', 'UE101', 'Analyse 1', 'Session 2 (rattrapage)', '2026/2027'],
      ['00100', 'UE101', 'Analyse 1', 'Session 1', '2026/2027'],
    ]);
    expect(ws.getCell('A2').type).toBe(ExcelJS.ValueType.String);
  });

  it('prints the number in large bold type', async () => {
    const ws = sheet(
      await load(await buildLabelSheet(TEMPLATE, [{ number: '00042', assessment: ASSESSMENT }])),
      'Étiquettes',
    );

    expect(ws.getCell('A2').font).toMatchObject({ bold: true, size: 16 });
  });

  it('neutralises object codes and labels that look like formulas', async () => {
    const labels = FORMULA_TEXTS.map((text, i) => ({
      number: `0000${i}`,
      assessment: { ...ASSESSMENT, objectCode: text, objectLabel: text },
    }));
    const wb = await load(await buildLabelSheet(TEMPLATE, labels));

    expect(formulaLike(wb)).toEqual([]);
    expect(noFormulaCells(wb)).toBe(true);
    expect(values(sheet(wb, 'Étiquettes'))[1]?.[2]).toBe(`'${FORMULA_TEXTS[0]}`);
  });

  it('names the service, not a person, as the workbook’s author', async () => {
    const wb = await load(await buildLabelSheet(TEMPLATE, []));

    expect(wb.creator).toBe('anonymat');
    expect(wb.lastModifiedBy).toBe('anonymat');
  });
});
