// The Apogée grade "maquette": a TAB-separated text export in four sections (titles, result-code
// lists, column descriptions, one value row per student). Apogée takes it back only if everything
// outside the filled value fields is exactly as exported, so the file is kept line by line, with
// its own line ends and encoding, and writing (outputs/filled-maquette.ts) touches value fields
// only.

import { isUtf8 } from 'node:buffer';

import { AppError } from '../domain/errors.js';
import { decodeWindows1252 } from './csv.js';

/** One value column of the maquette (a Note, Barème, Points jury or Résultat of one object). */
export interface MaquetteColumn {
  /** Column code, e.g. `apoL_c0001`. */
  code: string;
  /** Object kind: ELP, VET, VDI, EPR… */
  objectKind: string;
  objectCode: string;
  version: string;
  year: string;
  session: string;
  /** Admission/admissibility code as exported. */
  stage: string;
  /** N note, B barème, J points jury, R résultat (other letters kept as exported). */
  type: string;
  /** Object label as written on the column (`7WGA4 - Comprend stratégie com S4` on N columns, often empty). */
  label: string;
  /** Column heading (`Note`, `Barème`, `Pts Jury`, `Résultat`). */
  heading: string;
  /** Field index of the column in a full-width value row. */
  index: number;
}

/** One student row of the values section. */
export interface MaquetteStudent {
  /** Text, leading zeros kept. */
  studentNumber: string;
  lastName: string;
  firstName: string;
  /** ISO date, or null when absent or unreadable. */
  birthDate: string | null;
  /** Index of the row in `Maquette.lines`. */
  lineIndex: number;
  /** True when last and first names share one field at the source: values then start one field earlier. */
  namesMerged: boolean;
  /** Value already in the file for each column code ('' when empty), as written. */
  values: Record<string, string>;
}

/** A parsed maquette, with the verbatim lines needed to write it back. */
export interface Maquette {
  encoding: 'latin1' | 'utf8';
  /** `apoC_*` entries of the titles section (`apoC_annee` → `2026/2027`). */
  titles: Record<string, string>;
  /** Result-code lists of the XX-APO_TYP_RES-XX section, in file order. */
  resultCodeLists: string[][];
  /** Result code → label (`ABI` → `Absence injustifiée`). */
  resultCodeLabels: Record<string, string>;
  columns: MaquetteColumn[];
  students: MaquetteStudent[];
  /** Every line of the file without its end. */
  lines: string[];
  /** The end of each line as read (`\r\n`, `\n`, `\r`, or '' for a last line without one). */
  lineEnds: string[];
}

/** One teaching object the maquette carries columns for. */
export interface MaquetteObject {
  kind: string;
  code: string;
  version: string;
  label: string;
}

const TITLES = 'XX-APO_TITRES-XX';
const RESULT_TYPES = 'XX-APO_TYP_RES-XX';
const COLUMNS = 'XX-APO_COLONNES-XX';
const VALUES = 'XX-APO_VALEURS-XX';
const SECTION_MARKER = /^XX-[A-Z_]+-XX$/;
/** Pseudo column closing the value columns; it is no real column. */
const VALUE_END = 'APO_COL_VAL_FIN';
const VALUES_HEADER_FIRST = 'apoL_a01_code';
const COLUMN_CODE = /^apoL_c\d+$/;
const DATE = /^\s*(\d{2})\/(\d{2})\/(\d{4})\s*$/;
const BOM = '\uFEFF';

function corrupt(detail: string): AppError {
  return new AppError('FILE_CORRUPT', `(maquette Apogée : ${detail})`);
}

function splitLines(text: string): { lines: string[]; lineEnds: string[] } {
  const lines: string[] = [];
  const lineEnds: string[] = [];
  const ends = /\r\n|\n|\r/g;

  let start = 0;
  for (let match = ends.exec(text); match; match = ends.exec(text)) {
    lines.push(text.slice(start, match.index));
    lineEnds.push(match[0]);
    start = match.index + match[0].length;
  }
  if (start < text.length) {
    lines.push(text.slice(start));
    lineEnds.push('');
  }

  return { lines, lineEnds };
}

