// PV de délibération: one sheet per assessment with its grades, the same counts and figures as
// the PDF PV (withheld the same way for a small anonymous group), the jury's signature block and
// the fingerprint of the data shown, then the per-student reveals. The anonymous and the named PV
// share every line of the sheet writing; they differ only in their rows (pv-rows.ts), which decide
// the identifying columns and the order.

import type ExcelJS from 'exceljs';

import type { GradeValue } from '../domain/types.js';
import { assessmentLine, frenchNumber, stateLabel, templateLine } from './french.js';
import { sectionStats, statLines, type StatFormat, type StatLine } from './pdf/pv-stats.js';
import { ANONYMOUS_ROWS, NAMED_ROWS, groupedHex, pvFingerprint, type PvRows } from './pv-rows.js';
import { addRevealSheet } from './reveals.js';
import { keepTogether } from './xlsx-pages.js';
import type {
  AnonymousGradeRow,
  AssessmentInfo,
  NamedGradeRow,
  PvOptions,
  PvSection,
  TemplateInfo,
} from './types.js';
import {
  type CellInput,
  GRADE_FORMAT,
  addPairs,
  addTableRow,
  addTableSheet,
  addTitleBlock,
  addValues,
  createWorkbook,
  fitRowHeight,
  sheetFont,
  workbookBytes,
  wrapColumns,
} from './xlsx-style.js';

/** Result codes counted as "admis" when the caller does not configure its own. */
export const DEFAULT_PASSING_RESULTS: readonly string[] = ['ADM', 'ADMI', 'VAL'];

/** The spreadsheet face of a kind of PV: its rows and the width of each identifying column. */
interface RowRenderer<Row extends AnonymousGradeRow> extends PvRows<Row> {
  widths: number[];
  /** Columns of free text (names), wrapped when too long for their width. */
  wrap: number[];
}

// The first column also carries the labels of the statistics under the table: wide enough for
// "Absents (ABI, ABJ, DEF, DEM)" in bold.
const ANONYMOUS_RENDERER: RowRenderer<AnonymousGradeRow> = {
  ...ANONYMOUS_ROWS,
  widths: [30],
  wrap: [],
};
const NAMED_RENDERER: RowRenderer<NamedGradeRow> = {
  ...NAMED_ROWS,
  widths: [30, 20, 14, 14],
  wrap: [1, 2],
};

// Grade and result columns, after the identifying ones.
const GRADE_WIDTH = 12;
const RESULT_WIDTH = 12;

/** Empty rows left under the signature titles, room for the signatures themselves. */
export const SIGNATURE_ROWS = 4;

/** What a grade cell holds: a typed number, an absence code as text, or nothing. */
function gradeCell(grade: GradeValue | null): CellInput {
  if (grade === null) {
    return null;
  }

  switch (grade.kind) {
    case 'value':
      return grade.value;
    case 'absence':
      return grade.code;
    case 'blank':
      return null;
  }
}

/** Sheet name of an assessment: object code and session, never anything about a person. */
function sheetName(a: AssessmentInfo): string {
  return `${a.objectCode} S${a.session}${a.stage === 'admission' ? ' admission' : ''}`;
}

/** Number format of a statistic's cell. */
const STAT_FORMATS: Readonly<Record<StatFormat, string | undefined>> = {
  count: undefined,
  grade: GRADE_FORMAT,
  percent: '0.0 %',
  text: undefined,
};

/** The counts and figures under the table: labels in the first column, values across the rest. */
function writeStatistics(ws: ExcelJS.Worksheet, lines: StatLine[], columns: number): void {
  const first = addPairs(
    ws,
    lines.map((l) => [l.label, l.value]),
  );

  lines.forEach((line, k) => {
    const row = first + k;
    ws.mergeCells(row, 2, row, columns);
    ws.getCell(row, 2).numFmt = STAT_FORMATS[line.format] ?? 'General';
    fitRowHeight(ws, ws.getRow(row));
  });
}

/** A line merged across the table, wrapped, in `size`-point type. */
export function wideLine(
  ws: ExcelJS.Worksheet,
  text: string,
  columns: number,
  font: { size?: number; bold?: boolean } = {},
): ExcelJS.Row {
  const row = addValues(ws, [text]);
  ws.mergeCells(row.number, 1, row.number, columns);
  row.getCell(1).font = sheetFont(font);
  row.getCell(1).alignment = { vertical: 'top', wrapText: true };
  fitRowHeight(ws, row);

  return row;
}

