import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import { writeMaquette } from '../../src/outputs/filled-maquette.js';
import { maquetteObjects, parseMaquette } from '../../src/readers/apogee-maquette.js';

const SAMPLE = readFileSync(new URL('../fixtures/apogee-maquette-7W29.txt', import.meta.url));
const SAMPLE_UTF8 = Buffer.from(SAMPLE.toString('latin1'), 'utf8');

const NO_VALUES = new Map<string, Map<string, string>>();

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error: unknown) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

/** Lines of a written maquette decoded as ISO-8859-1. */
function latin1Lines(bytes: Buffer): string[] {
  return bytes.toString('latin1').split('\r\n');
}

describe('parseMaquette', () => {
  const maquette = parseMaquette(SAMPLE);

  it('reads the ISO-8859-1 sample and its titles', () => {
    expect(maquette.encoding).toBe('latin1');
    expect(maquette.titles['apoC_annee']).toBe('2026/2027');
    expect(maquette.titles['apoC_cod_dip']).toBe('7W29');
    expect(maquette.titles['apoC_Titre1']).toBe('Export Apogée du 28/09/2026 à 09:22');
  });

  it('reads the four result-code lists and their labels', () => {
    expect(maquette.resultCodeLists.map((list) => list.length)).toEqual([20, 37, 47, 5]);
    expect(maquette.resultCodeLists[3]).toEqual(['ABI', 'ABJ', 'DEF', 'DEM', 'DIS']);
    expect(maquette.resultCodeLabels['ABI']).toBe('Absence injustifiée');
    expect(maquette.resultCodeLabels['ATC']).toBe('Attente : DU Professionnalisation');
  });

  it('reads the 20 value columns, without the APO_COL_VAL_FIN pseudo column', () => {
    expect(maquette.columns).toHaveLength(20);
    expect(maquette.columns.some((column) => column.objectKind === 'APO_COL_VAL_FIN')).toBe(false);
    expect(maquette.columns[0]).toEqual({
      code: 'apoL_c0001',
      objectKind: 'ELP',
      objectCode: '7WGA4',
      version: '',
      year: '2026',
      session: '0',
      stage: '1',
      type: 'N',
      label: '7WGA4 - Comprend stratégie com S4',
      heading: 'Note',
      index: 4,
    });
    expect(maquette.columns.map((column) => column.type).slice(0, 4)).toEqual(['N', 'B', 'J', 'R']);
    expect(maquette.columns[19]).toMatchObject({
      code: 'apoL_c0020',
      type: 'R',
      heading: 'Résultat',
      index: 23,
    });
  });

  it('reads the 25 students of the rows one field short', () => {
    expect(maquette.students).toHaveLength(25);
    expect(maquette.students[0]).toMatchObject({
      studentNumber: '58310472',
      lastName: 'AAA BBB',
      firstName: '',
      birthDate: '2007-08-19',
      namesMerged: true,
    });
    expect(maquette.students[24]).toMatchObject({
      studentNumber: '83729165',
      birthDate: '2008-01-24',
    });
    expect(Object.values(maquette.students[0]!.values).every((value) => value === '')).toBe(true);
  });

  it('lists the five ELP objects labelled from their N column', () => {
    expect(maquetteObjects(maquette)).toEqual([
      { kind: 'ELP', code: '7WGA4', version: '', label: 'Comprend stratégie com S4' },
      { kind: 'ELP', code: '7WGB4', version: '', label: 'Co-concevoir réponse S4' },
      { kind: 'ELP', code: '7WGC4', version: '', label: 'Expri identité visuell S4' },
      { kind: 'ELP', code: '7WGD4', version: '', label: 'Dévelop applic web S4' },
      { kind: 'ELP', code: '7WGE4', version: '', label: 'Entreprendre un projet S4' },
    ]);
  });

  it('reads the portal’s UTF-8 variant the same way', () => {
    const utf8 = parseMaquette(SAMPLE_UTF8);

    expect(utf8.encoding).toBe('utf8');
    expect(utf8.titles['apoC_Titre1']).toBe('Export Apogée du 28/09/2026 à 09:22');
    expect(utf8.students).toEqual(maquette.students);
    expect(utf8.columns).toEqual(maquette.columns);
  });

  it('reads rows carrying first names in their own field', () => {
    const full = SAMPLE.toString('latin1').replace(
      '58310472\tAAA BBB\t 19/08/2007\t',
      '00310472\tMARTIN\tLéa\t19/08/2007\t15',
    );
    const maquette = parseMaquette(Buffer.from(full, 'latin1'));
    const student = maquette.students[0]!;

    expect(student).toMatchObject({
      studentNumber: '00310472',
      lastName: 'MARTIN',
      firstName: 'Léa',
      birthDate: '2007-08-19',
      namesMerged: false,
    });
    expect(student.values['apoL_c0001']).toBe('15');

    const written = writeMaquette(
      maquette,
      new Map([['00310472', new Map([['apoL_c0002', '20']])]]),
    );
    expect(latin1Lines(written)[51]!.split('\t').slice(0, 7)).toEqual([
      '00310472',
      'MARTIN',
      'Léa',
      '19/08/2007',
      '15',
      '20',
      '',
    ]);
  });

  it('refuses a file that is no maquette, and a damaged one', () => {
    const damaged = SAMPLE.toString('latin1').replace('XX-APO_VALEURS-XX', 'XX-APO_VALEURS-X');

    expect(codeOf(() => parseMaquette(Buffer.from('\x00\x01garbage\xff\xfe', 'latin1')))).toBe(
      'FILE_FORMAT_UNKNOWN',
    );
    expect(codeOf(() => parseMaquette(Buffer.from('nom;prenom\r\nA;B\r\n')))).toBe(
      'FILE_FORMAT_UNKNOWN',
    );
    expect(codeOf(() => parseMaquette(Buffer.from(damaged, 'latin1')))).toBe('FILE_CORRUPT');
  });

  it('refuses a result-code list shorter than its announced count', () => {
    const damaged = SAMPLE.toString('latin1').replace(
      '5\tABI\tABJ\tDEF\tDEM\tDIS',
      '5\tABI\tABJ\tDEF\tDEM',
    );

    expect(codeOf(() => parseMaquette(Buffer.from(damaged, 'latin1')))).toBe('FILE_CORRUPT');
  });
});

