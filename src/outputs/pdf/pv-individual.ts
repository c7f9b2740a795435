// PV individuel as PDF: one page per student (named, after the lift) or per anonymous number
// (anonymous, under V), listing every assessment of the template with its grade, result and state,
// then the jury's signatures and the fingerprint of the data shown.

import { frenchDateTime, frenchNumber, sessionLabel, stateLabel, templateLine } from '../french.js';
import { compareAssessments } from '../order.js';
import type { AnonymousGradeRow, AssessmentInfo, PvSection, TemplateInfo } from '../types.js';
import { createPdf, pdfBytes } from './document.js';
import {
  drawHeading,
  drawSignatures,
  gradeText,
  pvFingerprint,
  type PdfPvOptions,
  type PvRenderer,
} from './pv.js';
import { drawTable, footPages, type Column } from './table.js';

const COLUMNS: Column[] = [
  { title: 'Code', width: 60 },
  { title: 'Épreuve', width: 135 },
  { title: 'Session', width: 90 },
  { title: 'N° anonyme', width: 70 },
  { title: 'Note', width: 50, align: 'right' },
  { title: 'Résultat', width: 55, align: 'center' },
  { title: 'État', width: 50, align: 'center' },
];

/** One person's lines: the row of each assessment they hold a number for. */
interface Entry<Row> {
  row: Row;
  assessment: AssessmentInfo;
  state: string;
}

/** Groups the rows of every section by person, in the renderer's order of persons. */
function byPerson<Row extends AnonymousGradeRow>(
  sections: ReadonlyArray<PvSection<Row>>,
  renderer: PvRenderer<Row>,
): Array<Array<Entry<Row>>> {
  const people = new Map<string, Array<Entry<Row>>>();
  for (const s of sections) {
    const state = stateLabel(s.state ?? renderer.defaultState);
    for (const row of s.rows) {
      const key = renderer.person(row);
      const list = people.get(key) ?? [];
      list.push({ row, assessment: s.assessment, state });
      people.set(key, list);
    }
  }
  return [...people.values()].sort((a, b) => renderer.compare(a[0]!.row, b[0]!.row));
}

/** The PV individuel: one page per person, fingerprint shared with the collective PV. */
export async function buildIndividualPvPdf<Row extends AnonymousGradeRow>(
  t: TemplateInfo,
  sections: ReadonlyArray<PvSection<Row>>,
  renderer: PvRenderer<Row>,
  o: PdfPvOptions,
): Promise<{ bytes: Buffer; fingerprint: string; pages: number }> {
  const doc = createPdf(`PV individuels ${renderer.kind} ${t.templateCode}`, true);
  const fingerprint = pvFingerprint(t, sections, renderer);
  const people = byPerson(sections, renderer);

  for (const entries of people) {
    doc.addPage();
    const first = entries[0]!.row;
    const y = drawHeading(doc, `Procès-verbal individuel — ${renderer.kind}`, [
      templateLine(t),
      renderer.personLine(first),
    ]);
    const rows = [...entries]
      .sort((a, b) => compareAssessments(a.assessment, b.assessment))
      .map((e) => [
        e.assessment.objectCode,
        e.assessment.objectLabel,
        sessionLabel(e.assessment.session),
        e.row.number,
        `${gradeText(e.row.grade)}${e.row.grade?.kind === 'value' ? ` /${frenchNumber(e.assessment.scale)}` : ''}`,
        e.row.result ?? '',
        e.state,
      ]);
    drawSignatures(doc, drawTable(doc, COLUMNS, rows, y) + 16, fingerprint);
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
