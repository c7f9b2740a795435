// Drops imported at the same time by several workers, on Postgres (PGlite has one connection, where
// transactions never overlap).
// - A file replaced in the inbox while it is imported gets a drop of its own, which a worker may take
//   up at once. The newer drop waits for the older one's transaction, then reads the grades it
//   wrote: its receipt lists them as replaced, and its own grades stand (trial: a 10-row correction
//   was overwritten by the 200,000-row file it replaced, committing after it).
// - Two files for one assessment (trial: their receipts and the grades disagreed). Writes to one
//   assessment take turns: the second file waits for the first one's commit, then lists the grades
//   it replaces, so that every grade changed is on a receipt.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DropJob } from '../../src/intake/register.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processDrop } from '../../src/intake/process-drop.js';
import { registerDrop } from '../../src/intake/register.js';
import { closeContext } from '../../src/services/context.js';
import { buildAnonWorld, dropFile, type AnonWorld } from '../anonymity/world.js';
import { RaceStage } from '../support/lock-race.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const enabled = Boolean(process.env.DATABASE_URL);
if (!enabled) {
  process.stdout.write('NOTICE: concurrent drops test skipped (set DATABASE_URL to run it)\n');
}

describe.skipIf(!enabled)('drops imported at the same time, on Postgres', () => {
  let world: AnonWorld;
  let database: TestDatabase;
  let race: RaceStage;

  beforeAll(async () => {
    database = await createTestDatabase('concurrent');
    world = await buildAnonWorld(pino({ level: 'silent' }), database.url, 6, {});
    race = new RaceStage(database.url);
  });

  afterAll(async () => {
    await race.destroy();
    await closeContext(world.ctx);
    await database.drop();
    await rm(world.home, { recursive: true, force: true });
  });

  const csv = (grades: string[]): string =>
    ['N° anonyme;Note', ...world.numbersA.map((n, i) => `${n.number};${grades[i] ?? ''}`)].join(
      '\r\n',
    ) + '\r\n';

  it('applies the replacement after the file it replaced, listing the grades that file wrote', async () => {
    const ctx = world.ctx;
    const file = {
      absolute: path.join(ctx.config.inbox, 'A', 'notes', 'notes-MAT101.csv'),
      ctn: 'A',
      channel: 'notes' as const,
      name: 'notes-MAT101.csv',
    };
    const count = world.numbersA.length;
    await dropFile(ctx, 'A', 'notes', 'notes-MAT101.csv', csv(Array<string>(count).fill('8')));
    const first = await registerDrop(ctx, file);

    // The first import stops before its commit, its grades written; the replacement comes meanwhile.
    const holder = await race.holdAuditHead();
    const firstRun = processDrop(ctx, first!);
    await race.untilWaiting(1);
    await writeFile(file.absolute, csv(Array<string>(count).fill('15')));
    const second = await registerDrop(ctx, file);
    const secondRun = processDrop(ctx, second!);
    await race.untilWaiting(2);
    await holder.commit();
    const [older, newer] = await Promise.all([firstRun, secondRun]);

    const receipt = 'receipt' in newer ? newer.receipt : null;
    expect('receipt' in older ? [older.receipt.status, older.receipt.errors] : older).toEqual([
      'imported',
      [],
    ]);
    expect(receipt?.status).toBe('imported');
    // The replacement saw the grades of the file it replaces, committed: it lists each one.
    expect(receipt?.summary).toContain(`${count} note(s) déjà enregistrée(s) remplacée(s)`);
    const stored = (await ctx
      .db('grade')
      .whereIn(
        'student_number',
        world.numbersA.map((n) => n.student),
      )
      .select('value')) as Array<{ value: string }>;
    expect(stored.map((g) => g.value)).toEqual(Array(count).fill('15.00'));
  });

  const csvB = (grade: string): string =>
    ['N° anonyme;Note', ...world.numbersB.map((n) => `${n.number};${grade}`)].join('\r\n') + '\r\n';

  async function register(name: string, grade: string): Promise<DropJob> {
    await dropFile(world.ctx, 'B', 'notes', name, csvB(grade));
    const job = await registerDrop(world.ctx, {
      absolute: path.join(world.ctx.config.inbox, 'B', 'notes', name),
      ctn: 'B',
      channel: 'notes',
      name,
    });
    if (!job) {
      throw new Error(`${name} was not registered`);
    }
    return job;
  }

  it('writes the second after the first, and its receipt lists every grade it replaced', async () => {
    const count = world.numbersB.length;
    expect(count).toBeGreaterThan(0);
    const salle1 = await register('salle-1.csv', '8');
    const salle2 = await register('salle-2.csv', '15');

    // The first import stops just before its commit, its grades written; the second starts then.
    const holder = await race.holdAuditHead();
    const firstRun = processDrop(world.ctx, salle1);
    await race.untilWaiting(1);
    const secondRun = processDrop(world.ctx, salle2);
    // The second waits for the first's commit before it looks at the grades recorded.
    await race.untilWaiting(2);
    await holder.commit();
    const [first, second] = await Promise.all([firstRun, secondRun]);

    const one = 'receipt' in first ? first.receipt : null;
    const two = 'receipt' in second ? second.receipt : null;
    expect([one?.status, one?.errors]).toEqual(['imported', []]);
    expect(two?.status).toBe('imported');
    expect(
      two?.errors.map((e) => [e.code, e.message.slice(e.message.lastIndexOf('Avant'))]),
    ).toEqual(Array(count).fill(['GRADE_REPLACED', 'Avant : 8,00 ; maintenant : 15,00.']));
    expect(two?.summary).toContain(`${count} note(s) déjà enregistrée(s) remplacée(s)`);
    const stored = (await world.ctx
      .db('grade')
      .whereIn(
        'student_number',
        world.numbersB.map((n) => n.student),
      )
      .pluck('value')) as string[];
    expect(stored).toEqual(Array(count).fill('15.00'));
  });
});