describe('writeMaquette', () => {
  it('gives back the exact bytes when no value is written', () => {
    expect(writeMaquette(parseMaquette(SAMPLE), NO_VALUES).equals(SAMPLE)).toBe(true);
    expect(writeMaquette(parseMaquette(SAMPLE_UTF8), NO_VALUES).equals(SAMPLE_UTF8)).toBe(true);
  });

  it('writes grades in their fields, in ISO-8859-1 with CRLF, leaving every other line untouched', () => {
    const maquette = parseMaquette(SAMPLE);
    const values = new Map([
      [
        '58310472',
        new Map([
          ['apoL_c0001', '12,5'],
          ['apoL_c0004', 'ADM'],
          ['apoL_c0020', 'AJ'],
        ]),
      ],
      ['83729165', new Map([['apoL_c0005', 'ABI']])],
    ]);

    const written = writeMaquette(maquette, values);
    const lines = latin1Lines(written);
    const original = latin1Lines(SAMPLE);

    expect(lines[51]!.split('\t')).toEqual([
      '58310472',
      'AAA BBB',
      ' 19/08/2007',
      '12,5',
      '',
      '',
      'ADM',
      ...Array<string>(15).fill(''),
      'AJ',
    ]);
    expect(lines[75]!.split('\t').slice(3, 8)).toEqual(['', '', '', '', 'ABI']);
    expect(lines.filter((line, index) => line !== original[index])).toHaveLength(2);
    expect(written.toString('latin1')).toContain('Export Apogée du 28/09/2026');
    expect(written.includes(Buffer.from('é', 'utf8'))).toBe(false);
    expect(written.length).toBe(SAMPLE.length + '12,5ADMAJABI'.length);
  });

  it('writes what it reads back', () => {
    const values = new Map([['91736205', new Map([['apoL_c0009', '8,75']])]]);

    const reread = parseMaquette(writeMaquette(parseMaquette(SAMPLE), values));

    expect(reread.students[1]!.values['apoL_c0009']).toBe('8,75');
    expect(reread.students[1]!.values['apoL_c0001']).toBe('');
  });

  it('refuses an unknown student, an unknown column or a value that would break the file', () => {
    const maquette = parseMaquette(SAMPLE);
    const write = (student: string, column: string, value: string) => (): Buffer =>
      writeMaquette(maquette, new Map([[student, new Map([[column, value]])]]));

    expect(codeOf(write('00000000', 'apoL_c0001', '12'))).toBe('STUDENT_UNKNOWN');
    expect(codeOf(write('58310472', 'apoL_c0021', '12'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(write('58310472', 'apoL_c0001', '12\t5'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(write('58310472', 'apoL_c0001', '12 €'))).toBe('INVALID_ARGUMENT');
  });
});
