// A grade typed with the file's separator for its decimal comma (« 14;5 » in a `;` CSV, « 12,5 » in
// a `,` CSV) splits into two cells: the row is refused and said why, never stored as 14 or 12.
import { beforeAll, describe, expect, it } from 'vitest';
import { drop, gradesOf, intake, type Numbered, type World, worldFor } from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

/** A template's lines with each leading « A; », « B; », « C; » replaced by that row's number. */
function numbered(
  template: readonly string[],
  rows: Record<'A' | 'B' | 'C', Numbered | undefined>,
): string[] {
  return template.map((line) =>
    line.replace(/^[ABC];/, (key) => `${rows[key[0] as 'A' | 'B' | 'C']?.number};`),
  );
}

describe.each(DATABASE_TARGETS)('a grade split by the separator, on $name', (target) => {
  const built = worldFor(target, 'grade_split');
  let world: World;

  beforeAll(() => {
    world = built();
  });

  it.each([
    ['point-virgule', ';', '14;5', '14 | 5'],
    ['virgule', ',', '12,5', '12 | 5'],
  ])('refuses the row of a %s CSV whose grade was cut in two', async (name, sep, typed, shown) => {
    const [a, b] = world.numbers.mat101.slice(20, 22);
    const lines = [`N° anonyme${sep}Note`, `${a?.number}${sep}${typed}`, `${b?.number}${sep}13`];
    const file = `coupee-${name}-MAT101.csv`;
    await drop(world.ctx, 'A', 'notes', file, `${lines.join('\r\n')}\r\n`);

    const receipt = await intake(world.ctx, 'A', file);

    // notes/ refuses a file with any bad row.
    expect(receipt.status).toBe('rejected');
    expect(receipt.rows).toEqual({ read: 2, imported: 0, rejected: 1 });
    expect(receipt.errors.map((e) => [e.row, e.code, e.value])).toEqual([
      [2, 'ROW_EXTRA_CELLS', shown],
    ]);
    expect(receipt.errors[0]?.message).toContain('« 14;5 » au lieu de « 14,5 »');
    const grades = await gradesOf(world.ctx, world.assessments.mat101);
    expect(grades.has(a?.student ?? '')).toBe(false);
    expect(grades.has(b?.student ?? '')).toBe(false);
  });

  it.each([
    ['générique', (n: string, m: string) => ['N° anonyme;Note', `${n};9;5`, `${m};13`]],
    [
      'Auto Multiple Choice',
      (n: string, m: string) => [
        '"Copie";"A:numero";"Nom";"Note"',
        `"1";"${n}";"?";"9";"5"`,
        `"2";"${m}";"?";"13"`,
      ],
    ],
  ])(
    'refuses the split row of an optical-reader CSV (%s), keeps the others',
    async (name, lines) => {
      const [a, b] = world.numbers.mat101.slice(24 + (name === 'générique' ? 0 : 2));
      const file = `lecteur-${name === 'générique' ? 'generique' : 'amc'}-MAT101.csv`;
      await drop(
        world.ctx,
        'A',
        'lecteur-optique',
        file,
        `${lines(a?.number ?? '', b?.number ?? '').join('\r\n')}\r\n`,
      );

      const receipt = await intake(world.ctx, 'A', file);

      expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([[2, 'ROW_EXTRA_CELLS']]);
      // The split row was read: it counts among the lines read, as in a grade file.
      expect(receipt.rows).toEqual({ read: 2, imported: 1, rejected: 1 });
      const grades = await gradesOf(world.ctx, world.assessments.mat101);
      expect(grades.has(a?.student ?? '')).toBe(false);
      expect(grades.get(b?.student ?? '')).toBe('13.00');
    },
  );

  it('counts the split row of a jury file among the lines read, in words fit for a decision', async () => {
    const [a, b] = world.numbers.mat101.slice(10, 12);
    const lines = ['N° anonyme;Résultat', `${a?.number};ADM;en trop`, `${b?.number};AJ`];
    await drop(world.ctx, 'A', 'jury', 'jury-coupe.csv', `${lines.join('\r\n')}\r\n`);

    const receipt = await intake(world.ctx, 'A', 'jury-coupe.csv');

    expect(receipt.status).toBe('rejected');
    expect(receipt.rows).toEqual({ read: 2, imported: 0, rejected: 1 });
    expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([[2, 'ROW_EXTRA_CELLS']]);
    expect(receipt.errors[0]?.message).toContain('un séparateur tapé dans une valeur');
  });

  // The cut pushed « 5 » into the column after the grade, within the header: how long the row is
  // cannot tell, since lines end with separators or not (trials I, J and K, critical).
  it.each([
    [
      'into an empty « Observations », the last column',
      ['N° anonyme;Note;Observations', 'A;12,5;', 'B;14;5;', 'C;13;'],
    ],
    [
      'with more columns after « Observations »',
      ['N° anonyme;Note;Observations;Absence;Rang', 'A;12,5;;;', 'B;14;5;;;', 'C;13;;;'],
    ],
    [
      'typed by hand, without the separators the other lines have',
      ['N° anonyme;Note;Observations', 'A;12,5;;', 'C;9;copie illisible', 'B;14;5'],
    ],
    [
      'under a header ending with a separator the rows lack',
      ['N° anonyme;Note;', 'A;12,5', 'B;14;5', 'C;13'],
    ],
    [
      'in a file whose every line ends with one separator more than the header',
      ['N° anonyme;Note;Observations', 'A;12,5;;', 'B;14;5;;', 'C;13;;'],
    ],
    ['in a correction of one row', ['N° anonyme;Note;Observations', 'B;14;5']],
    ['in most rows', ['N° anonyme;Note;Observations', 'A;12;5;', 'B;14;5;', 'C;13;']],
  ])('refuses a grade cut %s', async (shape, template) => {
    const [a, b, c] = world.numbers.mat101.slice(12, 15);
    const lines = numbered(template, { A: a, B: b, C: c });
    const file = `coupee-${shape.length}-MAT101.csv`;
    await drop(world.ctx, 'A', 'notes', file, `${lines.join('\r\n')}\r\n`);

    const receipt = await intake(world.ctx, 'A', file);

    expect(receipt.status).toBe('rejected');
    const row = template.findIndex((line) => line.startsWith('B;')) + 1;
    const cut = template.flatMap((line, i) => (/;1[24];5;*$/.test(line) ? [i + 1] : []));
    expect(cut).toContain(row);
    expect(receipt.errors.map((e) => [e.row, e.code, e.column, e.value])).toEqual(
      cut.map((at) => [
        at,
        'ROW_GRADE_SPLIT',
        'Note',
        template[at - 1]?.includes(';12;') ? '12 | 5' : '14 | 5',
      ]),
    );
    expect(receipt.errors[0]?.message).toContain('« 14;5 » au lieu de « 14,5 »');
    expect((await gradesOf(world.ctx, world.assessments.mat101)).has(b?.student ?? '')).toBe(false);
  });

  // Excel leaves the separators of empty last columns on some blocks of rows only (trial K): a
  // column of numbers after a whole grade is not a cut, whatever the rows' lengths.
  it.each([
    [
      'notes',
      'rang',
      ['N° anonyme;Note;Rang;', 'A;8;1;', 'B;9;2;', 'C;12;3'],
      ['8.00', '9.00', '12.00'],
    ],
    [
      'lecteur-optique',
      'amc-excel',
      ['A:numero;Nom;Note;Total;Max;', 'A;;10;20;40;', 'B;;11;22;40;', 'C;;12;24;40'],
      ['10.00', '11.00', '12.00'],
    ],
    [
      'notes',
      'rang-3-chiffres',
      ['N° anonyme;Note;Rang', 'A;12,5;134', 'B;5;42', 'C;13,5;157'],
      ['12.50', '5.00', '13.50'],
    ],
    [
      'notes',
      'points',
      ['N° anonyme;Note;Points /40', 'A;13,75;27,5', 'B;15;30', 'C;11,5;23,5'],
      ['13.75', '15.00', '11.50'],
    ],
  ])(
    'accepts a whole grade followed by a column of numbers (%s, %s)',
    async (channel, name, template, stored) => {
      const at = { rang: 0, 'amc-excel': 3, 'rang-3-chiffres': 6, points: 9 }[name] ?? 0;
      const [a, b, c] = world.numbers.mat101.slice(at);
      const lines = numbered(template, { A: a, B: b, C: c });
      const file = `numeros-${name}-MAT101.csv`;
      await drop(world.ctx, 'A', channel, file, `${lines.join('\r\n')}\r\n`);

      const receipt = await intake(world.ctx, 'A', file);

      expect(receipt.errors).toEqual([]);
      const grades = await gradesOf(world.ctx, world.assessments.mat101);
      expect([a, b, c].map((n) => grades.get(n?.student ?? ''))).toEqual(stored);
    },
  );

  it('accepts rows that all end with a separator the header lacks, and rows padded with them', async () => {
    const [a, b, c] = world.numbers.mat101.slice(15, 18);
    const lines = [
      'N° anonyme;Note;Observations',
      `${a?.number};12,5;copie rendue en retard;`,
      `${b?.number};14;;`,
      `${c?.number};13;;;`,
    ];
    await drop(world.ctx, 'A', 'notes', 'separateur-final-MAT101.csv', `${lines.join('\r\n')}\r\n`);

    const receipt = await intake(world.ctx, 'A', 'separateur-final-MAT101.csv');

    expect(receipt.errors).toEqual([]);
    expect(receipt.status).toBe('imported');
    const grades = await gradesOf(world.ctx, world.assessments.mat101);
    expect([a, b, c].map((n) => grades.get(n?.student ?? ''))).toEqual(['12.50', '14.00', '13.00']);
  });

  it('accepts the empty cells a spreadsheet leaves after the last column', async () => {
    const [a] = world.numbers.mat101.slice(22, 23);
    const lines = ['N° anonyme;Note;;', `${a?.number};15,5;;`];
    await drop(world.ctx, 'A', 'notes', 'vides-MAT101.csv', `${lines.join('\r\n')}\r\n`);

    const receipt = await intake(world.ctx, 'A', 'vides-MAT101.csv');

    expect(receipt.status).toBe('imported');
    expect((await gradesOf(world.ctx, world.assessments.mat101)).get(a?.student ?? '')).toBe(
      '15.50',
    );
  });
});
