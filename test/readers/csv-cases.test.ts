// CSV files as French Excel and scanning tools write them (issue 4, point 3), each read to the
// exact cells a person sees: encodings, separators, line ends, quoted line breaks, thousands.
import { describe, expect, it } from 'vitest';

import { findHeader } from '../../src/readers/columns.js';
import { readCsv } from '../../src/readers/csv.js';
import { sniffFormat } from '../../src/readers/sniff.js';
import type { Workbook } from '../../src/readers/table.js';
import { withoutThousandsSeparators } from '../../src/readers/values.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Each row as [record number, ...cell texts], blank cells as ''. */
function table(workbook: Workbook): Array<Array<string | number>> {
  return (workbook.sheets[0]?.rows ?? []).map((row) => [
    row.number,
    ...row.cells.map((c) => (c.kind === 'blank' ? '' : c.raw)),
  ]);
}

describe('CSV encodings', () => {
  it('reads ISO-8859-1 letters and signs (« », °, ß, ÿ) and its no-break space', () => {
    const bytes = Buffer.from(
      'N\xb0 anonyme;Remarque;Points\r\n00123;\xabVu\xbb Stra\xdfe;1\xa0234,5\r\n00124;na\xefve \xff;12\r\n',
      'latin1',
    );

    expect(sniffFormat(bytes)).toBe('csv');
    expect(table(readCsv(bytes))).toEqual([
      [1, 'N° anonyme', 'Remarque', 'Points'],
      [2, '00123', '«Vu» Straße', '1\u00a0234,5'],
      [3, '00124', 'naïve ÿ', '12'],
    ]);
  });

  it('reads Windows-1252 € and œ, and the no-break space French Excel puts in 1 234,5', () => {
    const bytes = Buffer.concat([
      Buffer.from('Remarque;Montant\r\nC', 'latin1'),
      Buffer.from([0x9c]),
      Buffer.from('ur;1\xa0234,5 ', 'latin1'),
      Buffer.from([0x80]),
      Buffer.from('\r\n', 'latin1'),
    ]);

    const rows = table(readCsv(bytes));

    expect(rows[1]).toEqual([2, 'Cœur', '1\u00a0234,5 €']);
    expect(withoutThousandsSeparators('1\u00a0234,5')).toBe('1234,5');
  });

  it('reads UTF-8 with a BOM before a quoted header: the first heading is exactly its text', () => {
    const bytes = Buffer.concat([
      BOM,
      Buffer.from('"Copie";"A:numero";"Note"\r\n"1";"00042";"12,5"\r\n', 'utf8'),
    ]);

    const workbook = readCsv(bytes);

    expect(table(workbook)[0]).toEqual([1, 'Copie', 'A:numero', 'Note']);
    const header = findHeader(workbook, [
      { key: 'copy', synonyms: ['Copie'], required: true },
      { key: 'grade', synonyms: ['Note'], required: true },
    ]);
    expect(header.columns).toEqual({ copy: 0, grade: 2 });
  });

  it('reads a UTF-8 BOM followed by the sep= line Excel writes', () => {
    const bytes = Buffer.concat([BOM, Buffer.from('sep=|\r\nNom|Note\r\nÉlodie|12,5\r\n', 'utf8')]);

    expect(table(readCsv(bytes))).toEqual([
      [2, 'Nom', 'Note'],
      [3, 'Élodie', '12,5'],
    ]);
  });
});

describe('CSV separators and line ends', () => {
  it('reads a `|` separated file whose quoted fields hold `|`, `;` and `,`', () => {
    const bytes = Buffer.from('Nom|Remarque|Note\r\nDupont|"a|b; c, d"|12,5\r\nMartin||8\r\n');

    expect(table(readCsv(bytes))).toEqual([
      [1, 'Nom', 'Remarque', 'Note'],
      [2, 'Dupont', 'a|b; c, d', '12,5'],
      [3, 'Martin', '', '8'],
    ]);
  });

  it('reads a CR-only file (old Mac Excel) whose quoted field breaks a line', () => {
    const bytes = Buffer.from(
      'Nom;Remarque;Note\r"Dupont";"ligne 1\rligne 2";12,5\rMartin;;8\r',
      'latin1',
    );

    expect(table(readCsv(bytes))).toEqual([
      [1, 'Nom', 'Remarque', 'Note'],
      [2, 'Dupont', 'ligne 1\rligne 2', '12,5'],
      [3, 'Martin', '', '8'],
    ]);
  });

  it('reads the LF Excel puts inside a cell of a CRLF file, counting records as Excel shows rows', () => {
    const bytes = Buffer.from(
      'Nom;Remarque;Note\r\nDupont;"ligne 1\nligne 2";12,5\r\nMartin;x;8\r\n',
    );

    expect(table(readCsv(bytes))).toEqual([
      [1, 'Nom', 'Remarque', 'Note'],
      [2, 'Dupont', 'ligne 1\nligne 2', '12,5'],
      [3, 'Martin', 'x', '8'],
    ]);
  });

  it('reads TAB text with trailing separators and ragged rows', () => {
    const bytes = Buffer.from('Nom\tNote\t\t\nDupont\t12,5\nMartin\t8\t\tabsent\n', 'latin1');

    expect(table(readCsv(bytes))).toEqual([
      [1, 'Nom', 'Note', '', ''],
      [2, 'Dupont', '12,5'],
      [3, 'Martin', '8', '', 'absent'],
    ]);
  });
});
