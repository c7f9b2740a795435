// What a PV shows of each row, shared by the spreadsheet and the PDF PVs: the identifying
// columns and their order (the number only while anonymous, the names once lifted), the grade as
// text, and the fingerprint of exactly what is shown. The anonymous rows read the anonymous number
// and nothing else, so that no identity reaches an anonymous PV even when the rows handed in
// carry more than their type says.

import { createHash } from 'node:crypto';

import { canonicalJson } from '../domain/audit-chain.js';
import type { AnonymityState, GradeValue } from '../domain/types.js';
import { frenchNumber } from './french.js';
import { compareAssessments, compareNames, compareNumbers } from './order.js';
import type {
  AnonymousGradeRow,
  AssessmentInfo,
  NamedGradeRow,
  PvSection,
  RevealRow,
  TemplateInfo,
} from './types.js';

/** How one kind of PV shows its rows: identifying columns first, in its own order. */
export interface PvRows<Row extends AnonymousGradeRow> {
  /** Word closing the title: "anonyme" or "nominatif". */
  kind: 'anonyme' | 'nominatif';
  defaultState: AnonymityState;
  /** Titles of the identifying columns. */
  headers: string[];
  compare(a: Row, b: Row): number;
  identity(row: Row): string[];
  /** Who a row is about, for the PV individuel: the number, or the student number once named. */
  person(row: Row): string;
  /** How the PV individuel names that person. */
  personLine(row: Row): string;
}

/** Anonymous rows: the number only, in number order. */
export const ANONYMOUS_ROWS: PvRows<AnonymousGradeRow> = {
  kind: 'anonyme',
  defaultState: 'V',
  headers: ['N° anonyme'],
  compare: (a, b) => compareNumbers(a.number, b.number),
  identity: (row) => [row.number],
  person: (row) => row.number,
  personLine: (row) => `N° anonyme : ${row.number}`,
};

/** Named rows, in name order. */
export const NAMED_ROWS: PvRows<NamedGradeRow> = {
  kind: 'nominatif',
  defaultState: 'L',
  headers: ['Nom', 'Prénom', 'N° étudiant', 'N° anonyme'],
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

/**
 * sha256 hex of exactly what a PV shows: the identity columns, grades, results, states, and the
 * reveals when there are any (left out of the hash when there are none, so that the fingerprint
 * of a PV without reveals is the one recorded before reveals were listed).
 */
export function pvFingerprint<Row extends AnonymousGradeRow>(
  t: TemplateInfo,
  sections: ReadonlyArray<PvSection<Row>>,
  rows: PvRows<Row>,
  reveals: readonly RevealRow[] = [],
): string {
  const shown = sections.map((s) => ({
    assessmentId: s.assessment.assessmentId,
    state: s.state ?? rows.defaultState,
    rows: [...s.rows]
      .sort((a, b) => rows.compare(a, b))
      .map((r) => [...rows.identity(r), gradeText(r.grade), r.result ?? '']),
  }));
  const data = { templateId: t.templateId, kind: rows.kind, sections: shown };
  const listed = reveals.map((r) => [r.number, r.objectCode ?? '', r.actor, r.at, r.reason]);

  return createHash('sha256')
    .update(canonicalJson(listed.length > 0 ? { ...data, reveals: listed } : data))
    .digest('hex');
}

/** One line of a person's PV individuel: their row for one assessment, and its state. */
export interface PersonEntry<Row> {
  row: Row;
  assessment: AssessmentInfo;
  state: AnonymityState;
}

/** The rows of every section grouped by person, persons in the PV's order, assessments in theirs. */
export function byPerson<Row extends AnonymousGradeRow>(
  sections: ReadonlyArray<PvSection<Row>>,
  rows: PvRows<Row>,
): Array<Array<PersonEntry<Row>>> {
  const people = new Map<string, Array<PersonEntry<Row>>>();
  for (const s of sections) {
    const state = s.state ?? rows.defaultState;
    for (const row of s.rows) {
      const key = rows.person(row);
      const list = people.get(key) ?? [];
      list.push({ row, assessment: s.assessment, state });
      people.set(key, list);
    }
  }

  const ordered = [...people.values()].map((list) =>
    list.sort((a, b) => compareAssessments(a.assessment, b.assessment)),
  );
  return ordered.sort((a, b) => rows.compare(a[0]!.row, b[0]!.row));
}

/** "3f2a 9b1c …": a fingerprint grouped by four for reading aloud. */
export function groupedHex(hex: string): string {
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}
