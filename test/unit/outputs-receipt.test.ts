import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { ERROR_MESSAGES, frenchMessage } from '../../src/domain/errors.js';
import { type Receipt, receiptJson, receiptStatusFrench } from '../../src/outputs/receipt.js';
import { buildReceiptWorkbook, splitMessage } from '../../src/outputs/receipt-xlsx.js';
import { formulaLike, load, noFormulaCells, sheet, values } from './outputs-helpers.js';

const RECEIPT: Receipt = {
  file: 'notes-UE101.xlsx',
  sha256: 'f'.repeat(64),
  ctn: 'SCI',
  channel: 'notes',
  status: 'partial',
  receivedAt: '2027-01-12T09:30:00Z',
  savedAt: '2027-01-12T09:29:58Z',
  processedAt: '2027-01-12T09:31:05Z',
  rows: { read: 4, imported: 2, rejected: 2 },
  errors: [
    {
      row: 8,
      column: 'Note',
      value: '25',
      code: 'GRADE_OUT_OF_RANGE',
      message: ERROR_MESSAGES.GRADE_OUT_OF_RANGE,
      kind: 'error',
    },
    {
      row: 9,
      column: 'Note',
      value: '=HYPERLINK("http://evil.example","clic")',
      code: 'ABSENCE_CODE_UNKNOWN',
      message: ERROR_MESSAGES.ABSENCE_CODE_UNKNOWN,
      kind: 'error',
    },
    {
      row: 10,
      column: 'N° anonyme',
      value: 'K10',
      code: 'GRADE_REPLACED',
      message: frenchMessage('GRADE_REPLACED', 'Avant : 12,00 ; maintenant : 14,50.'),
      kind: 'notice',
    },
    {
      row: null,
      column: null,
      code: 'FILE_EMPTY',
      message: ERROR_MESSAGES.FILE_EMPTY,
      kind: 'error',
    },
  ],
  summary: '1 note importée, 2 lignes refusées.',
};

/** Value next to a label on the first sheet. */
function field(ws: ExcelJS.Worksheet, label: string): ExcelJS.CellValue {
  return values(ws).find((row) => row[0] === label)?.[1];
}

describe('receiptStatusFrench', () => {
  it('words every status in French', () => {
    expect(receiptStatusFrench('imported')).toBe('Importé');
    expect(receiptStatusFrench('partial')).toBe('Importé partiellement');
    expect(receiptStatusFrench('rejected')).toBe('Refusé');
    expect(receiptStatusFrench('duplicate')).toBe('Déjà reçu (doublon)');
  });
});

describe('receiptJson', () => {
  it('pins the field names and their order, whatever order the receipt was built in', () => {
    const shuffled = JSON.parse(JSON.stringify({ ...RECEIPT, summary: undefined })) as Receipt;
    const reordered = Object.fromEntries(Object.entries(shuffled).reverse()) as unknown as Receipt;
    const parsed = JSON.parse(receiptJson(reordered)) as Record<string, unknown>;

    expect(Object.keys(parsed)).toEqual([
      'file',
      'sha256',
      'ctn',
      'channel',
      'status',
      'receivedAt',
      'savedAt',
      'processedAt',
      'rows',
      'errors',
    ]);
    expect(Object.keys(parsed.rows as object)).toEqual(['read', 'imported', 'rejected']);
    expect(Object.keys((parsed.errors as object[])[0]!)).toEqual([
      'row',
      'column',
      'value',
      'code',
      'message',
      'kind',
    ]);
    expect(Object.keys((parsed.errors as object[])[3]!)).toEqual([
      'row',
      'column',
      'code',
      'message',
      'kind',
    ]);
  });

  it('says of every item whether it is an error or a notice (an error when unmarked)', () => {
    // An item built by hand, as a whole-file refusal is, carries no kind.
    const unmarked = { row: null, column: null, code: 'FILE_EMPTY', message: 'Vide.' };
    const parsed = JSON.parse(
      receiptJson({ ...RECEIPT, errors: [...RECEIPT.errors, unmarked] }),
    ) as Receipt;

    expect(parsed.errors.map((e) => [e.code, e.kind])).toEqual([
      ['GRADE_OUT_OF_RANGE', 'error'],
      ['ABSENCE_CODE_UNKNOWN', 'error'],
      ['GRADE_REPLACED', 'notice'],
      ['FILE_EMPTY', 'error'],
      ['FILE_EMPTY', 'error'],
    ]);
  });

  it('is pretty, ends with a newline, keeps the summary when there is one, and reads back equal', () => {
    const json = receiptJson(RECEIPT);

    expect(json).toContain('\n  "file": "notes-UE101.xlsx",\n');
    expect(json.endsWith('}\n')).toBe(true);
    expect(JSON.parse(json)).toEqual(RECEIPT);
  });
});

