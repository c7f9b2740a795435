// Label sheets as PDF for pre-cut A4 sticker sheets: one label per student and assessment, in
// anonymous-number order, the number large, the object and session under it, and a barcode of
// the number that a scanner reads back exactly. Spare labels (for students registered at the last
// minute) carry a number bound to nobody yet and say so.

import { academicYearLabel, frenchDate, sessionLabel } from '../french.js';
import { compareAssessments, compareNumbers } from '../order.js';
import type { AssessmentInfo, TemplateInfo } from '../types.js';
import { drawCode128, drawDataMatrix } from './barcodes.js';
import { FONT, MM, createPdf, fitText, line, pdfBytes, type Pdf } from './document.js';
import type { LabelGrid, Symbology } from './layouts.js';

/** One label of the PDF sheet: a number for an assessment; no identity field by construction. */
export interface PdfLabel {
  number: string;
  assessment: AssessmentInfo;
  /** A spare label: its number is not bound to a student yet. */
  spare?: boolean;
}

/** How the sheet is printed. */
export interface LabelSheetOptions {
  grid: LabelGrid;
  symbology: Symbology;
  /** Exam date per assessment id (ISO `yyyy-mm-dd`), printed when known. */
  examDates?: ReadonlyMap<number, string>;
  /** Draw each label's outline, for a test print on plain paper. */
  outline?: boolean;
}

/** Sizes of one label's content, in points, computed once per sheet. */
interface LabelGeometry {
  pad: number;
  width: number;
  height: number;
  numberSize: number;
  smallSize: number;
  textWidth: number;
}

function geometry(grid: LabelGrid): LabelGeometry {
  const width = grid.labelWidth * MM;
  const height = grid.labelHeight * MM;
  const pad = Math.min(3.5 * MM, height * 0.09);
  const inner = height - 2 * pad;
  const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));

  return {
    pad,
    width,
    height,
    numberSize: clamp(inner * 0.27, 12, 24),
    smallSize: clamp(inner * 0.1, 6, 8.5),
    textWidth: width - 2 * pad,
  };
}

/** Labels in number order, then by assessment, so a per-template number's labels stay together. */
function labelOrder(a: PdfLabel, b: PdfLabel): number {
  return compareNumbers(a.number, b.number) || compareAssessments(a.assessment, b.assessment);
}

/** "Session 1 · 2026/2027 · 12/01/2027". */
function sessionLine(label: PdfLabel, dates: ReadonlyMap<number, string> | undefined): string {
  const a = label.assessment;
  const date = dates?.get(a.assessmentId);
  const parts = [sessionLabel(a.session), academicYearLabel(a.year)];
  if (date) {
    parts.push(frenchDate(date));
  }
  return parts.join(' · ');
}

/** Draws one label with its top-left corner at (x, y). */
function drawLabel(
  doc: Pdf,
  label: PdfLabel,
  x: number,
  y: number,
  g: LabelGeometry,
  o: LabelSheetOptions,
): void {
  const a = label.assessment;
  const left = x + g.pad;
  let top = y + g.pad;

  line(doc, label.number, left, top, FONT.bold, g.numberSize);
  top += g.numberSize * 1.05;
  doc.font(FONT.bold).fontSize(g.smallSize);
  line(
    doc,
    fitText(doc, `${a.objectCode} — ${a.objectLabel}`, g.textWidth),
    left,
    top,
    FONT.bold,
    g.smallSize,
  );
  top += g.smallSize * 1.3;
  doc.font(FONT.regular).fontSize(g.smallSize);
  line(
    doc,
    fitText(doc, sessionLine(label, o.examDates), g.textWidth),
    left,
    top,
    FONT.regular,
    g.smallSize,
  );
  top += g.smallSize * 1.3 + 2;

  // The barcode takes the band under the text: Code 128 as wide as it needs, DataMatrix square.
  const band = { x: x + g.pad / 2, y: top, height: y + g.height - g.pad - top };
  if (o.symbology === 'code128') {
    drawCode128(doc, label.number, {
      ...band,
      width: g.width - g.pad,
      maxModule: 0.42 * MM,
    });
  } else if (o.symbology === 'datamatrix') {
    drawDataMatrix(doc, label.number, band.x, band.y, band.height);
  }
  if (label.spare) {
    // Top right, beside the number: the barcode band may leave no room on narrow labels.
    doc.font(FONT.bold).fontSize(g.smallSize);
    const tag = 'RÉSERVE';
    line(doc, tag, x + g.width - g.pad - doc.widthOfString(tag), y + g.pad, FONT.bold, g.smallSize);
  }
  if (o.outline) {
    doc.lineWidth(0.3).strokeColor('#999999').rect(x, y, g.width, g.height).stroke();
  }
}

/** The PDF label sheet of a template: labels in number order across the grid, page after page. */
export async function buildLabelPdf(
  t: TemplateInfo,
  labels: readonly PdfLabel[],
  o: LabelSheetOptions,
): Promise<Buffer> {
  const doc = createPdf(`Étiquettes ${t.templateCode} ${academicYearLabel(t.year)}`);
  const grid = o.grid;
  const g = geometry(grid);
  const perPage = grid.columns * grid.rows;

  [...labels].sort(labelOrder).forEach((label, k) => {
    const slot = k % perPage;
    if (slot === 0) {
      doc.addPage();
    }
    const column = slot % grid.columns;
    const row = Math.floor(slot / grid.columns);
    const x = (grid.marginLeft + column * (grid.labelWidth + grid.gapX)) * MM;
    const y = (grid.marginTop + row * (grid.labelHeight + grid.gapY)) * MM;
    drawLabel(doc, label, x, y, g, o);
  });

  // An empty sheet still opens as a PDF and says why it is empty.
  if (labels.length === 0) {
    doc.addPage();
    line(doc, 'Aucune étiquette à imprimer.', 20 * MM, 20 * MM, FONT.regular, 12);
  }

  return pdfBytes(doc);
}
