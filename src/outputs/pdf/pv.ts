// PV de délibération as PDF, for the jury to sign: one section per assessment with its grades,
// counts and pass rate, the anonymity state, the jury's signature block and the fingerprint of the
// data shown (also written to the audit log by the service, so a printed PV can be checked against
// the database). The anonymous renderer reads the anonymous number and nothing else.

import { createHash } from 'node:crypto';

import { canonicalJson } from '../../domain/audit-chain.js';
import type { AnonymityState, GradeValue } from '../../domain/types.js';
import {
  assessmentLine,
  frenchDateTime,
  frenchNumber,
  stateLabel,
  templateLine,
} from '../french.js';
import { compareNames, compareNumbers } from '../order.js';
import type { AnonymousGradeRow, NamedGradeRow, PvSection, TemplateInfo } from '../types.js';
import { FONT, createPdf, fitText, line, pdfBytes, type Pdf } from './document.js';
import { sectionStats, type SectionStats } from './pv-stats.js';
import { PAGE, drawTable, footPages, type Column } from './table.js';

/** Options of the PDF PV. */
export interface PdfPvOptions {
  /** Result codes counted as passes. */
  passingResults: readonly string[];
  /** Anonymous PV: groups with fewer grades than this get no statistics (0: never withheld). */
  threshold: number;
  /** ISO timestamp printed as the edition date. */
  generatedAt: string;
}

/** How one kind of PV shows its rows: identifying columns first, in its own order. */
export interface PvRenderer<Row extends AnonymousGradeRow> {
  /** Word closing the title: "anonyme" or "nominatif". */
  kind: 'anonyme' | 'nominatif';
  defaultState: AnonymityState;
  columns: Column[];
  compare(a: Row, b: Row): number;
  identity(row: Row): string[];
  /** Who a row is about, for the PV individuel: the number, or the student number once named. */
  person(row: Row): string;
  /** How the PV individuel names that person. */
  personLine(row: Row): string;
}

/** Anonymous rows: the number only, in number order. */
export const ANONYMOUS_PV: PvRenderer<AnonymousGradeRow> = {
  kind: 'anonyme',
  defaultState: 'V',
  columns: [{ title: 'N° anonyme', width: 110 }],
  compare: (a, b) => compareNumbers(a.number, b.number),
  identity: (row) => [row.number],
  person: (row) => row.number,
  personLine: (row) => `N° anonyme : ${row.number}`,
};

/** Named rows, in name order. */
export const NAMED_PV: PvRenderer<NamedGradeRow> = {
  kind: 'nominatif',
  defaultState: 'L',
  columns: [
    { title: 'Nom', width: 120 },
    { title: 'Prénom', width: 95 },
    { title: 'N° étudiant', width: 70 },
    { title: 'N° anonyme', width: 70 },
  ],
  compare: compareNames,
  identity: (row) => [row.lastName, row.firstName, row.studentNumber, row.number],
  person: (row) => row.studentNumber,
  personLine: (row) => `${row.lastName} ${row.firstName} · N° étudiant : ${row.studentNumber}`,
};

/** "12,5", an absence code, or "" for no grade. */
export function gradeText(grade: GradeValue | null): string {
  if (grade === null) {
    return '';
  }
  switch (grade.kind) {
    case 'value':
      return frenchNumber(grade.value);
    case 'absence':
      return grade.code;
    case 'blank':
      return '';
  }
}

/** sha256 hex of exactly what a PV shows: the renderer's identity columns, grades, results, states. */
export function pvFingerprint<Row extends AnonymousGradeRow>(
  t: TemplateInfo,
  sections: ReadonlyArray<PvSection<Row>>,
  renderer: PvRenderer<Row>,
): string {
  const shown = sections.map((s) => ({
    assessmentId: s.assessment.assessmentId,
    state: s.state ?? renderer.defaultState,
    rows: [...s.rows]
      .sort((a, b) => renderer.compare(a, b))
      .map((r) => [...renderer.identity(r), gradeText(r.grade), r.result ?? '']),
  }));
  return createHash('sha256')
    .update(canonicalJson({ templateId: t.templateId, kind: renderer.kind, sections: shown }))
    .digest('hex');
}

/** "3f2a 9b1c …": a fingerprint grouped by four for reading aloud. */
export function groupedHex(hex: string): string {
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}

/** Title, template and assessment lines at the top of a page; returns the y under them. */
export function drawHeading(doc: Pdf, title: string, lines: readonly string[]): number {
  const width = PAGE.right - PAGE.left;
  line(doc, title, PAGE.left, PAGE.top, FONT.bold, 14);
  let y = PAGE.top + 22;
  doc.font(FONT.regular).fontSize(9);
  for (const text of lines) {
    line(doc, fitText(doc, text, width), PAGE.left, y, FONT.regular, 9);
    y += 13;
  }
  return y + 6;
}

