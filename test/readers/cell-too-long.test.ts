// A cell longer than a spreadsheet's cell can hold (32,767 characters) refuses the file, naming
// the cell: 10 MB pasted into a remark took the identity look beside the numbers to gigabytes,
// retried for ever, and held back every file behind it (trial).
import { describe, expect, it } from 'vitest';

import { csvBatches } from '../../src/readers/csv-stream.js';
import { readWorkbook } from '../../src/readers/index.js';
import { MAX_CELL_CHARS } from '../../src/readers/xlsx-fast-cells.js';
import { DATABASE_TARGETS } from '../support/postgres.js';
import { buildZip, xlsxOf } from '../unit/zip-guard.fixtures.js';
import { drop, gradesOf, intake, worldFor } from '../db/channels-world.js';

const TOO_LONG = 'copie relue '.repeat(4_000);
const count = (n: number): string => n.toLocaleString('fr-FR');
const csvWith = (remark: string): Buffer =>
  Buffer.from(`N° anonyme;Note;Remarque\r\nA0001;12;ok\r\nA0002;13;${remark}\r\n`, 'utf8');

async function refusal(read: () => Promise<unknown>): Promise<unknown> {
  return read().then(
    () => 'read',
    (error: unknown) => error,
  );
}

describe('a cell too long for a spreadsheet', () => {
  it('refuses a CSV, read whole or streamed, naming the line, the column and the length', async () => {
    const expected = expect.objectContaining({
      code: 'CELL_TOO_LONG',
      detail: `(ligne 3, colonne C : ${count(TOO_LONG.length)} caractères)`,
    });

    expect(await refusal(() => readWorkbook(csvWith(TOO_LONG)))).toEqual(expected);
    expect(
      await refusal(() => Promise.resolve().then(() => [...csvBatches(csvWith(TOO_LONG))])),
    ).toEqual(expected);
  });

  it('reads a cell of exactly 32,767 characters, as a spreadsheet may hold', async () => {
    const workbook = await readWorkbook(csvWith('x'.repeat(MAX_CELL_CHARS)));

    expect(workbook.sheets[0]?.rows[2]?.cells[2]).toEqual({
      kind: 'text',
      raw: 'x'.repeat(MAX_CELL_CHARS),
    });
  });

  it('refuses an .xlsx whose shared string is too long, naming the cell', async () => {
    const bytes = await xlsxOf((wb) => {
      const sheet = wb.addWorksheet('Notes');
      sheet.addRow(['N° anonyme', 'Note', 'Observations']);
      sheet.addRow(['A0001', 12, TOO_LONG]);
    });

    expect(await refusal(() => readWorkbook(bytes))).toEqual(
      expect.objectContaining({
        code: 'CELL_TOO_LONG',
        detail: `(ligne 2, colonne C : ${count(TOO_LONG.length)} caractères)`,
      }),
    );
  });

  it('refuses an .ods with a paragraph too long, naming the cell', async () => {
    const ns =
      'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' +
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ' +
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"';
    const cell = (v: string): string =>
      `<table:table-cell office:value-type="string"><text:p>${v}</text:p></table:table-cell>`;
    const content =
      `<?xml version="1.0" encoding="UTF-8"?><office:document-content ${ns}><office:body>` +
      '<office:spreadsheet><table:table table:name="Notes">' +
      `<table:table-row>${cell('N° anonyme')}${cell('Note')}</table:table-row>` +
      `<table:table-row>${cell('A0001')}${cell(TOO_LONG)}</table:table-row>` +
      '</table:table></office:spreadsheet></office:body></office:document-content>';
    const bytes = buildZip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', stored: true },
      { name: 'content.xml', data: content },
    ]);

    expect(await refusal(() => readWorkbook(bytes))).toEqual(
      expect.objectContaining({
        code: 'CELL_TOO_LONG',
        detail: `(ligne 2, colonne B : ${count(TOO_LONG.length)} caractères)`,
      }),
    );
  });
});

describe.each(DATABASE_TARGETS)('a grade file with a cell too long, on $name', (target) => {
  const world = worldFor(target, 'cell_too_long');

  it('is refused with a receipt, writes nothing, and the file beside it is imported', async () => {
    const { ctx, numbers, assessments } = world();
    const [a, b] = numbers.mat101.slice(0, 2);
    const remark = 'calcul456 '.repeat(1_000_000);
    await drop(
      ctx,
      'A',
      'notes',
      'gros-texte-MAT101.csv',
      `N° anonyme;Note;Remarque\r\n${a?.number};12;${remark}\r\n`,
    );
    await drop(ctx, 'A', 'notes', 'temoin-MAT101.csv', `N° anonyme;Note\r\n${b?.number};15\r\n`);

    const refused = await intake(ctx, 'A', 'gros-texte-MAT101.csv');
    const beside = await intake(ctx, 'A', 'temoin-MAT101.csv');

    expect(refused.status).toBe('rejected');
    expect(refused.errors.map((e) => [e.code, e.row])).toEqual([['CELL_TOO_LONG', null]]);
    expect(refused.errors[0]?.message).toContain(
      `(ligne 2, colonne C : ${count(remark.length)} caractères)`,
    );
    expect([beside.status, beside.errors.map((e) => e.code)]).toEqual(['imported', []]);
    const grades = await gradesOf(ctx, assessments.mat101);
    expect([grades.get(a?.student ?? ''), grades.get(b?.student ?? '')]).toEqual([
      undefined,
      '15.00',
    ]);
  });
});
