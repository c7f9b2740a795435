// Grade files: the anonymous grade-entry workbook coming back, grade CSV/XLSX keyed by anonymous
// number (or by student number where the state allows), and optical-reader CSV in the Auto
// Multiple Choice style (`A:<key>` holds the number, `Note` the grade).
import { AppError } from '../domain/errors.js';
import { verifyFingerprint } from '../domain/fingerprint.js';
import { gradeToStorage, parseGrade } from '../domain/grades.js';
import { FINGERPRINT_SHEET_NAME, readFingerprintSheet } from '../outputs/grade-entry-sheet.js';
import { cellText, headingsRead, type ColumnSpec, type HeaderMatch } from '../readers/columns.js';
import type { Cell, Workbook } from '../readers/table.js';
import { withoutThousandsSeparators } from '../readers/values.js';
import {
  blanksSummary,
  fileOrigin,
  keyOf,
  listReplaced,
  newerKeptSummary,
  replacedSummary,
  writeGrades,
  writtenSummary,
  type GradeWrite,
} from './grade-store.js';
import { normaliseNumber } from './numbers.js';
import { recheckResolution, resolveByNumber, type Resolution } from './resolve.js';
import { resolveByIdentity } from './resolve-identity.js';
import { assessmentColumnRefusal } from './assessment-column.js';
import { reportMissingRows, type SentWorkbook } from './returned-workbook.js';
import { ErrorList, keyedRows, type KeyedRow } from './rows.js';
import { assessmentNames, assessmentsSentence, noteAlias, settle } from './settle.js';
import type { ChannelInput, ChannelResult } from './types.js';

/** Column meanings shared by grade and jury files; `extra` adds the value column. */
export function keyColumns(workbook: Workbook, extra: ColumnSpec): ColumnSpec[] {
  return [
    {
      key: 'number',
      synonyms: [
        'N° anonyme',
        'numéro anonyme',
        'NUM_ANONYMAT',
        'numéro d’anonymat',
        'anonymat',
        ...headerStarting(workbook, 'a:'),
      ],
      required: false,
    },
    { key: 'student', synonyms: ['COD_ETU', 'numéro étudiant', 'n° étudiant'], required: false },
    {
      key: 'object',
      synonyms: [
        'code épreuve',
        'COD_ELP',
        'COD_EPR',
        'code élément',
        'code ELP',
        'code enseignement',
        'épreuve',
      ],
      required: false,
    },
    { key: 'session', synonyms: ['session', 'COD_SES'], required: false },
    extra,
  ];
}

/**
 * Header texts of the first rows starting with a prefix (AMC's `A:numero`, `Note /20`): synonyms
 * found in the file. The prefix is compared as written (case aside): normalised, `A:` would be `a`
 * and claim every heading starting with an A (`Appréciation`).
 */
export function headerStarting(workbook: Workbook, prefix: string): string[] {
  const sheet = workbook.sheets.find((s) => s.state === 'visible');
  const texts = (sheet?.rows.slice(0, 20) ?? []).flatMap((row) =>
    row.cells.map((cell) => cellText(cell)),
  );
  return [
    ...new Set(
      texts.filter((t) => t.trim().toLowerCase().startsWith(prefix.toLowerCase()) && t.length < 40),
    ),
  ];
}

/** The visible sheets only: hidden ones are never read as data. */
export function visibleOnly(workbook: Workbook): Workbook {
  return { ...workbook, sheets: workbook.sheets.filter((s) => s.state === 'visible') };
}

/** The assessment a returned grade-entry workbook was made for; throws when its fingerprint is forged. */
export function boundAssessment(input: ChannelInput, workbook: Workbook): SentWorkbook | undefined {
  const sheet = workbook.sheets.find((s) => s.name === FINGERPRINT_SHEET_NAME);
  if (!sheet) {
    return undefined;
  }
  const pairs = sheet.rows.map((row): [string, string] => [
    cellText(row.cells[0]),
    cellText(row.cells[1]),
  ]);
  const signed = readFingerprintSheet(pairs);
  if (!signed || !verifyFingerprint(signed.fields, signed.mac, input.ctx.secret)) {
    throw new AppError('WORKBOOK_TAMPERED');
  }
  if (signed.fields.ctn !== input.ctn) {
    throw new AppError('NUMBER_OTHER_CTN', `(bordereau du CTN ${signed.fields.ctn})`);
  }
  return {
    assessmentId: signed.fields.assessmentId,
    templateId: signed.fields.templateId,
    numbersDigest: signed.fields.numbersDigest,
  };
}

