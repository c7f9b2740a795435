// A grade that replaces an earlier one, as the person reads it on the receipt workbook: the number
// under the column of numbers, the grade before and after in the explanation, nothing under « Note ».
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';

import { slug } from '../../src/outputs/gateway.js';
import { DATABASE_TARGETS } from '../support/postgres.js';
import { drop, intake, type World, worldFor } from './channels-world.js';

/** The « Erreurs et avis » sheet of a receipt workbook, one record per line, keyed by the header's cells. */
async function receiptLines(
  world: World,
  channel: string,
  name: string,
): Promise<Array<Record<string, string>>> {
  const dir = path.join(world.ctx.config.outbox, 'A', 'accuses', channel);
  const stem = slug(path.parse(name).name);
  const file = (await readdir(dir)).find((n) => n.startsWith(stem) && n.endsWith('.accuse.xlsx'));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile(path.join(dir, file ?? '-'))) as unknown as ArrayBuffer);
  const rows: string[][] = [];
  wb.getWorksheet('Erreurs et avis')?.eachRow({ includeEmpty: false }, (row) => {
    rows.push(Array.from({ length: row.cellCount }, (_v, i) => row.getCell(i + 1).text));
  });
  const [header = [], ...lines] = rows;
  return lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}

const csv = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

describe.each(DATABASE_TARGETS)('a replaced grade on the receipt, on $name', (target) => {
  const built = worldFor(target, 'replaced');
  let world: World;

  beforeAll(() => {
    world = built();
  });

  it('shows a corrected grade file’s number under « N° anonyme », before and after in the explanation', async () => {
    const [a, b] = world.numbers.mat101.map((n) => n.number);
    await drop(world.ctx, 'A', 'notes', 'td-MAT101.csv', csv(['N° anonyme;Note', `${a};12`]));
    expect((await intake(world.ctx, 'A', 'td-MAT101.csv')).status).toBe('imported');

    const corrected = csv(['N° anonyme;Note', `${a};14,5`, `${b};9`]);
    await drop(world.ctx, 'A', 'notes', 'td-MAT101-corrige.csv', corrected);
    expect((await intake(world.ctx, 'A', 'td-MAT101-corrige.csv')).status).toBe('imported');

    expect(await receiptLines(world, 'notes', 'td-MAT101-corrige.csv')).toEqual([
      {
        Nature: 'Avis',
        Ligne: '2',
        Colonne: 'N° anonyme',
        'Valeur lue': a,
        Code: 'GRADE_REPLACED',
        Explication:
          'Une autre note était déjà enregistrée pour cette copie (même numéro, même épreuve) ; elle est remplacée par celle du ' +
          'fichier. Avant : 12,00 ; maintenant : 14,50.',
        'Que faire': 'Vérifiez que ce fichier est bien la correction attendue.',
      },
    ]);
  });

  it('shows an optical re-read’s number under « N° anonyme » too', async () => {
    const [, , c] = world.numbers.mat102.map((n) => n.number);
    const amc = (grade: string): Buffer =>
      csv(['"Copie";"A:numero";"Nom";"Note"', `"1";"${c}";"?";"${grade}"`]);
    await drop(world.ctx, 'A', 'lecteur-optique', 'amc-MAT102.csv', amc('11'));
    expect((await intake(world.ctx, 'A', 'amc-MAT102.csv')).status).toBe('imported');

    await drop(world.ctx, 'A', 'lecteur-optique', 'amc-MAT102-relu.csv', amc('13'));
    expect((await intake(world.ctx, 'A', 'amc-MAT102-relu.csv')).status).toBe('imported');

    expect(await receiptLines(world, 'lecteur-optique', 'amc-MAT102-relu.csv')).toEqual([
      expect.objectContaining({
        Ligne: '2',
        Colonne: 'N° anonyme',
        'Valeur lue': c,
        Code: 'GRADE_REPLACED',
        Explication: expect.stringContaining('Avant : 11,00 ; maintenant : 13,00.') as string,
      }),
    ]);
  });

  it('lists no replaced grade where only a jury result was recorded before the grades came', async () => {
    const [d, e] = world.numbers.mat101.slice(5, 7).map((n) => n.number);
    // The jury file is processed first (dropped with the grades, taken in name order).
    await drop(world.ctx, 'A', 'jury', 'jury-MAT101.csv', csv(['N° anonyme;Résultat', `${d};AJ`]));
    expect((await intake(world.ctx, 'A', 'jury-MAT101.csv')).status).toBe('imported');

    await drop(
      world.ctx,
      'A',
      'notes',
      'notes-MAT101.csv',
      csv(['N° anonyme;Note', `${d};8`, `${e};15`]),
    );
    const receipt = await intake(world.ctx, 'A', 'notes-MAT101.csv');

    expect(receipt.status).toBe('imported');
    expect(receipt.errors).toEqual([]);
    expect(receipt.summary).not.toContain('remplacée');
  });
});
