import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { buildModalitiesReport } from '../../src/outputs/modalities-report.js';
import { buildProgressReport } from '../../src/outputs/progress-report.js';
import type { ModalityRow, ProgressRow } from '../../src/outputs/types.js';
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

const UE102 = { ...ASSESSMENT, assessmentId: 44, objectCode: 'UE102', objectLabel: 'Algèbre 1' };
const UE101_S2 = { ...ASSESSMENT, assessmentId: 43, session: 2 as const };

function progress(
  assessment: typeof ASSESSMENT,
  state: ProgressRow['state'],
  withoutNumber = 0,
): ProgressRow {
  return {
    assessment,
    state,
    concerned: 120,
    numbered: 120 - withoutNumber,
    withoutNumber,
    lostEnrolment: 0,
    graded: 0,
  };
}

describe('progress report', () => {
  it('shows each assessment’s state in French with its counts as numbers, in assessment order', async () => {
    const rows = [progress(UE102, 'V'), progress(UE101_S2, 'I'), progress(ASSESSMENT, 'P', 3)];
    const wb = await load(await buildProgressReport(TEMPLATE, rows));
    const ws = sheet(wb, 'État d’avancement');
    const table = values(ws).slice(-4);

    expect(ws.getCell('A1').value).toBe("État d'avancement de l'anonymat");
    expect(table[0]).toEqual([
      'Code',
      'Enseignement',
      'Session',
      'Stade',
      'État',
      'Étudiants concernés',
      'Numérotés',
      'Sans numéro',
      'Inscription pédagogique disparue',
      'Notes saisies',
    ]);
    expect(table.slice(1)).toEqual([
      ['UE101', 'Analyse 1', 'Session 1', 'Admissibilité', 'Posé', 120, 117, 3, 0, 0],
      [
        'UE101',
        'Analyse 1',
        'Session 2 (rattrapage)',
        'Admissibilité',
        'Initial',
        120,
        120,
        0,
        0,
        0,
      ],
      ['UE102', 'Algèbre 1', 'Session 1', 'Admissibilité', 'Validé', 120, 120, 0, 0, 0],
    ]);
  });

  it('shows "Levé" for a lifted assessment and neutralises labels that look like formulas', async () => {
    const rows = FORMULA_TEXTS.map((text) =>
      progress({ ...ASSESSMENT, objectCode: text, objectLabel: text }, 'L'),
    );
    const wb = await load(await buildProgressReport({ ...TEMPLATE, templateLabel: '=1+1' }, rows));

    expect(values(sheet(wb, 'État d’avancement')).at(-1)).toContain('Levé');
    expect(formulaLike(wb)).toEqual([]);
    expect(noFormulaCells(wb)).toBe(true);
    expect(wb.creator).toBe('anonymat');
  });
});

describe('modalities report', () => {
  const rows: ModalityRow[] = [
    { period: 'juin', assessment: UE101_S2, template: null, state: null },
    { period: 'janvier', assessment: UE102, template: 'JAN-L1', state: 'V' },
    { period: 'janvier', assessment: ASSESSMENT, template: 'JAN-L1', state: 'L' },
  ];

  it('lists modalities by period then assessment, with the template and state in French', async () => {
    const wb = await load(await buildModalitiesReport('SCI', 2026, rows));
    const ws = sheet(wb, 'Modalités d’anonymat');
    const table = values(ws).slice(-4);

    expect(ws.getCell('A1').value).toBe("Modalités d'anonymat");
    expect(values(ws)[1]).toEqual(['CTN SCI · année universitaire 2026/2027']);
    expect(table).toEqual([
      ['Période', 'Code', 'Enseignement', 'Session', 'Stade', 'Maquette', 'État'],
      ['janvier', 'UE101', 'Analyse 1', 'Session 1', 'Admissibilité', 'JAN-L1', 'Levé'],
      ['janvier', 'UE102', 'Algèbre 1', 'Session 1', 'Admissibilité', 'JAN-L1', 'Validé'],
      [
        'juin',
        'UE101',
        'Analyse 1',
        'Session 2 (rattrapage)',
        'Admissibilité',
        'Aucune maquette',
        '—',
      ],
    ]);
  });

  it('neutralises periods and template codes that look like formulas', async () => {
    const odd = FORMULA_TEXTS.map((text) => ({
      period: text,
      assessment: ASSESSMENT,
      template: text,
      state: 'P' as const,
    }));
    const wb = await load(await buildModalitiesReport('SCI', 2026, odd));

    expect(formulaLike(wb)).toEqual([]);
    expect(noFormulaCells(wb)).toBe(true);
    expect(wb.lastModifiedBy).toBe('anonymat');
  });

  it('freezes the header row and prints on A4 portrait with the header repeated', async () => {
    const wb = await load(await buildModalitiesReport('SCI', 2026, rows));
    const ws = sheet(wb, 'Modalités d’anonymat');
    const view = ws.views[0] as ExcelJS.WorksheetViewFrozen;

    expect(view.state).toBe('frozen');
    expect(view.ySplit).toBe(4);
    expect(ws.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'portrait',
      printTitlesRow: '4:4',
    });
  });
});
