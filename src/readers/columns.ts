// Columns are found by meaning, not by position: people move columns, add a title block above the
// header and spell headings their own way (`N° étudiant`, `Numéro étudiant`, `COD_ETU`). A header
// cell matches a column when its normalised text equals one of the column's normalised synonyms.

import { AppError } from '../domain/errors.js';
import type { Cell, Sheet, Workbook } from './table.js';

/**
 * One column a channel looks for. The first synonym is the French name shown to the person when
 * the column is missing. A synonym ending with `*` matches any header starting with the rest
 * (case-insensitive, not normalised), e.g. `A:*` for Auto Multiple Choice's `A:numero`.
 */
export interface ColumnSpec {
  key: string;
  synonyms: string[];
  required: boolean;
}

/** Where the header was found and which cell index holds each matched column. */
export interface HeaderMatch {
  sheet: Sheet;
  /** Index into `sheet.rows`. */
  headerRowIndex: number;
  /** Column key → 0-based cell index; keys of optional columns not found are absent. */
  columns: Record<string, number>;
}

const DEFAULT_SCAN_ROWS = 20;
const PREFIX_MARK = '*';

/** Text of a cell as the person sees it, '' for a blank or absent cell. */
export function cellText(cell: Cell | undefined): string {
  return cell === undefined || cell.kind === 'blank' ? '' : cell.raw;
}

