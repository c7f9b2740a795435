// A grade file keyed by student number (allowed where no anonymity applies, or after the lift) must
// not put a grade on a student who does not sit the assessment: a mistyped number that happens to be
// another CTN's student would otherwise be graded silently while the intended student stays ungraded.
import { beforeAll, describe, expect, it } from 'vitest';
import { addModality } from '../../src/services/setup.js';
import { DATABASE_TARGETS } from '../support/postgres.js';
import { drop, gradesOf, intake, type World, worldFor, YEAR } from './channels-world.js';

describe.each(DATABASE_TARGETS)('grades keyed by student number, on $name', (target) => {
  const built = worldFor(target, 'by_student');
  let world: World;
  let session2: number;
  let outsider: string;

  beforeAll(async () => {
    world = built();
    // MAT101 session 2 is in no anonymity template: grades may be keyed by student number.
    session2 = await addModality(world.ctx, 'gest-A', {
      ctn: 'A',
      year: YEAR,
      period: 'JANV',
      objectCode: 'MAT101',
      session: 2,
      stage: 'admission',
      scale: 20,
    });
    // A student of CTN B only (enrolled in BIO101, never in MAT101).
    const row = (await world.ctx
      .db('pedagogic_enrolment as e')
      .join('teaching_object as o', 'o.id', 'e.object_id')
      .where('o.code', 'BIO101')
      .first('e.student_number')) as { student_number: string };
    outsider = row.student_number;
  });

  it('refuses a student who is not enrolled in the assessment, and keeps the enrolled one', async () => {
    const enrolled = world.studentsA[0] ?? '';
    const lines = [
      'COD_ETU;COD_ELP;COD_SES;Note',
      `${enrolled};MAT101;2;12`,
      `${outsider};MAT101;2;15`,
    ];
    await drop(world.ctx, 'A', 'notes', 'session2.csv', `${lines.join('\r\n')}\r\n`);

    const refused = await intake(world.ctx, 'A', 'session2.csv');

    expect(refused.status).toBe('rejected');
    expect(refused.errors.map((e) => [e.row, e.code])).toEqual([[3, 'STUDENT_NOT_ENROLLED']]);
    expect((await gradesOf(world.ctx, session2)).size).toBe(0);

    await drop(
      world.ctx,
      'A',
      'notes',
      'session2-corrige.csv',
      `${lines.slice(0, 2).join('\r\n')}\r\n`,
    );
    const imported = await intake(world.ctx, 'A', 'session2-corrige.csv');

    expect(imported.status).toBe('imported');
    const grades = await gradesOf(world.ctx, session2);
    expect(grades.get(enrolled)).toBe('12.00');
    expect(grades.has(outsider)).toBe(false);
  });

  it('refuses a row without a session where the object has a session 1 and a session 2', async () => {
    const enrolled = world.studentsA[1] ?? '';
    const lines = ['COD_ETU;COD_ELP;Note', `${enrolled};MAT101;15,5`];
    await drop(world.ctx, 'A', 'notes', 'sans-session.csv', `${lines.join('\r\n')}\r\n`);

    const refused = await intake(world.ctx, 'A', 'sans-session.csv');

    expect(refused.status).toBe('rejected');
    expect(refused.errors.map((e) => [e.row, e.code])).toEqual([[2, 'ASSESSMENT_UNKNOWN']]);
    expect(refused.errors[0]?.message).toContain(
      'MAT101 a une épreuve en session 1 et une en session 2 : ajoutez au fichier une colonne « Session »',
    );
    expect((await gradesOf(world.ctx, session2)).has(enrolled)).toBe(false);
  });
});
