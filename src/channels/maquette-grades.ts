// An Apogée maquette dropped in notes/: the grades and jury results a department typed into it, one
// line per student (COD_ETU) and, per element, a Note, Barème, Pts Jury and Résultat column. The
// file names students, so it is an import by identity and obeys the state table as
// resolveByIdentity does: refused whole while an element it fills is under validated anonymity
// (V); after the lift (L) what it changes is flagged for the after-lift report.
import { gradeToStorage, parseGrade } from '../domain/grades.js';
import { decide } from '../domain/states.js';
import { ABSENCE_CODES, type AbsenceCode } from '../domain/types.js';
import type { Maquette, MaquetteColumn, MaquetteStudent } from '../readers/apogee-maquette.js';
import { acceptedCodesText, allowedCodes, isAllowedValue } from '../readers/apogee-results.js';
import {
  fileOrigin,
  listReplaced,
  newerKeptSummary,
  replacedSummary,
  statesAtWrite,
  writeGrades,
  type StatesAtWrite,
} from './grade-store.js';
import type { GradeWrite } from './grade-store.js';
import { newerResultsSummary, writeResults, type ResultWrite } from './result-store.js';
import { noteAlias, settle } from './settle.js';
import { knownResultCodes } from './jury.js';
import {
  assessmentsOf,
  elementsOf,
  filledCells,
  label,
  NOTE,
  RESULT,
  SCALE,
  targetsOf,
  valueOf,
  type AssessmentRow,
  type Element,
  type PlannedElement,
} from './maquette-elements.js';
import { maquetteYear } from './maquette.js';
import { ErrorList } from './rows.js';
import type { ChannelInput, ChannelResult } from './types.js';

/** Receipt label of the student number column. */
const STUDENT_COLUMN = 'Numéro (apoL_a01_code)';

/** Everything a student line is checked against. */
interface Plan {
  maquette: Maquette;
  elements: PlannedElement[];
  students: Set<string>;
  /** `object|year|student` of every enrolment (IP, or IA for a VET) of the objects concerned. */
  enrolled: Set<string>;
  /** Codes a Résultat cell may hold when the maquette carries no result-code list, sorted. */
  fallbackCodes: string[];
}

/** A student line's accepted values. */
interface Writes {
  grades: GradeWrite[];
  results: ResultWrite[];
}

/**
 * Lists each element the state table closes to identities (V) that the file fills; true if any.
 * `states` are the states at write time (statesAtWrite) where read; otherwise those planned on.
 */
function refuseUnderAnonymity(
  m: Maquette,
  planned: PlannedElement[],
  errors: ErrorList,
  states?: StatesAtWrite,
): boolean {
  let refused = false;
  for (const { element, target } of planned) {
    const state =
      'assessment' in target
        ? (states?.get(target.assessment.id) ?? target.assessment.state)
        : null;
    const verdict = state ? decide('import_by_identity', state, { isManager: false }) : null;
    const filled = m.students.flatMap((s) => filledCells(s, element))[0];
    if (!verdict || verdict.allowed || !filled) {
      continue;
    }
    refused = true;
    // No row and no value: the refusal must not tie a named line to an anonymous assessment.
    errors.add(
      null,
      label(filled),
      verdict.code,
      undefined,
      `(épreuve ${element.objectCode} dans l'état ${state}\u00a0: une maquette Apogée nomme ` +
        'les étudiants, elle ne peut porter ni note ni résultat de cette épreuve avant la ' +
        "levée de l'anonymat.)",
    );
  }
  return refused;
}

/** `object|year|student` of every enrolment concerned: an IP on an object, an IA on a VET. */
async function enrolmentsOf(
  input: ChannelInput,
  assessments: AssessmentRow[],
  numbers: string[],
): Promise<Set<string>> {
  const objects = (vet: boolean): number[] =>
    assessments.filter((a) => (a.kind === 'VET') === vet).map((a) => a.object_id);
  const ip = (await input
    .trx('pedagogic_enrolment')
    .whereIn('object_id', objects(false))
    .whereRaw('student_number = any(?::text[])', [numbers])
    .select('object_id', 'year', 'student_number')) as Array<{
    object_id: number;
    year: number;
    student_number: string;
  }>;
  const ia = (await input
    .trx('admin_enrolment')
    .whereIn('vet_id', objects(true))
    .whereRaw('student_number = any(?::text[])', [numbers])
    .select('vet_id as object_id', 'year', 'student_number')) as typeof ip;
  return new Set([...ip, ...ia].map((e) => `${e.object_id}|${e.year}|${e.student_number}`));
}

