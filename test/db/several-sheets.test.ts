// A workbook holding two visible tables of grades (« Groupe A », « Groupe B ») was read on its first
// sheet only, the second group's grades left out without a word. It is refused whole, naming the
// sheets; a sheet of instructions beside the table is no second table.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { drop, gradeTable, gradesOf, intake, worldFor } from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

/** A workbook with one sheet per entry: a name and its rows. */
async function workbook(sheets: Array<[string, Array<Array<string | number>>]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of sheets) {
    wb.addWorksheet(name).addRows(rows);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(DATABASE_TARGETS)('a workbook of several sheets, on $name', (target) => {
  const world = worldFor(target, 'several_sheets');

  it.each(['notes', 'lecteur-optique'])(
    'refuses in %s/ two visible tables of grades, naming the sheets and writing nothing',
    async (channel) => {
      const n = world().numbers.mat101;
      const before = await gradeTable(world().ctx);
      const bytes = await workbook([
        [
          'Groupe A',
          [
            ['N° anonyme', 'Note'],
            [n[0]!.number, 12],
            [n[1]!.number, 13],
          ],
        ],
        [
          'Groupe B',
          [
            ['N° anonyme', 'Note'],
            [n[2]!.number, 14],
          ],
        ],
      ]);
      await drop(world().ctx, 'A', channel, `groupes-${channel}.xlsx`, bytes);

      const receipt = await intake(world().ctx, 'A', `groupes-${channel}.xlsx`);

      expect(receipt.status).toBe('rejected');
      expect(receipt.errors.map((e) => e.code)).toEqual(['WORKBOOK_SEVERAL_TABLES']);
      expect(receipt.errors[0]?.message).toContain('(feuilles « Groupe A », « Groupe B »)');
      expect(await gradeTable(world().ctx)).toEqual(before);
    },
  );

  it('imports a table beside a sheet of instructions', async () => {
    const n = world().numbers.mat101;
    const bytes = await workbook([
      ['Consignes', [['Saisir les notes sur 20'], ['Absence : ABI ou ABJ']]],
      [
        'Notes',
        [
          ['N° anonyme', 'Note'],
          [n[3]!.number, 9],
        ],
      ],
    ]);
    await drop(world().ctx, 'A', 'notes', 'avec-consignes.xlsx', bytes);

    const receipt = await intake(world().ctx, 'A', 'avec-consignes.xlsx');

    expect(receipt.status).toBe('imported');
    expect((await gradesOf(world().ctx, world().assessments.mat101)).get(n[3]!.student)).toBe(
      '9.00',
    );
  });
});
