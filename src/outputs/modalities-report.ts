// Modalities report (modalités d'anonymat): which assessments of a CTN are managed under anonymity
// in which period, and where each stands (template, state).

import { academicYearLabel, sessionLabel, stageLabel, stateLabel } from './french.js';
import { compareAssessments } from './order.js';
import type { ModalityRow } from './types.js';
import {
  addTableRow,
  addTableSheet,
  createWorkbook,
  workbookBytes,
  wrapColumns,
} from './xlsx-style.js';

const HEADERS = ['Période', 'Code', 'Enseignement', 'Session', 'Stade', 'Maquette', 'État'];
const WIDTHS = [16, 12, 32, 12, 14, 14, 9];

const PERIOD_ORDER = new Intl.Collator('fr-FR', { numeric: true, sensitivity: 'base' });

/** Report order: by period, then by assessment. */
function byPeriodThenAssessment(x: ModalityRow, y: ModalityRow): number {
  return PERIOD_ORDER.compare(x.period, y.period) || compareAssessments(x.assessment, y.assessment);
}

/** The modalities of a CTN for an academic year: one row per assessment and period. */
export async function buildModalitiesReport(
  ctn: string,
  year: number,
  rows: ModalityRow[],
): Promise<Buffer> {
  const wb = createWorkbook();

  const ws = addTableSheet(wb, "Modalités d'anonymat", {
    title: "Modalités d'anonymat",
    lines: [`CTN ${ctn} · année universitaire ${academicYearLabel(year)}`],
    headers: HEADERS,
    widths: WIDTHS,
  });

  for (const r of [...rows].sort(byPeriodThenAssessment)) {
    const a = r.assessment;
    const row = addTableRow(ws, [
      r.period,
      a.objectCode,
      a.objectLabel,
      sessionLabel(a.session),
      stageLabel(a.stage),
      r.template ?? 'Aucune maquette',
      r.state === null ? '—' : stateLabel(r.state),
    ]);
    wrapColumns(ws, row, [1, 3, 6]);
  }

  return workbookBytes(wb);
}
