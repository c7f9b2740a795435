// PV individuel as PDF: one page per student (named, after the lift) or per anonymous number
// (anonymous, under V), listing every assessment of the template with its grade, result and state,
// then the jury's signatures and the fingerprint of the data shown.

import { frenchDateTime, frenchNumber, sessionLabel, stateLabel, templateLine } from '../french.js';
import { revealCells } from '../reveals.js';
import type { AnonymousGradeRow, PvSection, RevealRow, TemplateInfo } from '../types.js';
import { FONT, createPdf, pdfBytes, type Pdf } from './document.js';
import { byPerson } from '../pv-rows.js';
import {
  drawHeading,
  drawSignatures,
  gradeText,
  pvFingerprint,
  type PdfPvOptions,
  type PvRenderer,
} from './pv.js';
import { PAGE, drawTable, footPages, type Column } from './table.js';

const COLUMNS: Column[] = [
  { title: 'Code', width: 60 },
  { title: 'Épreuve', width: 135 },
  { title: 'Session', width: 90 },
  { title: 'N° anonyme', width: 70 },
  { title: 'Note', width: 50, align: 'right' },
  { title: 'Résultat', width: 55, align: 'center' },
  { title: 'État', width: 50, align: 'center' },
];

/** A line per reveal of this person's numbers under the table; returns the y under them. */
function drawRevealLines(doc: Pdf, reveals: readonly RevealRow[], y: number): number {
  let top = y;
  for (const r of reveals) {
    const [number, object, actor, at, reason] = revealCells(r);
    const text =
      `Levée individuelle d’anonymat du n° ${number ?? ''} (${object ?? ''}) le ${at ?? ''} ` +
      `par ${actor ?? ''} : ${reason ?? ''}`;
    doc.font(FONT.regular).fontSize(8.5);
    const width = PAGE.right - PAGE.left;
    doc.text(text, PAGE.left, top + 8, { width });
    top += 8 + doc.heightOfString(text, { width });
  }
  return top;
}

/** The PV individuel: one page per person, fingerprint shared with the collective PV. */
export async function buildIndividualPvPdf<Row extends AnonymousGradeRow>(
  t: TemplateInfo,
  sections: ReadonlyArray<PvSection<Row>>,
  renderer: PvRenderer<Row>,
  o: PdfPvOptions,
): Promise<{ bytes: Buffer; fingerprint: string; pages: number }> {
  const doc = createPdf(`PV individuels ${renderer.kind} ${t.templateCode}`, true);
  const reveals = o.reveals ?? [];
  const fingerprint = pvFingerprint(t, sections, renderer, reveals);
  const people = byPerson(sections, renderer);

  for (const entries of people) {
    doc.addPage();
    const first = entries[0]!.row;
    const y = drawHeading(doc, `Procès-verbal individuel — ${renderer.kind}`, [
      templateLine(t),
      renderer.personLine(first),
    ]);
    const rows = entries.map((e) => [
      e.assessment.objectCode,
      e.assessment.objectLabel,
      sessionLabel(e.assessment.session),
      e.row.number,
      `${gradeText(e.row.grade)}${e.row.grade?.kind === 'value' ? ` /${frenchNumber(e.assessment.scale)}` : ''}`,
      e.row.result ?? '',
      stateLabel(e.state),
    ]);
    const numbers = new Set(entries.map((e) => e.row.number));
    const mine = reveals.filter((r) => numbers.has(r.number));
    drawSignatures(
      doc,
      drawRevealLines(doc, mine, drawTable(doc, COLUMNS, rows, y)) + 16,
      fingerprint,
    );
  }
  if (people.length === 0) {
    doc.addPage();
    drawHeading(doc, `Procès-verbal individuel — ${renderer.kind}`, [
      templateLine(t),
      'Aucune note.',
    ]);
  }

  footPages(
    doc,
    `PV individuel ${renderer.kind} · maquette ${t.templateCode} · empreinte ${fingerprint.slice(0, 16)} · ` +
      `édité le ${frenchDateTime(o.generatedAt)}`,
  );
  return { bytes: await pdfBytes(doc), fingerprint, pages: people.length };
}
