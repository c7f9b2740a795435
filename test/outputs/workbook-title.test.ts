// A grade-entry workbook copied without its hidden sheet is an ordinary grade file: its title still
// names its exam. Saved under another exam's name, which of the two is meant cannot be told, and the
// file is refused whole; a trial saw such a copy write its grades to the exam of its name.
import { readFile } from 'node:fs/promises';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ENTRY_HEADER_ROW, ENTRY_SHEET_NAME } from '../../src/outputs/grade-entry-workbook.js';
import { closeContext } from '../../src/services/context.js';
import { buildWorld, drop, gradesOf, intake, type World } from '../db/channels-world.js';

/**
 * The MAT101 workbook as sent, every grade typed `grade`, its hidden sheet kept or not, and a
 * draft sheet of two grades put before its entry sheet with `draft`.
 */
async function filled(
  world: World,
  grade: number,
  keepHidden: boolean,
  draft: 'grades' | 'instructions' | null = null,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile(world.workbooks.mat101)) as unknown as ArrayBuffer);
  wb.getWorksheet(ENTRY_SHEET_NAME)?.eachRow((row, n) => {
    if (n > ENTRY_HEADER_ROW && typeof row.getCell(1).value === 'string') {
      row.getCell(2).value = grade;
    }
  });
  if (draft) {
    const sheet = wb.addWorksheet(draft === 'grades' ? 'Brouillon' : 'Consignes');
    sheet.addRows(
      draft === 'grades'
        ? [['N° anonyme', 'Note'], ...world.numbers.mat101.slice(0, 2).map((n) => [n.number, 9])]
        : [['Saisir une note sur 20 par copie'], ['Rendre avant le 15 janvier']],
    );
    // exceljs writes sheets by their order number, which its types do not declare.
    const ordered = (w: ExcelJS.Worksheet): { orderNo: number } =>
      w as unknown as { orderNo: number };
    wb.worksheets.filter((w) => w !== sheet).forEach((w) => (ordered(w).orderNo += 1));
    ordered(sheet).orderNo = 0;
  }
  const hidden = wb.getWorksheet('_anonymat');
  if (!keepHidden && hidden) {
    wb.removeWorksheet(hidden.id);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('the title of a grade sheet against its file name', () => {
  let world: World;

  beforeAll(async () => {
    world = await buildWorld();
  });

  afterAll(async () => {
    await closeContext(world.ctx);
  });

  it('refuses a copy without its hidden sheet named after another exam, and writes nothing', async () => {
    await drop(world.ctx, 'A', 'notes', 'notes-MAT102.xlsx', await filled(world, 17, false));

    const receipt = await intake(world.ctx, 'A', 'notes-MAT102.xlsx');

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => [e.code, e.row])).toEqual([
      ['FILE_TITLE_OTHER_ASSESSMENT', null],
    ]);
    expect(receipt.errors[0]?.message).toContain('(titre : MAT101 ; nom du fichier : MAT102)');
    expect((await gradesOf(world.ctx, world.assessments.mat101)).size).toBe(0);
    expect((await gradesOf(world.ctx, world.assessments.mat102)).size).toBe(0);
  });

  it('imports the same copy named after its own exam', async () => {
    await drop(world.ctx, 'A', 'notes', 'copie-MAT101.xlsx', await filled(world, 13, false));

    const receipt = await intake(world.ctx, 'A', 'copie-MAT101.xlsx');

    expect([receipt.status, receipt.errors]).toEqual(['imported', []]);
    const grades = await gradesOf(world.ctx, world.assessments.mat101);
    expect([...grades.values()]).toEqual(world.numbers.mat101.map(() => '13.00'));
  });

  it('imports the signed workbook under its own exam’s name', async () => {
    await drop(world.ctx, 'A', 'notes', 'bordereau-MAT101.xlsx', await filled(world, 15, true));

    const receipt = await intake(world.ctx, 'A', 'bordereau-MAT101.xlsx');

    expect(receipt.status).toBe('imported');
    const grades = await gradesOf(world.ctx, world.assessments.mat101);
    expect([...grades.values()]).toEqual(world.numbers.mat101.map(() => '15.00'));
  });

  it('refuses the signed workbook saved under another exam’s name, and writes nothing', async () => {
    await drop(world.ctx, 'A', 'notes', 'notes-MAT102-final.xlsx', await filled(world, 4, true));

    const receipt = await intake(world.ctx, 'A', 'notes-MAT102-final.xlsx');

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => [e.code, e.row])).toEqual([
      ['WORKBOOK_NAMED_OTHER_ASSESSMENT', null],
    ]);
    expect(receipt.errors[0]?.message).toContain('(bordereau : MAT101 ; nom du fichier : MAT102)');
    const grades = await gradesOf(world.ctx, world.assessments.mat101);
    expect([...grades.values()]).toEqual(world.numbers.mat101.map(() => '15.00'));
  });

  it('refuses a signed workbook with a draft sheet of grades put before its entry sheet', async () => {
    const bytes = await filled(world, 11, true, 'grades');
    await drop(world.ctx, 'A', 'notes', 'brouillon-MAT101.xlsx', bytes);

    const receipt = await intake(world.ctx, 'A', 'brouillon-MAT101.xlsx');

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => [e.code, e.row])).toEqual([['WORKBOOK_SEVERAL_TABLES', null]]);
    expect(receipt.errors[0]?.message).toContain('(feuilles « Saisie des notes », « Brouillon »)');
    // What the signed workbook wrote before stays.
    const grades = await gradesOf(world.ctx, world.assessments.mat101);
    expect([...grades.values()]).toEqual(world.numbers.mat101.map(() => '15.00'));
  });

  it('reads a signed workbook from its entry sheet, a sheet of instructions put before it', async () => {
    const bytes = await filled(world, 16, true, 'instructions');
    await drop(world.ctx, 'A', 'notes', 'consignes-MAT101.xlsx', bytes);

    const receipt = await intake(world.ctx, 'A', 'consignes-MAT101.xlsx');

    expect(receipt.status).toBe('imported');
    // The 15 of the test before are replaced, and said so: nothing else is listed.
    expect(new Set(receipt.errors.map((e) => e.code))).toEqual(new Set(['GRADE_REPLACED']));
    const grades = await gradesOf(world.ctx, world.assessments.mat101);
    expect([...grades.values()]).toEqual(world.numbers.mat101.map(() => '16.00'));
  });
});
