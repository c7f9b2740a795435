// PV de délibération as PDF, for the jury to sign: one section per assessment with its grades,
// counts and pass rate, the anonymity state, the jury's signature block and the fingerprint of the
// data shown (also written to the audit log by the service, so a printed PV can be checked against
// the database), then the reveals before the lift (numbers only). The anonymous renderer reads the
// anonymous number and nothing else.

import type {
  AnonymousGradeRow,
  NamedGradeRow,
  PvSection,
  RevealRow,
  TemplateInfo,
} from '../types.js';
import {
  assessmentLine,
  frenchDateTime,
  frenchNumber,
  stateLabel,
  templateLine,
} from '../french.js';
import {
  ANONYMOUS_ROWS,
  NAMED_ROWS,
  gradeText,
  groupedHex,
  pvFingerprint,
  type PvRows,
} from '../pv-rows.js';
import { REVEALS_TITLE, REVEAL_HEADERS, revealCells } from '../reveals.js';
import { FONT, createPdf, fitText, line, pdfBytes, type Pdf } from './document.js';
import { sectionStats, statLines, type StatLine } from './pv-stats.js';
import { PAGE, drawTable, footPages, type Column } from './table.js';

export { gradeText, groupedHex, pvFingerprint };

/** Options of the PDF PV. */
export interface PdfPvOptions {
  /** Result codes counted as passes. */
  passingResults: readonly string[];
  /** Anonymous PV: groups with fewer grades than this get no statistics (0: never withheld). */
  threshold: number;
  /** ISO timestamp printed as the edition date. */
  generatedAt: string;
  /** Per-student reveals before the lift, listed after the sections (by number only). */
  reveals?: readonly RevealRow[];
}

/** The PDF face of a kind of PV: its rows, and the width in points of each identifying column. */
export interface PvRenderer<Row extends AnonymousGradeRow> extends PvRows<Row> {
  widths: number[];
}

/** Anonymous rows: the number only, in number order. */
export const ANONYMOUS_PV: PvRenderer<AnonymousGradeRow> = { ...ANONYMOUS_ROWS, widths: [110] };

/** Named rows, in name order. */
export const NAMED_PV: PvRenderer<NamedGradeRow> = { ...NAMED_ROWS, widths: [120, 95, 70, 70] };

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

/** A statistic as printed: French decimals, a percentage with one decimal. */
function statText(l: StatLine): string {
  if (typeof l.value === 'string') {
    return l.value;
  }
  switch (l.format) {
    case 'count':
      return String(l.value);
    case 'grade':
      return frenchNumber(l.value);
    case 'percent':
      return `${frenchNumber(Math.round(l.value * 1000) / 10)} %`;
    case 'text':
      return String(l.value);
  }
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
    ...renderer.headers.map((title, k) => ({ title, width: renderer.widths[k] ?? 70 })),
    { title: `Note /${frenchNumber(a.scale)}`, width: 70, align: 'right' },
    { title: 'Résultat', width: 70, align: 'center' },
  ];
  const rows = [...section.rows]
    .sort((x, y) => renderer.compare(x, y))
    .map((r) => [...renderer.identity(r), gradeText(r.grade), r.result ?? '']);
  let y = drawTable(doc, columns, rows, heading(), { onPage: heading });

  const threshold = renderer.kind === 'anonyme' ? o.threshold : 0;
  const stats = sectionStats(section.rows, a.scale, o.passingResults, threshold);
  const pairs = statLines(stats, a.scale, o.threshold).map((l): [string, string] => [
    l.label,
    statText(l),
  ]);
  if (y + 12 + pairs.length * 13 > PAGE.bottom) {
    doc.addPage();
    y = heading();
  }
  y = drawPairs(doc, pairs, y + 12);
  drawSignatures(doc, y + 6, o.fingerprint);
}

// Columns of the reveals list: the reason wraps in the last one, never cut.
const REVEAL_WIDTHS = [75, 55, 80, 85, 215];

/** The reveals before the lift on a page of their own: number, assessment, who, when, why. */
function drawReveals(doc: Pdf, t: TemplateInfo, kind: string, reveals: readonly RevealRow[]): void {
  const columns: Column[] = REVEAL_HEADERS.map((title, k) => ({
    title,
    width: REVEAL_WIDTHS[k] ?? 60,
  }));
  const reasonWidth = (REVEAL_WIDTHS.at(-1) ?? 200) - 6;
  const start = (): number =>
    drawTable(
      doc,
      columns,
      [],
      drawHeading(doc, `${REVEALS_TITLE} — PV ${kind}`, [
        templateLine(t),
        'Identités révélées avant la levée de l’anonymat, sur demande motivée du gestionnaire ' +
          '(opérations journalisées).',
      ]),
    );

  doc.addPage();
  let y = start();
  for (const reveal of reveals) {
    const cells = revealCells(reveal);
    doc.font(FONT.regular).fontSize(9);
    const height = Math.max(14, doc.heightOfString(cells[4] ?? '', { width: reasonWidth }) + 5);
    if (y + height > PAGE.bottom) {
      doc.addPage();
      y = start();
    }

    let x = PAGE.left;
    cells.slice(0, 4).forEach((cell, k) => {
      doc.font(FONT.regular).fontSize(9);
      line(doc, fitText(doc, cell, (REVEAL_WIDTHS[k] ?? 60) - 6), x + 3, y + 3, FONT.regular, 9);
      x += REVEAL_WIDTHS[k] ?? 60;
    });
    doc.text(cells[4] ?? '', x + 3, y + 3, { width: reasonWidth });
    y += height;
    doc.lineWidth(0.4).strokeColor('#888888').moveTo(PAGE.left, y).lineTo(PAGE.right, y).stroke();
  }
}

/** The PDF PV: one section per assessment, then the reveals; page numbers and fingerprint in every footer. */
export async function buildPvPdf<Row extends AnonymousGradeRow>(
  t: TemplateInfo,
  sections: ReadonlyArray<PvSection<Row>>,
  renderer: PvRenderer<Row>,
  o: PdfPvOptions,
): Promise<{ bytes: Buffer; fingerprint: string }> {
  const doc = createPdf(`PV de délibération ${renderer.kind} ${t.templateCode}`, true);
  const reveals = o.reveals ?? [];
  const fingerprint = pvFingerprint(t, sections, renderer, reveals);

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
  if (reveals.length > 0) {
    drawReveals(doc, t, renderer.kind, reveals);
  }

  footPages(
    doc,
    `PV ${renderer.kind} · maquette ${t.templateCode} · empreinte ${fingerprint.slice(0, 16)} · ` +
      `édité le ${frenchDateTime(o.generatedAt)}`,
  );
  return { bytes: await pdfBytes(doc), fingerprint };
}
