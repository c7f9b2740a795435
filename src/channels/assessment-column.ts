// A file keyed by student number tells the assessment of each row in a column of its own
// (« Code épreuve », COD_ELP): without it no row can be matched, and each would be refused with a
// blank code. The file is refused once, saying which column to add, and, where anonymity is
// validated, that those assessments take grades by anonymous number only.
import type { Knex } from 'knex';

import { AppError } from '../domain/errors.js';
import { cellText, type HeaderMatch } from '../readers/columns.js';
import { LISTED_NOTICES, type ErrorList, type KeyedRow } from './rows.js';
import type { ChannelInput } from './types.js';

/** The refusal of a file keyed by student number without a column naming the assessment, or null. */
export async function assessmentColumnRefusal(
  input: ChannelInput,
  match: HeaderMatch,
): Promise<AppError | null> {
  const { columns } = match;
  if (columns.number !== undefined || columns.student === undefined) {
    return null;
  }
  if (columns.object !== undefined) {
    return null;
  }

  const validated = (await input
    .trx('assessment as a')
    .join('teaching_object as o', 'o.id', 'a.object_id')
    .join('template_assessment as ta', 'ta.assessment_id', 'a.id')
    .where({ 'o.ctn': input.ctn, 'a.year': input.ctx.config.defaultYear, 'ta.state': 'V' })
    .orderBy([{ column: 'o.code' }, { column: 'a.session' }])
    .select('o.code', 'a.session')) as Array<{ code: string; session: number }>;
  if (validated.length === 0) {
    return new AppError('ASSESSMENT_COLUMN_MISSING');
  }

  const names = validated.map((a) => `${a.code} session ${a.session}`).join(', ');
  return new AppError(
    'ASSESSMENT_COLUMN_MISSING',
    `(sous anonymat validé dans ce CTN : ${names} ; leurs notes et décisions se saisissent par ` +
      'numéro anonyme, sur le bordereau de saisie ou dans un fichier à colonne « N° anonyme », ' +
      'jamais par numéro étudiant tant que l’anonymat n’est pas levé)',
  );
}

/**
 * Says once per file, on the first row concerned, that its « Code épreuve » column names another
 * exam than its file name: the column decides, row by row, but a file named after MAT102 whose
 * rows say MAT101 may be the wrong file (a trial: it replaced MAT101 grades without a word).
 */
export function noteNameOtherAssessment(
  errors: ErrorList,
  row: KeyedRow,
  namedCodes: readonly string[],
): void {
  const code = 'FILE_NAME_OTHER_ASSESSMENT';
  const given = row.text('object');
  if (
    given === '' ||
    namedCodes.length === 0 ||
    namedCodes.some((named) => named.toUpperCase() === given.toUpperCase()) ||
    errors.noticesListable(code) < LISTED_NOTICES
  ) {
    return;
  }
  errors.note(
    row.number,
    'Code épreuve',
    code,
    given,
    `(nom du fichier : ${namedCodes.join(', ')})`,
  );
}

/** The object codes of the assessments of the CTN's anonymity templates, upper case. */
export async function templateObjectCodes(trx: Knex.Transaction, ctn: string): Promise<string[]> {
  const rows = (await trx('anonymity_template as t')
    .join('template_assessment as ta', 'ta.template_id', 't.id')
    .join('assessment as a', 'a.id', 'ta.assessment_id')
    .join('teaching_object as o', 'o.id', 'a.object_id')
    .where('t.ctn', ctn)
    .distinct('o.code')) as Array<{ code: string }>;
  return rows.map((r) => r.code.toUpperCase()).filter((code) => code !== '');
}

/** The words of a text, upper case, split on anything but letters and digits. */
function wordsOf(text: string): Set<string> {
  return new Set(text.toUpperCase().split(/[^\p{L}\p{N}]+/u));
}

/**
 * The refusal of a sheet whose title (the text above its header row: « Bordereau de saisie des
 * notes — 7WGA4 … » on a grade-entry workbook) names other exams of the CTN than its file name, or
 * null. A workbook copied without its hidden sheet and saved under another exam's name wrote its
 * grades there, the title saying otherwise (trial); which of the two is right cannot be told.
 */
export async function titleContradiction(
  input: ChannelInput,
  match: HeaderMatch,
): Promise<AppError | null> {
  const title = match.sheet.rows
    .slice(0, match.headerRowIndex)
    .flatMap((row) => row.cells.map(cellText))
    .join(' ');
  if (title.trim() === '' || input.fileName === null) {
    return null;
  }
  const codes = await templateObjectCodes(input.trx, input.ctn);
  const [inTitle, inName] = [wordsOf(title), wordsOf(input.fileName)].map((words) =>
    codes.filter((code) => words.has(code)),
  ) as [string[], string[]];
  if (inTitle.length === 0 || inName.length === 0 || inTitle.some((c) => inName.includes(c))) {
    return null;
  }
  return new AppError(
    'FILE_TITLE_OTHER_ASSESSMENT',
    `(titre : ${inTitle.join(', ')} ; nom du fichier : ${inName.join(', ')})`,
  );
}

/**
 * The refusal of a signed grade-entry workbook whose file name names other exams of the CTN than
 * the one it was made for, or null. With one number per student for a whole template, the numbers
 * fit every exam of it: the name was the only sign that one exam's grades were typed into another's
 * workbook, and they replaced that exam's grades without a word (trial).
 */
export async function boundNameContradiction(
  input: ChannelInput,
  assessmentId: number,
): Promise<AppError | null> {
  if (input.fileName === null) {
    return null;
  }
  const own = (await input
    .trx('assessment as a')
    .join('teaching_object as o', 'o.id', 'a.object_id')
    .where('a.id', assessmentId)
    .first('o.code')) as { code: string } | undefined;
  const words = wordsOf(input.fileName);
  const inName = (await templateObjectCodes(input.trx, input.ctn)).filter((c) => words.has(c));
  if (!own || inName.length === 0 || inName.includes(own.code.toUpperCase())) {
    return null;
  }
  return new AppError(
    'WORKBOOK_NAMED_OTHER_ASSESSMENT',
    `(bordereau : ${own.code} ; nom du fichier : ${inName.join(', ')})`,
  );
}
