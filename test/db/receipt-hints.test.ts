// What a receipt says of a file that is read otherwise than its author meant (trial, findings 6, 9
// and 10): a column of the other channel is named with the folder that takes it; a number a
// spreadsheet shortened or wrapped is explained, read when nothing else can be meant, and refused
// showing the character otherwise; a file keyed by student number without a column naming the
// assessment is refused once, saying which column is missing.
import { describe, expect, it } from 'vitest';
import { drop, gradeTable, gradesOf, intake, worldFor, type GradeRow } from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

/** A CSV as Excel saves it: `;` and CRLF. */
const csv = (lines: string[]): string => `${lines.join('\r\n')}\r\n`;

/** The rows of one assessment, by student. */
function byStudent(rows: GradeRow[], assessmentId: number): Map<string, GradeRow> {
  return new Map(
    rows.filter((r) => r.assessment_id === assessmentId).map((r) => [r.student_number, r]),
  );
}

describe.each(DATABASE_TARGETS)('receipt hints, on $name', (target) => {
  const world = worldFor(target, 'receipt_hints');

  it('refuses the rows holding a NUL character, past the sniffed head, not the whole file', async () => {
    const n = world().numbers.mat101.slice(26, 29);
    const name = 'notes-MAT101-nul.csv';
    // 70,000 blank lines first: the NUL characters lie beyond the 64 KiB the format sniffer reads.
    const body = [
      `${n[0]!.number};12`,
      `${n[1]!.number};1\u00003`,
      `${n[2]!.number.slice(0, 2)}\u0000${n[2]!.number.slice(2)};9`,
    ];
    await drop(
      world().ctx,
      'A',
      'notes',
      name,
      `N° anonyme;Note\r\n${'\r\n'.repeat(70_000)}${body.join('\r\n')}\r\n`,
    );

    const receipt = await intake(world().ctx, 'A', name);

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([
      [70_003, 'GRADE_INVALID'],
      [70_004, 'NUMBER_FOREIGN_CHARACTER'],
    ]);
    expect(
      (await gradesOf(world().ctx, world().assessments.mat101)).get(n[0]!.student),
    ).toBeUndefined();
  });

  describe('when a column belongs to the other channel', () => {
    it.each([
      ['jury', 'Note', 'notes/', 'result', 0],
      ['notes', 'Résultat', 'jury/', 'value', 2],
    ] as const)(
      'stores what %s/ reads and names its « %s » column for %s',
      async (channel, other, folder, kept, first) => {
        const n = world().numbers.mat102.slice(first, first + 2);
        const name = `${channel}-MAT102-deux-colonnes.csv`;
        await drop(
          world().ctx,
          'A',
          channel,
          name,
          csv(['N° anonyme;Note;Résultat', `${n[0]!.number};12;ADM`, `${n[1]!.number};8;AJ`]),
        );

        const receipt = await intake(world().ctx, 'A', name);

        expect(receipt.status).toBe('imported');
        expect(receipt.errors.map((e) => [e.row, e.column, e.code, e.kind])).toEqual([
          [1, other, 'COLUMN_OTHER_CHANNEL', 'notice'],
        ]);
        expect(receipt.errors[0]?.message).toContain(`dossier ${folder}`);
        const rows = byStudent(await gradeTable(world().ctx), world().assessments.mat102);
        const stored = n.map((a) => [rows.get(a.student)?.value, rows.get(a.student)?.result]);
        expect(stored).toEqual(
          kept === 'result'
            ? [
                [null, 'ADM'],
                [null, 'AJ'],
              ]
            : [
                ['12.00', null],
                ['8.00', null],
              ],
        );
      },
    );
  });

  describe('when a spreadsheet changed the numbers', () => {
    it('lists the number a spreadsheet shortened by its leading zeros, and writes nothing', async () => {
      const n = world().numbers.mat101[4]!;
      const short = n.number.replace(/^0+/, '');
      const before = await gradeTable(world().ctx);
      await drop(
        world().ctx,
        'A',
        'notes',
        'zeros-MAT101.csv',
        csv(['N° anonyme;Note', `${short};12`]),
      );

      const receipt = await intake(world().ctx, 'A', 'zeros-MAT101.csv');

      expect(short.length).toBeLessThan(n.number.length);
      expect(receipt.status).toBe('rejected');
      expect(receipt.errors.map((e) => [e.row, e.code, e.value])).toEqual([
        [2, 'NUMBER_LEADING_ZEROS', short],
      ]);
      expect(receipt.errors[0]?.message).toContain('format Texte');
      expect(receipt.errors[0]?.message).toContain(`Numéros possibles : ${n.number}.`);
      expect(await gradeTable(world().ctx)).toEqual(before);
    });

    it('reads a number kept as text by an apostrophe, ="…" or an invisible character', async () => {
      const n = world().numbers.mat101.slice(5, 9);
      const typed = [
        `'${n[0]!.number}`,
        `="${n[1]!.number}"`,
        `\u200b${n[2]!.number}`,
        `${n[3]!.number.slice(0, 3)}\u2060${n[3]!.number.slice(3)}`,
      ];
      await drop(
        world().ctx,
        'A',
        'notes',
        'texte-MAT101.csv',
        csv(['N° anonyme;Note', ...typed.map((t, i) => `${t};${10 + i}`)]),
      );

      const receipt = await intake(world().ctx, 'A', 'texte-MAT101.csv');

      expect(receipt.errors).toEqual([]);
      const grades = await gradesOf(world().ctx, world().assessments.mat101);
      expect(n.map((a) => grades.get(a.student))).toEqual(['10.00', '11.00', '12.00', '13.00']);
    });

    it('refuses a number with a character that only looks like a digit, showing it', async () => {
      const n = world().numbers.mat101[9]!.number;
      const wide = `${n.slice(0, -1)}${String.fromCodePoint(0xff10 + Number(n.slice(-1)))}`;
      const hyphen = `${n.slice(0, 2)}\u00ad${n.slice(2)}`;
      await drop(
        world().ctx,
        'A',
        'notes',
        'etrange-MAT101.csv',
        csv(['N° anonyme;Note', `${wide};12`, `${hyphen};12`]),
      );

      const receipt = await intake(world().ctx, 'A', 'etrange-MAT101.csv');

      expect(receipt.status).toBe('rejected');
      expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([
        [2, 'NUMBER_FOREIGN_CHARACTER'],
        [3, 'NUMBER_FOREIGN_CHARACTER'],
      ]);
      const code = (0xff10 + Number(n.slice(-1))).toString(16).toUpperCase();
      expect(receipt.errors[0]?.message).toContain(`(« ${wide.slice(-1)} » (U+${code}))`);
      expect(receipt.errors[1]?.message).toContain('(caractère invisible U+00AD)');
    });
  });

  describe('when a file keyed by student number does not name the assessment', () => {
    it.each(['notes', 'jury'])(
      'refuses it in %s/ once, saying which column is missing and that grades go by anonymous number',
      async (channel) => {
        const students = world().studentsA.slice(0, 3);
        const value = channel === 'jury' ? 'Résultat' : 'Note';
        const before = await gradeTable(world().ctx);
        const name = `par-etudiant-${channel}.csv`;
        await drop(
          world().ctx,
          'A',
          channel,
          name,
          csv([`COD_ETU;Nom;${value}`, ...students.map((s) => `${s};MARTIN;ADM`)]),
        );

        const receipt = await intake(world().ctx, 'A', name);

        expect(receipt.status).toBe('rejected');
        expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([
          [null, 'ASSESSMENT_COLUMN_MISSING'],
        ]);
        const message = receipt.errors[0]?.message ?? '';
        expect(message).toContain('« Code épreuve » (ou COD_ELP)');
        expect(message).toContain('sous anonymat validé dans ce CTN : MAT101 session 1');
        expect(message).toContain('par numéro anonyme');
        expect(await gradeTable(world().ctx)).toEqual(before);
      },
    );
  });
});