/** A grade cell whose number format hides the grade typed. */
type GradeCellFormat = 'GRADE_CELL_PERCENT' | 'GRADE_CELL_DATE';

/** What a grade cell gives parseGrade, or the refusal of a cell no grade can be read from. */
export function gradeCell(
  cell: Cell | undefined,
):
  | { raw: string }
  | { number: number }
  | { error: 'CELL_ERROR' | 'CELL_FORMULA_NO_VALUE' | 'GRADE_INVALID' | GradeCellFormat } {
  switch (cell?.kind) {
    case undefined:
    case 'blank':
      return { raw: '' };
    case 'number':
      // « 60 % » holds 0.6: storing 0.6 / 20 would be a wrong grade, and 12 / 20 a guess.
      return cell.percent ? { error: 'GRADE_CELL_PERCENT' } : { number: cell.value };
    case 'error':
      return { error: 'CELL_ERROR' };
    case 'formula_no_value':
      return { error: 'CELL_FORMULA_NO_VALUE' };
    case 'date':
      // A date here is what Excel makes of "12.5" or "12/5": refuse rather than guess.
      return { error: 'GRADE_CELL_DATE' };
    case 'bool':
      return { error: 'GRADE_INVALID' };
    case 'text':
      return { raw: withoutThousandsSeparators(cell.raw) };
  }
}

/** The rows of a grade, jury or optical file under its header, and the assessment a returned workbook binds. */
export function readKeyed(
  input: ChannelInput,
  workbook: Workbook,
  specs: (data: Workbook) => ColumnSpec[],
  errors: ErrorList,
): {
  match: HeaderMatch;
  rows: KeyedRow[];
  split: number;
  bound: ReturnType<typeof boundAssessment>;
} {
  const bound = boundAssessment(input, workbook);
  const wanted = specs(visibleOnly(workbook));
  // The whole workbook: a hidden sheet holding a table of these columns refuses the file.
  const { match, rows, split } = keyedRows(workbook, wanted, errors);
  const first = rows[0];
  if (!first || (!first.has('number') && !first.has('student'))) {
    throw new AppError(
      first ? 'COLUMN_MISSING' : 'FILE_NO_DATA',
      first
        ? `(« N° anonyme » ou « COD_ETU »${headingsRead(match.sheet, match.headerRowIndex)})`
        : undefined,
    );
  }
  return { match, rows, split, bound };
}

/** Resolves keyed rows by anonymous number when the file has that column, else by student number. */
export async function resolveKeyed(
  input: ChannelInput,
  rows: KeyedRow[],
  errors: ErrorList,
  bound?: { assessmentId: number; templateId: number },
): Promise<Resolution> {
  return rows[0]?.has('number')
    ? resolveByNumber(input, rows, errors, bound)
    : resolveByIdentity(input, rows, errors);
}

/** Reads the rows of a grade or jury file and resolves them, or returns the whole-file rejection. */
export async function readKeyedFile(
  input: ChannelInput,
  workbook: Workbook,
  extra: ColumnSpec,
  errors: ErrorList,
): Promise<{ match: HeaderMatch; rows: KeyedRow[]; split: number; resolution: Resolution }> {
  const { match, rows, split, bound } = readKeyed(
    input,
    workbook,
    (data) => keyColumns(data, extra),
    errors,
  );
  const unmatched = await assessmentColumnRefusal(input, match);
  if (unmatched) {
    throw unmatched;
  }
  const returned = rows[0]?.has('number')
    ? new Set(rows.map((r) => normaliseNumber(r.text('number'))))
    : null;
  await reportMissingRows(input, returned, bound, errors);
  return { match, rows, split, resolution: await resolveKeyed(input, rows, errors, bound) };
}

