// A `;` CSV whose lines end with a `;` on some lines only (Excel on part of a range, a hand edit),
// every grade with a decimal comma: read with `;`, every grade stored as typed (trial J: the file
// was refused whole, its header not found, because `,` split its lines more evenly).
import { beforeAll, describe, expect, it } from 'vitest';
import { drop, gradesOf, intake, type World, worldFor } from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

describe.each(DATABASE_TARGETS)(
  'a CSV with trailing separators on some lines, on $name',
  (target) => {
    const built = worldFor(target, 'grade_trailing');
    let world: World;

    beforeAll(() => {
      world = built();
    });

    it('imports every grade as typed', async () => {
      const typed = ['10,5', '11,5', '12,25', '9,75', '8,5', '15,5'];
      const rows = world.numbers.mat101.slice(0, typed.length);
      const lines = [
        'N° anonyme;Note',
        ...rows.map((r, i) => `${r.number};${typed[i]}${';'.repeat(i % 3)}`),
      ];
      await drop(world.ctx, 'A', 'notes', 'fins-de-ligne-MAT101.csv', `${lines.join('\r\n')}\r\n`);

      const receipt = await intake(world.ctx, 'A', 'fins-de-ligne-MAT101.csv');

      expect(receipt.status).toBe('imported');
      expect(receipt.rows).toEqual({ read: 6, imported: 6, rejected: 0 });
      const grades = await gradesOf(world.ctx, world.assessments.mat101);
      expect(rows.map((r) => grades.get(r.student))).toEqual(
        typed.map((t) => Number(t.replace(',', '.')).toFixed(2)),
      );
    });
  },
);
