// A grade workbook dropped in notes/ is imported from a stream of its rows (readers/xlsx-stream.ts);
// it must come out exactly as the same workbook read whole: same receipt (status, counts, errors
// row by row) and same grades written. Each workbook goes through the grade channel both ways, in
// a transaction rolled back, on the channel tests' world (PGlite, and Postgres when set).
import { rm } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { gradeLines, gradeXlsx } from '../../bench/data.js';
import { dispatchChannel, gradeWorkbookSource } from '../../src/channels/dispatch.js';
import type { ChannelResult, ReadInput } from '../../src/channels/types.js';
import { isAppError } from '../../src/domain/errors.js';
import { ENTRY_SHEET_NAME } from '../../src/outputs/grade-entry-workbook.js';
import { readWorkbook } from '../../src/readers/index.js';
import { buildWorld, fillWorkbook, type GradeRow, type World } from '../db/channels-world.js';
import { xlsxOf } from '../unit/zip-guard.fixtures.js';
import { createTestDatabase, DATABASE_TARGETS, type TestDatabase } from '../support/postgres.js';

/** What one import gave: the channel's result (or the code it threw) and the grade table after it. */
interface Outcome {
  result: ChannelResult | { thrown: string };
  grades: GradeRow[];
}

class RolledBack extends Error {
  constructor(readonly outcome: Outcome) {
    super('rolled back');
  }
}

