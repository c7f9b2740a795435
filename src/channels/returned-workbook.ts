// A returned grade-entry workbook checked against the one sent (issue 6): its signed fingerprint
// holds the digest of the numbers sent, so a row deleted, or a number typed over, shows as a number
// of the sent list missing from the returned one, and rows whose numbers were moved as numbers out of
// the order they were sent in. Added or renumbered rows are already refused by the resolution
// (unknown, not concerned, duplicated); this lists what disappeared or moved.
import { AppError } from '../domain/errors.js';
import { numbersDigest } from '../domain/fingerprint.js';
import { ENTRY_SHEET_NAME } from '../outputs/grade-entry-sheet.js';
import { compareNumbers } from '../outputs/order.js';
import type { HeaderMatch } from '../readers/columns.js';
import type { Workbook } from '../readers/table.js';
import { numbersOf } from '../services/holders.js';
import { loadTemplateById } from '../services/lookups.js';
import type { ErrorList } from './rows.js';
import type { ChannelInput } from './types.js';

/** What a returned workbook's fingerprint says about what was sent. */
export interface SentWorkbook {
  templateId: number;
  assessmentId: number;
  numbersDigest: string;
}

/** Lists, as errors of the file, the numbers sent in the workbook and missing from those returned (normalised). */
export async function reportMissingRows(
  input: ChannelInput,
  numbers: ReadonlySet<string> | null,
  sent: SentWorkbook | undefined,
  errors: ErrorList,
): Promise<void> {
  if (!sent || !numbers) {
    return;
  }
  const returned = new Set([...numbers].filter(Boolean));
  if (numbersDigest([...returned]) === sent.numbersDigest) {
    reportReorderedRows([...returned], errors);
    return;
  }

  const template = await loadTemplateById(input.trx, sent.templateId);
  const assessment = template.assessments.find((a) => a.info.assessmentId === sent.assessmentId);
  const current = assessment ? await numbersOf(input.trx, template, assessment) : [];
  // Only a list with the signed digest is the list that was sent: after newcomers were numbered,
  // the missing rows cannot be told apart and the resolution's own errors stand alone.
  if (numbersDigest(current) !== sent.numbersDigest) {
    return;
  }
  // A number whose leading zeros the spreadsheet dropped (`00417` read as 417) is on its row, and
  // listed there as NUMBER_LEADING_ZEROS: it is not missing too (a trial counted it twice).
  const missing = current.filter((n) => !returned.has(n) && !returned.has(withoutZeros(n)));
  for (const number of missing) {
    errors.add(null, 'N° anonyme', 'WORKBOOK_ROW_MISSING', number);
  }
}

/** A number as a spreadsheet shows it once read as a number: its leading zeros gone. */
function withoutZeros(number: string): string {
  return /^\d+$/.test(number) ? number.replace(/^0+(?=\d)/, '') : number;
}

/**
 * Lists, as an error of the file, the first number no longer where the service wrote it: the rows
 * were sent in number order, and a number column sorted or moved on its own puts every grade below
 * it in front of another copy's number. Every number is there, so nothing else would say so.
 */
function reportReorderedRows(returned: readonly string[], errors: ErrorList): void {
  const sent = [...returned].sort(compareNumbers);
  const moved = returned.find((number, i) => number !== sent[i]);
  if (moved !== undefined) {
    errors.add(null, 'N° anonyme', 'WORKBOOK_ROWS_REORDERED', moved);
  }
}

/**
 * Refuses a returned workbook whose grades were found on another sheet than its entry sheet: a
 * draft sheet put before « Saisie des notes » was read instead, and every number of the entry sheet
 * was listed as a deleted row (trial). A renamed entry sheet, the only table, is still read.
 */
export function assertEntrySheetRead(head: Workbook, match: HeaderMatch): void {
  const entry = head.sheets.find((s) => s.name === ENTRY_SHEET_NAME && s.state === 'visible');
  if (entry && match.sheet !== entry) {
    throw new AppError('WORKBOOK_OTHER_SHEET', `(« ${match.sheet.name} », « ${entry.name} »)`);
  }
}

/** The head of a returned workbook with its entry sheet, when it has one by that name, first. */
export function entrySheetFirst(head: Workbook): Workbook {
  const entry = head.sheets.find((s) => s.name === ENTRY_SHEET_NAME && s.state === 'visible');
  return entry ? { ...head, sheets: [entry, ...head.sheets.filter((s) => s !== entry)] } : head;
}
