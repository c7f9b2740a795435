import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import { detectSeparator, readCsv } from '../../src/readers/csv.js';
import type { Cell, Workbook } from '../../src/readers/table.js';

const sample = (name: string): Buffer =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

/** Each row as [row number, ...cell texts], blank cells as ''. */
function table(workbook: Workbook): (string | number)[][] {
  const text = (cell: Cell): string => (cell.kind === 'blank' ? '' : cell.raw);
  return workbook.sheets[0]!.rows.map((row) => [row.number, ...row.cells.map(text)]);
}

function codeOf(bytes: Buffer): string | undefined {
  try {
    readCsv(bytes);
  } catch (error: unknown) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

describe('readCsv', () => {
  it('reads a French Excel CSV in Windows-1252 with accents, ; and CRLF', () => {
    const bytes = Buffer.from(
      'Num\xe9ro;Pr\xe9nom;Note\r\n007;Ana\xefs;12,5\r\n0042;L\xe9a;ABI\r\n',
      'latin1',
    );

    const workbook = readCsv(bytes);

    expect(workbook.format).toBe('csv');
    expect(workbook.sheets).toHaveLength(1);
    expect(workbook.sheets[0]).toMatchObject({ name: '', state: 'visible' });
    expect(table(workbook)).toEqual([
      [1, 'Numéro', 'Prénom', 'Note'],
      [2, '007', 'Anaïs', '12,5'],
      [3, '0042', 'Léa', 'ABI'],
    ]);
  });

  it('reads Windows-1252 characters outside ISO-8859-1 (œ, €, ’)', () => {
    const bytes = Buffer.from([
      ...Buffer.from('Nom;Remarque\r\nC', 'latin1'),
      0x9c,
      ...Buffer.from('ur;5 ', 'latin1'),
      0x80,
      0x92,
    ]);

    expect(table(readCsv(bytes))[1]).toEqual([2, 'Cœur', '5 €’']);
  });

  it('reads UTF-8 with a BOM and without one', () => {
    const text = 'Nom;Prénom\r\nÉlodie;Zoé\r\n';
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);

    expect(table(readCsv(withBom))).toEqual([
      [1, 'Nom', 'Prénom'],
      [2, 'Élodie', 'Zoé'],
    ]);
    expect(table(readCsv(Buffer.from(text, 'utf8')))).toEqual(table(readCsv(withBom)));
  });

  it('refuses a file marked UTF-8 by its BOM that holds Windows-1252 bytes', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('Nom\r\nL\xe9a\r\n', 'latin1'),
    ]);

    expect(codeOf(bytes)).toBe('FILE_ENCODING');
  });

  it('keeps every cell as its exact text: no number, no date, no trimmed zero', () => {
    const bytes = Buffer.from('etu;note;date;id\n007;12,5;12/5;  00123 \n', 'utf8');

    const cells = readCsv(bytes).sheets[0]!.rows[1]!.cells;

    expect(cells).toEqual([
      { kind: 'text', raw: '007' },
      { kind: 'text', raw: '12,5' },
      { kind: 'text', raw: '12/5' },
      { kind: 'text', raw: '  00123 ' },
    ]);
  });

  it('turns empty and whitespace-only fields into blank cells, never 0', () => {
    const cells = readCsv(Buffer.from('a;b;c\n1;  ;\n')).sheets[0]!.rows[1]!.cells;

    expect(cells).toEqual([{ kind: 'text', raw: '1' }, { kind: 'blank' }, { kind: 'blank' }]);
  });

  it('reads quoted fields holding separators, doubled quotes and line breaks', () => {
    const bytes = Buffer.from(
      '"Nom";"Remarque"\r\n"Dupont; Jean";"a dit ""présent"""\r\n"Martin";"ligne 1\r\nligne 2"\r\n"Durand";"x"\r\n',
    );

    expect(table(readCsv(bytes))).toEqual([
      [1, 'Nom', 'Remarque'],
      [2, 'Dupont; Jean', 'a dit "présent"'],
      [3, 'Martin', 'ligne 1\r\nligne 2'],
      [4, 'Durand', 'x'],
    ]);
  });

  it('reads CR-only, LF and mixed line ends alike', () => {
    const expected = [
      [1, 'a', 'b'],
      [2, '1', '2'],
      [3, '3', '4'],
    ];

    expect(table(readCsv(Buffer.from('a;b\r1;2\r3;4\r')))).toEqual(expected);
    expect(table(readCsv(Buffer.from('a;b\n1;2\n3;4')))).toEqual(expected);
    expect(table(readCsv(Buffer.from('a;b\r\n1;2\n3;4\r')))).toEqual(expected);
  });

  it('drops blank lines but keeps the record numbers of the lines after them', () => {
    const bytes = Buffer.from('a;b\r\n\r\n1;2\r\n;;\r\n  ;\r\n3;4\r\n');

    expect(table(readCsv(bytes)).map((row) => row[0])).toEqual([1, 3, 6]);
  });

  it('keeps trailing separators and ragged rows as they are', () => {
    const bytes = Buffer.from('a;b;c;\n1;2\n1;2;3;4;5\n');

    const rows = readCsv(bytes).sheets[0]!.rows;

    expect(rows.map((row) => row.cells.length)).toEqual([4, 2, 5]);
    expect(rows[0]!.cells[3]).toEqual({ kind: 'blank' });
  });

  it('detects comma, TAB and pipe separators', () => {
    expect(detectSeparator('nom,prenom,numero\nA,B,007\n')).toBe(',');
    expect(detectSeparator('nom\tprenom\nA\tB\n')).toBe('\t');
    expect(detectSeparator('nom|prenom\nA|B\n')).toBe('|');
    expect(detectSeparator('nom;prenom\nA;B\n')).toBe(';');
  });

  it('prefers ; over the decimal commas of grades', () => {
    expect(detectSeparator('num;note\n001;12,5\n002;8,25\n003;15\n')).toBe(';');
    expect(detectSeparator('001;12,5\n002;8,25\n')).toBe(';');
  });

  it('prefers ; when only some lines end with one and every grade has a decimal comma', () => {
    // Trial J: `S;11,5;` under `S;10,5` split the lines' counts on `;`, and `,` won.
    const mixed = 'N° anonyme;Note\nS1;10,5\nS2;11,5;\nS3;12,5\nS4;9,5;\nS5;8,75;;\n';
    expect(detectSeparator(mixed)).toBe(';');
    expect(detectSeparator('nom,prenom,numero\nA,B,007,\nC,D,008\nE,F,009,,\n')).toBe(',');
  });

  it('ignores separators inside quotes when choosing', () => {
    const amcExport =
      '"Copie";"A:numero";"Nom";"Note"\n"1";"0042";"Dupont, Jean";"12,5"\n"2";"0043";"?";"8,75"\n';

    expect(detectSeparator(amcExport)).toBe(';');
  });

  it('does not split quoted fields that hold the other separator', () => {
    const quoted = '"nom","remarque"\n"Dupont","a;b"\n"Martin","c;d"\n';

    expect(detectSeparator(quoted)).toBe(',');
  });

  it('still chooses when a stray quote sits inside a field', () => {
    expect(detectSeparator('nom;surnom\nDupont;le "grand\nMartin;x\n')).toBe(';');
  });

  it('honours the sep= line Excel understands, counting it as record 1', () => {
    const bytes = Buffer.from('sep=,\r\nnote;commentaire,x\r\n12;a,b\r\n');

    expect(table(readCsv(bytes))).toEqual([
      [2, 'note;commentaire', 'x'],
      [3, '12;a', 'b'],
    ]);
  });

  it('reads the AMC student list sample with leading zeros kept', () => {
    expect(table(readCsv(sample('amc-student-list.csv')))).toEqual([
      [1, 'nom', 'prenom', 'numero'],
      [2, 'Boulix', 'Jojo', '007'],
      [3, 'Marchand', 'Paul', '123'],
    ]);
  });

  it('reads the fully quoted OMRChecker sample', () => {
    const rows = table(readCsv(sample('omrchecker-results.csv')));

    expect(rows[0]).toEqual([1, 'file_id', 'input_path', 'output_path', 'score', 'Roll']);
    expect(rows[1]?.slice(4)).toEqual(['0', 'A0188877Y']);
  });

  it('refuses a quote left open as a corrupt file', () => {
    expect(codeOf(Buffer.from('a;b\n1;"open\n2;3\n'))).toBe('FILE_CORRUPT');
  });

  it('names the row a quote left open starts in, not the end of the file the parser reached', () => {
    const rows = ['N° anonyme;Note', 'S01;12', 'S02;12', 'S03;12', 'S04;"12', 'S05;12', 'S06;12'];
    const messageOf = (text: string): string => {
      try {
        readCsv(Buffer.from(text));
      } catch (error: unknown) {
        return error instanceof Error ? error.message : '';
      }
      return 'read';
    };

    expect(messageOf(rows.join('\n'))).toContain(
      '(ligne 5 : un guillemet ouvre une valeur sans jamais la fermer',
    );
    // Row numbers as everywhere else: the sep= line is row 1.
    expect(messageOf(['sep=;', ...rows].join('\r\n'))).toContain('(ligne 6 :');
  });

  it('refuses a file with nothing but blank lines', () => {
    expect(codeOf(Buffer.from('\r\n;;\r\n  \r\n'))).toBe('FILE_NO_DATA');
  });
});
