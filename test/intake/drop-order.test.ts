// A grade handed in earlier never replaces one handed in later. Several workers import at once, and
// a long file dropped first can reach its write after a short correction dropped later (a trial:
// the correction, under another name, was overwritten by the file it corrected). The older file's
// receipt lists, row by row, the grades it did not write and the grade kept. Runs on PGlite, and on
// Postgres too when DATABASE_URL is set.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processDrop } from '../../src/intake/process-drop.js';
import { registerDrop, type DropJob } from '../../src/intake/register.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { enterGrade } from '../../src/services/grade-entry.js';
import type { AppContext } from '../../src/services/context.js';
import { drop, gradesOf, worldFor } from '../db/channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

const csv = (lines: string[]): string => `\ufeff${lines.join('\r\n')}\r\n`;

/** Drops a file in A's `channel` folder and registers it, as the watcher does once it is stable. */
async function dropped(
  ctx: AppContext,
  channel: 'notes' | 'lecteur-optique' | 'jury',
  name: string,
  text: string,
): Promise<DropJob> {
  await drop(ctx, 'A', channel, name, text);
  const job = await registerDrop(ctx, {
    absolute: path.join(ctx.config.inbox, 'A', channel, name),
    ctn: 'A',
    channel,
    name,
  });
  if (!job) {
    throw new Error(`${name} was not registered`);
  }
  return job;
}

async function receiptOf(ctx: AppContext, job: DropJob): Promise<Receipt> {
  const outcome = await processDrop(ctx, job);
  if (!('receipt' in outcome)) {
    throw new Error(`drop ${job.dropId} gave no receipt`);
  }
  return outcome.receipt;
}

