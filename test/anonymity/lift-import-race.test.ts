// A lift and a grade import running at the same time are serialised: a grade committed after the
// lift is flagged as changed after it and listed in the after-lift report, and a lift started while
// an import is being committed judges its conditions on the grades that import wrote. Each race is
// staged by holding the audit chain's head row (test/support/lock-race.ts).
import { rm } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { lift } from '../../src/services/anonymity.js';
import { closeContext } from '../../src/services/context.js';
import { changedAfterLift, setLiftConditions } from '../../src/services/reveal.js';
import { auditOrder, RaceStage } from '../support/lock-race.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { buildAnonWorld, dropFile, type AnonWorld } from './world.js';

const enabled = Boolean(process.env.DATABASE_URL);
if (!enabled) {
  process.stdout.write('NOTICE: lift/import race test skipped (set DATABASE_URL to run it)\n');
}

describe.skipIf(!enabled)('a lift racing a grade import on Postgres', () => {
  let world: AnonWorld;
  let database: TestDatabase;
  let race: RaceStage;

  const csv = (lines: string[]) => `\ufeff${['N° anonyme;Note', ...lines].join('\r\n')}\r\n`;
  const importAll = () => runOnce(world.ctx, new InProcessQueue(world.ctx));
  const gradeOf = async (student: string | undefined) =>
    (await world.ctx
      .db('grade')
      .where({ student_number: student ?? '' })
      .first('value', 'changed_after_lift')) as { value: string; changed_after_lift: boolean };

  beforeAll(async () => {
    database = await createTestDatabase('liftrace');
    world = await buildAnonWorld(pino({ level: 'silent' }), database.url, 12);
    race = new RaceStage(database.url);
    await dropFile(
      world.ctx,
      'A',
      'notes',
      'notes-A.csv',
      csv(world.numbersA.map((n) => `${n.number};10`)),
    );
    await dropFile(
      world.ctx,
      'B',
      'notes',
      'notes-B.csv',
      csv(world.numbersB.slice(0, 3).map((n) => `${n.number};12`)),
    );
    await importAll();
    await setLiftConditions(world.ctx, 'gest-B', world.refB, {
      allGrades: true,
      noOpenImportError: false,
      anonymousPv: false,
      secondConfirmation: false,
    });
  });

  afterAll(async () => {
    await race.destroy();
    await closeContext(world.ctx);
    await database.drop();
    await rm(world.home, { recursive: true, force: true });
  });

  it('flags a grade committed after the lift it raced, and lists it after the lift', async () => {
    const changed = world.numbersA[3];
    const holder = await race.holdAuditHead();
    // The lift has moved MAT101 to L and waits to commit.
    const lifting = lift(world.ctx, 'gest-A', world.refA);
    await race.untilWaiting(1);
    // The import reads MAT101 still in V, the lift being uncommitted.
    await dropFile(world.ctx, 'A', 'notes', 'notes-A-corrige.csv', csv([`${changed?.number};15`]));
    const importing = importAll();
    await race.untilWaiting(2);

    await holder.commit();
    const [lifted] = await Promise.all([lifting, importing]);

    const report = await changedAfterLift(world.ctx, 'gest-A', world.refA);
    expect(lifted).toBe(1);
    // The import committed after the lift (the last import of the audit log follows the lift).
    expect((await auditOrder(world.ctx.db, ['lift', 'import'])).slice(-2)).toEqual([
      'lift',
      'import',
    ]);
    expect(await gradeOf(changed?.student)).toEqual({ value: '15.00', changed_after_lift: true });
    expect(report.map((r) => [r.number, r.studentNumber, r.value])).toEqual([
      [changed?.number, changed?.student, '15.00'],
    ]);
  });

  it('makes a lift started while an import commits wait for it, and count its grades', async () => {
    const last = world.numbersB[3];
    const holder = await race.holdAuditHead();
    // The import has written the last missing grade of BIO101 and waits to commit.
    await dropFile(world.ctx, 'B', 'notes', 'notes-B-fin.csv', csv([`${last?.number};14`]));
    const importing = importAll();
    await race.untilWaiting(1);
    // The lift requires every grade: one is still uncommitted.
    const lifting = lift(world.ctx, 'gest-B', world.refB).catch((error: unknown) => error);
    await race.untilWaiting(2);

    await holder.commit();
    const [lifted] = await Promise.all([lifting, importing]);

    expect(lifted).toBe(1);
    expect((await auditOrder(world.ctx.db, ['lift', 'import'])).slice(-2)).toEqual([
      'import',
      'lift',
    ]);
    expect(await gradeOf(last?.student)).toEqual({ value: '14.00', changed_after_lift: false });
    expect(await changedAfterLift(world.ctx, 'gest-B', world.refB)).toEqual([]);
  });
});
