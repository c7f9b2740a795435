// A workbook holding two visible tables of grades (« Groupe A », « Groupe B ») was read on its first
// sheet only, the second group's grades left out without a word. It is refused whole, naming the
// sheets; a sheet of instructions beside the table is no second table. So is a workbook whose
// hidden sheet holds grades (trial, finding 4), in .xlsx, .ods and .xls alike; a hidden sheet
// without grade columns, like the fingerprint of a grade-entry workbook, is no table of grades.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { drop, gradeTable, gradesOf, intake, worldFor } from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../readers/fixtures');

type SheetState = 'visible' | 'hidden' | 'veryHidden';

/** A workbook with one sheet per entry: a name, its rows and, when not visible, its state. */
async function workbook(
  sheets: Array<[string, Array<Array<string | number>>, SheetState?]>,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows, state] of sheets) {
    wb.addWorksheet(name, { state: state ?? 'visible' }).addRows(rows);
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

  describe('when a sheet is hidden', () => {
    const table = (
      name: string,
      first: number,
      state: SheetState = 'visible',
      header = ['N° anonyme', 'Note'],
    ): [string, Array<Array<string | number>>, SheetState] => {
      const n = world().numbers.mat101;
      return [name, [header, [n[first]!.number, 11], [n[first + 1]!.number, 12]], state];
    };

    it.each([
      ['notes', 'hidden'],
      ['notes', 'veryHidden'],
      ['lecteur-optique', 'hidden'],
    ] as const)(
      'refuses in %s/ a %s sheet holding grades, naming it and writing nothing',
      async (channel, state) => {
        const before = await gradeTable(world().ctx);
        const bytes = await workbook([table('Notes', 4), table('Rattrapés', 6, state)]);
        const name = `masquee-${channel}-${state}.xlsx`;
        await drop(world().ctx, 'A', channel, name, bytes);

        const receipt = await intake(world().ctx, 'A', name);

        expect(receipt.status).toBe('rejected');
        expect(receipt.errors.map((e) => e.code)).toEqual(['WORKBOOK_HIDDEN_TABLE']);
        expect(receipt.errors[0]?.message).toContain('Affichez cette feuille');
        expect(receipt.errors[0]?.message).toContain(
          '(feuille(s) masquée(s) : « Rattrapés » ; feuille lue : « Notes »',
        );
        expect(await gradeTable(world().ctx)).toEqual(before);
      },
    );

    it('refuses in jury/ a hidden sheet holding decisions', async () => {
      const header = ['N° anonyme', 'Résultat'];
      const bytes = await workbook([
        table('Jury', 4, 'visible', header),
        table('Rattrapage', 6, 'hidden', header),
      ]);
      await drop(world().ctx, 'A', 'jury', 'jury-masquee.xlsx', bytes);

      const receipt = await intake(world().ctx, 'A', 'jury-masquee.xlsx');

      expect(receipt.status).toBe('rejected');
      expect(receipt.errors.map((e) => e.code)).toEqual(['WORKBOOK_HIDDEN_TABLE']);
    });

    it('names a hidden sheet holding the only table of grades', async () => {
      const bytes = await workbook([
        ['Consignes', [['Saisir les notes sur 20']]],
        table('Notes', 4, 'hidden'),
      ]);
      await drop(world().ctx, 'A', 'notes', 'seule-masquee.xlsx', bytes);

      const receipt = await intake(world().ctx, 'A', 'seule-masquee.xlsx');

      expect(receipt.errors.map((e) => e.code)).toEqual(['WORKBOOK_HIDDEN_TABLE']);
      expect(receipt.errors[0]?.message).toContain('(feuille(s) masquée(s) : « Notes »)');
    });

    it.each(['lo-hidden-sheet.ods', 'lo-hidden-sheet.xls'])(
      'refuses %s, saved by LibreOffice with a hidden sheet of grades',
      async (file) => {
        await drop(world().ctx, 'A', 'notes', file, await readFile(path.join(FIXTURES, file)));

        const receipt = await intake(world().ctx, 'A', file);

        expect(receipt.status).toBe('rejected');
        expect(receipt.errors.map((e) => e.code)).toEqual(['WORKBOOK_HIDDEN_TABLE']);
        expect(receipt.errors[0]?.message).toContain('« Rattrapés »');
      },
    );

    it('imports a table beside a hidden sheet without grade columns', async () => {
      const n = world().numbers.mat101;
      const codes: [string, Array<Array<string | number>>, SheetState] = [
        'Codes',
        [
          ['Code', 'Libellé'],
          ['ABI', 'Absence injustifiée'],
        ],
        'hidden',
      ];
      const bytes = await workbook([table('Notes', 8), codes]);
      await drop(world().ctx, 'A', 'notes', 'avec-codes-masques.xlsx', bytes);

      const receipt = await intake(world().ctx, 'A', 'avec-codes-masques.xlsx');

      expect(receipt.status).toBe('imported');
      expect((await gradesOf(world().ctx, world().assessments.mat101)).get(n[8]!.student)).toBe(
        '11.00',
      );
    });
  });
});