/** A drop registered one tick after the previous one, as two drops a moment apart are. */
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe.each(DATABASE_TARGETS)('the order grades were handed in, on $name', (target) => {
  const world = worldFor(target, 'droporder');

  it('keeps a correction dropped after a long file that commits after it, and says so on that file', async () => {
    const { ctx, numbers, assessments } = world();
    const n = numbers.mat101.slice(0, 6);
    const long = csv(['N° anonyme;Note', ...n.map((x) => `${x.number};8`)]);
    const first = await dropped(ctx, 'notes', 'notes-MAT101.csv', long);
    await tick();
    // The correction changes the grades of the first two copies only.
    const correction = await dropped(
      ctx,
      'notes',
      'correction-MAT101.csv',
      csv(['N° anonyme;Note', `${n[0]?.number};15`, `${n[1]?.number};ABJ`]),
    );

    const corrected = await receiptOf(ctx, correction);
    const late = await receiptOf(ctx, first);

    expect(corrected.status).toBe('imported');
    expect(late.status).toBe('imported');
    const grades = await gradesOf(ctx, assessments.mat101);
    expect(n.map((x) => grades.get(x.student))).toEqual(['15.00', 'ABJ', ...Array(4).fill('8.00')]);
    expect(
      late.errors.map((e) => [e.row, e.column, e.code, e.value, e.message.split(' : ')[0]]),
    ).toEqual([
      [
        2,
        'N° anonyme',
        'GRADE_NEWER_KEPT',
        n[0]?.number,
        "Une note plus récente est déjà enregistrée pour cette copie (d'un fichier enregistré ou d'une saisie faite après le dernier enregistrement de ce fichier, qui date sa remise)",
      ],
      [
        3,
        'N° anonyme',
        'GRADE_NEWER_KEPT',
        n[1]?.number,
        "Une note plus récente est déjà enregistrée pour cette copie (d'un fichier enregistré ou d'une saisie faite après le dernier enregistrement de ce fichier, qui date sa remise)",
      ],
    ]);
    expect(late.errors.map((e) => e.message.slice(e.message.lastIndexOf('Gardée')))).toEqual([
      'Gardée : 15,00 ; ce fichier : 8,00.',
      'Gardée : ABJ ; ce fichier : 8,00.',
    ]);
    expect(late.summary).toContain(
      '2 note(s) non enregistrée(s) : une note plus récente, remise ou saisie après le dernier enregistrement de ce fichier, est gardée (voir les avis).',
    );
    expect(late.summary).not.toContain('remplacée');
    // Only the grades recorded count as imported, in the receipt as in its summary.
    expect(late.rows).toEqual({ read: 6, imported: 4, rejected: 0 });
    expect(late.summary).toMatch(/^4 note\(s\) enregistrée\(s\) sur 6 ligne\(s\) lue\(s\)\./);

    // Dropped again as it was, the file is a duplicate: its receipt says the kept grades stay.
    const again = await receiptOf(ctx, await dropped(ctx, 'notes', 'notes-MAT101-bis.csv', long));
    expect(again.status).toBe('duplicate');
    expect(again.summary).toContain(
      'Attention : 2 de ses notes n’avaient pas été enregistrées, une note plus récente étant gardée',
    );
    expect(again.summary).toContain(
      'Ce dépôt ne rétablit pas ses notes si d’autres, remises depuis (fichier ou saisie), les ont remplacées',
    );
    const after = await gradesOf(ctx, assessments.mat101);
    expect(n.slice(0, 2).map((x) => after.get(x.student))).toEqual(['15.00', 'ABJ']);
  });

  it('keeps a grade typed after an optical-reader file was dropped, when the file is imported later', async () => {
    const { ctx, numbers, assessments } = world();
    const n = numbers.mat102.slice(0, 3);
    const lines = [
      '"Copie";"A:numero";"Nom";"Note"',
      ...n.map((x, i) => `"${i + 1}";"${x.number}";"?";"11"`),
    ];
    const optical = await dropped(
      ctx,
      'lecteur-optique',
      'amc-MAT102.csv',
      `${lines.join('\n')}\n`,
    );
    await tick();
    await enterGrade(ctx, 'gest-A', { ctn: 'A', number: n[2]?.number ?? '', grade: '17,5' });

    const receipt = await receiptOf(ctx, optical);

    expect(receipt.status).toBe('imported');
    const grades = await gradesOf(ctx, assessments.mat102);
    expect(n.map((x) => grades.get(x.student))).toEqual(['11.00', '11.00', '17.50']);
    expect(receipt.errors.map((e) => [e.row, e.code, e.value])).toEqual([
      [4, 'GRADE_NEWER_KEPT', n[2]?.number],
    ]);
    expect(receipt.errors[0]?.message).toContain('Gardée : 17,50 ; ce fichier : 11,00.');
    expect(receipt.rows).toEqual({ read: 3, imported: 2, rejected: 0 });
  });

  it('still lets a file dropped later replace the grades of one dropped earlier', async () => {
    const { ctx, numbers, assessments } = world();
    const n = numbers.mat101.slice(10, 13);
    const older = await dropped(
      ctx,
      'notes',
      'avant-MAT101.csv',
      csv(['N° anonyme;Note', ...n.map((x) => `${x.number};9`)]),
    );
    await tick();
    const newer = await dropped(
      ctx,
      'notes',
      'apres-MAT101.csv',
      csv(['N° anonyme;Note', ...n.map((x) => `${x.number};13`)]),
    );

    await receiptOf(ctx, older);
    const receipt = await receiptOf(ctx, newer);

    const grades = await gradesOf(ctx, assessments.mat101);
    expect(n.map((x) => grades.get(x.student))).toEqual(['13.00', '13.00', '13.00']);
    expect(receipt.errors.map((e) => e.code)).toEqual(Array(3).fill('GRADE_REPLACED'));
    // Each grade carries its drop's hand-in time (its file's save) to the microsecond: two drops of
    // one millisecond differ.
    const exact = (await ctx.db.raw(
      `select bool_and(g.received_at = d.handed_in_at) as same, count(*)::int as n
         from grade g join intake_drop d on d.id = ?
        where g.assessment_id = ? and g.student_number = any(?::text[])`,
      [newer.dropId, assessments.mat101, n.map((x) => x.student)],
    )) as { rows: Array<{ same: boolean; n: number }> };
    expect(exact.rows[0]).toEqual({ same: true, n: 3 });
    expect(receipt.summary).toContain('3 note(s) déjà enregistrée(s) remplacée(s)');
  });

  it('keeps a jury decision dropped later when an older jury file is imported after it', async () => {
    const { ctx, numbers, assessments } = world();
    const n = numbers.mat101.slice(20, 22);
    const older = await dropped(
      ctx,
      'jury',
      'jury-1.csv',
      csv(['N° anonyme;Résultat', ...n.map((x) => `${x.number};AJ`)]),
    );
    await tick();
    const newer = await dropped(
      ctx,
      'jury',
      'jury-2.csv',
      csv(['N° anonyme;Résultat', `${n[0]?.number};ADM`]),
    );

    await receiptOf(ctx, newer);
    const late = await receiptOf(ctx, older);

    const results = (await ctx
      .db('grade')
      .where({ assessment_id: assessments.mat101 })
      .whereIn(
        'student_number',
        n.map((x) => x.student),
      )
      .select('student_number', 'result')) as Array<{ student_number: string; result: string }>;
    const byStudent = new Map(results.map((r) => [r.student_number, r.result]));
    expect(n.map((x) => byStudent.get(x.student))).toEqual(['ADM', 'AJ']);
    expect(late.status).toBe('imported');
    expect(late.summary).toContain(
      '1 résultat(s) non enregistré(s) : un résultat plus récent, remis après le dernier enregistrement de ce fichier, est gardé (voir les avis).',
    );
    // The row is listed, with the result kept and the file's, and is not counted as recorded.
    expect(late.errors.map((e) => [e.row, e.column, e.code, e.value, e.kind])).toEqual([
      [2, 'N° anonyme', 'RESULT_NEWER_KEPT', n[0]?.number, 'notice'],
    ]);
    expect(late.errors[0]?.message).toContain('Gardé : ADM ; ce fichier : AJ.');
    expect(late.rows).toEqual({ read: 2, imported: 1, rejected: 0 });
  });

  it('lists the jury decisions a later file changes, and counts those it gives again as they are', async () => {
    const { ctx, numbers } = world();
    const [x, y] = numbers.mat101.slice(28, 30);
    const first = csv(['N° anonyme;Résultat', `${x?.number};ADM`, `${y?.number};ADM`]);
    await receiptOf(ctx, await dropped(ctx, 'jury', 'jury-d.csv', first));
    await tick();
    const second = csv(['N° anonyme;Résultat', `${x?.number};AJ`, `${y?.number};ADM`]);

    const receipt = await receiptOf(ctx, await dropped(ctx, 'jury', 'jury-e.csv', second));

    expect(receipt.errors.map((e) => [e.row, e.code, e.value, e.kind])).toEqual([
      [2, 'RESULT_REPLACED', x?.number, 'notice'],
    ]);
    expect(receipt.errors[0]?.message).toContain('Avant : ADM ; maintenant : AJ.');
    expect(receipt.summary).toContain(' Épreuve(s) : MAT101 session 1.');
    expect(receipt.summary).toContain(
      ' 1 résultat(s) déjà enregistré(s) remplacé(s) (voir les avis). 1 résultat(s) identique(s)',
    );
  });

  it('keeps a jury decision given again as it is over an older jury file imported after it', async () => {
    const { ctx, numbers, assessments } = world();
    const x = numbers.mat101[27];
    const jury = (code: string): string => csv(['N° anonyme;Résultat', `${x?.number};${code}`]);
    await receiptOf(ctx, await dropped(ctx, 'jury', 'jury-a.csv', jury('ADM')));
    await tick();
    const pending = await dropped(ctx, 'jury', 'jury-b.csv', jury('AJ'));
    await tick();
    // Other bytes than the first (the same bytes again would be a duplicate, not a hand-in).
    await receiptOf(ctx, await dropped(ctx, 'jury', 'jury-c.csv', `${jury('ADM')}\r\n`));

    const late = await receiptOf(ctx, pending);

    const kept = (await ctx
      .db('grade')
      .where({ assessment_id: assessments.mat101, student_number: x?.student })
      .first('result')) as { result: string };
    expect(kept.result).toBe('ADM');
    expect(
      late.errors.map((e) => [e.code, e.message.slice(e.message.lastIndexOf('Gardé'))]),
    ).toEqual([['RESULT_NEWER_KEPT', 'Gardé : ADM ; ce fichier : AJ.']]);
  });
});