/** The workbook edited with exceljs as a person would in Excel. */
async function edited(bytes: Buffer, edit: (entry: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  edit(wb.getWorksheet(ENTRY_SHEET_NAME)!);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(DATABASE_TARGETS)('a grade workbook streamed into notes/ on $name', (target) => {
  let database: TestDatabase | null = null;
  let world: World;
  let intakeId: number;

  beforeAll(async () => {
    database = target.postgres ? await createTestDatabase('xlsx_stream') : null;
    world = await buildWorld(database?.url ?? null);
    const first = (await world.ctx.db('intake_file').orderBy('id').first('id')) as { id: number };
    intakeId = Number(first.id);
  });

  afterAll(async () => {
    await world?.ctx.db.destroy();
    if (world) {
      await rm(world.home, { recursive: true, force: true });
    }
    await database?.drop();
  });

  /** Applies the file through the grade channel, then undoes every write. */
  async function importOnce(bytes: Buffer, input: ReadInput): Promise<Outcome> {
    try {
      await world.ctx.db.transaction(async (trx) => {
        const result = await dispatchChannel({
          ctx: world.ctx,
          trx,
          ctn: 'A',
          channel: 'notes',
          fileName: 'notes.xlsx',
          sha256: '0'.repeat(64),
          bytes: () => Promise.resolve(bytes),
          input,
          intakeId,
          receivedAt: new Date().toISOString(),
        }).catch((error: unknown) => {
          if (isAppError(error)) {
            return { thrown: error.code };
          }
          throw error;
        });
        const grades = (await trx('grade')
          .orderBy(['assessment_id', 'student_number'])
          .select('assessment_id', 'student_number', 'value', 'absence', 'result')) as GradeRow[];
        throw new RolledBack({ result, grades });
      });
    } catch (error: unknown) {
      if (error instanceof RolledBack) {
        return error.outcome;
      }
      throw error;
    }
    throw new Error('the transaction was not rolled back');
  }

  /** Imports the workbook read whole, then streamed; both must agree. Returns the streamed outcome. */
  async function bothWays(bytes: Buffer): Promise<Outcome> {
    const whole = await importOnce(bytes, { kind: 'table', workbook: await readWorkbook(bytes) });
    const streamed = await importOnce(bytes, {
      kind: 'source',
      source: await gradeWorkbookSource(bytes),
    });

    expect(streamed).toEqual(whole);
    return streamed;
  }

  const filled = async (typed: (i: number) => string | number | null): Promise<Buffer> =>
    (await fillWorkbook(world.workbooks.mat101, typed)).bytes;

  function codes(outcome: Outcome): string[] {
    const { result } = outcome;
    return 'thrown' in result ? [result.thrown] : result.errors.map((e) => e.code);
  }

  it('imports a filled grade-entry workbook, its fingerprint checked', async () => {
    const outcome = await bothWays(
      await filled((i) => [12.5, '14,25', 'ABI', null][i % 4] ?? null),
    );

    expect('status' in outcome.result && outcome.result.status).toBe('imported');
    expect(outcome.grades.filter((g) => g.value !== null || g.absence !== null)).toHaveLength(23);
  });

  it('rejects a grade out of scale and a word typed for a grade, row by row', async () => {
    const outcome = await bothWays(await filled((i) => (i === 3 ? 25 : i === 7 ? 'douze' : 10)));

    const errors = 'errors' in outcome.result ? outcome.result.errors : [];
    expect(errors.map((e) => [e.row, e.code])).toEqual([
      [10, 'GRADE_OUT_OF_RANGE'],
      [14, 'GRADE_INVALID'],
    ]);
    expect(outcome.grades.filter((g) => g.value !== null)).toHaveLength(0);
  });

  it('refuses a grade in a percentage or a date cell, saying so, and stores no grade for it', async () => {
    // 46154 is 12/05/2026: what French Excel makes of « 12.5 » typed in a cell it takes for a date.
    const bytes = await edited(
      await filled((i) => (i === 3 ? 0.6 : i === 7 ? 46154 : 10)),
      (sheet) =>
        sheet.eachRow((row) =>
          row.eachCell((cell) => {
            const numFmt = { 0.6: '0%', 46154: 'dd/mm/yyyy' }[Number(cell.value)];
            // A style of its own: exceljs shares one style object between the cells of a column.
            cell.style = numFmt ? { ...cell.style, numFmt } : cell.style;
          }),
        ),
    );
    const outcome = await bothWays(bytes);

    const errors = 'errors' in outcome.result ? outcome.result.errors : [];
    expect(errors.map((e) => [e.row, e.code, e.value])).toEqual([
      [10, 'GRADE_CELL_PERCENT', '0.6'],
      [14, 'GRADE_CELL_DATE', '12/05/2026'],
    ]);
    expect(errors[0]?.message).toContain('La cellule de la note est au format pourcentage');
    expect(errors[1]?.message).toContain('Mettez la cellule au format Nombre');
    expect(outcome.grades.filter((g) => g.value === '0.60')).toEqual([]);
  });

  it('refuses a workbook whose fingerprint was edited', async () => {
    const bytes = (
      await fillWorkbook(
        world.workbooks.mat101,
        () => 15,
        (hidden) => {
          hidden.getCell('B2').value = 'falsifié';
        },
      )
    ).bytes;

    expect(codes(await bothWays(bytes))).toEqual(['WORKBOOK_TAMPERED']);
  });

  it('lists a row deleted from the workbook sent', async () => {
    const bytes = await edited(await filled(() => 11), (entry) => entry.spliceRows(9, 1));

    expect(codes(await bothWays(bytes))).toEqual(['WORKBOOK_ROW_MISSING']);
  });

  it('refuses a hidden row and a hidden grade column', async () => {
    const hiddenRow = await edited(await filled(() => 11), (entry) => {
      entry.getRow(10).hidden = true;
    });
    const hiddenColumn = await edited(await filled(() => 11), (entry) => {
      entry.getColumn(2).hidden = true;
    });

    expect(codes(await bothWays(hiddenRow))).toContain('ROW_HIDDEN');
    expect(codes(await bothWays(hiddenColumn))).toEqual(['COLUMN_HIDDEN']);
  });

  it('imports a long grade workbook without a fingerprint, its unknown numbers listed', async () => {
    const numbers = world.numbers.mat101.map((n) => n.number);
    const lines = gradeLines([...numbers, ...numbers, ...numbers], 600, 3);
    const outcome = await bothWays(await gradeXlsx(lines));

    expect(codes(outcome)).toContain('NUMBER_UNKNOWN');
    expect(codes(outcome)).toContain('NUMBER_DUPLICATED');
  });

  it('refuses a workbook without a header and one keyed by student number', async () => {
    const noHeader = await xlsxOf((wb) => {
      const sheet = wb.addWorksheet('Feuil1');
      sheet.addRow(['Relevé de notes']);
      sheet.addRow([world.numbers.mat101[0]?.number, 12]);
    });
    const byStudent = await edited(await filled(() => 12), (entry) => {
      entry.eachRow((row) => {
        if (row.getCell(1).value === 'N° anonyme') {
          row.getCell(1).value = 'COD_ETU';
        }
      });
    });

    expect(codes(await bothWays(noHeader))).toEqual(['HEADER_NOT_FOUND']);
    expect(new Set(codes(await bothWays(byStudent)))).toEqual(
      new Set(['ASSESSMENT_COLUMN_MISSING']),
    );
  });
});
