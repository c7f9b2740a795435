// The receipt a person can act on without searching: a copy of their own workbook with every faulty
// cell highlighted (red for an error, yellow for a notice) and a comment on it, plus an « Erreurs et
// avis » sheet listing each item (nature, row, column, value read, why, what to do). An .xlsx is
// copied as it is, by annotated-xlsx.ts (exceljs keeps values, drops macros and external links;
// formulas become their saved results, hyperlinks their text); a CSV, .ods or .xls (or an .xlsx
// exceljs cannot load) is rebuilt from the cells read, written by the lean writer of xlsx-lean.ts
// rather than exceljs (issue 7: it cost most of an import's CPU).
import { isAppError } from '../domain/errors.js';
import { describeHits, type Outbox, type Roster } from './gateway.js';
import { readingsOf } from './identity-parts.js';
import { FILE_NAME_PART, scanTexts, scanTypedName, type ScanHit } from './identity-scan.js';
import { DEFAULT_COLUMN_PROFILES } from '../readers/profiles.js';
import { cellText, normaliseHeader } from '../readers/columns.js';
import { readWorkbook } from '../readers/index.js';
import { sniffFormat } from '../readers/sniff.js';
import type { Sheet, Workbook } from '../readers/table.js';
import type { Receipt, ReceiptError } from './receipt.js';
import { splitMessage } from './receipt-xlsx.js';
import { leanWorkbook, type CellMark, type LeanSheet } from './xlsx-lean.js';
import { freeSheetName, OUTPUT_AUTHOR, type CellInput } from './xlsx-layout.js';

export const ERROR_HEADERS = [
  'Nature',
  'Ligne',
  'Colonne',
  'Valeur lue',
  'Code',
  'Pourquoi',
  'Que faire',
];
export const ERROR_WIDTHS = [9, 9, 18, 22, 26, 50, 50];
/** The list's sheet: errors (rows refused) and notices (rows imported, to check), as the receipt. */
export const LIST_SHEET = 'Erreurs et avis';
/** An error's cell: its row was refused. */
const FAULT_COLOUR = 'FFFFC7CE';
/** A notice's cell: imported, to be checked, never taken for a refused one. */
const NOTICE_COLOUR = 'FFFFEB9C';
/** Characters an .xls sheet name may hold that a workbook's XML cannot. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\ufffe\uffff]/g;
const HEADER_SCAN_ROWS = 20;

/** Receipt column label → headings that column may carry in a file (`X*` = starting with X). */
const COLUMN_HEADINGS: Record<string, string[]> = {
  'N° anonyme': [
    'N° anonyme',
    'numéro anonyme',
    'NUM_ANONYMAT',
    'anonymat',
    ...Object.values(DEFAULT_COLUMN_PROFILES.profiles).flatMap((p) => p.number),
  ],
  Note: [
    'Note*',
    'NOT_ELP',
    'NOT_EPR',
    ...Object.values(DEFAULT_COLUMN_PROFILES.profiles).flatMap((p) => p.grade),
  ],
  'Grille de codage': Object.values(DEFAULT_COLUMN_PROFILES.profiles).flatMap((p) => p.grid),
  'N° étudiant': ['COD_ETU', 'numéro étudiant', 'n° étudiant'],
  'Code épreuve': ['code épreuve', 'COD_ELP', 'COD_EPR', 'code élément', 'code ELP', 'épreuve'],
  Résultat: ['Résultat', 'COD_TRE'],
};

/** Whether a heading answers to the receipt column label. */
function headingMatches(text: string, label: string): boolean {
  const wanted = [label, ...(COLUMN_HEADINGS[label] ?? [])];
  const normalised = normaliseHeader(text);
  return wanted.some((w) =>
    w.endsWith('*')
      ? text.trim().toLowerCase().startsWith(w.slice(0, -1).toLowerCase())
      : normalised !== '' && normaliseHeader(w) === normalised,
  );
}

/** The 1-based column of a receipt label in the data sheet's header rows; null when not found. */
function findColumn(sheet: Sheet, label: string): number | null {
  for (const row of sheet.rows.slice(0, HEADER_SCAN_ROWS)) {
    const index = row.cells.findIndex((cell) => headingMatches(cellText(cell), label));
    if (index >= 0) {
      return index + 1;
    }
  }
  return null;
}

