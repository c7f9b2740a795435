// Label sheet (étiquettes) for the print shop: one row per label, the header in the first row so
// that a mail merge reads the column names straight away.

import { academicYearLabel, sessionLabel } from './french.js';
import { compareAssessments, compareNumbers } from './order.js';
import type { LabelInput, TemplateInfo } from './types.js';
import { linesHeight } from './text-fit.js';
import {
  addTableRow,
  addTableSheet,
  createWorkbook,
  sheetFont,
  workbookBytes,
  wrapColumns,
} from './xlsx-style.js';

const HEADERS = [
  'N° anonyme',
  'Code',
  "Libellé de l'enseignement",
  'Session',
  'Année universitaire',
];
const WIDTHS = [18, 14, 44, 12, 14];

// Column of the object label, the one free text of a label line.
const LABEL_COLUMN = 3;

// The number in large type, legible from arm's length when the print shop checks a sheet.
const NUMBER_SIZE = 16;

/** Label order: by number, then by assessment so that a per-template number's labels stay together. */
function byNumberThenAssessment(a: LabelInput, b: LabelInput): number {
  return compareNumbers(a.number, b.number) || compareAssessments(a.assessment, b.assessment);
}

/** The label spreadsheet of a template: one row per label, in number order. */
export async function buildLabelSheet(t: TemplateInfo, labels: LabelInput[]): Promise<Buffer> {
  const wb = createWorkbook();
  // The document title names the template, so the print shop can tell several files apart.
  wb.title = `Étiquettes ${t.templateCode} ${academicYearLabel(t.year)}`;

  const ws = addTableSheet(wb, 'Étiquettes', { headers: HEADERS, widths: WIDTHS });

  for (const label of [...labels].sort(byNumberThenAssessment)) {
    const a = label.assessment;
    const row = addTableRow(ws, [
      label.number,
      a.objectCode,
      a.objectLabel,
      sessionLabel(a.session),
      academicYearLabel(a.year),
    ]);
    row.getCell(1).font = sheetFont({ bold: true, size: NUMBER_SIZE });
    row.height = linesHeight(1, NUMBER_SIZE);
    wrapColumns(ws, row, [LABEL_COLUMN]);
  }

  return workbookBytes(wb);
}
