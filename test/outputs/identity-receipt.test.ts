// What the gateway tells and writes when the identity scan finds something: the refusal says what
// kind of identifier and where (sheet and cell), never the value; a receipt whose only hit is the
// dropped file's own name keeps everything but that name.
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/domain/errors.js';
import {
  MASKED_FILE_NAME,
  Outbox,
  writeReceipt,
  type RosterEntry,
} from '../../src/outputs/gateway.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { listZipEntries, readZipEntry } from '../../src/readers/zip-guard.js';

const ROSTER: RosterEntry[] = [
  { studentNumber: '27182818', lastName: 'PETIT', firstName: 'Léa', birthDate: null },
  { studentNumber: '03324370', lastName: 'DURAND', firstName: 'Chloé', birthDate: null },
  { studentNumber: '00412345', lastName: 'KOWALCZYK', firstName: 'Anna', birthDate: null },
  { studentNumber: '22334455', lastName: 'XIAOQUAN', firstName: 'Lin', birthDate: null },
];

async function outbox(): Promise<Outbox> {
  return new Outbox(await mkdtemp(path.join(os.tmpdir(), 'anonymat-leak-')));
}

function receipt(file: string, value = '123456'): Receipt {
  return {
    file,
    sha256: 'cd'.repeat(32),
    ctn: 'SCI',
    channel: 'notes',
    status: 'partial',
    receivedAt: '2027-01-20T10:00:00.000Z',
    processedAt: '2027-01-20T10:00:01.000Z',
    rows: { read: 3, imported: 2, rejected: 1 },
    errors: [
      {
        row: 3,
        column: 'N° anonyme',
        value,
        code: 'NUMBER_UNKNOWN',
        message: `Numéro anonyme inconnu (${value})`,
        kind: 'error',
      },
      {
        row: 2,
        column: 'N° anonyme',
        value: '654321',
        code: 'GRADE_REPLACED',
        message: 'Une autre note était déjà enregistrée pour ce numéro (Avant : 12,00)',
        kind: 'notice',
      },
    ],
    summary: '2 note(s) enregistrée(s) sur 3 ligne(s) lue(s).',
  };
}

/** The two files of a receipt written under `stem`, as `Outbox.written` lists them sorted. */
function receiptFiles(stem: string): string[] {
  return [`${stem}.accuse.xlsx`, `${stem}.receipt.json`];
}

async function readJson(box: Outbox, relative: string): Promise<Receipt> {
  return JSON.parse(await readFile(path.join(box.root, relative), 'utf8')) as Receipt;
}

describe('a refused anonymous file', () => {
  it('says in French which kind of identifier was found in which cell, never the value', async () => {
    const box = await outbox();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('PV');
    ws.addRow(['N° anonyme', 'Note', 'Observations']);
    ws.addRow(['S0000001', 12, 'copie de Petit, à revoir']);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());

    const error = await box
      .writeAnonymous('SCI/pv/pv.xlsx', bytes, ROSTER)
      .catch((e: unknown) => e);

    expect(isAppError(error, 'OUTPUT_IDENTITY_LEAK')).toBe(true);
    expect((error as Error).message).toContain('Fichier : SCI/pv/pv.xlsx.');
    expect((error as Error).message).toContain(
      'Trouvé : nom de famille (feuille 1 « PV », cellule C2).',
    );
    expect((error as Error).message).not.toMatch(/petit/i);
  });

  it('masks its own name in the message when the name is what was found', async () => {
    const box = await outbox();

    const error = await box
      .writeAnonymous('SCI/pv/notes-27182818.csv', 'numero;note\n', ROSTER)
      .catch((e: unknown) => e);

    expect((error as Error).message).toContain(`Fichier : SCI/pv/${MASKED_FILE_NAME}.`);
    expect((error as Error).message).toContain('numéro d’étudiant (nom du fichier)');
    expect((error as Error).message).not.toContain('27182818');
  });
});

