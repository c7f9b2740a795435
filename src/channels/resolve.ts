// Row → (assessment, student) for grade and jury files, keyed by anonymous number or, where the
// state allows it, by student number. Enforces the state table for imports (design.md §3), when
// the rows are resolved and again on the states at write time.
import { decide, type Operation } from '../domain/states.js';
import type { ErrorCode } from '../domain/errors.js';
import type { AnonymityState } from '../domain/types.js';
import { statesAtWrite, type StatesAtWrite } from './grade-store.js';
import { assessmentFor, normaliseNumber, NumberBook, type TemplateCache } from './numbers.js';
import { noteOtherYears, withoutYearDoubts, type LiftedHolding } from './other-years.js';
import { noteNameOtherAssessment } from './assessment-column.js';
import { withoutIdentities } from './identities-beside.js';
import type { ErrorList, KeyedRow } from './rows.js';
import type { ChannelInput } from './types.js';

/** A row resolved to what it writes. */
export interface Resolved {
  row: KeyedRow;
  assessmentId: number;
  studentNumber: string;
  state: AnonymityState | null;
}

/** The row of the state table an import is decided by: the key its rows are matched by. */
export type ImportOperation = Extract<Operation, 'import_by_number' | 'import_by_identity'>;

/** Rows resolved, and whether a state refusal makes the whole file void. */
export interface Resolution {
  resolved: Resolved[];
  stateRefusal: ErrorCode | null;
  /** What the states were decided for; decided again at write time (recheckStates). */
  operation: ImportOperation;
}

/** A row refused for the state of the assessment it was resolved to. */
interface StateRefused {
  row: number;
  /** The key as typed (the anonymous number; a student number is never shown). */
  key: string;
  objectCode: string;
  state: AnonymityState;
  code: ErrorCode;
}

/** The code the state table refuses `operation` with in `state`; null when allowed. */
export function refusalIn(
  operation: ImportOperation,
  state: AnonymityState | null,
): ErrorCode | null {
  const verdict = state ? decide(operation, state, { isManager: false }) : null;
  return verdict && !verdict.allowed ? verdict.code : null;
}

/** Lists a row refused for its assessment's state, seen up front or at write time alike. */
export function listStateRefusal(
  errors: ErrorList,
  operation: ImportOperation,
  r: StateRefused,
): void {
  if (operation === 'import_by_number') {
    const detail = `(épreuve ${r.objectCode} dans l'état ${r.state})`;
    errors.add(r.row, 'N° anonyme', r.code, r.key, detail);
  } else {
    // No value: the student number must not stand beside an assessment under anonymity.
    errors.add(r.row, 'N° étudiant', r.code, undefined, `(épreuve ${r.objectCode})`);
  }
}

/** The holders of the rows' numbers, and the enrolments of those holding per-template numbers. */
async function numbersOf(
  input: ChannelInput,
  rows: KeyedRow[],
  errors: ErrorList,
  bound: { templateId: number } | undefined,
  cache: TemplateCache | undefined,
): Promise<{ book: NumberBook; enrolled: Set<string> }> {
  const prefer = { templateId: bound?.templateId, year: input.ctx.config.defaultYear };
  const numbers = rows.map((r) => normaliseNumber(r.text('number')));
  const options = { cache, helped: errors.listable, prefer };
  const book = await NumberBook.load(input.trx, input.ctn, numbers, options);
  const holders = book.perTemplateHolders(rows.map((r) => r.text('number')));
  return { book, enrolled: await enrolmentsOf(input, holders) };
}

/** Resolves rows keyed by anonymous number. `bound` is the assessment a returned workbook was made for. */
export async function resolveByNumber(
  input: ChannelInput,
  rows: KeyedRow[],
  errors: ErrorList,
  bound?: { assessmentId: number; templateId: number },
  cache?: TemplateCache,
): Promise<Resolution> {
  const { book, enrolled } = await numbersOf(input, rows, errors, bound, cache);
  let resolved: Resolved[] = [];
  const held: LiftedHolding[] = [];
  let stateRefusal: ErrorCode | null = null;
  const namedCodes = book.codesNamedIn(input.fileName);

  for (const row of rows) {
    const found = book.find(row.text('number'), bound?.templateId);
    if ('code' in found) {
      errors.add(row.number, 'N° anonyme', found.code, row.text('number'), found.detail);
      continue;
    }
    const { holder, template } = found;
    if (template.ctn !== input.ctn) {
      errors.add(row.number, 'N° anonyme', 'NUMBER_OTHER_CTN', row.text('number'));
      continue;
    }
    if (bound && bound.templateId !== template.id) {
      errors.add(row.number, 'N° anonyme', 'NUMBER_OTHER_TEMPLATE', row.text('number'));
      continue;
    }
    const session = Number(row.text('session')) || undefined;
    const target = assessmentFor(template, holder, {
      assessmentId: bound?.assessmentId,
      objectCode: row.text('object') || undefined,
      session,
      fileName: input.fileName,
      namedCodes,
    });
    if ('code' in target) {
      errors.add(row.number, 'N° anonyme', target.code, row.text('number'), target.detail);
      continue;
    }
    const refusal = refusalIn('import_by_number', target.state);
    if (refusal) {
      stateRefusal = refusal;
      listStateRefusal(errors, 'import_by_number', {
        row: row.number,
        key: row.text('number'),
        objectCode: target.info.objectCode,
        state: target.state,
        code: refusal,
      });
      continue;
    }
    if (
      holder.assessmentId === null &&
      !enrolled.has(`${target.objectId}|${holder.studentNumber}|${target.info.year}`)
    ) {
      errors.add(
        row.number,
        'N° anonyme',
        'NUMBER_NOT_CONCERNED',
        row.text('number'),
        `(${target.info.objectCode})`,
      );
      continue;
    }
    await noteOtherYears(input, errors, row, { holder, bound: bound !== undefined });
    noteNameOtherAssessment(errors, row, namedCodes);
    if (!bound && holder.heldElsewhere) {
      held.push({ row, number: holder.number, year: holder.year, lifted: target.state === 'L' });
    }
    resolved.push({
      row,
      assessmentId: target.info.assessmentId,
      studentNumber: holder.studentNumber,
      state: target.state,
    });
  }
  resolved = await withoutYearDoubts(input, resolved, held, errors);
  resolved = await withoutIdentities(input, resolved, errors);
  return { resolved, stateRefusal, operation: 'import_by_number' };
}