/** Lowercases, drops accents, reads `n°` as `numero`, turns punctuation and space runs into one space. */
export function normaliseHeader(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/(^|[^\p{L}\p{N}])n\s*[°º]/gu, '$1numero ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Tells whether a header text names the column. */
export function matchesSpec(header: string, spec: ColumnSpec): boolean {
  const normalised = normaliseHeader(header);
  if (normalised === '') {
    return false;
  }

  return spec.synonyms.some((synonym) => {
    if (synonym.endsWith(PREFIX_MARK)) {
      const prefix = synonym.slice(0, -PREFIX_MARK.length).toLowerCase();
      const lowered = header.trim().toLowerCase();
      return lowered.length > prefix.length && lowered.startsWith(prefix);
    }
    return normaliseHeader(synonym) === normalised;
  });
}

/** For each spec, the cell indexes of a row whose text matches it. */
function matchRow(cells: Cell[], specs: ColumnSpec[]): Map<string, number[]> {
  const found = new Map<string, number[]>();

  cells.forEach((cell, index) => {
    const text = cellText(cell);
    for (const spec of specs) {
      if (text !== '' && matchesSpec(text, spec)) {
        found.set(spec.key, [...(found.get(spec.key) ?? []), index]);
      }
    }
  });

  return found;
}

interface Candidate {
  sheet: Sheet;
  rowIndex: number;
  found: Map<string, number[]>;
  required: number;
}

function countRequired(found: Map<string, number[]>, specs: ColumnSpec[]): number {
  return specs.filter((spec) => spec.required && found.has(spec.key)).length;
}

/** The row of a sheet matching the most required columns, then the most columns; the first on ties. */
function bestRow(sheet: Sheet, specs: ColumnSpec[], scanRows: number): Candidate | undefined {
  let best: Candidate | undefined;

  sheet.rows.slice(0, scanRows).forEach((row, rowIndex) => {
    const found = matchRow(row.cells, specs);
    const required = countRequired(found, specs);
    const better =
      !best ||
      required > best.required ||
      (required === best.required && found.size > best.found.size);
    if (found.size > 0 && better) {
      best = { sheet, rowIndex, found, required };
    }
  });

  return best;
}

function columnLetter(index: number): string {
  let letters = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}

function frenchName(spec: ColumnSpec): string {
  return spec.synonyms[0] ?? spec.key;
}

/** Column key → cell index, refusing a column found twice or a cell claimed by two columns. */
function resolveColumns(candidate: Candidate, specs: ColumnSpec[]): Record<string, number> {
  const columns: Record<string, number> = {};
  const claimed = new Map<number, ColumnSpec>();

  for (const spec of specs) {
    const indexes = candidate.found.get(spec.key) ?? [];
    if (indexes.length > 1) {
      const letters = indexes.map(columnLetter).join(', ');
      throw new AppError('COLUMN_AMBIGUOUS', `(« ${frenchName(spec)} » : colonnes ${letters})`);
    }

    const [index] = indexes;
    if (index === undefined) {
      continue;
    }
    const other = claimed.get(index);
    if (other) {
      const detail = `(colonne ${columnLetter(index)} : « ${frenchName(other)} » ou « ${frenchName(spec)} »)`;
      throw new AppError('COLUMN_AMBIGUOUS', detail);
    }
    claimed.set(index, spec);
    columns[spec.key] = index;
  }

  return columns;
}

/** Finds the header among the first rows of the first visible sheet that has one; COLUMN_* or HEADER_NOT_FOUND. */
export function findHeader(
  workbook: Workbook,
  specs: ColumnSpec[],
  opts: { scanRows?: number } = {},
): HeaderMatch {
  const scanRows = opts.scanRows ?? DEFAULT_SCAN_ROWS;
  const requiredCount = specs.filter((spec) => spec.required).length;
  const visible = workbook.sheets.filter((sheet) => sheet.state === 'visible');

  let closest: Candidate | undefined;
  for (const sheet of visible) {
    const candidate = bestRow(sheet, specs, scanRows);
    if (candidate && candidate.required === requiredCount) {
      return {
        sheet,
        headerRowIndex: candidate.rowIndex,
        columns: resolveColumns(candidate, specs),
      };
    }
    if (candidate && (!closest || candidate.required > closest.required)) {
      closest = candidate;
    }
  }

  const required = specs.filter((spec) => spec.required);
  if (!closest || closest.required === 0) {
    const firstRows = visible.flatMap((sheet) => sheet.rows.slice(0, scanRows));
    const garbled = garbledText(firstRows.flatMap((row) => row.cells.map(cellText)));
    throw new AppError(
      'HEADER_NOT_FOUND',
      `(colonnes attendues : ${required.map(frenchName).join(', ')}${garbled})`,
    );
  }

  const missing = required.filter((spec) => !closest.found.has(spec.key)).map(frenchName);
  throw new AppError(
    'COLUMN_MISSING',
    `(colonnes absentes : ${missing.join(', ')}${headingsRead(closest.sheet, closest.rowIndex)})`,
  );
}

/**
 * What a missing-column refusal adds about the header row it read: « ; en-têtes lus ligne N : « A »,
 * « B » », and a word on mixed encodings when a heading looks garbled by one.
 */
export function headingsRead(sheet: Sheet, rowIndex: number): string {
  const row = sheet.rows[rowIndex];
  const headings = (row?.cells ?? []).map((cell) => cellText(cell).trim()).filter(Boolean);
  const shown = headings
    .slice(0, SHOWN_HEADINGS)
    .map((h) => `« ${h.length > SHOWN_HEADING ? `${h.slice(0, SHOWN_HEADING)}…` : h} »`);
  const more = headings.length > SHOWN_HEADINGS ? '…' : '';
  return (
    ` ; en-têtes lus ligne ${row?.number ?? rowIndex + 1} : ${shown.join(', ')}${more}` +
    garbledText(headings)
  );
}

/** Headings of the closest header row shown in a COLUMN_MISSING refusal, and their length. */
const SHOWN_HEADINGS = 12;
const SHOWN_HEADING = 40;

/**
 * UTF-8 text read as Windows-1252 (« NÂ° », « Ã© »): the bytes of a file mixing both encodings
 * (a UTF-8 header over rows saved in Windows-1252) are read as Windows-1252 as a whole.
 */
const UTF8_READ_AS_1252 = /[ÂÃ][\u00a0-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]/;

/** What a refusal adds when headings look garbled by a mixed encoding; '' otherwise. */
function garbledText(texts: readonly string[]): string {
  const garbled = texts.find((t) => UTF8_READ_AS_1252.test(t));
  return garbled === undefined
    ? ''
    : ` ; « ${garbled.slice(0, SHOWN_HEADING)} » semble mal décodé : le fichier mêle deux encodages ` +
        '(UTF-8 et Windows-1252), enregistrez-le à nouveau depuis le tableur au format « CSV UTF-8 »';
}

/** Identity columns of student lists and Apogée extracts. */
export const STUDENT_COLUMNS: ColumnSpec[] = [
  {
    key: 'studentNumber',
    synonyms: [
      'Numéro étudiant',
      'COD_ETU',
      'n° étudiant',
      'num étudiant',
      'no étudiant',
      'code étudiant',
      'numéro',
    ],
    required: true,
  },
  {
    key: 'lastName',
    synonyms: ['Nom', 'LIB_NOM_PAT_IND', 'nom de famille', 'nom patronymique'],
    required: true,
  },
  { key: 'firstName', synonyms: ['Prénom', 'LIB_PR1_IND'], required: true },
  {
    key: 'birthDate',
    synonyms: ['Date de naissance', 'DATE_NAI_IND', 'naissance', 'date naissance'],
    required: false,
  },
  { key: 'ine', synonyms: ['INE', 'COD_NNE_IND', 'numéro INE'], required: false },
];

/** Enrolment columns of Apogée extracts (IA: stage and version; IP: object); only the year is always needed. */
export const ENROLMENT_COLUMNS: ColumnSpec[] = [
  { key: 'stageCode', synonyms: ['Code étape', 'COD_ETP', 'COD_VET', 'étape'], required: false },
  { key: 'stageVersion', synonyms: ['Version étape', 'COD_VRS_VET', 'version'], required: false },
  { key: 'year', synonyms: ['Année universitaire', 'COD_ANU', 'année'], required: true },
  {
    key: 'objectCode',
    synonyms: ['Code élément', 'COD_ELP', 'code ELP', 'code enseignement'],
    required: false,
  },
  {
    key: 'objectLabel',
    synonyms: ['Libellé élément', 'LIB_ELP', 'LIC_ELP', 'libellé ELP', 'libellé enseignement'],
    required: false,
  },
  { key: 'objectKind', synonyms: ["Type d'objet", 'TYP_OBJ', 'type objet'], required: false },
];

/** Columns of grade files keyed by anonymous number (entry workbooks, AMC and generic CSV). */
export const GRADE_COLUMNS: ColumnSpec[] = [
  {
    key: 'anonymousNumber',
    // `A:*` is Auto Multiple Choice's association column (`A:numero`, `A:id`…); its `Copie` column is a sheet number.
    synonyms: [
      'N° anonyme',
      'Numéro anonyme',
      'NUM_ANONYMAT',
      "numéro d'anonymat",
      'anonymat',
      'A:*',
    ],
    required: true,
  },
  { key: 'grade', synonyms: ['Note', 'Note /20', 'Note sur 20'], required: true },
  { key: 'result', synonyms: ['Résultat', 'Resultat', 'COD_TRE'], required: false },
];