describe('a receipt that would name a student under anonymity', () => {
  it('keeps its summary and errors when only the dropped file’s name names the student', async () => {
    const box = await outbox();
    const original = receipt('notes-petit-lea.csv');

    await writeReceipt(box, 'SCI/accuses/notes/notes-petit-lea-cdcdcdcd-depot-4', original, ROSTER);

    expect(box.written.sort()).toEqual(
      receiptFiles('SCI/accuses/notes/nom-masque-cdcdcdcdcdcd-depot-4'),
    );
    expect(
      await readJson(box, 'SCI/accuses/notes/nom-masque-cdcdcdcdcdcd-depot-4.receipt.json'),
    ).toEqual({
      ...original,
      file: MASKED_FILE_NAME,
    });
  });

  it('is masked whole, saying what was found on which row, when a cell of the file names the student', async () => {
    const box = await outbox();

    await writeReceipt(box, 'SCI/accuses/notes/n-cdcdcdcd', receipt('n.csv', '27182818'), ROSTER);

    expect(box.written.sort()).toEqual(
      receiptFiles('SCI/accuses/notes/accuse-masque-cdcdcdcdcdcd'),
    );
    const masked = await readJson(box, 'SCI/accuses/notes/accuse-masque-cdcdcdcdcdcd.receipt.json');
    expect(masked.summary).toBe(
      'Accusé masqué : le fichier mentionnait un étudiant d’une épreuve sous anonymat ' +
        '(numéro d’étudiant (ligne 3, valeur lue)).',
    );
    // Masked, each item keeps whether it is an error or a notice.
    expect(masked.errors).toEqual([
      expect.objectContaining({ row: 3, code: 'NUMBER_UNKNOWN', kind: 'error' }),
      expect.objectContaining({ row: 2, code: 'GRADE_REPLACED', kind: 'notice' }),
    ]);
    expect(JSON.stringify(masked)).not.toContain('27182818');
  });

  // Trial M: forms of a student number the scan of outputs does not look for, recognised in the
  // file's cells (no annotated copy was written), were printed in the receipt.
  it.each([
    ['without its leading zero, as Excel shows it', '3324370'],
    ['grouped by dots', '03.324.370'],
    ['grouped by no-break spaces, as a French CSV export writes it', '27\u00a0182\u00a0818'],
    ['grouped by a dash', '2718-2818'],
  ])('is masked whole when a value read gives a student number %s', async (_how, value) => {
    const box = await outbox();

    await writeReceipt(box, 'SCI/accuses/notes/n-cdcdcdcd', receipt('n.csv', value), ROSTER);

    expect(box.written.sort()).toEqual(
      receiptFiles('SCI/accuses/notes/accuse-masque-cdcdcdcdcdcd'),
    );
    const masked = await readJson(box, 'SCI/accuses/notes/accuse-masque-cdcdcdcdcdcd.receipt.json');
    expect(masked.summary).toContain('numéro d’étudiant (ligne 3, valeur lue)');
    const digits = value.replace(/\D/g, '');
    for (const relative of box.written) {
      const bytes = await readFile(path.join(box.root, relative));
      const text = relative.endsWith('.json')
        ? bytes.toString('utf8')
        : listZipEntries(bytes)
            .map((entry) => readZipEntry(bytes, entry).toString('utf8'))
            .join(' ');
      expect(text, relative).toContain('ligne 3');
      expect(text.replace(/\D/g, ' '), relative).not.toContain(digits);
    }
  });

  // Trials M and N: a student number grouped by dots, a last name written with characters a person
  // does not see, in full-width letters or spelled out, in the dropped file's name, named the
  // receipt (and the annotated copy).
  it.each([
    ['a student number grouped by dots', 'notes 27.182.818.csv'],
    ['a last name with a soft hyphen', 'Kowal\u00adczyk.csv'],
    ['a last name with a zero-width space', 'notes-kowal\u200bczyk.csv'],
    ['a last name in full-width letters', 'ｋｏｗａｌｃｚｙｋ.csv'],
    ['a last name spelled out', 'K O W A L C Z Y K.csv'],
    ['a last name split in two (trial O)', 'notes-MAT101-XIAO QUAN.csv'],
  ])('masks the dropped file’s name alone when it gives %s', async (_how, file) => {
    const box = await outbox();
    const original = receipt(file);

    await writeReceipt(box, 'SCI/accuses/notes/k-cdcdcdcd', original, ROSTER);

    expect(box.written.sort()).toEqual(receiptFiles('SCI/accuses/notes/nom-masque-cdcdcdcdcdcd'));
    expect(await readJson(box, 'SCI/accuses/notes/nom-masque-cdcdcdcdcdcd.receipt.json')).toEqual({
      ...original,
      file: MASKED_FILE_NAME,
    });
  });
});