/** The 1-based column of a receipt label in the data sheet's header rows; 1 when not found. */
export function columnOf(sheet: Sheet, label: string | null): number {
  return label === null ? 1 : (findColumn(sheet, label) ?? 1);
}

/**
 * Whether the file holds students' identities by design: a referential (student lists, IA, IP),
 * or a grade or jury file keyed by student number (as the state allows before validation and after
 * the lift). A file keyed by anonymous number holds none: an identity there was typed by mistake.
 */
function holdsIdentities(channel: string, sheet: Sheet): boolean {
  return (
    channel === 'referentiel' ||
    (findColumn(sheet, 'N° étudiant') !== null && findColumn(sheet, 'N° anonyme') === null)
  );
}

/** Whether the bytes are an Apogée maquette (a text file, never copied). */
function isMaquette(bytes: Buffer): boolean {
  try {
    return sniffFormat(bytes) === 'apogee_maquette';
  } catch (error: unknown) {
    if (isAppError(error)) {
      return false;
    }
    throw error;
  }
}

/** The sheet the channels read: the first visible one with rows. */
function dataSheet(workbook: Workbook): Sheet | undefined {
  return workbook.sheets.find((s) => s.state === 'visible' && s.rows.length > 0);
}

/**
 * The cell each row error (red) and notice (yellow, unless an error marks it too) points at, with
 * the note listing them (`CODE : message`, one a line, in the receipt's order).
 */
function cellMarks(sheet: Sheet, errors: ReceiptError[]): CellMark[] {
  const columns = new Map<string | null, number>();
  const marks = new Map<string, CellMark>();
  for (const error of errors) {
    if (error.row === null) {
      continue;
    }
    let column = columns.get(error.column);
    if (column === undefined) {
      column = columnOf(sheet, error.column);
      columns.set(error.column, column);
    }
    const fill = error.kind === 'notice' ? NOTICE_COLOUR : FAULT_COLOUR;
    const line = `${error.code} : ${error.message}`;
    const mark = marks.get(`${error.row}:${column}`);
    if (mark) {
      mark.fill = mark.fill === FAULT_COLOUR ? mark.fill : fill;
      mark.note += `\n${line}`;
    } else {
      marks.set(`${error.row}:${column}`, { row: error.row, column, fill, note: line });
    }
  }
  return [...marks.values()];
}

/** The rows of the list sheet: nature, row, column, value read, code, why, what to do. */
function listRows(errors: ReceiptError[]): CellInput[][] {
  return errors.map((error) => {
    const { explanation, hint } = splitMessage(error.message, error.code);
    return [
      error.kind === 'notice' ? 'Avis' : 'Erreur',
      error.row ?? 'Fichier',
      error.column,
      error.value ?? null,
      error.code,
      explanation,
      hint,
    ];
  });
}

/**
 * The copy of a CSV, .ods or .xls: the cells read, at their own rows and columns, in sheets named
 * as a workbook accepts (an .ods may name a sheet `Notes 'S1'`, or two sheets alike but for their
 * case), in the order read, the data sheet marked; then the list.
 */
function rebuiltCopy(
  workbook: Workbook,
  sheet: Sheet,
  marks: CellMark[],
  list: CellInput[][],
): Buffer {
  const names: string[] = [];
  const sheets = workbook.sheets.map((read): LeanSheet => {
    // Excel keeps this one name for itself (exceljs refuses it), whatever the file format allows.
    const wanted = read.name === 'History' ? 'History (copie)' : read.name || 'Données';
    const name = freeSheetName(names, wanted.replace(CONTROL_CHARACTERS, ' '));
    names.push(name);
    return { name, rows: read.rows, marks: read === sheet ? marks : [] };
  });
  const table = {
    name: freeSheetName(names, LIST_SHEET),
    headers: ERROR_HEADERS,
    widths: ERROR_WIDTHS,
    rows: list,
  };
  return leanWorkbook(sheets, table, OUTPUT_AUTHOR);
}