/** Parses the grade of every resolved row (duplicates settled) against its scale; blanks are never written. */
export async function parseGrades(
  input: ChannelInput,
  resolved: Resolution['resolved'],
  errors: ErrorList,
): Promise<{ writes: GradeWrite[]; blanks: number }> {
  const scales = new Map(
    (
      (await input
        .trx('assessment')
        .whereIn('id', [...new Set(resolved.map((r) => r.assessmentId))])
        .select('id', 'scale')) as Array<{ id: number; scale: string }>
    ).map((a) => [a.id, Number(a.scale)]),
  );
  const writes: GradeWrite[] = [];
  let blanks = 0;
  for (const r of resolved) {
    const cell = gradeCell(r.row.get('grade'));
    const parsed =
      'error' in cell
        ? { ok: false as const, code: cell.error }
        : parseGrade(cell, { scale: scales.get(r.assessmentId) ?? 20 });
    if (!parsed.ok) {
      errors.add(
        r.row.number,
        'Note',
        parsed.code,
        r.row.text('grade'),
        'detail' in parsed ? parsed.detail : undefined,
      );
      continue;
    }
    if (parsed.grade.kind === 'blank') {
      blanks += 1;
      continue;
    }
    noteAlias(errors, r.row.number, 'Note', parsed);
    writes.push({
      assessmentId: r.assessmentId,
      studentNumber: r.studentNumber,
      ...gradeToStorage(parsed.grade),
      source: { row: r.row.number, ...keyOf(r.row) },
    });
  }

  return { writes, blanks };
}

/** Reads and resolves a keyed file, or settles it as refused when it cannot be read as one. */
export async function readKeyedOrRefuse(
  input: ChannelInput,
  workbook: Workbook,
  extra: ColumnSpec,
  errors: ErrorList,
): Promise<Awaited<ReturnType<typeof readKeyedFile>> | ChannelResult> {
  try {
    return await readKeyedFile(input, workbook, extra, errors);
  } catch (error: unknown) {
    if (!(error instanceof AppError)) {
      throw error;
    }
    errors.addError(null, null, error);
    return settle(input, 0, 0, errors, true, extra.key === 'result' ? 'décision' : 'note');
  }
}

/** The grade column of a grade file, with the `Note …` headings the file itself uses. */
export function gradeColumn(workbook: Workbook): ColumnSpec {
  return {
    key: 'grade',
    synonyms: ['Note', 'note sur 20', 'NOT_ELP', 'NOT_EPR', ...headerStarting(workbook, 'note')],
    required: true,
  };
}

/**
 * Decides the file again on the states at write time (recheckResolution), settles its status and,
 * unless it is rejected, writes its grades.
 */
export async function storeGrades(
  input: ChannelInput,
  read: number,
  writes: GradeWrite[],
  blanks: number,
  errors: ErrorList,
  resolution: Resolution,
): Promise<ChannelResult> {
  const check = await recheckResolution(input, resolution, errors);
  const stateRefusal = resolution.stateRefusal !== null || check.stateRefusal !== null;
  // As for long files (grade-import.ts): the grades a written file replaces are listed, then the
  // receipt is settled with them.
  const refused =
    settle(input, read, writes.length, errors, stateRefusal, 'note').status === 'rejected';
  const listed = refused
    ? { replaced: 0, newerKept: 0, sameTime: 0 }
    : await listReplaced(input.trx, writes, input.receivedAt, errors);
  // Rows whose grade stays the later one's are not recorded: the counts say so.
  const result = settle(
    input,
    read,
    writes.length - listed.newerKept,
    errors,
    stateRefusal,
    'note',
  );
  result.assessmentIds = [...new Set(resolution.resolved.map((r) => r.assessmentId))];
  result.summary += assessmentsSentence(await assessmentNames(input.trx, result.assessmentIds));
  result.summary +=
    replacedSummary(listed.replaced, listed.sameTime) + newerKeptSummary(listed.newerKept);
  if (result.status !== 'rejected') {
    const written = await writeGrades(input.trx, writes, fileOrigin(input), check.states);
    result.summary += await writtenSummary(
      input.trx,
      { kept: writes.length - listed.newerKept, written },
      input.intakeId,
      check.states,
    );
    result.summary += blanksSummary(blanks);
  }
  return result;
}
