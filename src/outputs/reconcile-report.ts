// The reconciliation report (rapport de rapprochement), one per CTN: what the nightly run did and
// what needs a person's attention. It covers assessments under V, so it shows anonymous numbers
// and counts only, never an identity.

import { frenchDateTime, sessionLabel, stageLabel, stateLabel } from './french.js';
import type { AnonymityState } from '../domain/types.js';
import type { AssessmentInfo } from './types.js';
import {
  addPairsSheet,
  addTableRow,
  addTableSheet,
  createWorkbook,
  workbookBytes,
  wrapColumns,
} from './xlsx-style.js';

/** One assessment of a template as the reconciliation found it. */
export interface ReconcileAssessmentRow {
  template: string;
  assessment: AssessmentInfo;
  state: AnonymityState;
  /** Numbers given tonight to students who became eligible after the pose. */
  newlyNumbered: number;
  /** Eligible students still without a number (template not set to number newcomers, or refused). */
  withoutNumber: number;
  /** Numbers whose student no longer has the pedagogic enrolment (IP). */
  lostEnrolment: number;
  /** Grades of the assessment (under V) whose student holds no number for it. */
  gradesWithoutNumber: number;
}

/** A number whose student lost the IP: shown by number only. */
export interface LostEnrolmentRow {
  template: string;
  objectCode: string;
  number: string;
}

/** A drop still not finished long after it was registered. */
export interface StuckDropRow {
  dropId: number;
  channel: string;
  file: string;
  droppedAt: string;
  minutes: number;
}

/** Everything the report of one CTN shows. */
export interface ReconcileReportData {
  ctn: string;
  ranAt: string;
  /** Files found by the rescan and handed to the queue. */
  filesSubmitted: number;
  assessments: ReconcileAssessmentRow[];
  lostEnrolments: LostEnrolmentRow[];
  stuckDrops: StuckDropRow[];
}

/** Number of findings that call for a person: missing numbers, lost IPs, orphan grades, stuck files. */
export function anomalyCount(d: ReconcileReportData): number {
  const perAssessment = d.assessments.reduce(
    (n, a) => n + a.withoutNumber + a.lostEnrolment + a.gradesWithoutNumber,
    0,
  );
  return perAssessment + d.stuckDrops.length;
}

function addSummary(wb: ReturnType<typeof createWorkbook>, d: ReconcileReportData): void {
  const numbered = d.assessments.reduce((n, a) => n + a.newlyNumbered, 0);
  addPairsSheet(
    wb,
    'Synthèse',
    { title: 'Rapport de rapprochement', lines: [`CTN ${d.ctn}`], widths: [42, 40] },
    [
      ['Exécuté le', frenchDateTime(d.ranAt)],
      ['Fichiers repris dans la boîte de dépôt', d.filesSubmitted],
      ['Numéros attribués aux nouveaux inscrits', numbered],
      ['Anomalies à examiner', anomalyCount(d)],
      ['Dépôts bloqués', d.stuckDrops.length],
    ],
  );
}

function addAssessments(wb: ReturnType<typeof createWorkbook>, d: ReconcileReportData): void {
  const ws = addTableSheet(wb, 'Épreuves', {
    title: 'Cohérence par épreuve',
    headers: [
      'Maquette',
      'Code',
      'Enseignement',
      'Session',
      'Stade',
      'État',
      'Numérotés cette nuit',
      'Sans numéro',
      'IP disparue',
      'Notes sans numéro',
    ],
    widths: [14, 12, 28, 12, 14, 9, 12, 11, 11, 11],
  });
  for (const r of d.assessments) {
    const a = r.assessment;
    const row = addTableRow(ws, [
      r.template,
      a.objectCode,
      a.objectLabel,
      sessionLabel(a.session),
      stageLabel(a.stage),
      stateLabel(r.state),
      r.newlyNumbered,
      r.withoutNumber,
      r.lostEnrolment,
      r.gradesWithoutNumber,
    ]);
    wrapColumns(ws, row, [1, 3]);
  }
}

/** The reconciliation report of one CTN as an xlsx workbook. */
export async function buildReconcileReport(d: ReconcileReportData): Promise<Buffer> {
  const wb = createWorkbook();
  addSummary(wb, d);
  addAssessments(wb, d);

  const lost = addTableSheet(wb, 'IP disparues', {
    title: 'Numéros dont l’inscription pédagogique a disparu',
    headers: ['Maquette', 'Code', 'Numéro anonyme'],
    widths: [16, 14, 18],
  });
  for (const r of d.lostEnrolments) {
    addTableRow(lost, [r.template, r.objectCode, r.number]);
  }

  const stuck = addTableSheet(wb, 'Dépôts bloqués', {
    title: 'Fichiers déposés non terminés',
    headers: ['Dépôt', 'Canal', 'Fichier', 'Déposé le', 'Attente (min)'],
    widths: [9, 16, 40, 20, 12],
  });
  for (const r of d.stuckDrops) {
    const row = addTableRow(stuck, [
      r.dropId,
      r.channel,
      r.file,
      frenchDateTime(r.droppedAt),
      r.minutes,
    ]);
    wrapColumns(stuck, row, [2, 3]);
  }
  return workbookBytes(wb);
}
