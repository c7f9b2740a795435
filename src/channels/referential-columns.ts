// The columns of a referential table (Apogée extractions and student lists), found by meaning.
// Every row of a student list must give a student number: a file without a column for it (an Auto
// Multiple Choice student list « nom, prenom, numero », a grade file dropped in the wrong folder)
// is refused whole, naming the columns read and the headings accepted, rather than row by row as
// « Numéro étudiant invalide ». A list of teaching objects alone (TYP_OBJ, COD_OBJ) needs none.
import { AppError, isAppError } from '../domain/errors.js';
import { cellText, type ColumnSpec, type HeaderMatch } from '../readers/columns.js';
import type { Row, Workbook } from '../readers/table.js';
import { keyedRows, type KeyedRow } from './rows.js';

/** The columns a referential table may have; none is required alone (see `referentialRows`). */
const SPECS: ColumnSpec[] = [
  {
    key: 'student',
    synonyms: ['COD_ETU', 'numéro étudiant', 'n° étudiant', 'numero etudiant', 'code étudiant'],
    required: false,
  },
  {
    key: 'lastName',
    synonyms: ['LIB_NOM_PAT_IND', 'nom', 'nom de famille', 'nom patronymique'],
    required: false,
  },
  { key: 'firstName', synonyms: ['LIB_PR1_IND', 'prénom', 'prenom'], required: false },
  {
    key: 'birthDate',
    synonyms: ['DATE_NAI_IND', 'date de naissance', 'naissance'],
    required: false,
  },
  { key: 'ine', synonyms: ['COD_NNE_IND', 'INE', 'numéro INE'], required: false },
  { key: 'vet', synonyms: ['COD_ETP', 'COD_VET', 'étape', 'code étape'], required: false },
  { key: 'vetVersion', synonyms: ['COD_VRS_VET', 'version étape', 'version'], required: false },
  { key: 'vetLabel', synonyms: ['LIB_ETP', 'LIB_VET', 'libellé étape'], required: false },
  { key: 'standing', synonyms: ['ETA_IAE', 'en règle', 'état IA'], required: false },
  { key: 'elp', synonyms: ['COD_ELP', 'code élément', 'code ELP', 'COD_EPR'], required: false },
  { key: 'elpLabel', synonyms: ['LIB_ELP', 'libellé élément', 'LIB_EPR'], required: false },
  { key: 'year', synonyms: ['COD_ANU', 'année', 'année universitaire'], required: false },
  { key: 'kind', synonyms: ['TYP_OBJ', 'type objet', "type d'objet"], required: false },
  { key: 'code', synonyms: ['COD_OBJ', 'code objet', 'code'], required: false },
  { key: 'label', synonyms: ['LIB_OBJ', 'libellé', 'libelle objet'], required: false },
];

/** Headings shown on the refusal; a wide sheet's others are counted. */
const HEADINGS_SHOWN = 20;

/** The texts of a row as a list of quoted headings: « nom », « prenom », « numero ». */
function headingsOf(row: Row | undefined): string {
  const texts = (row?.cells ?? []).map((c) => cellText(c).trim()).filter((t) => t !== '');
  const shown = texts.slice(0, HEADINGS_SHOWN).map((t) => `« ${t} »`);
  const more = texts.length - shown.length;
  return texts.length === 0
    ? 'aucune'
    : `${shown.join(', ')}${more > 0 ? ` et ${more} autre(s)` : ''}`;
}

/** Refuses a file without a student-number column; `read` says where its headings come from. */
function studentColumnMissing(read: string): AppError {
  const accepted = (SPECS.find((s) => s.key === 'student')?.synonyms ?? []).join(', ');
  return new AppError(
    'STUDENT_COLUMN_MISSING',
    `(${read} ; intitulés reconnus pour le numéro étudiant : ${accepted})`,
  );
}

/** The first row of the first visible sheet holding any text: what the person sees on top. */
function firstLine(workbook: Workbook): Row | undefined {
  const sheet = workbook.sheets.find((s) => s.state === 'visible');
  return sheet?.rows.find((r) => r.cells.some((c) => cellText(c).trim() !== ''));
}

/** The data rows of a referential table, or why the file is refused and how many rows it had. */
export type ReferentialRows = { rows: KeyedRow[] } | { refusal: AppError; read: number };

/**
 * The data rows of a referential table, keyed by column; or its refusal: COLUMN_* from the header
 * search, or STUDENT_COLUMN_MISSING when no column gives the student number (and the file is not a
 * list of teaching objects).
 */
export function referentialRows(workbook: Workbook): ReferentialRows {
  let found: { match: HeaderMatch; rows: KeyedRow[] };
  try {
    found = keyedRows(workbook, SPECS);
  } catch (error: unknown) {
    if (!isAppError(error)) {
      throw error;
    }
    // No heading recognised at all: the generic message would list no expected column.
    const refusal = isAppError(error, 'HEADER_NOT_FOUND')
      ? studentColumnMissing(`première ligne du fichier : ${headingsOf(firstLine(workbook))}`)
      : error;
    return { refusal, read: 0 };
  }

  const { columns, sheet, headerRowIndex } = found.match;
  const objectsOnly = columns.kind !== undefined && columns.code !== undefined;
  if (columns.student === undefined && !objectsOnly) {
    const refusal = studentColumnMissing(
      `colonnes lues : ${headingsOf(sheet.rows[headerRowIndex])}`,
    );
    return { refusal, read: found.rows.length };
  }
  return { rows: found.rows };
}
