// Correspondence list (liste de correspondance): anonymous number ↔ identity, for the anonymity
// manager only. The caller checks the right and writes the audit entry; this builder only says,
// on the sheet and on every printed page, that the document is confidential and who produced it.

import { assessmentLine, frenchDate, frenchDateTime, templateLine } from './french.js';
import { compareNames } from './order.js';
import type {
  AssessmentInfo,
  CorrespondenceMeta,
  CorrespondenceRow,
  TemplateInfo,
} from './types.js';
import {
  addTableRow,
  addTableSheet,
  createWorkbook,
  workbookBytes,
  wrapColumns,
} from './xlsx-style.js';

const HEADERS = ['Nom', 'Prénom', 'N° étudiant', 'Date de naissance', 'N° anonyme'];
const WIDTHS = [26, 22, 14, 18, 18];

/** The correspondence list of a template (or of one of its assessments), sorted by name. */
export async function buildCorrespondenceList(
  t: TemplateInfo,
  a: AssessmentInfo | null,
  rows: CorrespondenceRow[],
  meta: CorrespondenceMeta,
): Promise<Buffer> {
  const wb = createWorkbook();
  // With one number per student and assessment, a student holds several: say which is which.
  const perAssessment = rows.some((r) => r.objectCode);

  const ws = addTableSheet(wb, 'Correspondance', {
    title: 'Liste de correspondance — CONFIDENTIEL',
    lines: [
      templateLine(t),
      a ? assessmentLine(a) : 'Toutes les épreuves de la maquette',
      `Éditée par ${meta.generatedBy} le ${frenchDateTime(meta.generatedAt)}`,
      "Document confidentiel réservé au gestionnaire de l'anonymat : ne pas diffuser ni copier.",
    ],
    headers: perAssessment ? [...HEADERS, 'Épreuve'] : HEADERS,
    widths: perAssessment ? [...WIDTHS, 12] : WIDTHS,
    pageHeader: 'CONFIDENTIEL',
  });

  const order = (x: CorrespondenceRow, y: CorrespondenceRow): number =>
    compareNames(x, y) || (x.objectCode ?? '').localeCompare(y.objectCode ?? '');
  for (const row of [...rows].sort(order)) {
    const birthDate = row.birthDate === null ? null : frenchDate(row.birthDate);
    const cells = [row.lastName, row.firstName, row.studentNumber, birthDate, row.number];
    const line = addTableRow(ws, perAssessment ? [...cells, row.objectCode ?? ''] : cells);
    wrapColumns(ws, line, [1, 2]);
  }

  return workbookBytes(wb);
}
