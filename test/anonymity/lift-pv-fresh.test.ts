// The lift condition « PV anonyme » asks for the PV the jury deliberated on: a PV edited before
// the last grades or jury decisions no longer shows them, and the lift is refused until a new
// one is edited. A file dropped again with the same grades changes nothing. Runs on PGlite, and
// on Postgres too when DATABASE_URL is set.
import { rm } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { lift, type TemplateRef } from '../../src/services/anonymity.js';
import { closeContext } from '../../src/services/context.js';
import { enterGrade } from '../../src/services/grade-entry.js';
import { writePvPdf } from '../../src/services/pdf-reports.js';
import { writePv } from '../../src/services/pv-report.js';
import { setLiftConditions } from '../../src/services/reveal.js';
import { appendAudit } from '../../src/store/audit.js';
import { DATABASE_TARGETS, createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { buildAnonWorld, dropFile, refusal, type AnonWorld } from './world.js';

const PV_ONLY = {
  allGrades: false,
  noOpenImportError: false,
  anonymousPv: true,
  secondConfirmation: false,
};

describe.each(DATABASE_TARGETS)('the anonymous PV a lift relies on, on $name', ({ postgres }) => {
  let world: AnonWorld;
  let database: TestDatabase | null = null;
  let mat101: number;

  /** Drops a CSV (French Excel: `;`, CRLF) into a CTN's channel and processes the inbox. */
  const dropAndRun = async (ctn: string, channel: string, name: string, lines: string[]) => {
    await dropFile(world.ctx, ctn, channel, name, `\ufeff${lines.join('\r\n')}\r\n`);
    await runOnce(world.ctx, new InProcessQueue(world.ctx));
    const row = (await world.ctx
      .db('intake_file')
      .where({ ctn, channel, file_name: name })
      .orderBy('id', 'desc')
      .first('status')) as { status: string } | undefined;
    return row?.status;
  };
  const stateOf = async (ref: TemplateRef): Promise<string[]> =>
    (
      (await world.ctx
        .db('template_assessment as ta')
        .join('anonymity_template as t', 't.id', 'ta.template_id')
        .where({ 't.code': ref.code })
        .select('ta.state')) as Array<{ state: string }>
    ).map((r) => r.state);
  /** The audit entry of the last PV edited, its subject parsed. */
  const lastPv = async (): Promise<{ seq: number; subject: Record<string, unknown> }> => {
    const row = (await world.ctx
      .db('audit_log')
      .whereIn('action', ['pv', 'pv_pdf'])
      .orderBy('seq', 'desc')
      .first('seq', 'subject')) as { seq: number | string; subject: unknown };
    const subject = typeof row.subject === 'string' ? JSON.parse(row.subject) : row.subject;
    return { seq: Number(row.seq), subject: subject as Record<string, unknown> };
  };
  const gradeLines = (grade: (i: number) => string): string[] => [
    'N° anonyme;Note',
    ...world.numbersA.map((n, i) => `${n.number};${grade(i)}`),
  ];

  beforeAll(async () => {
    database = postgres ? await createTestDatabase('pvfresh') : null;
    world = await buildAnonWorld(pino({ level: 'silent' }), database?.url ?? null, 12);
    mat101 = (
      (await world.ctx
        .db('assessment as a')
        .join('teaching_object as o', 'o.id', 'a.object_id')
        .where('o.code', 'MAT101')
        .first('a.id')) as { id: number }
    ).id;
    await setLiftConditions(world.ctx, 'gest-A', world.refA, PV_ONLY);
    await setLiftConditions(world.ctx, 'gest-B', world.refB, PV_ONLY);
    await dropAndRun(
      'A',
      'notes',
      'notes-MAT101.csv',
      gradeLines((i) => String(8 + i)),
    );
  });

  afterAll(async () => {
    await closeContext(world.ctx);
    await database?.drop();
    await rm(world.home, { recursive: true, force: true });
  });

  it('refuses the lift when a grade file imported after the anonymous PV changed a grade', async () => {
    await writePv(world.ctx, 'gest-A', world.refA);
    const { seq: pv, subject } = await lastPv();
    const status = await dropAndRun('A', 'notes', 'notes-MAT101-corrige.csv', [
      'N° anonyme;Note',
      `${world.numbersA[3]?.number};15,5`,
    ]);

    const refused = await refusal(lift(world.ctx, 'gest-A', world.refA));

    // What the PV showed is on the record, per assessment (a persisted field, pinned here).
    expect(subject).toMatchObject({
      kind: 'collective',
      anonymous: true,
      shownGrades: { [String(mat101)]: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(status).toBe('imported');
    expect(refused.code).toBe('LIFT_CONDITIONS_UNMET');
    expect(refused.message).toContain(`n° ${pv} du journal d'audit`);
    expect(refused.message).toMatch(/PV anonyme de délibération .*tableur.* est périmé/);
    expect(refused.message).toMatch(/notes ou décisions du jury de MAT101 ont changé/);
    expect(refused.message).toContain('régénérez le PV anonyme de la maquette A-JANV');
    expect(refused.message).toContain('faites-le vérifier par le jury');
    expect(await stateOf(world.refA)).toEqual(['V']);
  });

  it('refuses it when jury decisions were imported after the PV edited again', async () => {
    await writePv(world.ctx, 'gest-A', world.refA);
    const pv = (await lastPv()).seq;
    const status = await dropAndRun('A', 'jury', 'jury-MAT101.csv', [
      'N° anonyme;Résultat',
      ...world.numbersA.map((n, i) => `${n.number};${i % 3 === 0 ? 'AJ' : 'ADM'}`),
    ]);

    const refused = await refusal(lift(world.ctx, 'gest-A', world.refA));

    expect(status).toBe('imported');
    expect(refused.message).toContain(`n° ${pv} du journal d'audit`);
    expect(refused.message).toMatch(/est périmé/);
    expect(await stateOf(world.refA)).toEqual(['V']);
  });

  it('refuses it when a grade was typed after the PDF PV, the last PV edited', async () => {
    await writePv(world.ctx, 'gest-A', world.refA);
    await writePvPdf(world.ctx, 'gest-A', world.refA);
    const pv = (await lastPv()).seq;
    await enterGrade(world.ctx, 'gest-A', {
      ctn: 'A',
      number: world.numbersA[5]?.number ?? '',
      grade: 'ABJ',
      replace: true,
    });

    const refused = await refusal(lift(world.ctx, 'gest-A', world.refA));

    expect(refused.message).toContain(`n° ${pv} du journal d'audit`);
    expect(refused.message).toMatch(/PV anonyme de délibération .*PDF.* est périmé/);
    expect(await stateOf(world.refA)).toEqual(['V']);
  });

  it('lifts after a new PV, though the same grades and decisions came again in other bytes and another CTN changed', async () => {
    await writePv(world.ctx, 'gest-A', world.refA);
    // The same grades and decisions, written another way: « 8,00 » for 8, lower case, rows reversed.
    const grades = gradeLines((i) => (i === 3 ? '15,50' : i === 5 ? 'abj' : `${8 + i},00`));
    const jury = world.numbersA.map((n, i) => `${n.number};${i % 3 === 0 ? 'aj' : 'adm'}`);
    const statuses = [
      await dropAndRun('A', 'notes', 'notes-MAT101-bis.csv', [
        grades[0] ?? '',
        ...grades.slice(1).reverse(),
      ]),
      await dropAndRun('A', 'jury', 'jury-MAT101-bis.csv', [
        'N° anonyme;Résultat',
        ...jury.reverse(),
      ]),
      await dropAndRun('B', 'notes', 'notes-BIO101.csv', [
        'N° anonyme;Note',
        `${world.numbersB[0]?.number};11`,
      ]),
    ];

    const lifted = await lift(world.ctx, 'gest-A', world.refA);

    expect(statuses).toEqual(['imported', 'imported', 'imported']);
    expect(lifted).toBe(1);
    expect(await stateOf(world.refA)).toEqual(['L']);
  });

  it('refuses a lift on a PV recorded without the grades it shows (edited by an earlier version)', async () => {
    const template = (await world.ctx
      .db('anonymity_template')
      .where({ code: world.refB.code })
      .first('id')) as { id: number };
    await world.ctx.db.transaction((trx) =>
      appendAudit(trx, {
        actor: 'gest-B',
        ctn: 'B',
        action: 'pv',
        subject: { templateId: template.id, kind: 'collective', anonymous: true, rows: 4 },
      }),
    );

    const refused = await refusal(lift(world.ctx, 'gest-B', world.refB));
    await writePv(world.ctx, 'gest-B', world.refB);
    const lifted = await lift(world.ctx, 'gest-B', world.refB);

    expect(refused.message).toMatch(/régénérez le PV anonyme de la maquette B-JANV/);
    expect(lifted).toBe(1);
  });
});
