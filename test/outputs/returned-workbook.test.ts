// A returned grade-entry workbook is checked against the one sent: a row deleted or a number typed
// over is reported with the number that went missing, and nothing of the file is written.
import { readFile } from 'node:fs/promises';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ENTRY_HEADER_ROW, ENTRY_SHEET_NAME } from '../../src/outputs/grade-entry-workbook.js';
import { closeContext } from '../../src/services/context.js';
import { buildWorld, drop, gradesOf, intake, type World } from '../db/channels-world.js';

/** The MAT101 workbook as sent, every grade typed 12, then `edit` applied to its entry sheet. */
async function returned(world: World, edit: (sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile(world.workbooks.mat101)) as unknown as ArrayBuffer);
  const sheet = wb.getWorksheet(ENTRY_SHEET_NAME);
  if (!sheet) {
    throw new Error('no entry sheet');
  }
  sheet.eachRow((row, n) => {
    if (n > ENTRY_HEADER_ROW && typeof row.getCell(1).value === 'string') {
      row.getCell(2).value = 12;
    }
  });
  edit(sheet);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('returned grade-entry workbook', () => {
  let world: World;

  beforeAll(async () => {
    world = await buildWorld();
  });

  afterAll(async () => {
    await closeContext(world.ctx);
  });

  it('names the number of a deleted row and writes nothing', async () => {
    const gone = world.numbers.mat101.map((n) => n.number).sort()[1] ?? '-';
    const bytes = await returned(world, (sheet) => {
      sheet.eachRow((row, n) => {
        if (row.getCell(1).value === gone) {
          sheet.spliceRows(n, 1);
        }
      });
    });
    await drop(world.ctx, 'A', 'notes', 'bordereau-ligne-supprimee.xlsx', bytes);
    const receipt = await intake(world.ctx, 'A', 'bordereau-ligne-supprimee.xlsx');

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors).toContainEqual(
      expect.objectContaining({ code: 'WORKBOOK_ROW_MISSING', value: gone }),
    );
    expect((await gradesOf(world.ctx, world.assessments.mat101)).size).toBe(0);
  });

  it('lists a number whose leading zeros were lost on its row only, not as a missing row too', async () => {
    const zeros = world.numbers.mat101.map((n) => n.number).filter((n) => n.startsWith('0'));
    const lost = zeros[0] ?? '-';
    const bytes = await returned(world, (sheet) => {
      sheet.eachRow((row) => {
        if (row.getCell(1).value === lost) {
          row.getCell(1).value = Number(lost);
        }
      });
    });
    await drop(world.ctx, 'A', 'notes', 'bordereau-zeros-perdus.xlsx', bytes);
    const receipt = await intake(world.ctx, 'A', 'bordereau-zeros-perdus.xlsx');

    expect(zeros.length).toBeGreaterThan(0);
    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => [e.code, e.value])).toEqual([
      ['NUMBER_LEADING_ZEROS', String(Number(lost))],
    ]);
  });

  it('takes a complete workbook without a missing-row report', async () => {
    await drop(
      world.ctx,
      'A',
      'notes',
      'bordereau-complet.xlsx',
      await returned(world, () => undefined),
    );
    const receipt = await intake(world.ctx, 'A', 'bordereau-complet.xlsx');

    expect(receipt.status).toBe('imported');
    expect(receipt.errors.filter((e) => e.code === 'WORKBOOK_ROW_MISSING')).toEqual([]);
  });

  it('refuses a workbook whose number column was sorted on its own, naming the first number moved', async () => {
    const sorted = world.numbers.mat101.map((n) => n.number).sort();
    const [first, second] = sorted as [string, string];
    const bytes = await returned(world, (sheet) => {
      // The two first numbers swapped, their grades left where they were: 12 and 15 now face
      // each other's copy.
      sheet.eachRow((row, n) => {
        const number = row.getCell(1).value;
        if (n > ENTRY_HEADER_ROW && (number === first || number === second)) {
          row.getCell(1).value = number === first ? second : first;
          row.getCell(2).value = number === first ? 12 : 15;
        }
      });
    });
    const before = await gradesOf(world.ctx, world.assessments.mat101);
    await drop(world.ctx, 'A', 'notes', 'bordereau-trie.xlsx', bytes);
    const receipt = await intake(world.ctx, 'A', 'bordereau-trie.xlsx');

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors).toContainEqual(
      expect.objectContaining({ code: 'WORKBOOK_ROWS_REORDERED', value: second }),
    );
    expect(await gradesOf(world.ctx, world.assessments.mat101)).toEqual(before);
  });
});
