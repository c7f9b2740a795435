// Progress report (état d'avancement): per assessment of a template, its state and how far the
// numbering and the grading have gone. Rows that need the manager's attention (students still
// without a number, numbers whose enrolment disappeared) are highlighted.

import type ExcelJS from 'exceljs';

import { sessionLabel, stageLabel, stateLabel, templateLine } from './french.js';
import { compareAssessments } from './order.js';
import type { ProgressRow, TemplateInfo } from './types.js';
import {
  addTableRow,
  addTableSheet,
  createWorkbook,
  workbookBytes,
  wrapColumns,
} from './xlsx-style.js';

const HEADERS = [
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
];
const WIDTHS = [12, 30, 12, 14, 9, 11, 11, 11, 14, 9];

// Columns (1-based) of the counts that call for action when they are not zero.
const WITHOUT_NUMBER_COLUMN = 8;
const LOST_ENROLMENT_COLUMN = 9;

const WARNING_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFFCE4D6' },
};

/** The progress report of a template: one row per assessment. */
export async function buildProgressReport(t: TemplateInfo, rows: ProgressRow[]): Promise<Buffer> {
  const wb = createWorkbook();

  const ws = addTableSheet(wb, "État d'avancement", {
    title: "État d'avancement de l'anonymat",
    lines: [templateLine(t)],
    headers: HEADERS,
    widths: WIDTHS,
  });

  for (const r of [...rows].sort((x, y) => compareAssessments(x.assessment, y.assessment))) {
    const a = r.assessment;
    const row = addTableRow(ws, [
      a.objectCode,
      a.objectLabel,
      sessionLabel(a.session),
      stageLabel(a.stage),
      stateLabel(r.state),
      r.concerned,
      r.numbered,
      r.withoutNumber,
      r.lostEnrolment,
      r.graded,
    ]);

    wrapColumns(ws, row, [2]);
    for (const column of [WITHOUT_NUMBER_COLUMN, LOST_ENROLMENT_COLUMN]) {
      if (row.getCell(column).value !== 0) {
        row.getCell(column).fill = WARNING_FILL;
      }
    }
  }

  return workbookBytes(wb);
}
