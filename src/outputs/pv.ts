// PV de délibération: one sheet per assessment with its grades, counts and the jury's signature
// block. The anonymous and the named PV share every line of the sheet writing; they differ only
// in the row renderer, which decides the identifying columns and the order. The anonymous
// renderer reads the anonymous number and nothing else, so that no identity reaches an anonymous
// PV even when the rows handed in carry more than their type says.

import type ExcelJS from 'exceljs';

import type { AnonymityState, GradeValue } from '../domain/types.js';
import { assessmentLine, frenchNumber, stateLabel, templateLine } from './french.js';
import { compareNames, compareNumbers } from './order.js';
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
  workbookBytes,
} from './xlsx-style.js';

/** Result codes counted as "admis" when the caller does not configure its own. */
export const DEFAULT_PASSING_RESULTS: readonly string[] = ['ADM', 'ADMI', 'VAL'];

/** How one kind of PV shows its rows: identifying columns first, in its own order. */
interface RowRenderer<Row extends AnonymousGradeRow> {
  /** Word closing the title: "anonyme" or "nominatif". */
  kind: string;
  defaultState: AnonymityState;
  headers: string[];
  widths: number[];
  compare(a: Row, b: Row): number;
  identity(row: Row): CellInput[];
}

const ANONYMOUS_RENDERER: RowRenderer<AnonymousGradeRow> = {
  kind: 'anonyme',
  defaultState: 'V',
  headers: ['N° anonyme'],
  widths: [22],
  compare: (a, b) => compareNumbers(a.number, b.number),
  identity: (row) => [row.number],
};

const NAMED_RENDERER: RowRenderer<NamedGradeRow> = {
  kind: 'nominatif',
  defaultState: 'L',
  headers: ['Nom', 'Prénom', 'N° étudiant', 'N° anonyme'],
  widths: [24, 20, 14, 14],
  compare: compareNames,
  identity: (row) => [row.lastName, row.firstName, row.studentNumber, row.number],
};

// Grade and result columns, after the identifying ones.
const GRADE_WIDTH = 12;
const RESULT_WIDTH = 12;

// Absence codes that mean the student did not sit the exam; DIS (dispensé) is counted apart.
const ABSENT_CODES: ReadonlySet<string> = new Set(['ABI', 'ABJ', 'DEF', 'DEM']);

// Empty rows left under the signature titles, room for the signatures themselves.
const SIGNATURE_ROWS = 4;

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

/** The counts under the table: enrolled, present, absent … and the average of those present. */
function countPairs(
  rows: AnonymousGradeRow[],
  passing: readonly string[],
): Array<[string, CellInput]> {
  const values = rows.flatMap((r) => (r.grade?.kind === 'value' ? [r.grade.value] : []));
  const codes = rows.flatMap((r) => (r.grade?.kind === 'absence' ? [r.grade.code] : []));
  const absent = codes.filter((code) => ABSENT_CODES.has(code)).length;
  const exempt = codes.length - absent;
  const results = rows.flatMap((r) => (r.result === null ? [] : [r.result]));

  const pairs: Array<[string, CellInput]> = [
    ['Inscrits', rows.length],
    ['Présents (note chiffrée)', values.length],
    ['Absents (ABI, ABJ, DEF, DEM)', absent],
    ['Dispensés (DIS)', exempt],
    ['Sans note', rows.length - values.length - codes.length],
  ];
  if (results.length > 0) {
    pairs.push(['Admis', results.filter((code) => passing.includes(code)).length]);
  }

  // Rounded to the hundredth, the precision grades have, so no binary noise reaches the cell.
  const sum = values.reduce((total, v) => total + v, 0);
  const mean = values.length > 0 ? Math.round((sum / values.length) * 100) / 100 : '—';
  pairs.push(['Moyenne des présents', mean]);

  return pairs;
}

/** "Fait à …, le …" then the president's and the members' signature titles, with room to sign. */
function writeSignatures(ws: ExcelJS.Worksheet, columns: number): void {
  ws.addRow([]);
  addValues(ws, ['Fait à ………………………, le ………………………']);
  ws.addRow([]);

  const titles: CellInput[] = new Array<CellInput>(Math.ceil(columns / 2) + 1).fill(null);
  titles[0] = 'Le président du jury';
  titles[titles.length - 1] = 'Les membres du jury';
  addValues(ws, titles).font = { bold: true };

  for (let i = 0; i < SIGNATURE_ROWS; i += 1) {
    ws.addRow([]);
  }
}

/** Writes one assessment's sheet: title block, graded rows, counts, signatures. */
function writeSection<Row extends AnonymousGradeRow>(
  wb: ExcelJS.Workbook,
  t: TemplateInfo,
  section: PvSection<Row>,
  renderer: RowRenderer<Row>,
  passing: readonly string[],
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
  }

  ws.addRow([]);
  const counts = countPairs(section.rows, passing);
  const first = addPairs(ws, counts);
  // The average is the last count: shown with two decimals like the grades.
  ws.getCell(first + counts.length - 1, 2).numFmt = GRADE_FORMAT;

  writeSignatures(ws, headers.length);
}

/** The PV workbook: one sheet per section, written by the given renderer. */
async function buildPv<Row extends AnonymousGradeRow>(
  t: TemplateInfo,
  sections: Array<PvSection<Row>>,
  renderer: RowRenderer<Row>,
  options: PvOptions,
): Promise<Buffer> {
  const wb = createWorkbook();
  const passing = options.passingResults ?? DEFAULT_PASSING_RESULTS;

  for (const section of sections) {
    writeSection(wb, t, section, renderer, passing);
  }

  // A workbook without a sheet is refused by Excel as corrupt: say plainly there is nothing.
  if (sections.length === 0) {
    const ws = wb.addWorksheet('PV');
    addTitleBlock(ws, `Procès-verbal de délibération — ${renderer.kind}`, [templateLine(t)]);
    addValues(ws, ['Aucune épreuve à délibérer.']);
  }

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
