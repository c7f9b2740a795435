// Optical-reader files (lecteur-optique/): Auto Multiple Choice CSV/ODS exports, OMRChecker CSV and
// generic scanner CSV, each read through its column profile. A scanner misreads marks, so an
// identifier that cannot be the number as read (blank, `*`, several marks, wrong length, failed
// check character) is refused with the numbers of the same template it could have been; a copy
// scanned twice with two grades is a conflict where nothing is written for it. A profile may round
// the scores its tool writes (OMRChecker's floats) and bring them to the barème: each rounded grade
// is listed on the receipt as a notice.
import { AppError } from '../domain/errors.js';
import { cellText, matchesSpec, normaliseHeader, type ColumnSpec } from '../readers/columns.js';
import {
  OPTICAL_PROFILES,
  profileOfFolder,
  type ColumnProfile,
  type OpticalProfileName,
} from '../readers/profiles.js';
import type { Cell, Workbook } from '../readers/table.js';
import { loadTemplateById } from '../services/lookups.js';
import { keyColumns, parseGrades, readKeyed, storeGrades, visibleOnly } from './grades.js';
import { settle } from './settle.js';
import { normaliseNumber } from './numbers.js';
import { convertScores, noteRoundings } from './optical-scores.js';
import { resolveByNumber, type Resolved } from './resolve.js';
import { JURY_RESULT_COLUMN } from './other-channel.js';
import { ErrorList, type KeyedRow } from './rows.js';
import type { ChannelInput, ChannelResult } from './types.js';

/** Characters scanners write for a position with no mark (space, `?`, `_`) or several (`*`). */
const UNREADABLE_MARK = /[*?_\s]/;
const NUMBER_COLUMN = 'N° anonyme';
const MAX_CANDIDATES = 10;
const SCAN_ROWS = 20;

/** The profile a file is read with: its folder's, or in `auto` the one whose signature it carries. */
export function chooseProfile(
  input: Pick<ChannelInput, 'ctx' | 'ctn'>,
  workbook: Workbook,
): OpticalProfileName {
  const profiles = input.ctx.config.columnProfiles;
  const chosen = profileOfFolder(profiles, input.ctn);
  if (chosen !== 'auto') {
    return chosen;
  }

  const headings = visibleOnly(workbook)
    .sheets.flatMap((sheet) => sheet.rows.slice(0, SCAN_ROWS))
    .flatMap((row) => row.cells.map(cellText));
  const carries = (signature: string[]): boolean =>
    signature.length > 0 && signature.every((wanted) => headings.some((h) => heading(h, wanted)));

  return OPTICAL_PROFILES.find((name) => carries(profiles.profiles[name].signature)) ?? 'scanner';
}

/** Whether a heading answers to a profile heading (`X*` = starting with X). */
function heading(text: string, wanted: string): boolean {
  if (wanted.endsWith('*')) {
    const prefix = wanted.slice(0, -1).toLowerCase();
    return text.trim().toLowerCase().startsWith(prefix) && text.trim().length > prefix.length;
  }
  return normaliseHeader(text) !== '' && normaliseHeader(text) === normaliseHeader(wanted);
}

/** Columns of a profile, plus the épreuve and session columns every grade file may carry. */
export function opticalSpecs(profile: ColumnProfile, data: Workbook): ColumnSpec[] {
  const grade: ColumnSpec = { key: 'grade', synonyms: profile.grade, required: true };
  const shared = keyColumns(data, grade).filter((s) => s.key === 'object' || s.key === 'session');

  return [
    { key: 'number', synonyms: [NUMBER_COLUMN, ...profile.number], required: true },
    grade,
    { key: 'grid', synonyms: profile.grid, required: false },
    ...shared,
  ];
}

/** How an identifier as read is misread, before any lookup; null when its shape is plausible. */
export function misreadOf(
  text: string,
  lengths: ReadonlySet<number>,
): 'NUMBER_BLANK' | 'OPTICAL_MARKS_UNREADABLE' | 'NUMBER_LENGTH' | null {
  const read = text.trim();
  if (read.replace(/\*/g, '') === '') {
    return 'NUMBER_BLANK';
  }
  if (UNREADABLE_MARK.test(read)) {
    return 'OPTICAL_MARKS_UNREADABLE';
  }
  return lengths.size > 0 && !lengths.has(read.length) ? 'NUMBER_LENGTH' : null;
}

/** Whether `short` is `long` with some characters taken out (marks missed or marks added). */
function isSubsequence(short: string, long: string): boolean {
  let at = 0;
  for (const char of long) {
    if (char === short[at]) {
      at += 1;
    }
  }
  return at === short.length;
}

