// A lift request is refused while the template's lift conditions are unmet, with the same French
// refusal the lift itself gives: no second manager is asked to confirm a lift that cannot happen.
// Runs on PGlite, and on Postgres too when DATABASE_URL is set.
import { rm } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { lift } from '../../src/services/anonymity.js';
import { closeContext } from '../../src/services/context.js';
import { requestLift, setLiftConditions } from '../../src/services/reveal.js';
import { DATABASE_TARGETS, createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { buildAnonWorld, dropFile, refusal, type AnonWorld } from './world.js';

describe.each(DATABASE_TARGETS)('a lift request on $name', ({ postgres }) => {
  let world: AnonWorld;
  let database: TestDatabase | null = null;
  const requests = async (): Promise<Array<{ requested_by: string }>> =>
    (await world.ctx.db('lift_request').select('requested_by')) as Array<{ requested_by: string }>;
  const refusedOperations = async (): Promise<unknown[]> => {
    const rows = (await world.ctx
      .db('audit_log')
      .where({ action: 'refused' })
      .select('subject')) as Array<{ subject: unknown }>;
    return rows.map((r): unknown =>
      typeof r.subject === 'string' ? (JSON.parse(r.subject) as unknown) : r.subject,
    );
  };

  beforeAll(async () => {
    database = postgres ? await createTestDatabase('liftreq') : null;
    world = await buildAnonWorld(pino({ level: 'silent' }), database?.url ?? null, 6);
    await setLiftConditions(world.ctx, 'gest-A', world.refA, {
      allGrades: true,
      noOpenImportError: false,
      anonymousPv: false,
      secondConfirmation: true,
    });
  });

  afterAll(async () => {
    await closeContext(world.ctx);
    await database?.drop();
    await rm(world.home, { recursive: true, force: true });
  });

  it('refuses the request while grades are missing, saying which, and records nothing but the refusal', async () => {
    const refused = await refusal(requestLift(world.ctx, 'gest-A', world.refA));

    expect(refused.code).toBe('LIFT_CONDITIONS_UNMET');
    expect(refused.message).toBe(
      "Les conditions de levée de l'anonymat ne sont pas réunies. (6 note(s) manquante(s) en MAT101)",
    );
    expect(await requests()).toEqual([]);
    expect(await refusedOperations()).toContainEqual({
      operation: 'lift_request',
      code: 'LIFT_CONDITIONS_UNMET',
    });
  });

  it('takes the request once the conditions hold, and a second manager confirms it', async () => {
    const lines = world.numbersA.map((n) => `${n.number};12`);
    await dropFile(
      world.ctx,
      'A',
      'notes',
      'notes-MAT101.csv',
      `\ufeff${['N° anonyme;Note', ...lines].join('\r\n')}\r\n`,
    );
    await runOnce(world.ctx, new InProcessQueue(world.ctx));

    await requestLift(world.ctx, 'gest-A', world.refA);
    const lifted = await lift(world.ctx, 'gest-A2', world.refA);

    expect(await requests()).toEqual([{ requested_by: 'gest-A' }]);
    expect(lifted).toBe(1);
  });
});