/**
 * Enrolments of the students holding a per-template number: only those need one to receive a grade
 * (a per-assessment number is already the assessment's). One query over the students, none when the
 * chunk holds no per-template number.
 */
async function enrolmentsOf(input: ChannelInput, students: string[]): Promise<Set<string>> {
  if (students.length === 0) {
    return new Set();
  }
  const found = (await input
    .trx('pedagogic_enrolment')
    .whereRaw('student_number = any(?::text[])', [students])
    .select('object_id', 'student_number', 'year')) as Array<{
    object_id: number;
    student_number: string;
    year: number;
  }>;
  return new Set(found.map((e) => `${e.object_id}|${e.student_number}|${e.year}`));
}

/** A row as the write re-check lists it: its number in the file, its key, its assessment. */
export interface RowKey {
  row: number;
  key: string;
  assessmentId: number;
}

/** What the write re-check found: the states to write by, and the refusal a changed state makes. */
export interface WriteCheck {
  states: StatesAtWrite;
  stateRefusal: ErrorCode | null;
}

/**
 * Decides the import again on the states its assessments are in at write time, read under the lock
 * every state change waits for (statesAtWrite): the rows were resolved on states read without it,
 * and a validate (P → V) committed meanwhile must not let grades keyed by student number in under
 * anonymity. Each row of an assessment now refused is listed as the resolution lists it up front;
 * `refusedRows` gives those rows for the assessments named. Call it before settling the file.
 */
export async function recheckStates(
  input: ChannelInput,
  operation: ImportOperation,
  assessmentIds: Iterable<number>,
  refusedRows: (assessmentIds: number[]) => Promise<RowKey[]>,
  errors: ErrorList,
): Promise<WriteCheck> {
  const states = await statesAtWrite(input.trx, assessmentIds);
  const refused = new Map<number, { code: ErrorCode; state: AnonymityState }>();
  for (const [id, state] of states) {
    const code = refusalIn(operation, state);
    if (code && state) {
      refused.set(id, { code, state });
    }
  }
  if (refused.size === 0) {
    return { states, stateRefusal: null };
  }

  const ids = [...refused.keys()];
  const codes = (await input
    .trx('assessment as a')
    .join('teaching_object as o', 'o.id', 'a.object_id')
    .whereIn('a.id', ids)
    .select('a.id', 'o.code')) as Array<{ id: number; code: string }>;
  const objectCode = new Map(codes.map((a) => [a.id, a.code]));
  const rows = (await refusedRows(ids)).sort((a, b) => a.row - b.row);
  for (const { row, key, assessmentId } of rows) {
    const why = refused.get(assessmentId);
    if (why) {
      const objectCodeOf = objectCode.get(assessmentId) ?? '';
      listStateRefusal(errors, operation, { row, key, objectCode: objectCodeOf, ...why });
    }
  }
  return { states, stateRefusal: refused.values().next().value?.code ?? null };
}

/** recheckStates over rows resolved in memory: the rows listed are those of the resolution. */
export function recheckResolution(
  input: ChannelInput,
  resolution: Resolution,
  errors: ErrorList,
): Promise<WriteCheck> {
  const rows = resolution.resolved.map((r) => ({
    row: r.row.number,
    key: r.row.text('number'),
    assessmentId: r.assessmentId,
  }));
  return recheckStates(
    input,
    resolution.operation,
    rows.map((r) => r.assessmentId),
    (ids) => Promise.resolve(rows.filter((r) => ids.includes(r.assessmentId))),
    errors,
  );
}

/** Rows whose (assessment, student) appears more than once: each gets NUMBER_DUPLICATED and none is kept. */
export function dropDuplicates(
  resolved: Resolved[],
  errors: ErrorList,
  column: string,
): Resolved[] {
  const counts = new Map<string, number>();
  resolved.forEach((r) =>
    counts.set(
      `${r.assessmentId}|${r.studentNumber}`,
      (counts.get(`${r.assessmentId}|${r.studentNumber}`) ?? 0) + 1,
    ),
  );
  return resolved.filter((r) => {
    if ((counts.get(`${r.assessmentId}|${r.studentNumber}`) ?? 0) > 1) {
      // The value shown is what the person typed in the key column, never a resolved identity.
      errors.add(
        r.row.number,
        column,
        'NUMBER_DUPLICATED',
        r.row.text('number') || r.row.text('student'),
      );
      return false;
    }
    return true;
  });
}
