// Plain data handed to the outbox builders. Anonymous inputs carry no identity field at all (no
// name, student number or birth date): an anonymous output cannot receive identities by
// construction, and the builders copy only the fields named here, never the whole object.

import type { AnonymityState, GradeValue, Session, Stage } from '../domain/types.js';

/** One assessment (object × year × session × stage) as the outputs show it. */
export interface AssessmentInfo {
  assessmentId: number;
  objectCode: string;
  objectLabel: string;
  session: Session;
  stage: Stage;
  /** First calendar year of the academic year: 2026 for 2026/2027. */
  year: number;
  /** Barème: grades go from 0 to this value. */
  scale: number;
}

/** One anonymity template (maquette) as the outputs show it. */
export interface TemplateInfo {
  templateId: number;
  templateCode: string;
  templateLabel: string;
  ctn: string;
  /** First calendar year of the academic year: 2026 for 2026/2027. */
  year: number;
  periodLabel: string;
}

/** A grade keyed by anonymous number only. */
export interface AnonymousGradeRow {
  number: string;
  grade: GradeValue | null;
  result: string | null;
}

/** A grade with the identity of its student, for named reports after the lift. */
export interface NamedGradeRow extends AnonymousGradeRow {
  studentNumber: string;
  lastName: string;
  firstName: string;
}

/** One label to stick on an exam copy. */
export interface LabelInput {
  number: string;
  assessment: AssessmentInfo;
}

/** One line of the correspondence list (number ↔ identity, confidential). */
export interface CorrespondenceRow {
  number: string;
  studentNumber: string;
  lastName: string;
  firstName: string;
  /** ISO date `yyyy-mm-dd`, or null when unknown. */
  birthDate: string | null;
  /** Object code of the assessment the number is for, with per-assessment numbering. */
  objectCode?: string | null;
}

/** Who produced the correspondence list and when (ISO timestamp). */
export interface CorrespondenceMeta {
  generatedBy: string;
  generatedAt: string;
}

/** One assessment of a template in the progress report. */
export interface ProgressRow {
  assessment: AssessmentInfo;
  state: AnonymityState;
  /** Students allowed to sit the assessment. */
  concerned: number;
  /** Students holding a number for it. */
  numbered: number;
  /** Students allowed to sit it who have no number yet. */
  withoutNumber: number;
  /** Students holding a number whose pedagogic enrolment disappeared since. */
  lostEnrolment: number;
  /** Numbers with a grade recorded. */
  graded: number;
}

/** One modality (assessment → period) in the modalities report. */
export interface ModalityRow {
  period: string;
  assessment: AssessmentInfo;
  /** Code of the template gathering the assessment, null when none does yet. */
  template: string | null;
  /** Anonymity state within that template, null when there is no template. */
  state: AnonymityState | null;
}

/** One section (one sheet) of a PV de délibération. */
export interface PvSection<Row extends AnonymousGradeRow> {
  assessment: AssessmentInfo;
  rows: Row[];
  /** Anonymity state shown on the PV; defaults to V for the anonymous PV, L for the named one. */
  state?: AnonymityState;
}

/** One per-student reveal before the lift, as a PV lists it: the number, never the identity. */
export interface RevealRow {
  number: string;
  /** Object code of the assessment, null with per-template numbering. */
  objectCode: string | null;
  /** Login of the manager who revealed. */
  actor: string;
  reason: string;
  /** ISO timestamp. */
  at: string;
}

/** Options of the PV builders. */
export interface PvOptions {
  /** Result codes counted as "admis"; defaults to ADM, ADMI and VAL. */
  passingResults?: readonly string[];
  /** Anonymous PV: groups with fewer grades than this get no statistics (0, the default: never). */
  threshold?: number;
  /** Per-student reveals before the lift, listed on a sheet of their own. */
  reveals?: readonly RevealRow[];
}