/** The annotated copy of a refused or partly imported file; null when there is no row to point at. */
export async function buildAnnotatedCopy(
  bytes: Buffer,
  receipt: Pick<Receipt, 'status' | 'errors'>,
): Promise<Buffer | null> {
  return (await annotate(bytes, receipt))?.copy ?? null;
}

/** The annotated copy and the sheet it marks; null when there is no row to point at. */
async function annotate(
  bytes: Buffer,
  receipt: Pick<Receipt, 'status' | 'errors'>,
): Promise<{ copy: Buffer; sheet: Sheet } | null> {
  const rowErrors = receipt.errors.filter((e) => e.row !== null);
  if (receipt.status === 'imported' || receipt.status === 'duplicate' || rowErrors.length === 0) {
    return null;
  }

  let workbook: Workbook;
  try {
    workbook = await readWorkbook(bytes);
  } catch (error: unknown) {
    // A file that cannot be read again has no cell to point at: its receipt says so.
    if (isAppError(error)) {
      return null;
    }
    throw error;
  }
  const sheet = dataSheet(workbook);
  if (!sheet) {
    return null;
  }

  const marks = cellMarks(sheet, rowErrors);
  const list = listRows(receipt.errors);
  // exceljs (megabytes of code and heap) is loaded by the first .xlsx copy only: a worker that
  // imports CSV or optical files never holds it.
  const persons =
    workbook.format === 'xlsx'
      ? await (await import('./annotated-xlsx.js')).personsCopy(bytes, sheet, marks, list)
      : null;
  const copy = persons ?? rebuiltCopy(workbook, sheet, marks, list);
  return { copy, sheet };
}

/**
 * Rows beyond which no annotated copy is made: a file that long comes from a machine (an optical
 * reader, an export), its receipt lists every faulty row, and copying it whole would hold the whole
 * file in memory.
 */
export const ANNOTATED_COPY_MAX_ROWS = 10_000;

const LISTED_HERE = 'les lignes en erreur sont listées dans cet accusé.';

/** Whether a receipt gets an annotated copy of its file (a long file's receipt says it does not). */
export function annotatedCopyWanted(receipt: Pick<Receipt, 'status' | 'rows' | 'errors'>): boolean {
  return refusedWithErrors(receipt) && annotatedCopyAbsence(receipt) === '';
}

/** A refused or partly imported file with something listed against it. */
function refusedWithErrors(receipt: Pick<Receipt, 'status' | 'errors'>): boolean {
  return (
    (receipt.status === 'rejected' || receipt.status === 'partial') && receipt.errors.length > 0
  );
}

/**
 * What a refused or partly imported file's receipt says when its content alone means there is no
 * annotated copy (errors about the whole file only, an identity beside an anonymous number, or too
 * many rows); '' otherwise. A row refused for an identity beside its number is never copied: the
 * output scan reads the copy as it is written, not as a person reads it (« 03 32 43 70 »,
 * « ETU03324370 » were copied under V, trial), and the row check has already found it.
 */
export function annotatedCopyAbsence(receipt: Pick<Receipt, 'status' | 'rows' | 'errors'>): string {
  if (!refusedWithErrors(receipt)) {
    return '';
  }
  if (!receipt.errors.some((e) => e.row !== null)) {
    return (
      'Pas de copie annotée : le refus porte sur le fichier entier et non sur des lignes, ' +
      "il n'y a donc aucune cellule à marquer."
    );
  }
  if (receipt.errors.some((e) => e.code === 'IDENTITY_BESIDE_NUMBER')) {
    return (
      "Pas de copie annotée : des lignes de ce fichier mettent une identité d'étudiant à côté d'un " +
      'numéro anonyme (IDENTITY_BESIDE_NUMBER), et une copie la reproduirait. Retirez ces identités ' +
      `du fichier avant de le déposer à nouveau ; ${LISTED_HERE}`
    );
  }
  return receipt.rows.read > ANNOTATED_COPY_MAX_ROWS
    ? `Fichier de plus de ${ANNOTATED_COPY_MAX_ROWS.toLocaleString('fr-FR')} lignes : ` +
        `pas de copie annotée, ${LISTED_HERE}`
    : '';
}

