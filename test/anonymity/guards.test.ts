// Reveals are deliberate, everything is on the record, refusals are explicit, a file of one CTN
// touches nothing of another, and the gateway stops a file an identity slipped into (issue 5
// §1, §4, §5, §6). Runs on PGlite, and on Postgres too when DATABASE_URL is set.
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { lift } from '../../src/services/anonymity.js';
import { closeContext } from '../../src/services/context.js';
import { enterGrade } from '../../src/services/grade-entry.js';
import { writePv } from '../../src/services/pv-report.js';
import { writeGradeWorkbooks } from '../../src/services/reports.js';
import {
  changedAfterLift,
  requestLift,
  revealStudent,
  setLiftConditions,
} from '../../src/services/reveal.js';
import { liftPendingText } from '../../src/cli/anonymity-commands.js';
import { verifyAudit } from '../../src/store/audit.js';
import { DATABASE_TARGETS, createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { buildAnonWorld, dropFile, refusal, type AnonWorld } from './world.js';

describe.each(DATABASE_TARGETS)('anonymity guards on $name', ({ postgres }) => {
  let world: AnonWorld;
  let database: TestDatabase | null = null;
  const audit = async (action: string): Promise<Array<Record<string, unknown>>> =>
    (await world.ctx.db('audit_log').where({ action }).orderBy('seq')) as Array<
      Record<string, unknown>
    >;

  beforeAll(async () => {
    database = postgres ? await createTestDatabase('guards') : null;
    world = await buildAnonWorld(pino({ level: 'silent' }), database?.url ?? null);
  });

  afterAll(async () => {
    await closeContext(world.ctx);
    await database?.drop();
    await rm(world.home, { recursive: true, force: true });
  });

  it('refuses a reader, a grade office and another CTN’s manager the lift, in French, audited', async () => {
    const before = (await audit('refused')).length;
    const answers = [
      await refusal(lift(world.ctx, 'lect-A', world.refA)),
      await refusal(lift(world.ctx, 'scol-A', world.refA)),
      await refusal(lift(world.ctx, 'gest-B', world.refA)),
    ];

    expect(answers.map((a) => a.code)).toEqual(['NOT_MANAGER', 'NOT_MANAGER', 'NOT_HABILITATED']);
    expect(answers[2]?.message).toMatch(/habilité sur ce CTN/);
    expect((await audit('refused')).length - before).toBe(3);
  });

  it('refuses a reveal without a reason, and records one with it', async () => {
    const number = world.numbersA[0]?.number ?? '';
    const noReason = await refusal(revealStudent(world.ctx, 'gest-A', world.refA, number, 'copie'));
    const byReader = await refusal(
      revealStudent(
        world.ctx,
        'lect-A',
        world.refA,
        number,
        'copie égarée, recherche pour recours',
      ),
    );

    const who = await revealStudent(
      world.ctx,
      'gest-A',
      world.refA,
      number,
      'copie égarée, recherche pour recours',
    );

    expect(noReason.code).toBe('REVEAL_REASON_REQUIRED');
    expect(byReader.code).toBe('NOT_HABILITATED');
    expect(who.studentNumber).toBe(world.numbersA[0]?.student);
    expect((await audit('reveal')).map((r) => r.subject)).toEqual([
      { templateId: expect.any(Number), number, reason: 'copie égarée, recherche pour recours' },
    ]);
  });

  it('refuses a reveal whose reason names a student, and records nothing', async () => {
    const [first, other] = world.numbersA;
    const { last_name: name } = (await world.ctx
      .db('student')
      .where({ student_number: other?.student })
      .first('last_name')) as { last_name: string };
    const reveals = async (): Promise<number> =>
      Number(((await world.ctx.db('reveal').count({ n: '*' })) as Array<{ n: string }>)[0]?.n);
    const before = [(await audit('reveal')).length, await reveals()];

    const refused = await refusal(
      revealStudent(
        world.ctx,
        'gest-A',
        world.refA,
        first?.number ?? '',
        `Recours de ${name} (${other?.student}), copie échangée`,
      ),
    );

    expect(refused.code).toBe('REVEAL_REASON_IDENTITY');
    expect(refused.message).toContain('(numéro d’étudiant, nom)');
    expect(refused.message).not.toContain(name);
    expect([(await audit('reveal')).length, await reveals()]).toEqual(before);
  });

  it('refuses a reason naming a student written another way, as a dropped file’s cell is read', async () => {
    const [first, other] = world.numbersA;
    const student = other?.student ?? '';
    const { last_name: name } = (await world.ctx
      .db('student')
      .where({ student_number: student })
      .first('last_name')) as { last_name: string };
    const grouped = student.replace(/(\d{2})(\d{3})(\d{3})/, '$1 $2 $3');
    const cut = `${name.slice(0, 2)}-${name.slice(2)}`;

    for (const reason of [
      `recours n° ${grouped}`,
      `recours ETU${student}`,
      `recours de ${cut}, copie échangée`,
      `recours ${name.charAt(0)}${name.slice(1).toLowerCase()}L, copie échangée`,
    ]) {
      const code = await revealStudent(
        world.ctx,
        'gest-A',
        world.refA,
        first?.number ?? '',
        reason,
      ).then(
        () => 'recorded',
        (e: unknown) => (e as { code?: string }).code,
      );
      expect([reason, code]).toEqual([reason, 'REVEAL_REASON_IDENTITY']);
    }
  });

  it('refuses a student number without its leading zeros and a birth date with a two-digit year', async () => {
    // Canary 13 on is numbered 00104181 and up: six digits once Excel drops the zeros.
    const holder = world.canaries.find((c) => c.studentNumber.replace(/^0+/, '').length >= 6);
    const number = world.numbersA.find((n) => n.student === holder?.studentNumber)?.number ?? '';
    const bare = (holder?.studentNumber ?? '').replace(/^0+/, '');
    const [day, month, year] = (holder?.birth ?? '').split('/') as [string, string, string];
    const reveal = (reason: string): Promise<string> =>
      revealStudent(world.ctx, 'gest-A', world.refA, number, reason).then(
        () => 'recorded',
        (e: unknown) => (e as { code?: string }).code ?? 'thrown',
      );
    const reasons = [
      `Recours de l'étudiant ${bare} sur sa copie`,
      `Recours N°${bare}, copie échangée`,
      `Recours ${bare.replace(/(\d{3})$/, ' $1')}, copie échangée`,
      `Recours : copie de ${holder?.firstName}, né(e) le ${day}/${month}/${year.slice(2)}`,
      `Recours : né(e) le ${Number(day)}.${Number(month)}.${year.slice(2)}`,
    ];

    const codes = [];
    for (const reason of reasons) {
      codes.push([reason, await reveal(reason)]);
    }
    const honest = await reveal('Recours du 05/01/26 : note 12 portée à 15,5, copie 2 relue');

    expect(codes).toEqual(reasons.map((r) => [r, 'REVEAL_REASON_IDENTITY']));
    expect(honest).toBe('recorded');
  });

  it('lists the reveal in the anonymous PV, by number and reason only', async () => {
    const out = await writePv(world.ctx, 'gest-A', world.refA);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(out.path)) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Levées individuelles');

    expect(out.anonymous).toBe(true);
    expect(sheet?.getRow(2).getCell(1).value).toBe(world.numbersA[0]?.number);
    expect(sheet?.getRow(2).getCell(5).value).toBe('copie égarée, recherche pour recours');
  });

  it('blocks a workbook an identity slipped into (an object label naming a student)', async () => {
    // A last name alone in a label is the referential's own text (« Allemand LV2 »); a full name is not.
    const victim = `${world.canaries[3]?.firstName ?? ''} ${world.canaries[3]?.lastName ?? ''}`;
    await world.ctx
      .db('teaching_object')
      .where({ code: 'MAT101' })
      .update({ label: `Analyse (${victim})` });
    const before = world.ctx.outbox.written.length;

    const error = await refusal(writeGradeWorkbooks(world.ctx, 'gest-A', world.refA));

    await world.ctx.db('teaching_object').where({ code: 'MAT101' }).update({ label: 'Analyse 1' });
    expect(error.code).toBe('OUTPUT_IDENTITY_LEAK');
    expect(world.ctx.outbox.written.length).toBe(before);
    expect(world.ctx.outbox.blocked.at(-1)?.relative).toMatch(/bordereau/);
  });

  it('answers a grade file keyed by student number under V with a receipt that names nobody', async () => {
    const victim = world.canaries[5];
    const name = `notes-${victim?.lastName ?? ''}.csv`;
    await dropFile(
      world.ctx,
      'A',
      'notes',
      name,
      `COD_ETU;COD_ELP;Note\r\n${victim?.studentNumber};MAT101;12\r\n`,
    );

    await runOnce(world.ctx, new InProcessQueue(world.ctx));

    const files = (
      await readdir(path.join(world.ctx.config.outbox, 'A', 'accuses'), { recursive: true })
    ).map(String);
    // Masked: under a name of its own (`nom-masque-…` when only the file name named the student).
    const receipt = files.find((f) => f.includes('masque') && f.endsWith('.json'));
    const text = await readFile(
      path.join(world.ctx.config.outbox, 'A', 'accuses', receipt ?? ''),
      'utf8',
    );
    expect(files.some((f) => f.includes('KANARY'))).toBe(false);
    expect(text).not.toContain(victim?.lastName ?? '-');
    expect(text).not.toContain(victim?.studentNumber ?? '-');
    expect(JSON.parse(text)).toMatchObject({ status: 'rejected' });
  });

  it('refuses, in A’s inbox, a grade keyed by a number of B, writing nothing', async () => {
    await dropFile(
      world.ctx,
      'A',
      'notes',
      'intrus.csv',
      `N° anonyme;Note\r\n${world.numbersB[0]?.number};12\r\n`,
    );

    await runOnce(world.ctx, new InProcessQueue(world.ctx));

    const grades = await world.ctx
      .db('grade')
      .where({ student_number: world.numbersB[0]?.student });
    expect(grades).toEqual([]);
  });

  it('lifts only when the template’s conditions hold and a second manager confirms', async () => {
    await setLiftConditions(world.ctx, 'gest-A', world.refA, {
      allGrades: true,
      noOpenImportError: false,
      anonymousPv: true,
      secondConfirmation: true,
    });
    const missing = await refusal(lift(world.ctx, 'gest-A', world.refA));
    for (const [i, n] of world.numbersA.entries()) {
      await enterGrade(world.ctx, 'gest-A', { ctn: 'A', number: n.number, grade: String(i % 21) });
    }
    await writePv(world.ctx, 'gest-A', world.refA);
    const alone = await refusal(lift(world.ctx, 'gest-A', world.refA));
    const first = await requestLift(world.ctx, 'gest-A', world.refA);
    // A second request while one is open records nothing and says whose request to confirm.
    const again = await requestLift(world.ctx, 'gest-A2', world.refA);
    const self = await refusal(lift(world.ctx, 'gest-A', world.refA));
    // The same manager cannot drop the second-manager rule under V to lift alone.
    const weakened = await refusal(
      setLiftConditions(world.ctx, 'gest-A', world.refA, {
        allGrades: true,
        noOpenImportError: false,
        anonymousPv: true,
        secondConfirmation: false,
      }),
    );
    const stillSelf = await refusal(lift(world.ctx, 'gest-A', world.refA));

    const lifted = await lift(world.ctx, 'gest-A2', world.refA);

    expect(missing.code).toBe('LIFT_CONDITIONS_UNMET');
    expect(missing.message).toMatch(/note\(s\) manquante\(s\) en MAT101/);
    expect(alone.code).toBe('LIFT_NEEDS_CONFIRMATION');
    expect(alone.message).toContain('aucune demande en cours');
    expect(alone.message).toContain(`anonymat lift-request ${world.refA.code}`);
    expect([first.pendingBy, again.pendingBy]).toEqual([null, 'gest-A']);
    expect(liftPendingText('A-JANV', 'gest-A', 'gest-A2')).toBe(
      "Levée de A-JANV déjà demandée par gest-A ; rien de plus n'est enregistré. " +
        'Pour la confirmer en second gestionnaire : anonymat lift-confirm A-JANV.',
    );
    expect(self.code).toBe('LIFT_NEEDS_CONFIRMATION');
    expect(weakened.code).toBe('LIFT_CONDITIONS_LOCKED');
    expect(stillSelf.code).toBe('LIFT_NEEDS_CONFIRMATION');
    expect(lifted).toBe(1);
    const frozen = await refusal(
      setLiftConditions(world.ctx, 'gest-A', world.refA, {
        allGrades: true,
        noOpenImportError: true,
        anonymousPv: true,
        secondConfirmation: true,
      }),
    );
    expect(frozen.code).toBe('LIFT_CONDITIONS_LOCKED');
    expect((await audit('refused')).map((r) => (r.subject as { code: string }).code)).toEqual(
      expect.arrayContaining(['LIFT_CONDITIONS_UNMET', 'LIFT_NEEDS_CONFIRMATION']),
    );
  });

  it('reports the grades changed once identities were known', async () => {
    const n = world.numbersA[2];
    // A grade is already there: typing another one is refused unless replacing is asked for.
    const silent = await refusal(
      enterGrade(world.ctx, 'gest-A', { ctn: 'A', number: n?.number ?? '', grade: '19,5' }),
    );
    expect(silent.code).toBe('GRADE_ALREADY_ENTERED');
    expect(silent.message).toContain('(note enregistrée : 2,00)');
    const entry = await enterGrade(world.ctx, 'gest-A', {
      ctn: 'A',
      number: n?.number ?? '',
      grade: '19,5',
      replace: true,
    });
    expect(entry).toMatchObject({ grade: '19.50', replaced: '2.00', unchanged: false });

    const changed = await changedAfterLift(world.ctx, 'gest-A', world.refA);

    expect(changed.map((c) => [c.number, c.studentNumber, c.value])).toEqual([
      [n?.number, n?.student, '19.50'],
    ]);
  });

  it('keeps an intact chain, with its head, through the whole story', async () => {
    expect(await verifyAudit(world.ctx.db)).toMatchObject({ ok: true });
  });
});