async function planOf(input: ChannelInput, m: Maquette, elements: PlannedElement[]): Promise<Plan> {
  const numbers = m.students.map((s) => s.studentNumber);
  const students = (await input
    .trx('student')
    .whereRaw('student_number = any(?::text[])', [numbers])
    .select('student_number')) as Array<{ student_number: string }>;
  const assessments = elements.flatMap(({ target }) =>
    'assessment' in target ? [target.assessment] : [],
  );

  return {
    maquette: m,
    elements,
    students: new Set(students.map((s) => s.student_number)),
    enrolled: await enrolmentsOf(input, assessments, numbers),
    fallbackCodes: await knownResultCodes(input),
  };
}

/** The Barème typed beside a note when it disagrees with the assessment's scale. */
function disagreeingScale(
  student: MaquetteStudent,
  element: Element,
  scale: number,
): MaquetteColumn | null {
  const column = element.columns.find((c) => c.type === SCALE);
  const typed = column ? valueOf(student, column) : '';
  const read = /^\d+(?:[.,]\d+)?$/.test(typed) ? Number(typed.replace(',', '.')) : Number.NaN;
  return column && typed !== '' && !(Math.abs(read - scale) < 1e-9) ? column : null;
}

/** The grade of a Note cell, checked against the Barème beside it and the assessment's scale. */
function readGrade(
  student: MaquetteStudent,
  element: Element,
  a: AssessmentRow,
  column: MaquetteColumn,
  errors: ErrorList,
): GradeWrite | null {
  const row = student.lineIndex + 1;
  const scale = Number(a.scale);
  const wrongScale = disagreeingScale(student, element, scale);
  if (wrongScale) {
    const typedScale = valueOf(student, wrongScale);
    const expected = String(scale).replace('.', ',');
    errors.add(
      row,
      label(wrongScale),
      'SCALE_MISMATCH',
      typedScale,
      `(barème de la maquette\u00a0: ${typedScale} ; ` +
        `barème de l'épreuve ${a.code}\u00a0: ${expected}.)`,
    );
    return null;
  }

  const typed = valueOf(student, column);
  const parsed = parseGrade({ raw: typed }, { scale });
  if (!parsed.ok) {
    errors.add(row, label(column), parsed.code, typed, parsed.detail);
    return null;
  }
  noteAlias(errors, row, label(column), parsed);
  return {
    assessmentId: a.id,
    studentNumber: student.studentNumber,
    ...gradeToStorage(parsed.grade),
    // The line's student number is not shown: the student may hold an anonymous number for
    // another assessment under validated anonymity (V), and the receipt would then be masked.
    source: { row, key: typed, column: label(column) },
  };
}

/** Whether a cell holds an absence code as typed (ABI, ABJ, DEF, DEM, DIS). */
function isAbsence(typed: string): boolean {
  return (ABSENCE_CODES as readonly string[]).includes(typed);
}

/** A Résultat code, checked against the maquette's own lists (without any, the known codes). */
function readResult(
  plan: Plan,
  student: MaquetteStudent,
  a: AssessmentRow,
  column: MaquetteColumn,
  errors: ErrorList,
): ResultWrite | null {
  const typed = valueOf(student, column);
  const listed = plan.maquette.resultCodeLists.flat().length > 0;
  const allowed = listed
    ? isAllowedValue(plan.maquette, column, typed)
    : plan.fallbackCodes.includes(typed);
  if (!allowed) {
    const where = listed
      ? 'ne figure dans aucune liste XX-APO_TYP_RES-XX de la maquette'
      : 'ne figure pas parmi les codes résultat de l’établissement';
    const codes = listed ? allowedCodes(plan.maquette) : plan.fallbackCodes;
    const detail = `(« ${typed} » ${where} ; ${acceptedCodesText(codes)}.)`;
    errors.add(student.lineIndex + 1, label(column), 'RESULT_CODE_UNKNOWN', typed, detail);
    return null;
  }
  return {
    assessmentId: a.id,
    studentNumber: student.studentNumber,
    result: typed,
  };
}

/** Reads the filled cells of one element on a student line into `writes`. */
function readElement(
  plan: Plan,
  student: MaquetteStudent,
  { element, target }: PlannedElement,
  errors: ErrorList,
  writes: Writes,
): void {
  const row = student.lineIndex + 1;
  const cells = filledCells(student, element);
  if ('code' in target) {
    cells.forEach((c) =>
      errors.add(row, label(c), target.code, valueOf(student, c), target.detail),
    );
    return;
  }
  const a = target.assessment;
  const [first] = cells;
  if (first && !plan.enrolled.has(`${a.object_id}|${a.year}|${student.studentNumber}`)) {
    errors.add(row, label(first), 'STUDENT_NOT_ENROLLED', element.objectCode);
    return;
  }

  const graded = cells.some((c) => c.type === NOTE);
  for (const column of cells) {
    if (column.type === NOTE) {
      const grade = readGrade(student, element, a, column, errors);
      writes.grades.push(...(grade ? [grade] : []));
    } else if (column.type === RESULT && !graded && isAbsence(valueOf(student, column))) {
      // An absence typed in the Résultat column beside a blank grade (as exports before the
      // absence moved to the Note column wrote it, apogee-export.ts) is the grade's absence, not a
      // jury result (such an export dropped again listed every absence as changed after the lift,
      // a trial).
      const absence = valueOf(student, column) as AbsenceCode;
      const source = { row, key: absence, column: label(column) };
      writes.grades.push({
        assessmentId: a.id,
        studentNumber: student.studentNumber,
        value: null,
        absence,
        source,
      });
    } else if (column.type === RESULT) {
      const result = readResult(plan, student, a, column, errors);
      writes.results.push(...(result ? [result] : []));
    } else {
      errors.note(row, label(column), 'MAQUETTE_COLUMN_IGNORED', valueOf(student, column));
    }
  }
}