describe('receipt workbook', () => {
  it('sums the outcome up in French on its first sheet, counts as numbers', async () => {
    const wb = await load(await buildReceiptWorkbook(RECEIPT));
    const ws = sheet(wb, 'Accusé de réception');

    expect(wb.worksheets[0]?.name).toBe('Accusé de réception');
    expect(field(ws, 'Fichier')).toBe('notes-UE101.xlsx');
    expect(field(ws, 'Empreinte SHA-256')).toBe('f'.repeat(64));
    expect(field(ws, 'CTN')).toBe('SCI');
    expect(field(ws, 'Canal')).toBe('notes');
    expect(field(ws, 'Statut')).toBe('Importé partiellement');
    // The save decides which of two files wins: to the second, as files saved a moment apart are.
    expect(field(ws, 'Fichier enregistré le')).toBe('12/01/2027 à 10:29:58');
    expect(field(ws, 'Reçu le')).toBe('12/01/2027 à 10:30');
    expect(field(ws, 'Traité le')).toBe('12/01/2027 à 10:31');
    expect(field(ws, 'Lignes lues')).toBe(4);
    expect(field(ws, 'Lignes importées')).toBe(2);
    expect(field(ws, 'Lignes refusées')).toBe(2);
    expect(field(ws, 'Résumé')).toBe('1 note importée, 2 lignes refusées.');
    expect(field(ws, 'Erreurs')).toBe(3);
    expect(field(ws, 'Avis')).toBe(1);
    expect(field(ws, 'Détail')).toBe(
      'feuille « Erreurs et avis » : une ligne par erreur ou avis listé',
    );
  });

  it('counts a correction file’s notices as notices, not as errors', async () => {
    const replaced = RECEIPT.errors[2]!;
    const notices = Array.from({ length: 100 }, (_v, i) => ({ ...replaced, row: i + 2 }));
    const clean: Receipt = { ...RECEIPT, status: 'imported', errors: notices };
    const ws = sheet(await load(await buildReceiptWorkbook(clean)), 'Accusé de réception');

    expect(field(ws, 'Erreurs')).toBe(0);
    expect(field(ws, 'Avis')).toBe(100);
  });

  it('lists one row per error or notice: its nature, what was read, the code, why, what to do', async () => {
    const wb = await load(await buildReceiptWorkbook(RECEIPT));

    expect(wb.worksheets.map((w) => w.name)).toEqual(['Accusé de réception', 'Erreurs et avis']);
    expect(values(sheet(wb, 'Erreurs et avis'))).toEqual([
      ['Nature', 'Ligne', 'Colonne', 'Valeur lue', 'Code', 'Explication', 'Que faire'],
      [
        'Erreur',
        8,
        'Note',
        '25',
        'GRADE_OUT_OF_RANGE',
        'Note hors barème.',
        "Saisissez une note entre 0 et le barème, ou un code d'absence (ABI, ABJ…).",
      ],
      [
        'Erreur',
        9,
        'Note',
        `'=HYPERLINK("http://evil.example","clic")`,
        'ABSENCE_CODE_UNKNOWN',
        "Code d'absence inconnu.",
        'Utilisez ABI, ABJ, DEF, DEM ou DIS.',
      ],
      [
        'Avis',
        10,
        'N° anonyme',
        'K10',
        'GRADE_REPLACED',
        'Une autre note était déjà enregistrée pour cette copie (même numéro, même épreuve) ; elle est remplacée par celle du ' +
          'fichier. Avant : 12,00 ; maintenant : 14,50.',
        'Vérifiez que ce fichier est bien la correction attendue.',
      ],
      ['Erreur', 'Fichier', 'FILE_EMPTY', 'Le fichier est vide.', 'Déposez le fichier complet.'],
    ]);
  });

  it('neutralises every value read from the file and writes no formula', async () => {
    const errors = ['+1', '-2', '@SUM(A1)', '\t=1'].map((value, i) => ({
      row: i + 2,
      column: value,
      value,
      code: 'GRADE_INVALID',
      message: value,
    }));
    const wb = await load(await buildReceiptWorkbook({ ...RECEIPT, file: '=evil.xlsx', errors }));

    expect(formulaLike(wb)).toEqual([]);
    expect(noFormulaCells(wb)).toBe(true);
    expect(wb.creator).toBe('anonymat');
    expect(wb.lastModifiedBy).toBe('anonymat');
  });

  it('says so when there is no error nor notice, and words a duplicate in French', async () => {
    const wb = await load(
      await buildReceiptWorkbook({ ...RECEIPT, status: 'duplicate', errors: [] }),
    );

    expect(values(sheet(wb, 'Erreurs et avis')).at(-1)).toEqual(['Aucune erreur ni avis.']);
    expect(field(sheet(wb, 'Accusé de réception'), 'Statut')).toBe('Déjà reçu (doublon)');
  });
});

describe('splitMessage', () => {
  it('keeps a message without advice whole', () => {
    expect(splitMessage('Le fichier dépasse la taille maximale acceptée.')).toEqual({
      explanation: 'Le fichier dépasse la taille maximale acceptée.',
      hint: null,
    });
  });

  it("splits only the code's own wording, never the detail read from the file", () => {
    expect(
      splitMessage(
        frenchMessage('GRADE_OUT_OF_RANGE', 'Lu : 21 ; barème de 0 à 20.'),
        'GRADE_OUT_OF_RANGE',
      ),
    ).toEqual({
      explanation: 'Note hors barème. Lu : 21 ; barème de 0 à 20.',
      hint: "Saisissez une note entre 0 et le barème, ou un code d'absence (ABI, ABJ…).",
    });
    expect(
      splitMessage(
        frenchMessage('NUMBER_CHECK_FAILED', 'Numéros probables : 1234, 5678.'),
        'NUMBER_CHECK_FAILED',
      ),
    ).toEqual({
      explanation:
        'Le caractère de contrôle du numéro anonyme est faux, le numéro a sans doute été mal recopié. Numéros probables : 1234, 5678.',
      hint: 'Vérifiez le numéro sur la copie.',
    });
  });
});
