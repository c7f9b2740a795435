// The scan of a dropped file's cells (identities beside anonymous numbers): a last name alone
// counts only as the whole of a cell, initials and « M. » aside, whatever the name's own spelling
// (an apostrophe splits N'DIAYE in two words, a one-letter one); inside a remark it is a word.
import { describe, expect, it } from 'vitest';
import { readingsOf } from '../../src/outputs/identity-parts.js';
import { scanTexts } from '../../src/outputs/identity-scan.js';

const roster = [
  { studentNumber: '21047514', lastName: "N'DIAYE", firstName: 'Awa', birthDate: null },
  { studentNumber: '21047515', lastName: 'PETIT', firstName: 'Jean', birthDate: null },
];

async function rowsHit(cells: string[]): Promise<string[]> {
  const hits = await scanTexts(
    cells.map((text, i) => ({ place: String(i + 2), texts: [text] })),
    roster,
    'whole-text',
  );
  return [...new Set(hits.flatMap((h) => h.places))].sort();
}

/** Kinds found in cells each read as typed (readingsOf), with the rows (2, 3…) holding each. */
async function kindsHit(
  cells: string[],
  people: Parameters<typeof scanTexts>[1] = roster,
): Promise<Array<[string, string[]]>> {
  const hits = await scanTexts(
    cells.map((text, i) => ({ place: String(i + 2), texts: readingsOf([text]) })),
    people,
    'whole-text',
  );
  return hits.map((h) => [h.kind, [...h.places].sort()]);
}

describe('last names alone in the cells of a dropped file', () => {
  it('counts a cell that is a name, with initials or an apostrophe, and not a remark', async () => {
    const cells = [
      "L. N'Diaye",
      'Petit',
      'J. PETIT',
      'petit effort de présentation',
      'M. Petit a corrigé',
    ];

    expect(await rowsHit(cells)).toEqual(['2', '3', '4']);
  });
});

describe('student numbers in the cells of a dropped file, written without their leading zeros', () => {
  const numbered = [
    { studentNumber: '00000012', lastName: 'DOUZE', birthDate: null },
    { studentNumber: '00000155', lastName: 'CENT', birthDate: null },
    { studentNumber: '05360433', lastName: 'ZERO', birthDate: null },
    { studentNumber: '00120000', lastName: 'DEUX', birthDate: null },
  ];
  const rowsOf = async (cells: string[]): Promise<string[]> =>
    (
      await scanTexts(
        cells.map((text, i) => ({ place: String(i + 2), texts: [text] })),
        numbered,
      )
    )
      .flatMap((h) => h.places)
      .sort();

  it('finds one that keeps six digits or more, with « N° » glued or not', async () => {
    expect(await rowsOf(['recours 5360433', 'N°120000', 'copie 5360434'])).toEqual(['2', '3']);
  });

  it('never takes a grade or a short number for one', async () => {
    expect(await rowsOf(['12', '15,5', '155', 'note 12 sur 20, rang 155'])).toEqual([]);
  });
});

describe('cells that show an identity through characters a person does not see', () => {
  // Trial M: a soft hyphen or a zero-width space inside a name, full-width digits: shown as the
  // name and the number, they were copied into an annotated copy.
  it('reads them as shown: invisible characters dropped, full-width digits as digits', async () => {
    const cells = [
      'PE\u00adTIT',
      'PE\u200bTIT',
      '２１０４７５１４',
      '21\u200b047\u200b514',
      'PETITE',
    ];
    expect(await kindsHit(cells)).toEqual([
      ['last_name', ['2', '3']],
      ['student_number', ['4', '5']],
    ]);
  });
});

describe('identifiers written the way people write them (trial M)', () => {
  const people = [
    {
      studentNumber: '21004567',
      ine: '1234567890A',
      lastName: 'DUPONT',
      firstName: 'Marie',
      birthDate: '2005-03-14',
    },
  ];

  it('reads an INE grouped and in lower case, and a birth date in words with two digits of year', async () => {
    const cells = [
      '1234 567 890 a',
      '14 mars 05',
      'né le 14 mars 2005',
      '14 mars 06',
      '1234 567 890 b',
    ];
    expect(await kindsHit(cells, people)).toEqual([
      ['ine', ['2']],
      ['birth_date', ['3', '4']],
    ]);
  });
});

describe('identifiers in the forms trial N found missed', () => {
  const people = [
    {
      studentNumber: '00412345',
      ine: '1234567890A',
      lastName: 'KOWALCZYK',
      firstName: 'Anna',
      birthDate: '2000-07-07',
    },
    { studentNumber: '00412346', lastName: 'ZEPHYRIN', birthDate: '2004-02-29' },
  ];

  it('reads a birth date with a short month name, day or month first', async () => {
    const cells = [
      '07-juil.-00',
      '7 juil 2000',
      'le 7 juil. 2000',
      '29 févr. 2004',
      'juillet 7, 2000',
      '07-Jul-00',
      '7 juil. 2001',
      'Juliette 7 2000',
    ];

    expect(await kindsHit(cells, people)).toEqual([['birth_date', ['2', '3', '4', '5', '6', '7']]]);
  });

  it('reads an INE prefixed or glued, and a name spelled out letter by letter', async () => {
    const cells = [
      'INE1234567890A',
      'INE 1234567890 a',
      'K O W A L C Z Y K',
      'K.O.W.A.L.C.Z.Y.K',
      'K O W',
    ];

    expect(await kindsHit(cells, people)).toEqual([
      ['ine', ['2', '3']],
      ['last_name', ['4', '5']],
    ]);
  });
});

describe('identities in the forms trial O found missed', () => {
  const people = [
    { studentNumber: '22334455', lastName: 'XIAOQUAN', firstName: 'Lin', birthDate: '1999-11-30' },
    { studentNumber: '03324370', lastName: 'ZABOROWSKI', birthDate: '2000-07-07' },
  ];

  it('reads a last name split in two, and dates parted by spaces or underscores or glued', async () => {
    const cells = [
      'Xiao Quan',
      'ZABO ROWSKI',
      'XIAO\u00a0QUAN',
      '07 07 00',
      '7 7 2000',
      '30 11 99',
      '07_07_2000',
      '7 juil.2000',
      '7juil.2000',
      'petit retard',
      '12 15 14',
      '7 7 2001',
    ];

    expect(await kindsHit(cells, people)).toEqual([
      ['last_name', ['2', '3', '4']],
      ['birth_date', ['10', '5', '6', '7', '8', '9']],
    ]);
  });
});
