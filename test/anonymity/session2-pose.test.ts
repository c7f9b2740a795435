// Session 2 (rattrapage) is for the students who have not passed session 1: a pose numbers every
// student without a passing session-1 decision (failed, never graded, absent), tells the office
// how many passed and were left out, and refuses while the session-1 jury has recorded nothing.
// Runs on PGlite, and on Postgres too when DATABASE_URL is set.
import { rm } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poseSummary } from '../../src/cli/pose-summary.js';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { lift, pose, type TemplateRef } from '../../src/services/anonymity.js';
import { closeContext } from '../../src/services/context.js';
import { requestLift } from '../../src/services/reveal.js';
import { addModality, addPeriod, addTemplate } from '../../src/services/setup.js';
import { DATABASE_TARGETS, createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { YEAR, buildAnonWorld, dropFile, refusal, type AnonWorld } from './world.js';

describe.each(DATABASE_TARGETS)('pose of a session 2 on $name', ({ postgres }) => {
  let world: AnonWorld;
  let database: TestDatabase | null = null;
  let resit: TemplateRef;
  /** failed (8, AJ), never graded, absent without decision, passed (14, ADM) */
  let [failed, ungraded, absent, passed] = ['', '', '', ''];

  const numberOf = (student: string): string =>
    world.numbersA.find((n) => n.student === student)?.number ?? '';
  const drop = async (channel: string, name: string, lines: string[]): Promise<void> => {
    await dropFile(world.ctx, 'A', channel, name, `\ufeff${lines.join('\r\n')}\r\n`);
    await runOnce(world.ctx, new InProcessQueue(world.ctx));
  };
  const resitState = async (): Promise<string[]> =>
    (
      (await world.ctx
        .db('template_assessment as ta')
        .join('anonymity_template as t', 't.id', 'ta.template_id')
        .where('t.code', resit.code)
        .select('ta.state')) as Array<{ state: string }>
    ).map((r) => r.state);
  const resitHolders = async (): Promise<string[]> =>
    (
      (await world.ctx
        .db('anonymous_number as n')
        .join('anonymity_template as t', 't.id', 'n.template_id')
        .where('t.code', resit.code)
        .orderBy('n.student_number')
        .select('n.student_number')) as Array<{ student_number: string }>
    ).map((r) => r.student_number);

  beforeAll(async () => {
    database = postgres ? await createTestDatabase('session2') : null;
    world = await buildAnonWorld(pino({ level: 'silent' }), database?.url ?? null, 4);
    [failed, ungraded, absent, passed] = world.canaries.map((c) => c.studentNumber) as [
      string,
      string,
      string,
      string,
    ];
    const ctx = world.ctx;
    await addPeriod(ctx, 'gest-A', { ctn: 'A', year: YEAR, code: 'RATT', label: 'Rattrapage' });
    const resitAssessment = {
      objectCode: 'MAT101',
      session: 2 as const,
      stage: 'admission' as const,
    };
    await addModality(ctx, 'gest-A', {
      ctn: 'A',
      year: YEAR,
      period: 'RATT',
      scale: 20,
      ...resitAssessment,
    });
    await addTemplate(ctx, 'gest-A', {
      ctn: 'A',
      year: YEAR,
      code: 'A-RATT',
      label: 'A-RATT',
      period: 'RATT',
      rule: 'SEQ5',
      attribution: 'per_template',
      autoNewcomers: false,
      assessments: [resitAssessment],
    });
    resit = { ctn: 'A', year: YEAR, code: 'A-RATT' };

    // Session 1 graded under anonymity, then lifted; the jury has not decided yet.
    await drop('notes', 'notes-s1.csv', [
      'N° anonyme;Note',
      `${numberOf(failed)};8`,
      `${numberOf(absent)};ABJ`,
      `${numberOf(passed)};14`,
    ]);
    await requestLift(ctx, 'gest-A', world.refA);
    await lift(ctx, 'gest-A2', world.refA);
  });

  afterAll(async () => {
    await closeContext(world.ctx);
    await database?.drop();
    await rm(world.home, { recursive: true, force: true });
  });

  it('refuses the pose while no session-1 jury decision is recorded, and changes nothing', async () => {
    const answer = await refusal(pose(world.ctx, 'gest-A', resit));

    expect(answer.code).toBe('SESSION1_RESULTS_MISSING');
    expect(answer.message).toContain(
      "Enregistrez d'abord les résultats du jury de session 1 (fichier de décisions déposé dans jury/",
    );
    expect(answer.message).toContain('(MAT101)');
    expect(await resitState()).toEqual(['I']);
    expect(await resitHolders()).toEqual([]);
  });

  it('numbers the failed, the ungraded and the absent, and says who passed session 1', async () => {
    await drop('jury', 'jury-s1.csv', [
      'N° anonyme;Résultat',
      `${numberOf(failed)};AJ`,
      `${numberOf(passed)};ADM`,
    ]);

    const outcome = await pose(world.ctx, 'gest-A', resit);

    expect(await resitHolders()).toEqual([failed, ungraded, absent].sort());
    expect(outcome).toMatchObject({
      numbered: 3,
      population: 3,
      states: [{ objectCode: 'MAT101', state: 'P' }],
      session2: [{ objectCode: 'MAT101', passedSession1: 1, withoutSession1Result: 2 }],
    });
    const printed = poseSummary(outcome, world.ctx.config.passingResultCodes);
    expect(printed).toContain('3 numéro(s) attribué(s) ; population 3 ; états : MAT101 P.');
    expect(printed).toContain(
      'Session 2 de MAT101 : 1 étudiant(s) écarté(s), admis en session 1 (résultat ADM, ADJ, VAL ou ADMI)',
    );
    expect(printed).toContain('2 étudiant(s) sans décision du jury de session 1');
  });
});
