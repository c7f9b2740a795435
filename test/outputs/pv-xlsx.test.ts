// Spreadsheet PVs show what the PDF ones show: the same figures, withheld the same way for a small
// anonymous group, the same fingerprint, the reveals; the PV individuel one block per person, each
// on a page of its own, never an identity while anonymous.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { buildPvPdf, ANONYMOUS_PV } from '../../src/outputs/pdf/pv.js';
import { PEOPLE_PER_SHEET, buildIndividualPv } from '../../src/outputs/pv-individual.js';
import {
  ANONYMOUS_ROWS,
  NAMED_ROWS,
  groupedHex,
  pvFingerprint,
} from '../../src/outputs/pv-rows.js';
import { buildAnonymousPv } from '../../src/outputs/pv.js';
import { TEMPLATE, assessment } from './fixtures.js';
import { zipParts } from '../unit/outputs-helpers.js';
import { REVEAL, namedRows } from './workbooks.js';

const LARGE = assessment(1, 'PHY101', 'Mécanique du point');
const SMALL = assessment(2, 'MAT102', 'Algèbre linéaire');
const SECTIONS = [
  { assessment: LARGE, rows: namedRows(30), state: 'V' as const },
  { assessment: SMALL, rows: namedRows(3), state: 'V' as const },
];
const OPTIONS = { passingResults: ['ADM'], threshold: 5, reveals: [REVEAL] };

/** Manual page breaks of each sheet, read from the file (exceljs does not read them back). */
function pageBreaks(bytes: Buffer): number[] {
  return [...zipParts(bytes)]
    .filter(([name]) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name))
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([, xml]) => (xml.match(/<brk /g) ?? []).length);
}

async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

/** The texts of a sheet, a merged area once. */
function texts(ws: ExcelJS.Worksheet | undefined): string[] {
  const out: string[] = [];
  ws?.eachRow((row) =>
    row.eachCell((cell) => {
      if (cell.master.address === cell.address && cell.text !== '') {
        out.push(cell.text);
      }
    }),
  );
  return out;
}

describe('spreadsheet PV de délibération', () => {
  it('withholds the figures of a group smaller than the threshold, never the counts', async () => {
    const wb = await load(await buildAnonymousPv(TEMPLATE, SECTIONS, OPTIONS));
    const small = texts(wb.getWorksheet('MAT102 S1 admission'));
    const large = texts(wb.getWorksheet('PHY101 S1 admission'));

    expect(small).toContain('non publiées : moins de 5 notes chiffrées (protection de l’anonymat)');
    expect(small).not.toContain('Moyenne des présents');
    expect(small).toContain('Inscrits');
    expect(large).toContain('Moyenne des présents');
    expect(large).toContain('Taux de réussite (résultats)');
  });

  it('prints the fingerprint of the PDF PV of the same data, reveals included', async () => {
    const wb = await load(await buildAnonymousPv(TEMPLATE, SECTIONS, OPTIONS));
    const pdf = await buildPvPdf(TEMPLATE, SECTIONS, ANONYMOUS_PV, {
      ...OPTIONS,
      generatedAt: '2027-01-20T10:00:00Z',
    });

    expect(pdf.fingerprint).toBe(pvFingerprint(TEMPLATE, SECTIONS, ANONYMOUS_ROWS, [REVEAL]));
    expect(texts(wb.getWorksheet('PHY101 S1 admission'))).toContain(
      `Empreinte des données affichées (SHA-256) : ${groupedHex(pdf.fingerprint)}`,
    );
    expect(texts(wb.getWorksheet('Levées individuelles'))).toEqual(
      expect.arrayContaining([REVEAL.number, 'PHY101', 'gest-sci', '15/01/2027 à 10:30']),
    );
  });

  it('starts the figures and signatures on a new page when they would not fit under the table', async () => {
    const bytes = await buildAnonymousPv(TEMPLATE, SECTIONS, OPTIONS);
    const ws = (await load(bytes)).getWorksheet('PHY101 S1 admission');
    let figures = 0;
    ws?.eachRow((row, n) => {
      figures = row.getCell(1).text === 'Inscrits' ? n : figures;
    });
    const sheet1 = [...zipParts(bytes)].find(([name]) => name === 'xl/worksheets/sheet1.xml');

    // 30 rows under the title block leave no room for the 20 rows of figures and signatures;
    // the 3 rows of MAT102 do.
    expect(pageBreaks(bytes)).toEqual([1, 0, 0]);
    expect(sheet1?.[1]).toContain(`<brk id="${figures - 1}"`);
  });
});

describe('spreadsheet PV individuel', () => {
  it('gives each number a block with its assessments, signatures and a page break, no identity', async () => {
    const bytes = await buildIndividualPv(TEMPLATE, SECTIONS, ANONYMOUS_ROWS, OPTIONS);
    const ws = (await load(bytes)).getWorksheet('PV individuels');
    const all = texts(ws);

    // 30 numbers: the 3 of MAT102 are among those of PHY101, the same persons.
    expect(all.filter((t) => t === 'Procès-verbal individuel — anonyme')).toHaveLength(30);
    expect(all.filter((t) => t === 'Le président du jury')).toHaveLength(30);
    expect(pageBreaks(bytes)).toEqual([30]);
    expect(all.filter((t) => t.startsWith('Levée individuelle d’anonymat du n°'))).toHaveLength(1);
    expect(all.join('\n')).not.toMatch(/LEFÈVRE|ŒUVRAY|Jérôme|21000001/);
  });

  it('names the student once lifted, and spreads over sheets of at most 1,000 people', async () => {
    const many = [
      { assessment: LARGE, rows: namedRows(PEOPLE_PER_SHEET + 1), state: 'L' as const },
    ];
    const bytes = await buildIndividualPv(TEMPLATE, many, NAMED_ROWS, OPTIONS);
    const wb = await load(bytes);

    expect(wb.worksheets.map((w) => w.name)).toEqual(['PV individuels 1', 'PV individuels 2']);
    expect(pageBreaks(bytes)).toEqual([PEOPLE_PER_SHEET, 1]);
    expect(texts(wb.worksheets[0])).toContain('BRÛLÉ Jérôme · N° étudiant : 21000009');
  });
});