function statLines(s: SectionStats, scale: number, threshold: number): Array<[string, string]> {
  const pairs: Array<[string, string]> = [
    ['Inscrits', String(s.enrolled)],
    ['Présents (note chiffrée)', String(s.present)],
    ['Absents (ABI, ABJ, DEF, DEM)', String(s.absent)],
    ['Dispensés (DIS)', String(s.exempt)],
    ['Sans note', String(s.ungraded)],
  ];
  if (s.withheld) {
    pairs.push([
      'Statistiques',
      `non publiées : moins de ${threshold} notes chiffrées (protection de l’anonymat)`,
    ]);
    return pairs;
  }

  const percent = (v: number | null): string =>
    v === null ? '—' : `${frenchNumber(Math.round(v * 1000) / 10)} %`;
  const grade = (v: number | null): string => (v === null ? '—' : frenchNumber(v));
  if (s.admitted !== null) {
    pairs.push(['Admis', String(s.admitted)]);
  }
  pairs.push([
    s.passRateBasis === 'results'
      ? 'Taux de réussite (résultats)'
      : `Taux de notes ≥ ${frenchNumber(scale / 2)}`,
    percent(s.passRate),
  ]);
  pairs.push(['Moyenne des présents', grade(s.mean)]);
  pairs.push(['Note la plus basse / la plus haute', `${grade(s.min)} / ${grade(s.max)}`]);
  return pairs;
}

/** Key/value lines (counts) from y; returns the y under them. */
function drawPairs(doc: Pdf, pairs: ReadonlyArray<[string, string]>, y: number): number {
  let top = y;
  for (const [key, value] of pairs) {
    line(doc, key, PAGE.left, top, FONT.regular, 9);
    doc.font(FONT.bold).fontSize(9);
    line(
      doc,
      fitText(doc, value, PAGE.right - PAGE.left - 190),
      PAGE.left + 190,
      top,
      FONT.bold,
      9,
    );
    top += 13;
  }
  return top;
}

/** Signature block height, in points. */
const SIGNATURE_HEIGHT = 120;

/** "Fait à …, le …", the president's and the members' boxes, and the fingerprint under them. */
export function drawSignatures(doc: Pdf, y: number, fingerprint: string): number {
  let top = y;
  if (top + SIGNATURE_HEIGHT > PAGE.bottom) {
    doc.addPage();
    top = PAGE.top;
  }

  line(doc, 'Fait à ……………………………………, le ……………………', PAGE.left, top + 8, FONT.regular, 9);
  const boxTop = top + 26;
  const half = (PAGE.right - PAGE.left - 10) / 2;
  for (const [k, title] of ['Le président du jury', 'Les membres du jury'].entries()) {
    const x = PAGE.left + k * (half + 10);
    doc.lineWidth(0.6).strokeColor('#555555').rect(x, boxTop, half, 64).stroke();
    line(doc, title, x + 5, boxTop + 5, FONT.bold, 9);
  }
  line(
    doc,
    `Empreinte des données affichées (SHA-256) : ${groupedHex(fingerprint)}`,
    PAGE.left,
    boxTop + 72,
    FONT.regular,
    6.5,
  );
  return boxTop + 84;
}

/** Draws one section on a fresh page: heading, grade table, counts, signatures. */
function drawSection<Row extends AnonymousGradeRow>(
  doc: Pdf,
  t: TemplateInfo,
  section: PvSection<Row>,
  renderer: PvRenderer<Row>,
  o: PdfPvOptions & { fingerprint: string },
): void {
  const a = section.assessment;
  const state = section.state ?? renderer.defaultState;
  const heading = (): number =>
    drawHeading(doc, `Procès-verbal de délibération — ${renderer.kind}`, [
      templateLine(t),
      assessmentLine(a),
      `État d'anonymat : ${stateLabel(state)}`,
    ]);

  doc.addPage();
  const columns: Column[] = [
    ...renderer.columns,
    { title: `Note /${frenchNumber(a.scale)}`, width: 70, align: 'right' },
    { title: 'Résultat', width: 70, align: 'center' },
  ];
  const rows = [...section.rows]
    .sort((x, y) => renderer.compare(x, y))
    .map((r) => [...renderer.identity(r), gradeText(r.grade), r.result ?? '']);
  let y = drawTable(doc, columns, rows, heading(), { onPage: heading });

  const threshold = renderer.kind === 'anonyme' ? o.threshold : 0;
  const stats = sectionStats(section.rows, a.scale, o.passingResults, threshold);
  const pairs = statLines(stats, a.scale, o.threshold);
  if (y + 12 + pairs.length * 13 > PAGE.bottom) {
    doc.addPage();
    y = heading();
  }
  y = drawPairs(doc, pairs, y + 12);
  drawSignatures(doc, y + 6, o.fingerprint);
}

/** The PDF PV: one section per assessment, page numbers and fingerprint in every footer. */
export async function buildPvPdf<Row extends AnonymousGradeRow>(
  t: TemplateInfo,
  sections: ReadonlyArray<PvSection<Row>>,
  renderer: PvRenderer<Row>,
  o: PdfPvOptions,
): Promise<{ bytes: Buffer; fingerprint: string }> {
  const doc = createPdf(`PV de délibération ${renderer.kind} ${t.templateCode}`, true);
  const fingerprint = pvFingerprint(t, sections, renderer);

  for (const section of sections) {
    drawSection(doc, t, section, renderer, { ...o, fingerprint });
  }
  if (sections.length === 0) {
    doc.addPage();
    drawHeading(doc, `Procès-verbal de délibération — ${renderer.kind}`, [
      templateLine(t),
      'Aucune épreuve à délibérer.',
    ]);
  }

  footPages(
    doc,
    `PV ${renderer.kind} · maquette ${t.templateCode} · empreinte ${fingerprint.slice(0, 16)} · ` +
      `édité le ${frenchDateTime(o.generatedAt)}`,
  );
  return { bytes: await pdfBytes(doc), fingerprint };
}