/**
 * Writes the annotated copy of `bytes` (the imported file) beside its receipt, through the
 * anonymity guard. Returns what the receipt must add when no copy could be written although one
 * was due: the copy would carry a student's identity under anonymity (where, never what, and that
 * it must be removed; or, for a file holding identities by design, only that no copy is made), the
 * file is an Apogée maquette, or it could not be read again to make it; '' when written or not due.
 */
export async function writeAnnotatedCopy(
  outbox: Outbox,
  base: string,
  bytes: Buffer,
  receipt: Pick<Receipt, 'file' | 'channel' | 'status' | 'errors' | 'rows'>,
  roster: Roster,
): Promise<string> {
  if (!annotatedCopyWanted(receipt)) {
    return '';
  }
  if (isMaquette(bytes)) {
    return `Pas de copie annotée pour une maquette Apogée : ${LISTED_HERE}`;
  }
  const annotated = await annotate(bytes, receipt);
  if (!annotated) {
    return `Pas de copie annotée : le fichier n'a pas pu être relu pour la produire ; ${LISTED_HERE}`;
  }

  const byDesign = holdsIdentities(receipt.channel, annotated.sheet);
  const typed = byDesign
    ? []
    : await typedIdentities(annotated.sheet, receipt.errors, roster, receipt.file);
  if (typed.length > 0) {
    return identityAbsenceAt(describeHits(typed));
  }
  const relative = `${base}.annote.xlsx`;
  try {
    await outbox.writeAnonymous(relative, annotated.copy, roster);
  } catch (error: unknown) {
    if (!isAppError(error, 'OUTPUT_IDENTITY_LEAK')) {
      throw error;
    }
    return identityAbsence(outbox, relative, byDesign);
  }
  return '';
}

/**
 * Whether the file's own cells, read as typed text is (identities-beside.ts: a number without its
 * zeros, grouped or glued digits, a date with a two-digit year), hold an identity of a student under
 * anonymity, in the rows the row check did not read: the lines above the header and the rows the
 * receipt lists (refused for their number, unknown or misread). The guard of outputs looks for fewer
 * forms (it reads what the service writes, whose own numbers would read as such forms): a remark
 * beside a misread number was copied next to the copy's « Numéros probables » (trial). A doubt only
 * costs the copy.
 */
async function typedIdentities(
  sheet: Sheet,
  errors: readonly ReceiptError[],
  roster: Roster,
  file: string,
): Promise<ScanHit[]> {
  const listed = new Set(errors.map((e) => e.row));
  const unread = sheet.rows.filter((row, i) => i < HEADER_SCAN_ROWS || listed.has(row.number));
  const texts = unread.flatMap((row) => {
    const cells = row.cells.map(cellText).filter((text) => text !== '');
    return cells.length > 0 ? [{ place: `ligne ${row.number}`, texts: readingsOf(cells) }] : [];
  });
  // The copy is named after the dropped file: « notes 21.004.567.xlsx » (trial M).
  const named = await scanTypedName(file, FILE_NAME_PART, roster);
  return texts.length > 0 ? [...named, ...(await scanTexts(texts, roster, 'whole-text'))] : named;
}

/**
 * Why a copy the identity guard refused is missing. A file holding identities by design (a student
 * list) must keep them: its receipt says no copy is made, never to remove them nor where they are.
 */
function identityAbsence(outbox: Outbox, relative: string, byDesign: boolean): string {
  if (byDesign) {
    return (
      "Pas de copie annotée : ce fichier porte par nature des identités d'étudiants, dont " +
      `certains ont une épreuve sous anonymat, et aucune copie n'en est faite ; ${LISTED_HERE}`
    );
  }
  return identityAbsenceAt(
    describeHits(outbox.blocked.findLast((b) => b.relative === relative)?.hits ?? []),
  );
}

/** Why no copy is made: a student's identifier found `where` (places, never the value). */
function identityAbsenceAt(where: string): string {
  return (
    `Pas de copie annotée : elle contiendrait un identifiant d'un étudiant d'une épreuve sous anonymat (${where}). ` +
    `Retirez-le du fichier avant de le déposer à nouveau ; ${LISTED_HERE}`
  );
}
