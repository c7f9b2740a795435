// The roster the identity scan uses is a question put to the database for each drop: every student
// under V must be found by any identifier, nobody else, and a change is seen by the next drop.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/outputs/gateway.js';
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

  it('finds every student under V in a file, by student number and by name', async () => {
    const roster = await rosterUnderAnonymity(ctx.db, CTN);
    for (const [i, student] of world.students.entries()) {
      expect(await scanFile('x.csv', `numero;note\n${student};12\n`, roster)).toEqual([
        { part: 'contenu', kind: 'student_number', places: ['ligne 2'] },
      ]);
      expect(await scanFile('x.csv', `copie de NOM${i} rendue`, roster)).toEqual([
        { part: 'contenu', kind: 'last_name', places: ['ligne 1'] },
      ]);
    }
  });

  it('finds no one in a file of anonymous numbers only', async () => {
    const roster = await rosterUnderAnonymity(ctx.db, CTN);
    const text = world.numbers.map((n) => `${n};12`).join('\n');
    expect(await scanFile('x.csv', text, roster)).toEqual([]);
  });

  it('finds no one for a CTN with nothing under anonymity', async () => {
    const roster = await rosterUnderAnonymity(ctx.db, 'AUTRE');
    expect(await scanFile('x.csv', `${world.students[0]};NOM0`, roster)).toEqual([]);
  });

  it('sees a student renamed a moment ago: a roster is asked afresh for each drop', async () => {
    const before = await rosterUnderAnonymity(ctx.db, CTN);
    expect(await scanFile('x.csv', 'copie de Zorglub', before)).toEqual([]);

    await ctx
      .db('student')
      .where({ student_number: world.students[0] })
      .update({ last_name: 'ZORGLUB' });
    const after = await rosterUnderAnonymity(ctx.db, CTN);

    expect(await scanFile('x.csv', 'copie de Zorglub', after)).toEqual([
      { part: 'contenu', kind: 'last_name', places: ['ligne 1'] },
    ]);
    expect(await scanFile('x.csv', 'copie de NOM0', after)).toEqual([]);
  });
});