function markerOf(line: string): string {
  return line.replace(BOM, '').trim();
}

function isBlank(line: string): boolean {
  return line.replace(/\t/g, '').trim() === '';
}

/** Non-blank lines between a section marker and the next marker, with their index in the file. */
function sectionLines(lines: string[], marker: string): { line: string; index: number }[] {
  const at = lines.findIndex((line) => markerOf(line) === marker);
  if (at < 0) {
    throw corrupt(`section ${marker} absente`);
  }

  const found: { line: string; index: number }[] = [];
  for (let index = at + 1; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (SECTION_MARKER.test(markerOf(line))) {
      break;
    }
    if (!isBlank(line)) {
      found.push({ line, index });
    }
  }

  return found;
}

function parseTitles(lines: string[]): Record<string, string> {
  const titles: Record<string, string> = {};

  for (const { line } of sectionLines(lines, TITLES)) {
    const [key = '', value = ''] = line.split('\t');
    if (key.trim() !== '') {
      titles[key.trim()] = value;
    }
  }

  return titles;
}

function parseResultCodes(lines: string[]): Pick<Maquette, 'resultCodeLists' | 'resultCodeLabels'> {
  const resultCodeLists: string[][] = [];
  const resultCodeLabels: Record<string, string> = {};

  for (const { line, index } of sectionLines(lines, RESULT_TYPES)) {
    const [first = '', ...rest] = line.split('\t');

    // A list line is `count TAB code TAB code…`; any other line holds `CODE : label` fields.
    if (/^\d+$/.test(first.trim())) {
      const codes = rest.map((code) => code.trim()).filter((code) => code !== '');
      if (codes.length !== Number(first)) {
        throw corrupt(`liste de codes résultat incomplète ligne ${index + 1}`);
      }
      resultCodeLists.push(codes);
      continue;
    }

    for (const field of [first, ...rest]) {
      const separator = field.indexOf(' : ');
      if (separator > 0) {
        resultCodeLabels[field.slice(0, separator).trim()] = field.slice(separator + 3).trim();
      }
    }
  }

  return { resultCodeLists, resultCodeLabels };
}

function parseColumns(lines: string[]): Omit<MaquetteColumn, 'index'>[] {
  const columns: Omit<MaquetteColumn, 'index'>[] = [];

  for (const { line } of sectionLines(lines, COLUMNS)) {
    const fields = line.split('\t');
    const field = (at: number): string => (fields[at] ?? '').trim();
    if (!COLUMN_CODE.test(field(0)) || field(1) === VALUE_END) {
      continue;
    }

    columns.push({
      code: field(0),
      objectKind: field(1),
      objectCode: field(2),
      version: field(3),
      year: field(4),
      session: field(5),
      stage: field(6),
      type: field(7),
      label: field(8),
      heading: field(11),
    });
  }

  return columns;
}

function isDate(text: string | undefined): boolean {
  return text !== undefined && DATE.test(text);
}

function toIsoDate(text: string | undefined): string | null {
  const match = DATE.exec(text ?? '');
  if (!match) {
    return null;
  }

  const [, day, month, year] = match;
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
  const iso = `${year}-${month}-${day}`;
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : null;
}

/**
 * Some exports (the real sample among them) carry last and first names in one field, leaving the
 * row one field short: the third field then holds the birth date (or nothing, on a row exactly
 * one field short). A first name never looks like a date, and a grade never does either.
 */
function hasMergedNames(fields: string[], headerWidth: number): boolean {
  if (isDate(fields[2]) && !isDate(fields[3])) {
    return true;
  }
  return (fields[2] ?? '').trim() === '' && fields.length === headerWidth - 1;
}

