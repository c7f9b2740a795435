// Long grade files are imported a chunk of rows at a time: what spans chunks (a number typed twice
// thousands of rows apart) must be caught as in a short file, and a file with more errors than a
// receipt can list still says how many there are.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDigit } from '../../src/domain/numbering.js';
import { LISTED_ERRORS } from '../../src/channels/rows.js';
import { drop, gradesOf, intake, type World, worldFor } from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

function csv(lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
}

describe.each(DATABASE_TARGETS)('long grade files on $name', (target) => {
  const built = worldFor(target, 'grade_stream');
  let world: World;
  const unknown = `99999${checkDigit('damm', '99999')}`;

  beforeAll(() => {
    world = built();
  });

  it('finds a number typed twice 6,000 rows apart (different chunks) and writes nothing for it', async () => {
    const n = world.numbers.mat101;
    const [first, second, third] = [n[0], n[1], n[2]].map((x) => x?.number ?? '');
    const filler = Array.from({ length: 6_000 }, () => `${unknown};10`);
    const bytes = csv([
      'N° anonyme;Note',
      `${first};12`,
      ...filler,
      `${first};13`,
      `${second};14,5`,
      `${third};`,
    ]);
    await drop(world.ctx, 'A', 'notes', 'long-MAT101.csv', bytes);

    const receipt = await intake(world.ctx, 'A', 'long-MAT101.csv');

    // notes/ refuses a file with any bad row; the receipt still lists every kind of fault.
    expect(receipt.status).toBe('rejected');
    expect(receipt.rows.read).toBe(6_004);
    const notUnknown = receipt.errors.filter((e) => e.code !== 'NUMBER_UNKNOWN');
    expect(notUnknown.map((e) => [e.row, e.code, e.value])).toEqual([
      [2, 'NUMBER_DUPLICATED', first],
      [6_003, 'NUMBER_DUPLICATED', first],
    ]);
    expect(receipt.errors.filter((e) => e.code === 'NUMBER_UNKNOWN')).toHaveLength(6_000);
    expect((await gradesOf(world.ctx, world.assessments.mat101)).size).toBe(0);
  });

  it('lists the first errors of a file with too many to list, and counts the rest', async () => {
    const extra = 37;
    const bytes = csv([
      'N° anonyme;Note',
      ...Array.from({ length: LISTED_ERRORS + extra }, () => `${unknown};10`),
    ]);
    await drop(world.ctx, 'A', 'notes', 'tres-long-MAT101.csv', bytes);

    const receipt = await intake(world.ctx, 'A', 'tres-long-MAT101.csv');

    expect(receipt.status).toBe('rejected');
    expect(receipt.rows).toEqual({
      read: LISTED_ERRORS + extra,
      imported: 0,
      rejected: LISTED_ERRORS + extra,
    });
    expect(receipt.errors).toHaveLength(LISTED_ERRORS);
    expect(receipt.errors[0]).toMatchObject({ row: 2, code: 'NUMBER_UNKNOWN', value: unknown });
    expect(receipt.summary).toContain(
      `${extra} erreur(s) de plus non détaillée(s) ici : corrigez d'abord celles de la liste`,
    );
    expect(receipt.summary).not.toContain('avis de plus');
  });

  it('lists every grade a later file replaces, with the grade it had, and still imports the file', async () => {
    const n = world.numbers.mat101;
    const [a, b, c] = [n[3], n[4], n[5]].map((x) => x?.number ?? '');
    await drop(
      world.ctx,
      'A',
      'notes',
      'premier-MAT101.csv',
      csv(['N° anonyme;Note', `${a};12`, `${b};ABI`]),
    );
    expect((await intake(world.ctx, 'A', 'premier-MAT101.csv')).status).toBe('imported');

    // The same grade for a, another one for b, a first one for c.
    await drop(
      world.ctx,
      'A',
      'notes',
      'second-MAT101.csv',
      csv(['N° anonyme;Note', `${a};12`, `${b};7,5`, `${c};15`]),
    );
    const receipt = await intake(world.ctx, 'A', 'second-MAT101.csv');

    expect(receipt.status).toBe('imported');
    expect(
      receipt.errors.map((e) => [
        e.row,
        e.code,
        e.value,
        e.message.endsWith('Avant : ABI ; maintenant : 7,50.'),
      ]),
    ).toEqual([[3, 'GRADE_REPLACED', b, true]]);
    expect(receipt.summary).toContain('1 note(s) déjà enregistrée(s) remplacée(s)');
    const grades = await gradesOf(world.ctx, world.assessments.mat101);
    expect([n[3], n[4], n[5]].map((x) => grades.get(x?.student ?? ''))).toEqual([
      '12.00',
      '7.50',
      '15.00',
    ]);
  });

  it('refuses a file whose reading fails after chunks were sent, and the next file still imports', async () => {
    // 11,000 rows (two chunks sent to the database while the rest is read), then a quote never closed.
    const bytes = csv([
      'N° anonyme;Note',
      ...Array.from({ length: 11_000 }, () => `${unknown};10`),
      `"${unknown};10`,
    ]);
    await drop(world.ctx, 'A', 'notes', 'casse-MAT101.csv', bytes);

    const broken = await intake(world.ctx, 'A', 'casse-MAT101.csv');

    expect(broken.status).toBe('rejected');
    expect(broken.errors.map((e) => e.code)).toEqual(['FILE_CORRUPT']);
    expect(broken.errors[0]?.message).toContain('(ligne 11002 : un guillemet ouvre une valeur');
    const n = world.numbers.mat101[6];
    await drop(
      world.ctx,
      'A',
      'notes',
      'apres-MAT101.csv',
      csv(['N° anonyme;Note', `${n?.number ?? ''};11`]),
    );
    expect((await intake(world.ctx, 'A', 'apres-MAT101.csv')).status).toBe('imported');
    expect((await gradesOf(world.ctx, world.assessments.mat101)).get(n?.student ?? '')).toBe(
      '11.00',
    );
  });
});
