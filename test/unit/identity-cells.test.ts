// The scan of a dropped file's cells (identities beside anonymous numbers): a last name alone
// counts only as the whole of a cell, initials and « M. » aside, whatever the name's own spelling
// (an apostrophe splits N'DIAYE in two words, a one-letter one); inside a remark it is a word.
import { describe, expect, it } from 'vitest';
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
