// Refusals as the person who dropped the file reads them: the receipt workbook's « Explication »
// says what is wrong and « Que faire » what to do, for files saved or edited the way people do.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';

import { isAppError } from '../../src/domain/errors.js';
import { signFingerprint } from '../../src/domain/fingerprint.js';
import { slug } from '../../src/outputs/gateway.js';
import {
  ENTRY_HEADER_ROW,
  ENTRY_SHEET_NAME,
  readFingerprintSheet,
} from '../../src/outputs/grade-entry-workbook.js';
import { enterGrade } from '../../src/services/grade-entry.js';
import { DATABASE_TARGETS } from '../support/postgres.js';
import {
  drop,
  fillWorkbook,
  gradeTable,
  intake,
  type GradeRow,
  type World,
  worldFor,
} from './channels-world.js';

/** The receipt workbook's cells for the error of `code`, as the person reads them. */
interface ReceiptLine {
  explanation: string;
  advice: string;
}

describe.each(DATABASE_TARGETS)('refusals say what is wrong and what to do, on $name', (target) => {
  const built = worldFor(target, 'advice');
  let world: World;
  let before: GradeRow[];

  beforeAll(async () => {
    world = built();
    before = await gradeTable(world.ctx);
  });

  /** Drops `bytes` in CTN A's `channel`, runs the intake, returns the receipt's error and its workbook line. */
  async function refused(channel: string, name: string, bytes: Buffer, code: string) {
    await drop(world.ctx, 'A', channel, name, bytes);
    const receipt = await intake(world.ctx, 'A', name);

    const dir = path.join(world.ctx.config.outbox, 'A', 'accuses', channel);
    const stem = slug(path.parse(name).name);
    const file = (await readdir(dir)).find((n) => n.startsWith(stem) && n.endsWith('.accuse.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(path.join(dir, file ?? '-'))) as unknown as ArrayBuffer);
    let line: ReceiptLine | undefined;
    wb.getWorksheet('Erreurs et avis')?.eachRow((row) => {
      if (row.getCell(5).text === code) {
        line = { explanation: row.getCell(6).text, advice: row.getCell(7).text };
      }
    });
    return { receipt, line };
  }

  /** A grade list as Excel's « Texte Unicode » writes it: TAB-separated, CRLF, UTF-16 little-endian. */
  function unicodeText(withBom: boolean): Buffer {
    const [a, b] = world.numbers.mat101.slice(0, 2);
    const text = `N° anonyme\tNote\r\n${a?.number}\t12\r\n${b?.number}\t14,5\r\n`;
    const bom = withBom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0);
    return Buffer.concat([bom, Buffer.from(text, 'utf16le')]);
  }

  it('names UTF-16 in a grade list saved as « Texte Unicode » and says how to save it', async () => {
    const { receipt, line } = await refused(
      'notes',
      'notes-MAT101-unicode.txt',
      unicodeText(true),
      'FILE_ENCODING',
    );

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([[null, 'FILE_ENCODING']]);
    expect(line?.explanation).toContain('UTF-16');
    expect(line?.explanation).not.toContain('pas pu être déterminé');
    expect(line?.advice).toContain('« CSV UTF-8 (délimité par des virgules) »');
    expect(line?.advice).toContain('« CSV (séparateur : point-virgule) »');
    expect(await gradeTable(world.ctx)).toEqual(before);
  });

  it('names UTF-16 without a byte-order mark too, as database exports write it', async () => {
    const { receipt, line } = await refused(
      'notes',
      'export-MAT101-sans-bom.csv',
      unicodeText(false),
      'FILE_ENCODING',
    );

    expect(receipt.errors.map((e) => e.code)).toEqual(['FILE_ENCODING']);
    expect(line?.explanation).toContain('UTF-16');
    expect(line?.advice).toContain('« CSV UTF-8 (délimité par des virgules) »');
  });

  it('tells a teacher whose workbook fingerprint was edited to use the workbook as produced', async () => {
    const book = await fillWorkbook(
      world.workbooks.mat101,
      () => 15,
      (hidden) =>
        hidden.eachRow((row) => {
          if (row.getCell(1).value === 'assessmentId') {
            row.getCell(2).value = String(world.assessments.mat102);
          }
        }),
    );

    const { receipt, line } = await refused(
      'notes',
      'bordereau-MAT101-retouche.xlsx',
      book.bytes,
      'WORKBOOK_TAMPERED',
    );

    expect(receipt.errors.map((e) => e.code)).toEqual(['WORKBOOK_TAMPERED']);
    expect(line?.explanation).toContain('partie cachée modifiée');
    expect(line?.advice).toContain("tel que le service l'a produit");
    expect(line?.advice).toContain('dossier « bordereaux »');
    expect(line?.advice).toContain('seules colonnes Note et Observations');
    expect(await gradeTable(world.ctx)).toEqual(before);
  });

  it('points to the administrator for a workbook signed by another installation', async () => {
    const book = await fillWorkbook(
      world.workbooks.mat102,
      () => 11,
      (hidden) => {
        const pairs: Array<[string, string]> = [];
        hidden.eachRow((row) => pairs.push([row.getCell(1).text, row.getCell(2).text]));
        const signed = readFingerprintSheet(pairs);
        const forged = signed ? signFingerprint(signed.fields, 'cle-d-une-autre-installation') : '';
        hidden.eachRow((row) => {
          if (row.getCell(1).value === 'mac') {
            row.getCell(2).value = forged;
          }
        });
      },
    );

    const { receipt, line } = await refused(
      'notes',
      'bordereau-MAT102-autre-serveur.xlsx',
      book.bytes,
      'WORKBOOK_TAMPERED',
    );

    expect(receipt.errors.map((e) => e.code)).toEqual(['WORKBOOK_TAMPERED']);
    expect(line?.explanation).toContain('autre installation du service');
    expect(line?.advice).toContain("prévenez l'administrateur du service");
  });

  it('tells how to keep every row of a returned workbook whose row was deleted', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(world.workbooks.mat102)) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet(ENTRY_SHEET_NAME);
    // The teacher deletes the row of a copy that was not handed in.
    sheet?.spliceRows(ENTRY_HEADER_ROW + 3, 1);
    sheet?.eachRow((row, n) => {
      if (n > ENTRY_HEADER_ROW && typeof row.getCell(1).value === 'string') {
        row.getCell(2).value = 13;
      }
    });

    const { receipt, line } = await refused(
      'notes',
      'bordereau-MAT102-ligne-en-moins.xlsx',
      Buffer.from(await wb.xlsx.writeBuffer()),
      'WORKBOOK_ROW_MISSING',
    );

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => e.code)).toEqual(['WORKBOOK_ROW_MISSING']);
    expect(line?.advice).toContain('gardez toutes ses lignes');
    expect(line?.advice).toContain("laissez sa note vide ou saisissez un code d'absence");
    expect(await gradeTable(world.ctx)).toEqual(before);
  });

  it('lists the result codes a jury file may carry', async () => {
    const [a] = world.numbers.mat102.slice(5, 6);
    const csv = `N° anonyme;Résultat\r\n${a?.number};PASSE\r\n`;

    const { receipt, line } = await refused(
      'jury',
      'jury-MAT102-code-invente.csv',
      Buffer.from(csv, 'utf8'),
      'RESULT_CODE_UNKNOWN',
    );

    expect(receipt.errors.map((e) => [e.row, e.code, e.value])).toEqual([
      [2, 'RESULT_CODE_UNKNOWN', 'PASSE'],
    ]);
    // The configured codes (config/anonymat.json, here the defaults): no maquette was imported.
    expect(line?.explanation).toContain(
      'codes admis\u00a0: ADJ, ADM, ADMI, AJ, AJAC, DEF, NADI, NVAL, VAL.',
    );
    expect(line?.advice).toContain("Remplacez-le par l'un des codes admis");
  });

  it('names the object and session of an unknown assessment, never the student', async () => {
    const student = world.studentsA[4] ?? '';
    const csv = `COD_ETU;Code épreuve;Note\r\n${student};MAT999;12\r\n`;

    const { receipt, line } = await refused(
      'notes',
      'notes-MAT999.csv',
      Buffer.from(csv, 'utf8'),
      'ASSESSMENT_UNKNOWN',
    );

    expect(receipt.errors.map((e) => [e.row, e.code, e.value])).toEqual([
      [2, 'ASSESSMENT_UNKNOWN', 'MAT999'],
    ]);
    expect(line?.explanation).toContain('(MAT999, session 1, année 2026\u00a0: aucune épreuve');
    expect(line?.advice).toContain("Vérifiez le code de l'enseignement et la session");
    expect(JSON.stringify(receipt)).not.toContain(student);
  });

  it('says what a blank grade typed on the command line should be', async () => {
    const [a] = world.numbers.mat101.slice(7, 8);

    const error = await enterGrade(world.ctx, 'gest-A', {
      ctn: 'A',
      number: a?.number ?? '',
      grade: '',
    }).catch((e: unknown) => e);

    expect(isAppError(error, 'CELL_REQUIRED')).toBe(true);
    expect((error as Error).message).toContain("un nombre (0 compris) ou un code d'absence");
  });
});