describe.each(DATABASE_TARGETS)('a grade handed in again as it is, on $name', (target) => {
  const world = worldFor(target, 'confirmed');

  it('is kept over a file dropped before it and imported after it, and that file says so', async () => {
    const { ctx, numbers, assessments } = world();
    const n = numbers.mat101.slice(24, 27);
    const grades = (values: string[]): string =>
      csv(['N° anonyme;Note', ...values.map((v, i) => `${n[i]?.number};${v}`)]);
    await receiptOf(ctx, await dropped(ctx, 'notes', 'a-MAT101.csv', grades(['12', '12', '12'])));
    await tick();
    // Dropped second, imported last: it must not undo what the third file, dropped after it, says.
    const middle = await dropped(ctx, 'notes', 'b-MAT101.csv', grades(['10', '10']));
    await tick();
    const last = await dropped(ctx, 'notes', 'c-MAT101.csv', grades(['12', '14']));

    const confirmed = await receiptOf(ctx, last);
    const late = await receiptOf(ctx, middle);

    expect(confirmed.status).toBe('imported');
    const recorded = await gradesOf(ctx, assessments.mat101);
    expect(n.map((x) => recorded.get(x.student))).toEqual(['12.00', '14.00', '12.00']);
    expect(late.errors.map((e) => [e.row, e.code, e.value])).toEqual([
      [2, 'GRADE_NEWER_KEPT', n[0]?.number],
      [3, 'GRADE_NEWER_KEPT', n[1]?.number],
    ]);
    expect(late.errors.map((e) => e.message.slice(e.message.lastIndexOf('Gardée')))).toEqual([
      'Gardée : 12,00 ; ce fichier : 10,00.',
      'Gardée : 14,00 ; ce fichier : 10,00.',
    ]);
    expect(late.rows).toEqual({ read: 2, imported: 0, rejected: 0 });

    // The same grades handed in again change no grade, and date the two rows it confirms anew.
    const before = await handedIn(ctx, assessments.mat101, n);
    const written = await updatedAt(ctx, assessments.mat101, n);
    await tick();
    await receiptOf(
      ctx,
      await dropped(ctx, 'notes', 'c-bis-MAT101.csv', `${grades(['12', '14'])}\r\n`),
    );
    const after = await handedIn(ctx, assessments.mat101, n);
    expect(await updatedAt(ctx, assessments.mat101, n)).toEqual(written);
    expect(await gradesOf(ctx, assessments.mat101)).toEqual(recorded);
    expect([after[0] === before[0], after[1] === before[1], after[2] === before[2]]).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('is kept when typed again as it is, over a file dropped before and imported after', async () => {
    const { ctx, numbers, assessments } = world();
    const x = numbers.mat102[10];
    const file = (grade: string): string => csv(['N° anonyme;Note', `${x?.number};${grade}`]);
    await receiptOf(ctx, await dropped(ctx, 'notes', 'a-MAT102.csv', file('11')));
    await tick();
    const pending = await dropped(ctx, 'notes', 'b-MAT102.csv', file('8'));
    await tick();
    const typed = await enterGrade(ctx, 'gest-A', {
      ctn: 'A',
      number: x?.number ?? '',
      grade: '11',
    });
    expect(typed.unchanged).toBe(true);

    const late = await receiptOf(ctx, pending);

    expect((await gradesOf(ctx, assessments.mat102)).get(x?.student ?? '')).toBe('11.00');
    expect(
      late.errors.map((e) => [e.code, e.message.slice(e.message.lastIndexOf('Gardée'))]),
    ).toEqual([['GRADE_NEWER_KEPT', 'Gardée : 11,00 ; ce fichier : 8,00.']]);
  });
});

/** When each of the students' grade rows was last written, as ISO text, in their order. */
const updatedAt = (ctx: AppContext, id: number, students: Array<{ student: string }>) =>
  timesOf(ctx, 'updated_at', id, students);

/** When each of the students' grades was handed in, as ISO text, in their order. */
const handedIn = (ctx: AppContext, id: number, students: Array<{ student: string }>) =>
  timesOf(ctx, 'received_at', id, students);

async function timesOf(
  ctx: AppContext,
  column: 'updated_at' | 'received_at',
  assessmentId: number,
  students: Array<{ student: string }>,
): Promise<string[]> {
  const found = (await ctx.db.raw(
    `select ${column}::text as at from grade
      where assessment_id = ? and student_number = any(?::text[])
      order by array_position(?::text[], student_number)`,
    [assessmentId, students.map((s) => s.student), students.map((s) => s.student)],
  )) as { rows: Array<{ at: string }> };
  return found.rows.map((r) => r.at);
}
