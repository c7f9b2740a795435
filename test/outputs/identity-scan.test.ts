// The identity scan and the service's own text: a student whose last name is an ordinary word no
// longer blocks every output about « Allemand LV2 », while a name typed into a cell, a full name, a
// student number or a birth date is still caught, and told by its place, never by its value.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { scanForIdentities, type RosterEntry } from '../../src/outputs/gateway.js';
import { buildGradeEntryWorkbook } from '../../src/outputs/grade-entry-workbook.js';
import { readableText, words } from '../../src/outputs/identity-parts.js';
import { buildLabelSheet } from '../../src/outputs/labels-xlsx.js';
import { ANONYMOUS_PV, buildPvPdf } from '../../src/outputs/pdf/pv.js';
import { buildAnonymousPv } from '../../src/outputs/pv.js';
import type { AnonymousGradeRow } from '../../src/outputs/types.js';
import { TEMPLATE, assessment, numbers } from './fixtures.js';
import { REVEAL, everyWorkbook } from './workbooks.js';

const ALLEMAND: RosterEntry = {
  studentNumber: '31415926',
  ine: '0A1B2C3D4E5',
  lastName: 'Allemand',
  firstName: 'Paul',
  birthDate: '2004-03-17',
};
const DUPONT: RosterEntry = { studentNumber: '27182818', lastName: 'DUPONT', birthDate: null };
const ROSTER = [ALLEMAND, DUPONT];

const LV2 = assessment(1, 'ALL2', 'Allemand LV2');
/** What the referential holds for these outputs: what the roster lookup returns from Postgres. */
const REFERENTIAL = [
  LV2.objectCode,
  LV2.objectLabel,
  TEMPLATE.templateCode,
  TEMPLATE.templateLabel,
  TEMPLATE.periodLabel,
  TEMPLATE.ctn,
];

function graded(count: number): AnonymousGradeRow[] {
  return numbers(count).map((number, k) => ({
    number,
    grade: { kind: 'value', value: k % 21 },
    result: k % 3 === 0 ? 'AJ' : 'ADM',
  }));
}

const PV_OPTIONS = {
  passingResults: ['ADM'],
  threshold: 5,
  reveals: [],
  generatedAt: '2027-01-20T10:00:00Z',
};

/** A sheet « Notes »: the object's label as the service writes it, then rows typed by a person. */
async function notes(typed: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Notes');
  ws.addRow(['Épreuve', 'Allemand LV2']);
  ws.addRow(['N° anonyme', 'Note', 'Observations']);
  typed.forEach((row) => ws.addRow(row));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('a student whose last name is an ordinary word', () => {
  it('does not block the PV anonyme about « Allemand LV2 », in a workbook or a PDF', async () => {
    const sections = [{ assessment: LV2, rows: graded(40), state: 'V' as const }];
    const book = await buildAnonymousPv(TEMPLATE, sections, PV_OPTIONS);
    const { bytes: pdf } = await buildPvPdf(TEMPLATE, sections, ANONYMOUS_PV, PV_OPTIONS);

    expect(scanForIdentities('SCI/deliberation/pv.xlsx', book, ROSTER, REFERENTIAL)).toEqual([]);
    expect(scanForIdentities('SCI/deliberation/pv.pdf', pdf, ROSTER, REFERENTIAL)).toEqual([]);
    // What excuses it is the referential: without it, the label is a last name like any other.
    expect(scanForIdentities('SCI/deliberation/pv.xlsx', book, ROSTER)).toEqual([
      expect.objectContaining({ kind: 'last_name' }),
    ]);
  });

  it('does not block the grade-entry workbook nor the label sheet of that object', async () => {
    const fingerprint = {
      fields: {
        format: 'anonymat-bordereau/1' as const,
        ctn: TEMPLATE.ctn,
        year: 2026,
        templateId: 7,
        templateCode: TEMPLATE.templateCode,
        assessmentId: 1,
        numbersDigest: '0'.repeat(64),
      },
      mac: '1'.repeat(64),
    };
    const workbook = await buildGradeEntryWorkbook(TEMPLATE, LV2, numbers(30), fingerprint);
    const labels = await buildLabelSheet(
      TEMPLATE,
      numbers(30).map((number) => ({ number, assessment: LV2 })),
    );

    expect(scanForIdentities('SCI/bordereaux/b.xlsx', workbook, ROSTER, REFERENTIAL)).toEqual([]);
    expect(scanForIdentities('SCI/etiquettes/e.xlsx', labels, ROSTER, REFERENTIAL)).toEqual([]);
  });

  it('is still caught when typed into a data cell, at that cell only', async () => {
    const book = await notes([
      ['S0000001', '12', 'ALLEMAND absent'],
      ['S0000002', '13', 'copie de DUPONT'],
    ]);

    expect(scanForIdentities('SCI/x/notes.xlsx', book, ROSTER, REFERENTIAL)).toEqual([
      {
        part: 'xl/sharedStrings.xml',
        kind: 'last_name',
        places: ['feuille 1 « Notes », cellule C3', 'feuille 1 « Notes », cellule C4'],
      },
    ]);
  });

  it('is still caught as a full name, beside the label that excuses it alone', async () => {
    const book = await notes([['S0000001', '12', 'Paul Allemand (Allemand LV2)']]);

    expect(scanForIdentities('SCI/x/notes.xlsx', book, ROSTER, REFERENTIAL)).toEqual([
      {
        part: 'xl/sharedStrings.xml',
        kind: 'last_name',
        places: ['feuille 1 « Notes », cellule C3'],
      },
    ]);
  });

  it('never excuses a student number, an INE or a birth date, even in referential text', () => {
    const text = 'Allemand LV2 31415926\nAllemand LV2 0A1B2C3D4E5\nAllemand LV2 17/03/2004\n';
    const referential = [...REFERENTIAL, 'Allemand LV2 31415926'];

    expect(scanForIdentities('x.csv', text, ROSTER, referential)).toEqual([
      { part: 'contenu', kind: 'student_number', places: ['ligne 1'] },
      { part: 'contenu', kind: 'ine', places: ['ligne 2'] },
      { part: 'contenu', kind: 'birth_date', places: ['ligne 3'] },
    ]);
  });
});

describe('the place of a hit', () => {
  it('is the sheet and cell, a property, a header; never the value, not even a sheet name', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Notes').addRow(['S0000001', 12]);
    const named = wb.addWorksheet('Copies Dupont');
    named.getCell('B2').value = 27182818;
    named.headerFooter.oddHeader = '&LDUPONT';
    wb.lastModifiedBy = 'Dupont';
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());

    const hits = scanForIdentities('SCI/x/pv.xlsx', bytes, ROSTER);
    const places = hits.flatMap((h) => h.places);

    expect(hits.map((h) => h.kind).sort()).toEqual([
      'last_name',
      'last_name',
      'last_name',
      'last_name',
      'student_number',
    ]);
    expect(places).toEqual(
      expect.arrayContaining([
        'feuille 2, cellule B2',
        'feuille 2, en-tête',
        'nom de la feuille n° 2',
        'propriétés du document (modifié par)',
      ]),
    );
    expect(places.join(' ')).not.toMatch(/dupont|27182818/i);
  });
});