/** "Fait à …, le …", the president's and the members' titles with room to sign, the fingerprint. */
export function writeSignatures(ws: ExcelJS.Worksheet, columns: number, fingerprint: string): void {
  ws.addRow([]);
  wideLine(ws, 'Fait à ………………………, le ………………………', columns);
  ws.addRow([]);

  // The president over the first half of the table, the members over the second.
  const half = Math.max(1, Math.floor(columns / 2));
  const titles = addValues(ws, ['Le président du jury']);
  titles.getCell(half + 1).value = 'Les membres du jury';
  if (half > 1) {
    ws.mergeCells(titles.number, 1, titles.number, half);
  }
  if (columns > half + 1) {
    ws.mergeCells(titles.number, half + 1, titles.number, columns);
  }
  titles.font = sheetFont({ bold: true });

  for (let i = 0; i < SIGNATURE_ROWS; i += 1) {
    ws.addRow([]);
  }
  wideLine(ws, `Empreinte des données affichées (SHA-256) : ${groupedHex(fingerprint)}`, columns, {
    size: 8,
  });
}

/** Writes one assessment's sheet: title block, graded rows, statistics, signatures. */
function writeSection<Row extends AnonymousGradeRow>(
  wb: ExcelJS.Workbook,
  t: TemplateInfo,
  section: PvSection<Row>,
  renderer: RowRenderer<Row>,
  o: Required<Omit<PvOptions, 'reveals'>> & { fingerprint: string },
): void {
  const a = section.assessment;
  const headers = [...renderer.headers, `Note /${frenchNumber(a.scale)}`, 'Résultat'];
  const state = section.state ?? renderer.defaultState;

  const ws = addTableSheet(wb, sheetName(a), {
    title: `Procès-verbal de délibération — ${renderer.kind}`,
    lines: [templateLine(t), assessmentLine(a), `État d'anonymat : ${stateLabel(state)}`],
    headers,
    widths: [...renderer.widths, GRADE_WIDTH, RESULT_WIDTH],
  });

  const gradeColumn = renderer.headers.length + 1;
  for (const r of [...section.rows].sort((x, y) => renderer.compare(x, y))) {
    const row = addTableRow(ws, [...renderer.identity(r), gradeCell(r.grade), r.result]);
    row.getCell(gradeColumn).numFmt = GRADE_FORMAT;
    wrapColumns(ws, row, renderer.wrap);
  }

  const closing = ws.addRow([]).number + 1;
  // The same figures as the PDF PV, withheld the same way for a small anonymous group.
  const threshold = renderer.kind === 'anonyme' ? o.threshold : 0;
  const stats = sectionStats(section.rows, a.scale, o.passingResults, threshold);
  writeStatistics(ws, statLines(stats, a.scale, o.threshold), headers.length);

  writeSignatures(ws, headers.length, o.fingerprint);
  // Figures, signatures and fingerprint on one page: a jury signs what it can see.
  keepTogether(ws, closing);
}

/** The PV workbook: one sheet per section, written by the given renderer, then the reveals. */
async function buildPv<Row extends AnonymousGradeRow>(
  t: TemplateInfo,
  sections: Array<PvSection<Row>>,
  renderer: RowRenderer<Row>,
  options: PvOptions,
): Promise<Buffer> {
  const wb = createWorkbook();
  const reveals = options.reveals ?? [];
  const o = {
    passingResults: options.passingResults ?? DEFAULT_PASSING_RESULTS,
    threshold: options.threshold ?? 0,
    fingerprint: pvFingerprint(t, sections, renderer, reveals),
  };

  for (const section of sections) {
    writeSection(wb, t, section, renderer, o);
  }

  // A workbook without a sheet is refused by Excel as corrupt: say plainly there is nothing.
  if (sections.length === 0) {
    const ws = wb.addWorksheet('PV');
    addTitleBlock(ws, `Procès-verbal de délibération — ${renderer.kind}`, [templateLine(t)]);
    addValues(ws, ['Aucune épreuve à délibérer.']);
  }
  addRevealSheet(wb, reveals);

  return workbookBytes(wb);
}

/** The anonymous PV (state V): rows keyed by anonymous number only, in number order. */
export function buildAnonymousPv(
  t: TemplateInfo,
  sections: Array<PvSection<AnonymousGradeRow>>,
  options: PvOptions = {},
): Promise<Buffer> {
  return buildPv(t, sections, ANONYMOUS_RENDERER, options);
}

/** The named PV (after the lift, or before validation): rows in name order. */
export function buildNamedPv(
  t: TemplateInfo,
  sections: Array<PvSection<NamedGradeRow>>,
  options: PvOptions = {},
): Promise<Buffer> {
  return buildPv(t, sections, NAMED_RENDERER, options);
}