/** The numbers of a template that a misread identifier could have been, by how it was misread. */
export function candidatesFor(
  text: string,
  kind: 'NUMBER_BLANK' | 'OPTICAL_MARKS_UNREADABLE' | 'NUMBER_LENGTH',
  known: readonly string[],
): string[] {
  const read = text.trim().toUpperCase();

  switch (kind) {
    case 'NUMBER_BLANK':
      return [...known];
    case 'OPTICAL_MARKS_UNREADABLE': {
      const pattern = [...read]
        .map((char) => (UNREADABLE_MARK.test(char) ? '.' : char.replace(/\W/, '\\$&')))
        .join('');
      const matcher = new RegExp(`^${pattern}$`);
      return known.filter((n) => matcher.test(n));
    }
    case 'NUMBER_LENGTH':
      return known.filter((n) =>
        read.length > n.length ? isSubsequence(n, read) : isSubsequence(read, n),
      );
  }
}

/** `Numéros possibles : …` for a receipt, at most ten of them. */
function candidateDetail(candidates: string[]): string {
  if (candidates.length === 0) {
    return '(aucun numéro de la maquette ne correspond)';
  }
  const shown = candidates.slice(0, MAX_CANDIDATES).join(', ');
  const more = candidates.length - MAX_CANDIDATES;
  return `Numéros possibles : ${shown}${more > 0 ? ` (et ${more} autres)` : ''}.`;
}

/** The template most identifiers of the file belong to, its number length and its numbers not in the file. */
async function fileTemplate(
  input: ChannelInput,
  read: ReadonlySet<string>,
): Promise<{ lengths: Set<number>; free: string[] }> {
  const owned = (await input
    .trx('anonymous_number as n')
    .join('anonymity_template as t', 't.id', 'n.template_id')
    .where('t.ctn', input.ctn)
    .select('n.number', 'n.template_id')) as Array<{ number: string; template_id: number }>;

  const counts = new Map<number, number>();
  for (const row of owned) {
    if (read.has(row.number)) {
      counts.set(row.template_id, (counts.get(row.template_id) ?? 0) + 1);
    }
  }
  const [best] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  const inTemplate = owned.filter((row) => best === undefined || row.template_id === best);
  const ids = [...new Set(inTemplate.map((row) => row.template_id))];

  const lengths = new Set<number>();
  for (const id of ids) {
    const { rule } = await loadTemplateById(input.trx, id);
    lengths.add(rule.prefix.length + rule.width + (rule.check === 'none' ? 0 : 1));
  }
  const free = inTemplate.map((row) => row.number).filter((n) => !read.has(n));
  return { lengths, free: [...new Set(free)].sort() };
}

/** Rows from which a file whose numbers all have the wrong length is taken for another exam's. */
const OTHER_EXAM_ROWS = 5;

/**
 * Refuses misread identifiers with their candidates, notes disagreeing code grids; returns the rows
 * to look up. A file none of whose numbers has the length of the CTN's numbers is also refused as a
 * whole, once, as probably another exam's.
 */
async function screen(
  input: ChannelInput,
  rows: KeyedRow[],
  errors: ErrorList,
): Promise<KeyedRow[]> {
  const read = new Set(rows.map((row) => normaliseNumber(row.text('number'))));
  const template = await fileTemplate(input, read);
  const kept: KeyedRow[] = [];
  let wrongLength = 0;

  for (const row of rows) {
    const text = cellText(row.get('number'));
    const kind = misreadOf(text, template.lengths);
    wrongLength += kind === 'NUMBER_LENGTH' ? 1 : 0;
    if (kind) {
      const detail = candidateDetail(candidatesFor(text, kind, template.free));
      errors.add(row.number, NUMBER_COLUMN, kind, text.trim(), detail);
      continue;
    }

    const grid = row.text('grid').replace(/\D/g, '');
    if (grid !== '' && grid !== row.text('number').replace(/\D/g, '')) {
      errors.note(row.number, 'Grille de codage', 'OPTICAL_GRID_MISMATCH', row.text('grid'));
    }
    kept.push(row);
  }
  if (kept.length === 0 && rows.length >= OTHER_EXAM_ROWS && wrongLength >= 0.9 * rows.length) {
    // Hundreds of row errors then say one thing: the file is not about these numbers at all.
    const lengths = [...template.lengths].sort((a, b) => a - b).join(' ou ');
    errors.addError(
      null,
      NUMBER_COLUMN,
      new AppError('OPTICAL_OTHER_NUMBERING', `(longueur attendue : ${lengths} caractères)`),
    );
  }
  return kept;
}

