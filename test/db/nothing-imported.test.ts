// A file of which no row could be imported is refused, whatever channel it came by: an optical
// reader's file from another exam (every number unknown) must not read « Importé partiellement ».
import { describe, expect, it } from 'vitest';
import { checkDigit } from '../../src/domain/numbering.js';
import { drop, gradeTable, intake, worldFor } from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

describe.each(DATABASE_TARGETS)('a reader file with nothing to import on $name', (target) => {
  const world = worldFor(target, 'nothing');

  /** A number of the CTN's rule that no template gave. */
  const unknown = (i: number): string => {
    const body = `9999${i}`;
    return `${body}${checkDigit('damm', body)}`;
  };

  it('is refused, counted row by row, and leaves the grades as they were', async () => {
    const before = await gradeTable(world().ctx);
    const lines = ['N° anonyme;Note', ...[1, 2, 3].map((i) => `${unknown(i)};1${i}`)];
    await drop(
      world().ctx,
      'A',
      'lecteur-optique',
      'lot-autre-examen.csv',
      Buffer.from(lines.join('\r\n')),
    );

    const receipt = await intake(world().ctx, 'A', 'lot-autre-examen.csv');

    expect(receipt.status).toBe('rejected');
    expect(receipt.rows).toEqual({ read: 3, imported: 0, rejected: 3 });
    expect(receipt.errors.map((e) => e.code)).toEqual([
      'NUMBER_UNKNOWN',
      'NUMBER_UNKNOWN',
      'NUMBER_UNKNOWN',
    ]);
    expect(await gradeTable(world().ctx)).toEqual(before);
  });

  it('still reads « partly imported » when one row of the reader file is kept', async () => {
    const real = world().numbers.mat102[0]!.number;
    const lines = ['N° anonyme;Note', `${unknown(4)};12`, `${real};14`];
    await drop(
      world().ctx,
      'A',
      'lecteur-optique',
      'lot-mele.csv',
      Buffer.from(lines.join('\r\n')),
    );

    const receipt = await intake(world().ctx, 'A', 'lot-mele.csv');

    expect(receipt.status).toBe('partial');
    expect(receipt.rows).toEqual({ read: 2, imported: 1, rejected: 1 });
  });
});
