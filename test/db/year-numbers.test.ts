// Numbers unique within the year across templates (design.md §4) while the year's numbers are asked
// for as they are drawn, never loaded: every template of the test world uses the same sequential
// rule from 1, so each run meets the others'.
import { describe, expect, it } from 'vitest';
import { createSpares } from '../../src/services/spare-labels.js';
import { YEAR, worldFor } from './channels-world.js';

/** Every number of the year, given or spare, with where it is held. */
async function yearNumbers(
  db: ReturnType<ReturnType<typeof worldFor>>['ctx']['db'],
): Promise<{ given: string[]; spares: string[] }> {
  const given = (await db('anonymous_number').where({ year: YEAR }).pluck('number')) as string[];
  const spares = (await db('spare_label').where({ year: YEAR }).pluck('number')) as string[];
  return { given, spares };
}

describe('numbers of the year', () => {
  const world = worldFor({ postgres: false }, 'year_numbers');

  it('gives every posed student a number no other template of the year holds', () => {
    const { numbers } = world();
    const all = [...numbers.mat101, ...numbers.mat102, ...numbers.admi102, ...numbers.bio101];

    expect(all).toHaveLength(30 + 30 + 30 + 6);
    expect(new Set(all.map((n) => n.number)).size).toBe(all.length);
  });

  it('draws spares past the numbers other templates of the year hold', async () => {
    const { ctx } = world();
    const admi = { ctn: 'A', year: YEAR, code: 'A-ADMI' };

    // A-JANV's run came first: its spares continue past numbers A-ADMI and B-JANV took after it.
    await createSpares(ctx, 'gest-A', { ctn: 'A', year: YEAR, code: 'A-JANV' }, 40);
    await createSpares(ctx, 'gest-A', admi, 5);
    const { given, spares } = await yearNumbers(ctx.db);

    expect(spares).toHaveLength(40 * 2 + 5);
    expect(new Set(spares).size).toBe(spares.length);
    expect(spares.filter((n) => given.includes(n))).toEqual([]);
  });
});
