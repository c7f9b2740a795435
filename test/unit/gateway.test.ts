// The outbox gateway as an attacker would test it: an identity hidden in any corner of a file
// (cell, sheet name, comment, defined name, header/footer, document properties, PDF metadata or
// text, file name) blocks the whole file, and nothing is left under its final name.
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/domain/errors.js';
import { Outbox, scanForIdentities, writeReceipt, type Roster } from '../../src/outputs/gateway.js';
import type { Receipt } from '../../src/outputs/receipt.js';

const ROSTER: Roster = [
  {
    studentNumber: '00421337',
    ine: '0A1B2C3D4E5',
    lastName: "N'DIAYE",
    firstName: 'Maëlys',
    birthDate: '2004-03-17',
  },
  { studentNumber: '31415926', lastName: 'LEFÈVRE', firstName: 'Noé', birthDate: null },
  { studentNumber: '27182818', lastName: 'Li', firstName: 'Wei', birthDate: null },
];

async function workbook(plant: (wb: ExcelJS.Workbook, ws: ExcelJS.Worksheet) => void) {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'anonymat';
  const ws = wb.addWorksheet('Notes');
  ws.addRow(['N° anonyme', 'Note']);
  ws.addRow(['123450', 12.5]);
  plant(wb, ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function pdf(plant: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ info: { Title: 'Étiquettes', Author: 'anonymat' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.text('N° anonyme 123450');
    plant(doc);
    doc.end();
  });
}

const PLANTS: Array<[string, (wb: ExcelJS.Workbook, ws: ExcelJS.Worksheet) => void]> = [
  ['a cell value', (_wb, ws) => ws.addRow(['123451', "n'diaye"])],
  ['a student number typed as a number', (_wb, ws) => ws.addRow([31415926])],
  ['a sheet name', (wb) => wb.addWorksheet('Lefevre')],
  ['a comment', (_wb, ws) => (ws.getCell('B2').note = 'copie de N’DIAYE ? voir LEFÈVRE')],
  ['a defined name', (wb) => wb.definedNames.add("'Notes'!$A$1", 'LEFEVRE')],
  ['a header', (_wb, ws) => (ws.headerFooter.oddHeader = '&LLEFÈVRE Noé')],
  ['a footer', (_wb, ws) => (ws.headerFooter.oddFooter = '&C00421337')],
  ['the creator property', (wb) => (wb.creator = 'Lefèvre')],
  ['the last-modified-by property', (wb) => (wb.lastModifiedBy = "N'Diaye")],
  ['the title property', (wb) => (wb.title = 'Notes de 0A1B2C3D4E5')],
  ['a number format', (_wb, ws) => (ws.getCell('B2').numFmt = '0.00" LEFEVRE"')],
  [
    'a validation message',
    (_wb, ws) =>
      (ws.getCell('B2').dataValidation = {
        type: 'decimal',
        operator: 'between',
        formulae: [0, 20],
        showErrorMessage: true,
        error: 'Copie de LEFÈVRE',
      }),
  ],
  ['a birth date', (_wb, ws) => ws.addRow(['17/03/2004'])],
  [
    'a name split in rich text runs',
    (_wb, ws) => {
      ws.addRow([{ richText: [{ text: 'LEF' }, { text: 'ÈVRE', font: { bold: true } }] }]);
    },
  ],
];

describe('scanForIdentities', () => {
  it.each(PLANTS)('finds an identity planted in %s', async (_where, plant) => {
    const bytes = await workbook(plant);

    expect(scanForIdentities('SCI/pv/pv-anonyme.xlsx', bytes, ROSTER).length).toBeGreaterThan(0);
  });

  it('finds nothing in a clean anonymous workbook', async () => {
    const bytes = await workbook(() => undefined);

    expect(scanForIdentities('SCI/pv/pv-anonyme.xlsx', bytes, ROSTER)).toEqual([]);
  });

  it('finds a name in a file name, accents and case aside', () => {
    const hits = scanForIdentities('SCI/pv/notes-lefevre.csv', 'numero;note\n123450;12\n', ROSTER);

    expect(hits).toEqual([
      { part: 'nom du fichier', kind: 'last_name', places: ['nom du fichier'] },
    ]);
  });

  it('finds a name in the text and in the metadata of a PDF', async () => {
    const inText = await pdf((doc) => doc.text('Copie de Maëlys N’DIAYE'));
    const inMeta = await pdf((doc) => (doc.info.Author = 'Lefèvre'));
    const clean = await pdf(() => undefined);

    expect(scanForIdentities('x.pdf', inText, ROSTER).length).toBeGreaterThan(0);
    expect(scanForIdentities('x.pdf', inMeta, ROSTER).length).toBeGreaterThan(0);
    expect(scanForIdentities('x.pdf', clean, ROSTER)).toEqual([]);
  });

  it('does not block on surnames that are also font or markup names (Mangal, Roman, Courier, Major)', async () => {
    const namesakes: Roster = ['MANGAL', 'ROMAN', 'COURIER', 'MAJOR', 'CENTER'].map(
      (lastName, i) => ({
        studentNumber: `5000000${i}`,
        lastName,
        birthDate: null,
      }),
    );
    const book = await workbook((_wb, ws) => {
      ws.getCell('A1').alignment = { horizontal: 'center' };
      ws.getCell('A1').border = { top: { style: 'thin' } };
    });
    const sheet = await pdf((doc) => doc.font('Courier').text('x').font('Times-Roman').text('y'));

    expect(scanForIdentities('a.xlsx', book, namesakes)).toEqual([]);
    expect(scanForIdentities('a.pdf', sheet, namesakes)).toEqual([]);
  });

  it('does not take a student number for a longer or shorter digit run', () => {
    const text = 'numero;note\n1004213370;12\n0421337;3\n';

    expect(scanForIdentities('a.csv', text, ROSTER)).toEqual([]);
  });

  it('does not flag a two-letter name alone, only with its first name', () => {
    expect(scanForIdentities('a.csv', 'LI;Analyse', ROSTER)).toEqual([]);
    expect(scanForIdentities('a.csv', 'Wei LI', ROSTER)).toEqual([
      { part: 'contenu', kind: 'last_name', places: ['ligne 1'] },
    ]);
  });
});

describe('Outbox.writeAnonymous', () => {
  it('blocks a file carrying an identity: reported, and nothing under its final name', async () => {
    const outbox = new Outbox(await mkdtemp(path.join(os.tmpdir(), 'anonymat-gw-')));
    const bytes = await workbook((wb) => (wb.lastModifiedBy = 'Lefèvre'));

    const error = await outbox
      .writeAnonymous('SCI/pv/pv.xlsx', bytes, ROSTER)
      .catch((e: unknown) => e);

    expect(isAppError(error, 'OUTPUT_IDENTITY_LEAK')).toBe(true);
    expect((error as Error).message).toContain(
      'Trouvé : nom de famille (propriétés du document (modifié par))',
    );
    expect((error as Error).message).not.toMatch(/lef[eè]vre/i);
    expect(outbox.blocked).toEqual([
      {
        relative: 'SCI/pv/pv.xlsx',
        hits: [
          {
            part: 'docProps/core.xml',
            kind: 'last_name',
            places: ['propriétés du document (modifié par)'],
          },
        ],
      },
    ]);
    expect(await readdir(outbox.root)).toEqual([]);
  });

  it('writes a clean file', async () => {
    const outbox = new Outbox(await mkdtemp(path.join(os.tmpdir(), 'anonymat-gw-')));

    await outbox.writeAnonymous('SCI/pv/pv.xlsx', await workbook(() => undefined), ROSTER);

    expect(outbox.written).toEqual(['SCI/pv/pv.xlsx']);
  });
});

describe('Outbox.writeNamed and writeConfidential', () => {
  const audited = (): Promise<void> => Promise.resolve();

  it('refuses a named file for an assessment in V', async () => {
    const outbox = new Outbox(await mkdtemp(path.join(os.tmpdir(), 'anonymat-gw-')));

    const error = await outbox
      .writeNamed('SCI/pv/pv-nominatif.xlsx', 'x', ['L', 'V'], audited)
      .catch((e: unknown) => e);

    expect(isAppError(error, 'OUTPUT_NAMED_UNDER_ANONYMITY')).toBe(true);
    expect(outbox.written).toEqual([]);
  });

  it('writes a named file once every assessment concerned is lifted', async () => {
    const outbox = new Outbox(await mkdtemp(path.join(os.tmpdir(), 'anonymat-gw-')));

    await outbox.writeNamed('SCI/pv/pv-nominatif.xlsx', "N'DIAYE", ['L'], audited);

    expect(outbox.written).toEqual(['SCI/pv/pv-nominatif.xlsx']);
  });

  it('keeps the confidential door to the confidentiel folder', async () => {
    const outbox = new Outbox(await mkdtemp(path.join(os.tmpdir(), 'anonymat-gw-')));

    await expect(outbox.writeConfidential('SCI/pv/liste.xlsx', 'x', audited)).rejects.toThrow();
    await outbox.writeConfidential('SCI/confidentiel/liste.xlsx', "N'DIAYE", audited);
    expect(outbox.written).toEqual(['SCI/confidentiel/liste.xlsx']);
  });

  it('gives a confidential list its name only after its audit entry is committed', async () => {
    const outbox = new Outbox(await mkdtemp(path.join(os.tmpdir(), 'anonymat-gw-')));
    let seenWhileAuditing: string[] = [];
    let modeWhileAuditing = 0;
    const folder = path.join(outbox.root, 'SCI/confidentiel');

    const written = await outbox.writeConfidential(
      'SCI/confidentiel/liste.xlsx',
      "N'DIAYE",
      async () => {
        seenWhileAuditing = await readdir(folder);
        modeWhileAuditing =
          (await stat(path.join(folder, seenWhileAuditing[0] ?? ''))).mode & 0o777;
      },
    );

    expect(seenWhileAuditing).toHaveLength(1);
    expect(seenWhileAuditing[0]).toMatch(/^\.liste\.xlsx\.[0-9a-f]{12}\.tmp$/);
    // Unreleased, it is the service's alone (a crash may leave it for a while); released, a plain file.
    expect(modeWhileAuditing).toBe(0o600);
    expect((await stat(written)).mode & 0o777).toBe(0o666 & ~process.umask());
    expect(await readFile(written, 'utf8')).toBe("N'DIAYE");
    expect(await readdir(path.join(outbox.root, 'SCI/confidentiel'))).toEqual(['liste.xlsx']);
  });

  it('leaves no named file, not even a temporary, when the audit entry fails', async () => {
    const outbox = new Outbox(await mkdtemp(path.join(os.tmpdir(), 'anonymat-gw-')));
    const files: Array<[string, string]> = [
      ['SCI/apogee/a-notes.txt', "N'DIAYE"],
      ['SCI/apogee/b-notes.txt', 'LEFÈVRE'],
    ];

    await expect(
      outbox.writeAllNamed(files, ['L'], () => Promise.reject(new Error('audit lost'))),
    ).rejects.toThrow('audit lost');
    await expect(
      outbox.writeConfidential('SCI/confidentiel/liste.xlsx', "N'DIAYE", () =>
        Promise.reject(new Error('audit lost')),
      ),
    ).rejects.toThrow('audit lost');

    expect(await readdir(path.join(outbox.root, 'SCI/apogee'))).toEqual([]);
    expect(await readdir(path.join(outbox.root, 'SCI/confidentiel'))).toEqual([]);
    expect(outbox.written).toEqual([]);
  });
});

describe('writeReceipt', () => {
  const receipt: Receipt = {
    file: 'notes-LEFEVRE.csv',
    sha256: 'ab'.repeat(32),
    ctn: 'SCI',
    channel: 'notes',
    status: 'rejected',
    receivedAt: '2026-12-04T10:00:00.000Z',
    processedAt: '2026-12-04T10:00:01.000Z',
    rows: { read: 1, imported: 0, rejected: 1 },
    errors: [
      {
        row: 2,
        column: 'COD_ETU',
        value: '31415926',
        code: 'IDENTITY_UNDER_ANONYMITY',
        message: 'Épreuve sous anonymat (31415926)',
      },
    ],
  };

  it('writes a receipt naming a student under anonymity redacted, never withheld', async () => {
    const outbox = new Outbox(await mkdtemp(path.join(os.tmpdir(), 'anonymat-gw-')));

    await writeReceipt(outbox, 'SCI/accuses/notes/notes-LEFEVRE-abababab', receipt, ROSTER);

    expect(outbox.written.sort()).toEqual([
      'SCI/accuses/notes/accuse-masque-abababababab.accuse.xlsx',
      'SCI/accuses/notes/accuse-masque-abababababab.receipt.json',
    ]);
    expect(outbox.blocked).toHaveLength(1);
  });

  it('writes an ordinary receipt under its own name', async () => {
    const outbox = new Outbox(await mkdtemp(path.join(os.tmpdir(), 'anonymat-gw-')));

    await writeReceipt(outbox, 'SCI/accuses/notes/n-abababab', receipt, []);

    expect(outbox.written).toHaveLength(2);
    expect(outbox.blocked).toEqual([]);
  });
});