function parseStudent(
  line: string,
  lineIndex: number,
  headerWidth: number,
  columns: MaquetteColumn[],
): MaquetteStudent {
  const fields = line.split('\t');
  const studentNumber = (fields[0] ?? '').trim();
  if (studentNumber === '' || fields.length < 3) {
    throw corrupt(`ligne étudiant ${lineIndex + 1} incomplète`);
  }

  const namesMerged = hasMergedNames(fields, headerWidth);
  const shift = namesMerged ? 1 : 0;
  const values: Record<string, string> = {};
  for (const column of columns) {
    values[column.code] = fields[column.index - shift] ?? '';
  }

  return {
    studentNumber,
    lastName: (fields[1] ?? '').trim(),
    firstName: namesMerged ? '' : (fields[2] ?? '').trim(),
    birthDate: toIsoDate(namesMerged ? fields[2] : fields[3]),
    lineIndex,
    namesMerged,
    values,
  };
}

function parseValues(
  lines: string[],
  described: Omit<MaquetteColumn, 'index'>[],
): Pick<Maquette, 'columns' | 'students'> {
  const [header, ...rows] = sectionLines(lines, VALUES);
  const names = (header?.line ?? '').split('\t').map((name) => name.trim());
  if (names[0] !== VALUES_HEADER_FIRST) {
    throw corrupt('en-tête de la section des valeurs absent');
  }

  // Trailing TABs add empty names: the width is up to the last named field.
  const headerWidth = names.reduce((width, name, index) => (name === '' ? width : index + 1), 0);
  const columns = described.map((column) => {
    const index = names.indexOf(column.code);
    if (index < 0) {
      throw corrupt(`colonne ${column.code} absente de la section des valeurs`);
    }
    return { ...column, index };
  });

  const students = rows.map(({ line, index }) => parseStudent(line, index, headerWidth, columns));
  const seen = new Set<string>();
  for (const student of students) {
    if (seen.has(student.studentNumber)) {
      throw corrupt(`étudiant ${student.studentNumber} présent deux fois`);
    }
    seen.add(student.studentNumber);
  }

  return { columns, students };
}

/** Parses an Apogée maquette (ISO-8859-1 or UTF-8); FILE_FORMAT_UNKNOWN when it is none, FILE_CORRUPT when damaged. */
export function parseMaquette(bytes: Buffer): Maquette {
  const encoding = isUtf8(bytes) ? 'utf8' : 'latin1';
  const { lines, lineEnds } = splitLines(bytes.toString(encoding));
  if (!lines.some((line) => markerOf(line) === TITLES)) {
    throw new AppError('FILE_FORMAT_UNKNOWN', '(ce fichier n’est pas une maquette Apogée)');
  }

  // The Windows client writes Windows-1252 (œ, ’, € in labels): read as such, but keep the
  // ISO-8859-1 lines, one character per byte, so that writing gives the same bytes back.
  const shown = encoding === 'latin1' ? splitLines(decodeWindows1252(bytes)).lines : lines;
  return {
    encoding,
    titles: parseTitles(shown),
    ...parseResultCodes(shown),
    ...parseValues(shown, parseColumns(shown)),
    lines,
    lineEnds,
  };
}

/** Distinct objects of the maquette's columns, labelled from their N column without the `code - ` prefix. */
export function maquetteObjects(maquette: Maquette): MaquetteObject[] {
  const objects = new Map<string, MaquetteObject>();

  for (const column of maquette.columns) {
    const key = [column.objectKind, column.objectCode, column.version].join('\t');
    const prefix = `${column.objectCode} - `;
    const label = column.label.startsWith(prefix)
      ? column.label.slice(prefix.length).trim()
      : column.label;
    const known = objects.get(key);

    if (!known) {
      objects.set(key, {
        kind: column.objectKind,
        code: column.objectCode,
        version: column.version,
        label,
      });
    } else if (label !== '' && (known.label === '' || column.type === 'N')) {
      known.label = label;
    }
  }

  return [...objects.values()];
}
