import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import {
  cellText,
  ENROLMENT_COLUMNS,
  findHeader,
  GRADE_COLUMNS,
  normaliseHeader,
  STUDENT_COLUMNS,
  type ColumnSpec,
} from '../../src/readers/columns.js';
import { readCsv } from '../../src/readers/csv.js';
import type { Cell, Sheet, Workbook } from '../../src/readers/table.js';

const sample = (name: string): Buffer =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

function text(raw: string): Cell {
  return raw === '' ? { kind: 'blank' } : { kind: 'text', raw };
}

/** A sheet whose rows are numbered from 1 in order. */
function sheetOf(rows: string[][], name = 'Feuil1', state: Sheet['state'] = 'visible'): Sheet {
  return {
    name,
    state,
    rows: rows.map((cells, index) => ({ number: index + 1, cells: cells.map(text) })),
  };
}

function bookOf(...sheets: Sheet[]): Workbook {
  return { format: 'xlsx', sheets };
}

function failureOf(run: () => unknown): { code: string; detail?: string } | undefined {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof AppError) {
      return { code: error.code, detail: error.detail };
    }
    throw error;
  }
  return undefined;
}

describe('normaliseHeader', () => {
  it('lowercases, drops accents and folds punctuation and spaces', () => {
    expect(normaliseHeader('  Numéro   Étudiant ')).toBe('numero etudiant');
    expect(normaliseHeader('LIB_NOM_PAT_IND')).toBe('lib nom pat ind');
    expect(normaliseHeader('Note /20')).toBe('note 20');
    expect(normaliseHeader("Type d'objet")).toBe('type d objet');
    expect(normaliseHeader('Prénom\u00a0:')).toBe('prenom');
  });

  it('reads n° and nº as numero', () => {
    expect(normaliseHeader('N° étudiant')).toBe('numero etudiant');
    expect(normaliseHeader('Nº anonyme')).toBe('numero anonyme');
    expect(normaliseHeader('N°anonyme')).toBe('numero anonyme');
    expect(normaliseHeader('Copie n°')).toBe('copie numero');
  });
});

describe('cellText', () => {
  it('gives the raw text of any cell and nothing for a blank or absent one', () => {
    expect(cellText({ kind: 'number', value: 12.5, raw: '12.5' })).toBe('12.5');
    expect(cellText({ kind: 'date', iso: '2007-08-19', raw: '19/08/2007' })).toBe('19/08/2007');
    expect(cellText({ kind: 'blank' })).toBe('');
    expect(cellText(undefined)).toBe('');
  });
});

