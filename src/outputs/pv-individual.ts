// PV individuel as a spreadsheet, the same content as the PDF one: for each person (a student once
// named, an anonymous number under V) a block with their assessments, grade, result and state, the
// reveals of their number, the jury's signatures and the fingerprint of the data shown, each block
// printed on a page of its own. Excel keeps at most 1,026 manual page breaks in a sheet, so the
// blocks are spread over sheets of PEOPLE_PER_SHEET people. Lines run over the empty cells on
// their right instead of being merged: exceljs checks each new merged area against every other,
// which took 16 s for the 4,800 blocks of the demo.

import type ExcelJS from 'exceljs';

import { sessionLabel, stateLabel, templateLine } from './french.js';
import { SIGNATURE_ROWS, wideLine } from './pv.js';
import { byPerson, groupedHex, pvFingerprint, type PersonEntry, type PvRows } from './pv-rows.js';
import { revealCells } from './reveals.js';
import type { AnonymousGradeRow, PvOptions, PvSection, RevealRow, TemplateInfo } from './types.js';
import {
  GRADE_FORMAT,
  addTableRow,
  addValues,
  createWorkbook,
  fitRowHeight,
  setColumnWidths,
  setupA4,
  sheetFont,
  styleHeaderRow,
  uniqueSheetName,
  workbookBytes,
  wrapColumns,
} from './xlsx-style.js';

/** People per sheet, under Excel's limit of manual page breaks. */
export const PEOPLE_PER_SHEET = 1000;

const HEADERS = ['Code', 'Épreuve', 'Session', 'N° anonyme', 'Note', 'Barème', 'Résultat', 'État'];
const WIDTHS = [10, 26, 10, 13, 8, 8, 9, 8];

/** One person's block: heading, their assessments, their reveals, signatures, then a page break. */
function writePerson<Row extends AnonymousGradeRow>(
  ws: ExcelJS.Worksheet,
  t: TemplateInfo,
  entries: Array<PersonEntry<Row>>,
  rows: PvRows<Row>,
  shared: { fingerprint: string; reveals: readonly RevealRow[] },
): void {
  const first = entries[0];
  if (!first) {
    return;
  }
  const columns = HEADERS.length;
  const title = addValues(ws, [`Procès-verbal individuel — ${rows.kind}`]);
  title.getCell(1).font = sheetFont({ bold: true, size: 14 });
  fitRowHeight(ws, title);
  addValues(ws, [templateLine(t)]);
  addValues(ws, [rows.personLine(first.row)]).getCell(1).font = sheetFont({ bold: true });

  styleHeaderRow(addValues(ws, HEADERS));
  for (const e of entries) {
    const a = e.assessment;
    const grade = e.row.grade;
    const row = addTableRow(ws, [
      a.objectCode,
      a.objectLabel,
      sessionLabel(a.session),
      e.row.number,
      grade?.kind === 'value' ? grade.value : grade?.kind === 'absence' ? grade.code : null,
      a.scale,
      e.row.result,
      stateLabel(e.state),
    ]);
    row.getCell(5).numFmt = GRADE_FORMAT;
    wrapColumns(ws, row, [2]);
  }

  const numbers = new Set(entries.map((e) => e.row.number));
  for (const r of shared.reveals.filter((x) => numbers.has(x.number))) {
    const [number, object, actor, at, reason] = revealCells(r);
    const text = `Levée individuelle d’anonymat du n° ${number} (${object}) le ${at} par ${actor} : ${reason}`;
    // A few lines in a whole PV: these may be merged, and must wrap.
    wideLine(ws, text, columns, { size: 9 });
  }

  writeSignatures(ws, shared.fingerprint);
  ws.getRow(ws.rowCount).addPageBreak();
}

/** "Fait à …, le …", the president's and the members' titles with room to sign, the fingerprint. */
function writeSignatures(ws: ExcelJS.Worksheet, fingerprint: string): void {
  ws.addRow([]);
  addValues(ws, ['Fait à ………………………, le ………………………']);
  ws.addRow([]);
  const titles = addValues(ws, ['Le président du jury', null, null, null, 'Les membres du jury']);
  titles.font = sheetFont({ bold: true });
  for (let i = 0; i < SIGNATURE_ROWS; i += 1) {
    ws.addRow([]);
  }
  const line = `Empreinte des données affichées (SHA-256) : ${groupedHex(fingerprint)}`;
  addValues(ws, [line]).getCell(1).font = sheetFont({ size: 8 });
}

/** The PV individuel workbook: one block per person, in the PV's order of persons. */
export async function buildIndividualPv<Row extends AnonymousGradeRow>(
  t: TemplateInfo,
  sections: ReadonlyArray<PvSection<Row>>,
  rows: PvRows<Row>,
  options: PvOptions = {},
): Promise<Buffer> {
  const wb = createWorkbook();
  const reveals = options.reveals ?? [];
  const shared = { fingerprint: pvFingerprint(t, sections, rows, reveals), reveals };
  const people = byPerson(sections, rows);

  for (let start = 0; start < Math.max(1, people.length); start += PEOPLE_PER_SHEET) {
    const part = people.length > PEOPLE_PER_SHEET ? ` ${start / PEOPLE_PER_SHEET + 1}` : '';
    const ws = wb.addWorksheet(uniqueSheetName(wb, `PV individuels${part}`));
    setColumnWidths(ws, WIDTHS);
    setupA4(ws);
    for (const entries of people.slice(start, start + PEOPLE_PER_SHEET)) {
      writePerson(ws, t, entries, rows, shared);
    }
    if (people.length === 0) {
      addValues(ws, [`Procès-verbal individuel — ${rows.kind}`]).font = sheetFont({ bold: true });
      addValues(ws, ['Aucune note.']);
    }
  }

  return workbookBytes(wb);
}