/** What a grade cell means, so that `12,5` and `12.50` read twice are one grade, not a conflict. */
function gradeMeaning(cell: Cell | undefined): string {
  if (cell?.kind === 'number') {
    return String(cell.value);
  }
  const text = cellText(cell).trim().replace(',', '.');
  const value = Number(text);
  return text !== '' && Number.isFinite(value) ? String(value) : text.toUpperCase();
}

/** One row per copy: a copy read twice with one grade is kept once; with two grades nothing is kept. */
export function settleRepeats(
  resolved: Resolved[],
  errors: ErrorList,
): { unique: Resolved[]; repeats: number } {
  const byCopy = new Map<string, Resolved[]>();
  for (const r of resolved) {
    const key = `${r.assessmentId}|${r.studentNumber}`;
    byCopy.set(key, [...(byCopy.get(key) ?? []), r]);
  }

  const unique: Resolved[] = [];
  let repeats = 0;
  for (const group of byCopy.values()) {
    const meanings = new Set(group.map((r) => gradeMeaning(r.row.get('grade'))));
    if (meanings.size > 1) {
      // Same code as the grade channel (a stored contract); the value shown is the identifier as read.
      group.forEach((r) =>
        errors.add(r.row.number, NUMBER_COLUMN, 'NUMBER_DUPLICATED', r.row.text('number')),
      );
      continue;
    }
    unique.push(group[0] as Resolved);
    repeats += group.length - 1;
  }
  return { unique, repeats };
}

/** Rows looked at for a jury file's decision heading, as a header is looked for. */
const HEADER_ROWS = 20;

/**
 * A refusal for want of a score column, told that the file looks like jury decisions when it has a
 * decision heading: dropped here, its codes would be taken for grades (ABJ, DEF… are absence codes
 * too), so it is refused, and the person is sent to jury/.
 */
function withJuryAdvice(error: AppError, workbook: Workbook): AppError {
  if (error.code !== 'COLUMN_MISSING' && error.code !== 'HEADER_NOT_FOUND') {
    return error;
  }
  const decision = workbook.sheets
    .filter((sheet) => sheet.state === 'visible')
    .flatMap((sheet) => sheet.rows.slice(0, HEADER_ROWS))
    .flatMap((row) => row.cells.map(cellText))
    .find((text) => matchesSpec(text, JURY_RESULT_COLUMN));
  if (decision === undefined) {
    return error;
  }
  // Its own code: the missing-column message would first advise renaming « Résultat » to « Note ».
  const read = (error.detail ?? '').replace(/^\((.*)\)$/s, '$1');
  return new AppError('JURY_FILE_IN_OPTICAL', `(colonne « ${decision.trim()} » ; ${read})`);
}

/** Imports an optical-reader file through the profile of its folder (or the one it is recognised as). */
export async function importOpticalTable(
  input: ChannelInput,
  workbook: Workbook,
): Promise<ChannelResult> {
  const errors = new ErrorList();
  const profile = input.ctx.config.columnProfiles.profiles[chooseProfile(input, workbook)];

  let read: ReturnType<typeof readKeyed>;
  try {
    read = readKeyed(input, workbook, (data) => opticalSpecs(profile, data), errors);
  } catch (error: unknown) {
    if (!(error instanceof AppError)) {
      throw error;
    }
    errors.addError(null, null, withJuryAdvice(error, workbook));
    return settle(input, 0, 0, errors, true, 'note');
  }

  // A returned grade-entry workbook dropped here keeps the assessment its fingerprint binds.
  const { rows, bound } = read;
  const plausible = await screen(input, rows, errors);
  const resolution = await resolveByNumber(input, plausible, errors, bound);
  // Grades typed by people (a returned workbook) are never rounded, whatever the folder's profile.
  const scores = bound
    ? { kept: resolution.resolved, rounded: [] }
    : await convertScores(input, resolution.resolved, profile, errors);
  const { unique, repeats } = settleRepeats(scores.kept, errors);
  const { writes, blanks } = await parseGrades(input, unique, errors);

  const lines = rows.length + read.split;
  const result = await storeGrades(input, lines, writes, blanks, errors, resolution);
  if (result.status === 'rejected') {
    return result;
  }

  if (repeats > 0) {
    result.summary += ` ${repeats} copie(s) lue(s) deux fois avec la même note, enregistrée(s) une fois.`;
  }
  if (!bound && profile.scoreScale !== undefined) {
    result.summary += ` Scores lus sur ${profile.scoreScale} ramenés au barème de l'épreuve.`;
  }
  const rounding = noteRoundings(scores.rounded, profile, errors);
  if (rounding !== '') {
    result.errors = errors.items;
    result.summary += ` ${rounding}`;
  }
  return result;
}
