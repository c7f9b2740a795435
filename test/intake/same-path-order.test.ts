// A file replaced in the inbox while it is imported gets a drop of its own, which a worker may take
// up at once. The newer drop waits for the older one's transaction, then reads the grades it wrote:
// its receipt lists them as replaced, and its own grades stand (trial: a 10-row correction was
// overwritten by the 200,000-row file it replaced, committing after it). Postgres only: PGlite has
// one connection, where transactions never overlap.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
  process.stdout.write('NOTICE: same-path order test skipped (set DATABASE_URL to run it)\n');
}

describe.skipIf(!enabled)('two drops of one inbox path on Postgres', () => {
  let world: AnonWorld;
  let database: TestDatabase;
  let race: RaceStage;

  beforeAll(async () => {
    database = await createTestDatabase('samepath');
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
    );

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
});