/** A student line's values, or null when it has none (a blank line is never written). */
function readStudent(plan: Plan, student: MaquetteStudent, errors: ErrorList): Writes | null {
  const filled = plan.elements.filter(({ element }) => filledCells(student, element).length > 0);
  if (filled.length === 0) {
    return null;
  }

  const writes: Writes = { grades: [], results: [] };
  if (!plan.students.has(student.studentNumber)) {
    errors.add(student.lineIndex + 1, STUDENT_COLUMN, 'STUDENT_UNKNOWN', student.studentNumber);
    return writes;
  }
  filled.forEach((planned) => readElement(plan, student, planned, errors, writes));
  return writes;
}

/** The refusal of a maquette filling an element under validated anonymity: nothing written. */
function refusedUnderAnonymity(
  input: ChannelInput,
  read: number,
  errors: ErrorList,
): ChannelResult {
  return {
    ...settle(input, read, 0, errors, true, 'note'),
    summary:
      'Maquette refusée : elle porte des notes ou des résultats d’une épreuve sous anonymat ' +
      'validé ; rien n’a été enregistré. Saisissez ces notes par numéro anonyme.',
  };
}

/** Imports the grades and jury results typed into an Apogée maquette dropped in notes/. */
export async function importMaquetteGrades(
  input: ChannelInput,
  maquette: Maquette,
): Promise<ChannelResult> {
  const errors = new ErrorList();
  const read = maquette.students.length;
  const elements = elementsOf(maquette, maquetteYear(maquette, input.ctx.config.defaultYear));
  const planned = targetsOf(elements, await assessmentsOf(input, elements));
  if (refuseUnderAnonymity(maquette, planned, errors)) {
    return refusedUnderAnonymity(input, read, errors);
  }

  const plan = await planOf(input, maquette, planned);
  const writes: Writes = { grades: [], results: [] };
  let kept = 0;
  for (const student of maquette.students) {
    const before = errors.errorCount;
    const line = readStudent(plan, student, errors);
    // A line with an error keeps none of its values, even where the channel accepts valid rows.
    if (line && errors.errorCount === before && line.grades.length + line.results.length > 0) {
      writes.grades.push(...line.grades);
      writes.results.push(...line.results);
      kept += 1;
    }
  }
  if (kept === 0 && errors.errorCount === 0) {
    errors.add(
      null,
      null,
      'FILE_NO_DATA',
      undefined,
      '(maquette Apogée sans note ni résultat saisi\u00a0: pour importer ses étudiants et leurs ' +
        'inscriptions, déposez-la dans le dossier referentiel.)',
    );
  }

  // As for grade files (grades.ts): the grades a written maquette replaces are listed, then the
  // receipt is settled again so that its counts include them.
  const refused = settle(input, read, kept, errors, false, 'ligne').status === 'rejected';
  if (refused) {
    return settle(input, read, kept, errors, false, 'ligne');
  }
  // Decided again on the states at write time: a validation (P → V) committed while the file was
  // read closes its elements to identities as one seen up front does.
  const states = await statesAtWrite(
    input.trx,
    planned.flatMap(({ target }) => ('assessment' in target ? [target.assessment.id] : [])),
  );
  if (refuseUnderAnonymity(maquette, planned, errors, states)) {
    return refusedUnderAnonymity(input, read, errors);
  }
  const listed = await listReplaced(input.trx, writes.grades, input.receivedAt, errors);
  const result = settle(input, read, kept, errors, false, 'ligne');
  await writeGrades(input.trx, writes.grades, fileOrigin(input), states);
  const results = await writeResults(
    input.trx,
    writes.results,
    { intakeId: input.intakeId, by: 'service', receivedAt: input.receivedAt },
    states,
  );
  result.summary +=
    ` ${writes.grades.length} note(s) et ${writes.results.length} résultat(s) lus ;` +
    ' les cellules vides sont laissées telles quelles.' +
    replacedSummary(listed.replaced, listed.sameTime) +
    newerKeptSummary(listed.newerKept) +
    newerResultsSummary(results.newerKept);
  return result;
}
