// Entity types of the anonymity domain (design.md §2). Pure data, no behaviour.

/** Anonymity state of an assessment within its template: initial, posé, validé, levé. */
export type AnonymityState = 'I' | 'P' | 'V' | 'L';

/** Roles a user can hold on a CTN. */
export type Role = 'manager' | 'grade_office' | 'jury' | 'reader';

/** Kinds of teaching objects, as Apogée names them. */
export type ObjectKind = 'VDI' | 'VET' | 'ELP' | 'EP';

/** Stage of an assessment: admissibilité or admission. */
export type Stage = 'admissibility' | 'admission';

/** Session: 1, or 2 for the second chance (rattrapage). */
export type Session = 1 | 2;

/** Absence codes allowed in place of a grade. */
export const ABSENCE_CODES = ['ABI', 'ABJ', 'DEF', 'DEM', 'DIS'] as const;

/** One absence code. */
export type AbsenceCode = (typeof ABSENCE_CODES)[number];

/** A student, identified by the Apogée student number (COD_ETU, text, leading zeros kept). */
export interface Student {
  studentNumber: string;
  ine: string | null;
  lastName: string;
  firstName: string;
  /** ISO date `yyyy-mm-dd`, or null when unknown. */
  birthDate: string | null;
}

/** A teaching object (diploma version, year-of-study version, element or exam). */
export interface TeachingObject {
  kind: ObjectKind;
  code: string;
  /** Version for VDI/VET, empty string otherwise. */
  version: string;
  label: string;
  ctn: string;
}

/** Numbering kind: a run of consecutive numbers over a shuffle, or numbers drawn at random. */
export type NumberingKind = 'sequential' | 'random';

/** Optional check character appended to the digits of a number. */
export type CheckKind = 'none' | 'damm' | 'verhoeff' | 'luhn';

/** How anonymous numbers look (règle de numérotation). */
export interface NumberingRule {
  kind: NumberingKind;
  /** Count of digits drawn, without prefix and check character. */
  width: number;
  /** Text put before the digits, may be empty. */
  prefix: string;
  check: CheckKind;
  /** First number of the run for `sequential` rules. */
  start: number;
}

/** One number per student for the whole template, or one per student and assessment. */
export type Attribution = 'per_template' | 'per_assessment';

/** A parsed grade cell: a value on the scale, an absence code, or nothing. */
export type GradeValue =
  { kind: 'value'; value: number } | { kind: 'absence'; code: AbsenceCode } | { kind: 'blank' };