describe('the service’s own wording', () => {
  // What the fixtures typed as a person would (a reveal's reason, dropped files' names, a
  // receipt's messages): a student so named blocks the output, as he should.
  const typed = new Set(
    words(
      [
        REVEAL.reason,
        REVEAL.actor,
        'notes-saisies-L1-JANV-PHY101-s1 (copie corrigée).xlsx',
        'export-amc-PHY101-salle-B12-rattrapage.csv',
        'La note 21,5 dépasse le barème de l’épreuve (20) : corrigez la note dans le bordereau',
        'puis déposez de nouveau le fichier entier dans le dossier « notes ».',
        'GRADE_OUT_OF_SCALE WORKBOOK_FOREIGN Ce bordereau a été édité pour une autre épreuve.',
      ].join(' '),
    )
      .trim()
      .split(' '),
  );
  const referential = [
    'L1-JANV',
    'Licence 1 — janvier',
    'Examens de janvier',
    'SCIENCES',
    'PHY101',
    'Mécanique du point matériel et thermodynamique générale',
    'MAT102',
    'Algèbre linéaire',
    'ADM',
    'AJ',
  ];

  // Where each workbook goes in the outbox (its name is scanned too).
  const FOLDERS: Record<string, string> = {
    etiquettes: 'etiquettes/etiquettes-L1-JANV-2026',
    bordereau: 'bordereaux/bordereau-L1-JANV-2026-PHY101-s1',
    'pv-anonyme': 'deliberation/pv-anonyme-L1-JANV-2026',
    'pv-individuels': 'deliberation/pv-individuels-anonyme-L1-JANV-2026',
    avancement: 'controle/avancement-L1-JANV-2026',
    modalites: 'controle/modalites-2026',
    accuse: 'accuses/notes/notes-cccccccc',
    rapprochement: 'controle/rapprochement-20270112-020000',
  };

  it('excuses every word an anonymous workbook writes by itself, taken for a last name', async () => {
    const blocked: string[] = [];
    for (const { name, bytes } of await everyWorkbook()) {
      const folder = FOLDERS[name];
      if (!folder) {
        continue; // named outputs (PV nominatif, correspondence list) are not scanned
      }
      const relative = `SCIENCES/${folder}.xlsx`;
      // Each part's text with tags as spaces, as a reader sees it.
      const own = new Set(
        readableText(relative, bytes)
          .parts.flatMap((p) =>
            words(p.texts[0] ?? '')
              .trim()
              .split(' '),
          )
          // Fingerprints are hex: four letters A to F can be anything.
          .filter((w) => /^[A-Z]{3,}$/.test(w) && !/^[A-F]+$/.test(w) && !typed.has(w)),
      );
      for (const lastName of own) {
        const roster = [{ studentNumber: '99999999', lastName, birthDate: null }];
        if (scanForIdentities(relative, bytes, roster, referential).length > 0) {
          blocked.push(`${name}: ${lastName}`);
        }
      }
    }

    expect(blocked).toEqual([]);
  });
});
