// The roster the identity scan uses is read through a cursor, a batch at a time: every student of
// every batch must be in it, or a leak of the last students would go unseen.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanForIdentities } from '../../src/outputs/gateway.js';
import type { AppContext } from '../../src/services/context.js';
import { rosterUnderAnonymity } from '../../src/services/roster.js';
import { buildGradedWorld, CTN, openContext, tempHome, type GradedWorld } from './support.js';

describe('rosterUnderAnonymity', () => {
  let home: string;
  let ctx: AppContext;
  let world: GradedWorld;

  beforeAll(async () => {
    home = await tempHome('roster');
    ctx = await openContext(home, {});
    world = await buildGradedWorld(ctx, 7);
  });

  afterAll(async () => {
    await ctx?.db.destroy();
    await rm(home, { recursive: true, force: true });
  });

  it('reads every student under V whatever the batch size, and finds each in a file', async () => {
    for (const batch of [1, 2, 3, 7, 10_000]) {
      const roster = await rosterUnderAnonymity(ctx.db, CTN, batch);
      expect(roster.size).toBe(7);
      for (const student of world.students) {
        expect(scanForIdentities('x.csv', `numero;note\n${student};12\n`, roster)).toEqual([
          { part: 'contenu', kind: 'student_number' },
        ]);
      }
    }
  });

  it('finds no one in a file of anonymous numbers only', async () => {
    const roster = await rosterUnderAnonymity(ctx.db, CTN);
    const text = world.numbers.map((n) => `${n};12`).join('\n');
    expect(scanForIdentities('x.csv', text, roster)).toEqual([]);
  });

  it('is kept between drops and read again once a student changes', async () => {
    const first = await rosterUnderAnonymity(ctx.db, CTN);
    expect(await rosterUnderAnonymity(ctx.db, CTN)).toBe(first);

    await ctx
      .db('student')
      .where({ student_number: world.students[0] })
      .update({ last_name: 'ZORGLUB' });
    const after = await rosterUnderAnonymity(ctx.db, CTN);

    expect(after).not.toBe(first);
    expect(scanForIdentities('x.csv', 'copie de Zorglub', after)).toEqual([
      { part: 'contenu', kind: 'last_name' },
    ]);
    expect(scanForIdentities('x.csv', 'copie de Zorglub', first)).toEqual([]);
  });
});