describe('findHeader', () => {
  it('finds the header under a title block, whatever the column order', () => {
    const sheet = sheetOf([
      ['Université de Bretagne — Relevé de notes'],
      ['Épreuve : 7WGA4', '', 'Session 1'],
      ['Note /20', 'Observations', 'N° anonyme', 'Résultat'],
      ['12,5', '', '0042', 'ADM'],
    ]);

    const match = findHeader(bookOf(sheet), GRADE_COLUMNS);

    expect(match.sheet).toBe(sheet);
    expect(match.headerRowIndex).toBe(2);
    expect(match.columns).toEqual({ anonymousNumber: 2, grade: 0, result: 3 });
  });

  it('leaves optional columns out when they are absent', () => {
    const match = findHeader(bookOf(sheetOf([['Numéro anonyme', 'Note sur 20']])), GRADE_COLUMNS);

    expect(match.columns).toEqual({ anonymousNumber: 0, grade: 1 });
  });

  it('reads the Auto Multiple Choice export by its A: association column', () => {
    const amc = readCsv(
      Buffer.from('"Copie";"A:numero";"Nom";"Note";"q1"\n"1";"0042";"?";"12,5";"1"\n'),
    );

    expect(findHeader(amc, GRADE_COLUMNS).columns).toEqual({ anonymousNumber: 1, grade: 3 });
  });

  it('reads the AMC student list sample', () => {
    const match = findHeader(readCsv(sample('amc-student-list.csv')), STUDENT_COLUMNS);

    expect(match.columns).toEqual({ studentNumber: 2, lastName: 0, firstName: 1 });
  });

  it('reads an Apogée extract by its column codes', () => {
    const sheet = sheetOf([
      [
        'COD_ANU',
        'COD_ETU',
        'LIB_NOM_PAT_IND',
        'LIB_PR1_IND',
        'DATE_NAI_IND',
        'COD_NNE_IND',
        'COD_ETP',
        'COD_VRS_VET',
      ],
    ]);

    expect(findHeader(bookOf(sheet), STUDENT_COLUMNS).columns).toEqual({
      studentNumber: 1,
      lastName: 2,
      firstName: 3,
      birthDate: 4,
      ine: 5,
    });
    expect(findHeader(bookOf(sheet), ENROLMENT_COLUMNS).columns).toEqual({
      year: 0,
      stageCode: 6,
      stageVersion: 7,
    });
  });

  it('names the missing required columns in French', () => {
    const sheet = sheetOf([['Nom', 'Prénom', 'Observations']]);

    expect(failureOf(() => findHeader(bookOf(sheet), STUDENT_COLUMNS))).toEqual({
      code: 'COLUMN_MISSING',
      detail:
        '(colonnes absentes : Numéro étudiant ; en-têtes lus ligne 1 : « Nom », « Prénom », « Observations »)',
    });
  });

  it('says a header garbled by a file mixing UTF-8 and Windows-1252 is one, and how to save it', () => {
    // A UTF-8 header over Windows-1252 rows: the whole file is read as Windows-1252.
    const bytes = Buffer.concat([
      Buffer.from('N° anonyme;Note\r\n', 'utf8'),
      Buffer.from('D4697390;Très bien\r\n', 'latin1'),
    ]);
    const failure = failureOf(() => findHeader(readCsv(bytes), GRADE_COLUMNS));

    expect(failure?.code).toBe('COLUMN_MISSING');
    expect(failure?.detail).toContain('en-têtes lus ligne 1 : « NÂ° anonyme », « Note »');
    expect(failure?.detail).toContain('« NÂ° anonyme » semble mal décodé');
    expect(failure?.detail).toContain('« CSV UTF-8 »');
  });

  it('names no encoding when the headings read are only other columns', () => {
    const failure = failureOf(() =>
      findHeader(
        bookOf(sheetOf([['Numéro', 'Note', 'Réservé à l’administration']])),
        GRADE_COLUMNS,
      ),
    );

    expect(failure?.detail).not.toContain('encodages');
  });

  it('refuses two columns answering to one name', () => {
    const sheet = sheetOf([['N° anonyme', 'Note', 'Commentaire', 'Note']]);

    expect(failureOf(() => findHeader(bookOf(sheet), GRADE_COLUMNS))).toEqual({
      code: 'COLUMN_AMBIGUOUS',
      detail: '(« Note » : colonnes B, D)',
    });
  });

  it('refuses one column answering to two names', () => {
    const specs: ColumnSpec[] = [
      { key: 'grade', synonyms: ['Note'], required: true },
      { key: 'mark', synonyms: ['Évaluation', 'note'], required: false },
    ];

    expect(failureOf(() => findHeader(bookOf(sheetOf([['Note']])), specs))?.code).toBe(
      'COLUMN_AMBIGUOUS',
    );
  });

  it('says the header was not found when no row names any required column', () => {
    const sheet = sheetOf([['Liste des inscrits'], ['a', 'b']]);

    expect(failureOf(() => findHeader(bookOf(sheet), GRADE_COLUMNS))).toEqual({
      code: 'HEADER_NOT_FOUND',
      detail: '(colonnes attendues : N° anonyme, Note)',
    });
  });

  it('looks only at the first rows', () => {
    const rows = [...Array.from({ length: 25 }, (_, n) => [`ligne ${n}`]), ['N° anonyme', 'Note']];

    expect(failureOf(() => findHeader(bookOf(sheetOf(rows)), GRADE_COLUMNS))?.code).toBe(
      'HEADER_NOT_FOUND',
    );
    expect(findHeader(bookOf(sheetOf(rows)), GRADE_COLUMNS, { scanRows: 30 }).headerRowIndex).toBe(
      25,
    );
  });

  it('skips hidden sheets and sheets without the header', () => {
    const hidden = sheetOf([['N° anonyme', 'Note']], 'Contexte', 'hidden');
    const cover = sheetOf([['Consignes de saisie']], 'Consignes');
    const grades = sheetOf([['Titre'], ['N° anonyme', 'Note']], 'Saisie');

    const match = findHeader(bookOf(hidden, cover, grades), GRADE_COLUMNS);

    expect(match.sheet.name).toBe('Saisie');
    expect(match.headerRowIndex).toBe(1);
  });

  it('takes the row naming the most columns when every column is optional', () => {
    const specs = STUDENT_COLUMNS.map((spec) => ({ ...spec, required: false }));
    const sheet = sheetOf([['Nom du fichier : export'], ['Nom'], ['Nom', 'Prénom', 'INE']]);

    expect(findHeader(bookOf(sheet), specs).headerRowIndex).toBe(2);
  });
});
