// Attendance sheets (listes d'émargement) for the day of the exam, in two separate documents so
// that no page ties a number to a person: the sheet the students sign carries identities and no
// number; the slip that travels with the copies to the graders carries numbers only, in number
// order, with a box to tick per copy handed in.

import { academicYearLabel, assessmentLine, frenchDate, templateLine } from '../french.js';
import { compareNames, compareNumbers } from '../order.js';
import type { AssessmentInfo, TemplateInfo } from '../types.js';
import { FONT, createPdf, line, pdfBytes } from './document.js';
import { drawHeading } from './pv.js';
import { PAGE, drawTable, footPages, type Column } from './table.js';

/** Someone expected in the room: identity only, never a number. */
export interface AttendanceStudent {
  lastName: string;
  firstName: string;
  studentNumber: string;
}

/** One room (or the whole assessment) on the day. */
export interface AttendanceGroup {
  /** "Amphi A", or "Toutes salles" when sheets are per assessment. */
  room: string;
  assessment: AssessmentInfo;
  students: AttendanceStudent[];
}

/** Numbers of one group, for the slip that travels with the copies. */
export interface CopySlipGroup {
  room: string;
  assessment: AssessmentInfo;
  numbers: string[];
}

/** Exam date and time printed on both documents, when known. */
export interface ExamDay {
  date?: string;
  time?: string;
}

const SIGN_COLUMNS: Column[] = [
  { title: 'N°', width: 28, align: 'right' },
  { title: 'Nom', width: 150 },
  { title: 'Prénom', width: 110 },
  { title: 'N° étudiant', width: 75 },
  { title: 'Signature', width: 147 },
];

const SLIP_COLUMNS: Column[] = [
  { title: 'N°', width: 40, align: 'right' },
  { title: 'N° anonyme', width: 160 },
  { title: 'Copie remise', width: 90, align: 'center' },
  { title: 'Observations', width: 220 },
];

function dayLine(room: string, day: ExamDay): string {
  const when = [day.date ? `le ${frenchDate(day.date)}` : '', day.time ? `à ${day.time}` : ''];
  return [`Salle : ${room}`, when.filter(Boolean).join(' ')].filter(Boolean).join(' · ');
}

/** The sheet the students sign: one section per group, names in directory order, no number. */
export async function buildAttendanceSheet(
  t: TemplateInfo,
  groups: readonly AttendanceGroup[],
  day: ExamDay,
): Promise<Buffer> {
  const doc = createPdf(`Émargement ${t.templateCode} ${academicYearLabel(t.year)}`, true);
  for (const g of groups) {
    const heading = (): number =>
      drawHeading(doc, "Liste d'émargement", [
        templateLine(t),
        assessmentLine(g.assessment),
        dayLine(g.room, day),
      ]);
    doc.addPage();
    const rows = [...g.students]
      .sort(compareNames)
      .map((s, k) => [String(k + 1), s.lastName, s.firstName, s.studentNumber, '']);
    const y = drawTable(doc, SIGN_COLUMNS, rows, heading(), { rowHeight: 24, onPage: heading });
    closing(
      doc,
      y,
      `${g.students.length} étudiant(s) attendu(s) · présents : ………… · absents : …………`,
    );
  }
  footPages(doc, "Liste d'émargement · reste au service des examens, ne suit pas les copies");
  return pdfBytes(doc);
}

/** The slip that travels with the copies: anonymous numbers only, in number order. */
export async function buildCopySlip(
  t: TemplateInfo,
  groups: readonly CopySlipGroup[],
  day: ExamDay,
): Promise<Buffer> {
  const doc = createPdf(
    `Bordereau des copies ${t.templateCode} ${academicYearLabel(t.year)}`,
    true,
  );
  for (const g of groups) {
    const heading = (): number =>
      drawHeading(doc, "Bordereau d'accompagnement des copies", [
        templateLine(t),
        assessmentLine(g.assessment),
        dayLine(g.room, day),
      ]);
    doc.addPage();
    const rows = [...g.numbers].sort(compareNumbers).map((n, k) => [String(k + 1), n, '', '']);
    const y = drawTable(doc, SLIP_COLUMNS, rows, heading(), { rowHeight: 18, onPage: heading });
    closing(
      doc,
      y,
      `${g.numbers.length} numéro(s) · copies remises : ………… · visa du surveillant :`,
    );
  }
  footPages(
    doc,
    "Bordereau d'accompagnement des copies · anonyme · suit les copies jusqu'aux correcteurs",
  );
  return pdfBytes(doc);
}

/** The count line under a table, on a new page when the table filled this one. */
function closing(doc: PDFKit.PDFDocument, y: number, text: string): void {
  let top = y + 12;
  if (top + 14 > PAGE.bottom) {
    doc.addPage();
    top = PAGE.top;
  }
  line(doc, text, PAGE.left, top, FONT.regular, 9);
}
