// Anonymous grade-entry workbook (bordereau de saisie): one row per anonymous number, only the
// grade and observation cells editable, the grade checked as typed, and a very hidden sheet
// carrying the fingerprint that lets the grade channel recognise and verify it when it comes back.
//
// The sheet protection has no password on purpose: it guards against slips (typing over a number,
// sorting the rows), not against a determined person, who could remove any password with a free
// tool. Tampering is caught on import by the fingerprint (numbers digest and MAC), not here.

import type ExcelJS from 'exceljs';

import { ABSENCE_CODES, type AbsenceCode } from '../domain/types.js';
import { academicYearLabel, frenchNumber, sessionLabel } from './french.js';
import {
  ENTRY_SHEET_NAME,
  FINGERPRINT_SHEET_NAME,
  type SignedFingerprint,
} from './grade-entry-sheet.js';
import { compareNumbers } from './order.js';
import type { AssessmentInfo, TemplateInfo } from './types.js';
import {
  GRADE_FORMAT,
  addTableRow,
  addTableSheet,
  addValues,
  createWorkbook,
  workbookBytes,
} from './xlsx-style.js';

export {
  ENTRY_HEADER_ROW,
  ENTRY_SHEET_NAME,
  FINGERPRINT_SHEET_NAME,
  readFingerprintSheet,
  type SignedFingerprint,
} from './grade-entry-sheet.js';

const ABSENCE_LABELS: Readonly<Record<AbsenceCode, string>> = {
  ABI: 'absence injustifiée',
  ABJ: 'absence justifiée',
  DEF: 'défaillant',
  DEM: 'démissionnaire',
  DIS: 'dispensé',
};

const WIDTHS = [18, 14, 52];

// Fill of the cells a teacher types into, so that the editable column stands out.
const INPUT_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFFFF2CC' },
};

// French typography: a no-break space inside the guillemets, so that a line never ends on "«".
const quoted = (text: string): string => `«\u00a0${text}\u00a0»`;

/** The instruction lines printed above the table (rows 2 to 4; row 1 is the title). */
function instructions(t: TemplateInfo, a: AssessmentInfo): string[] {
  const scale = frenchNumber(a.scale);
  const codes = ABSENCE_CODES.map((code) => `${code} (${ABSENCE_LABELS[code]})`).join(', ');

  return [
    `Saisissez dans la colonne ${quoted(`Note /${scale}`)} une note de 0 à ${scale} avec au plus deux décimales ` +
      `(virgule ou point décimal selon votre tableur, par exemple 12,5), ou un code d'absence : ${codes}. ` +
      "Laissez la cellule vide si la copie n'est pas encore notée.",
    "N'ajoutez, ne supprimez et ne déplacez aucune ligne : chaque note doit rester en face de son " +
      `numéro anonyme. La colonne ${quoted('Observations')} est libre.`,
    'Enregistrez le classeur au format Excel (.xlsx), sans mot de passe, puis déposez-le dans le ' +
      `dossier ${quoted('notes')} du CTN ${t.ctn}. Un accusé de réception vous indiquera les notes retenues.`,
  ];
}

/** The validation formula of one grade cell. */
function gradeFormula(cell: string, scale: number): string {
  const codes = ABSENCE_CODES.map((code) => `${cell}="${code}"`).join(',');

  // IF, not AND, so that a text such as "ABI" never reaches the arithmetic (which would make the
  // whole formula an error, and Excel would then refuse the code). The tolerance absorbs binary
  // rounding of values such as 12.35 * 100.
  return (
    `IF(ISNUMBER(${cell}),AND(${cell}>=0,${cell}<=${scale},` +
    `ABS(${cell}*100-ROUND(${cell}*100,0))<0.000001),OR(${codes}))`
  );
}

/** Typed-input check of the grade cells, with its French prompt and error message. */
function gradeValidation(cell: string, scale: number): ExcelJS.DataValidation {
  const max = frenchNumber(scale);
  const codes = ABSENCE_CODES.join(', ');

  return {
    type: 'custom',
    allowBlank: true,
    formulae: [gradeFormula(cell, scale)],
    showInputMessage: true,
    promptTitle: `Note sur ${max}`,
    prompt: `Une note de 0 à ${max} (deux décimales au plus) ou un code : ${codes}.`,
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: 'Note refusée',
    error:
      `Saisissez une note de 0 à ${max} avec au plus deux décimales (par exemple 12,5), ` +
      `ou l'un des codes ${codes}.`,
  };
}

/** Writes one row per number, the grade and observation cells unlocked and checked. */
function writeNumberRows(ws: ExcelJS.Worksheet, a: AssessmentInfo, numbers: string[]): void {
  for (const number of [...numbers].sort(compareNumbers)) {
    const row = addTableRow(ws, [number, null, null]);

    // One validation per cell (exceljs's typed API), each formula naming its own cell.
    const grade = row.getCell(2);
    grade.numFmt = GRADE_FORMAT;
    grade.fill = INPUT_FILL;
    grade.protection = { locked: false };
    grade.dataValidation = gradeValidation(grade.address, a.scale);

    row.getCell(3).protection = { locked: false };
  }
}

/** The fingerprint as key/value rows: every field, then the MAC. */
function fingerprintRows(fp: SignedFingerprint): Array<[string, string]> {
  const f = fp.fields;

  return [
    ['format', f.format],
    ['ctn', f.ctn],
    ['year', String(f.year)],
    ['templateId', String(f.templateId)],
    ['templateCode', f.templateCode],
    ['assessmentId', String(f.assessmentId)],
    ['numbersDigest', f.numbersDigest],
    ['mac', fp.mac],
  ];
}

/** The anonymous grade-entry workbook of one assessment: numbers in order, grades to type. */
export async function buildGradeEntryWorkbook(
  t: TemplateInfo,
  a: AssessmentInfo,
  numbers: string[],
  fingerprint: SignedFingerprint,
): Promise<Buffer> {
  const wb = createWorkbook();
  const title =
    `Bordereau de saisie des notes — ${a.objectCode} ${a.objectLabel} — ` +
    `${sessionLabel(a.session)} — ${academicYearLabel(a.year)}`;

  const lines = instructions(t, a);

  const ws = addTableSheet(wb, ENTRY_SHEET_NAME, {
    title,
    lines,
    headers: ['N° anonyme', `Note /${frenchNumber(a.scale)}`, 'Observations'],
    widths: WIDTHS,
  });
  writeNumberRows(ws, a, numbers);

  // Resizing columns is allowed so that a teacher can widen one to read a remark; everything
  // else (typing over a number, inserting, deleting, sorting rows) is not.
  await ws.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true });

  const hidden = wb.addWorksheet(FINGERPRINT_SHEET_NAME, { state: 'veryHidden' });
  for (const pair of fingerprintRows(fingerprint)) {
    addValues(hidden, pair);
  }

  return workbookBytes(wb);
}
