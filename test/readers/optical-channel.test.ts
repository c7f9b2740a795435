// Optical-reader files through the real intake on embedded PGlite: AMC CSV and ODS exports and
// OMRChecker CSV dropped in lecteur-optique/, with the misreads a scanner really makes.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Receipt } from '../../src/outputs/receipt.js';
import {
  buildWorld,
  drop,
  gradesOf,
  intake,
  type Numbered,
  type World,
} from '../db/channels-world.js';
import { buildZip } from '../unit/zip-guard.fixtures.js';

let world: World;

/** Row number → error codes, as the receipt lists them. */
function errorsByRow(receipt: Receipt): Record<number, string> {
  return Object.fromEntries(receipt.errors.map((e) => [e.row ?? 0, e.code]));
}

const quoted = (fields: string[], separator: string): string =>
  fields.map((f) => `"${f}"`).join(separator);

/** The first number one digit away from `number` that is no number at all (one mark added). */
function withExtraMark(number: string): string {
  return `${number.slice(0, 2)}${number[2] === '1' ? '2' : '1'}${number.slice(2)}`;
}

describe('optical-reader files through the real intake', () => {
  beforeAll(async () => {
    world = await buildWorld();
  });

  afterAll(async () => {
    await world?.ctx.db.destroy();
    if (world) {
      await rm(world.home, { recursive: true, force: true });
    }
  });

  describe('an AMC CSV export with every kind of misread', () => {
    let n: Numbered[];
    let receipt: Receipt;
    let starred: string;
    let extra: string;
    let typo: string;

    beforeAll(async () => {
      n = world.numbers.mat102;
      const at = (i: number): string => n[i]?.number ?? '';
      starred = `${at(3).slice(0, 2)}*${at(3).slice(3)}`;
      extra = withExtraMark(at(4));
      typo = `${at(5)[0] === '9' ? '8' : '9'}${at(5).slice(1)}`;
      const lines = [
        ['Copie', 'A:numero', 'Nom', 'Note', 'numero'],
        ['1', at(0), '?', '12,5', at(0)],
        ['2', at(1), '?', '14', at(2)],
        ['3', '', '?', '9', ''],
        ['4', starred, '?', '11', starred],
        ['5', extra, '?', '13', extra],
        ['6', typo, '?', '8', typo],
        ['7', at(6), '?', '10', at(6)],
        ['8', at(6), '?', '11', at(6)],
        ['9', at(7), '?', '9,5', at(7)],
        ['10', at(7), '?', '9.50', at(7)],
      ].map((fields) => quoted(fields, ';'));
      await drop(world.ctx, 'A', 'lecteur-optique', 'amc-MAT102.csv', lines.join('\n') + '\n');
      receipt = await intake(world.ctx, 'A', 'amc-MAT102.csv');
    });

    it('imports the good copies once and refuses each misread with its own code', async () => {
      expect(receipt.status).toBe('partial');
      expect(errorsByRow(receipt)).toEqual({
        3: 'OPTICAL_GRID_MISMATCH',
        4: 'NUMBER_BLANK',
        5: 'OPTICAL_MARKS_UNREADABLE',
        6: 'NUMBER_LENGTH',
        7: 'NUMBER_CHECK_FAILED',
        8: 'NUMBER_DUPLICATED',
        9: 'NUMBER_DUPLICATED',
      });
      const grades = await gradesOf(world.ctx, world.assessments.mat102);
      expect([0, 1, 6, 7].map((i) => grades.get(n[i]?.student ?? ''))).toEqual([
        '12.50',
        '14.00',
        undefined,
        '9.50',
      ]);
    });

    it('lists the numbers of the template that a misread identifier could have been', () => {
      const message = (row: number): string =>
        receipt.errors.find((e) => e.row === row)?.message ?? '';

      expect(message(5)).toContain(n[3]?.number);
      expect(message(6)).toContain(n[4]?.number);
      expect(message(7)).toContain(n[5]?.number);
      expect(message(4)).toContain('Numéros possibles');
      expect(receipt.errors.find((e) => e.row === 3)?.value).toBe(n[2]?.number);
    });

    it('writes an annotated copy with the faulty cells highlighted and an error sheet', async () => {
      const dir = path.join(world.ctx.config.outbox, 'A', 'accuses', 'lecteur-optique');
      const copies = (await import('node:fs/promises')).readdir(dir);
      const name = (await copies).find(
        (f) => f.startsWith('amc-MAT102') && f.endsWith('.annote.xlsx'),
      );
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(new Uint8Array(await readFile(path.join(dir, name ?? 'absent'))).buffer);

      const data = wb.worksheets[0];
      expect(data?.getCell('B5').value).toBe(starred);
      expect(JSON.stringify(data?.getCell('B5').note)).toContain('OPTICAL_MARKS_UNREADABLE');
      expect((data?.getCell('B5').fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFC7CE');
      const errors = wb.getWorksheet('Erreurs et avis');
      expect(errors?.getRow(1).values).toEqual([
        undefined,
        'Nature',
        'Ligne',
        'Colonne',
        'Valeur lue',
        'Code',
        'Pourquoi',
        'Que faire',
      ]);
      expect(errors?.rowCount).toBe(1 + receipt.errors.length);
      // The grid read apart is a notice: its row was imported, marked yellow, listed as « Avis ».
      const listed = errors?.getSheetValues().filter((r) => Array.isArray(r)) as unknown[][];
      expect(listed.find((r) => r[5] === 'OPTICAL_GRID_MISMATCH')?.[1]).toBe('Avis');
      expect(listed.find((r) => r[5] === 'NUMBER_BLANK')?.[1]).toBe('Erreur');
      expect((data?.getCell('E3').fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFEB9C');
    });
  });

  it('reads an OMRChecker CSV (all quoted, `,`) by its own headings', async () => {
    const n = world.numbers.mat101;
    const lines = [
      quoted(['file_id', 'input_path', 'output_path', 'score', 'Roll'], ','),
      quoted(['s1.jpg', 'in/s1.jpg', 'out/s1.jpg', '15', n[20]?.number ?? ''], ','),
      quoted(['s2.jpg', 'in/s2.jpg', 'out/s2.jpg', '7.5', n[21]?.number ?? ''], ','),
      quoted(['s3.jpg', 'in/s3.jpg', 'out/s3.jpg', '3', ''], ','),
    ];
    await drop(world.ctx, 'A', 'lecteur-optique', 'omr-MAT101.csv', lines.join('\n') + '\n');

    const receipt = await intake(world.ctx, 'A', 'omr-MAT101.csv');

    expect(errorsByRow(receipt)).toEqual({ 4: 'NUMBER_BLANK' });
    const grades = await gradesOf(world.ctx, world.assessments.mat101);
    expect([20, 21].map((i) => grades.get(n[i]?.student ?? ''))).toEqual(['15.00', '7.50']);
  });

  it('reads an AMC ODS export whose header sits under a title block', async () => {
    const n = world.numbers.mat101;
    const cell = (v: string): string =>
      `<table:table-cell office:value-type="string"><text:p>${v}</text:p></table:table-cell>`;
    const float = (v: number): string =>
      `<table:table-cell office:value-type="float" office:value="${v}"><text:p>${String(v).replace('.', ',')}</text:p></table:table-cell>`;
    const row = (cells: string): string => `<table:table-row>${cells}</table:table-row>`;
    const content =
      '<office:document-content><office:body><office:spreadsheet><table:table table:name="Notes">' +
      row(cell('Examen MAT101 — session 1')) +
      row('<table:table-cell/>') +
      row(['Copie', 'A:numero', 'Nom', 'Note'].map(cell).join('')) +
      row(cell('1') + cell(n[22]?.number ?? '') + cell('?') + float(16.25)) +
      row(cell('2') + cell(n[23]?.number ?? '') + cell('?') + float(0)) +
      '</table:table></office:spreadsheet></office:body></office:document-content>';
    const ods = buildZip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', stored: true },
      { name: 'content.xml', data: content },
    ]);
    await drop(world.ctx, 'A', 'lecteur-optique', 'amc-MAT101.ods', ods);

    const receipt = await intake(world.ctx, 'A', 'amc-MAT101.ods');

    expect(receipt.status).toBe('imported');
    const grades = await gradesOf(world.ctx, world.assessments.mat101);
    expect([22, 23].map((i) => grades.get(n[i]?.student ?? ''))).toEqual(['16.25', '0.00']);
  });

  it('refuses once, as another exam’s, a file none of whose numbers has the CTN’s length', async () => {
    const length = world.numbers.mat101[0]?.number.length ?? 0;
    // Another exam's numbering: every number two characters longer, 40 copies.
    const lines = [quoted(['Copie', 'A:numero', 'Nom', 'Note'], ';')];
    for (let i = 1; i <= 40; i += 1) {
      lines.push(quoted([String(i), String(10 ** (length + 1) + i), '?', '12'], ';'));
    }
    await drop(world.ctx, 'A', 'lecteur-optique', 'amc-autre-examen.csv', `${lines.join('\n')}\n`);

    const receipt = await intake(world.ctx, 'A', 'amc-autre-examen.csv');

    expect(receipt.status).toBe('rejected');
    // The file-level refusal comes first, then the rows it explains.
    expect(receipt.errors[0]).toMatchObject({ row: null, code: 'OPTICAL_OTHER_NUMBERING' });
    expect(receipt.errors[0]?.message).toContain("c'est sans doute le fichier d'un autre examen");
    expect(receipt.errors[0]?.message).toMatch(
      new RegExp(`\\(longueur attendue : ${length} caractères\\)$`),
    );
    expect(receipt.errors.filter((e) => e.code === 'NUMBER_LENGTH')).toHaveLength(40);
  });
});
