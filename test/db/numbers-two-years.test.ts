// A number is unique within its academic year only: sequential rules start again at the same
// number each year. A grade read or typed for a number two years hold goes to the holder of the
// year it is for (the configured year, or the year named with --year), never to the other one.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lift, pose, validate } from '../../src/services/anonymity.js';
import { enterGrade } from '../../src/services/grade-entry.js';
import { writeCorrespondence, writeGradeWorkbooks } from '../../src/services/reports.js';
import { addModality, addPeriod, addTemplate } from '../../src/services/setup.js';
import { DATABASE_TARGETS } from '../support/postgres.js';
import { drop, intake, YEAR, type World, worldFor } from './channels-world.js';

const NEXT = YEAR + 1;
const HEADER =
  'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP;LIB_ELP';

/** The holder of `number` in `year`: its student and assessment. */
async function holderIn(world: World, number: string, year: number) {
  return (await world.ctx
    .db('anonymous_number')
    .where({ number, year })
    .first('student_number', 'assessment_id')) as { student_number: string; assessment_id: number };
}

/** Grades stored for `number`'s holder of `year`. */
async function gradeOf(world: World, number: string, year: number): Promise<string | undefined> {
  const holder = await holderIn(world, number, year);
  const row = (await world.ctx
    .db('grade')
    .where({ student_number: holder.student_number, assessment_id: holder.assessment_id })
    .first('value')) as { value: string | null } | undefined;
  return row?.value ?? undefined;
}

describe.each(DATABASE_TARGETS)('a number held in two academic years, on $name', (target) => {
  const built = worldFor(target, 'numbers_two_years');
  let world: World;
  let shared: string[];

  beforeAll(async () => {
    world = built();
    const ctx = world.ctx;
    // The next year: ten of A's students enrolled again in MAT101, numbered by the same rule.
    const students = (await ctx
      .db('student')
      .whereIn('student_number', world.studentsA.slice(0, 10))
      .select(
        'student_number',
        'last_name',
        'first_name',
        ctx.db.raw(`to_char(birth_date, 'DD/MM/YYYY') as birth`),
      )) as Array<{ student_number: string; last_name: string; first_name: string; birth: string }>;
    const lines = students.map((s) =>
      [
        s.student_number,
        s.last_name,
        s.first_name,
        s.birth,
        'SL2MAT',
        '101',
        NEXT,
        'MAT101',
        'Analyse 1',
      ].join(';'),
    );
    await drop(
      ctx,
      'A',
      'referentiel',
      'extraction-A-suivante.csv',
      [HEADER, ...lines].join('\r\n') + '\r\n',
    );
    const referential = await intake(ctx, 'A', 'extraction-A-suivante.csv');
    expect(referential.errors).toEqual([]);
    await addPeriod(ctx, 'gest-A', { ctn: 'A', year: NEXT, code: 'JANV', label: 'Janvier' });
    await addModality(ctx, 'gest-A', {
      ctn: 'A',
      year: NEXT,
      period: 'JANV',
      objectCode: 'MAT101',
      session: 1,
      stage: 'admission',
      scale: 20,
    });
    await addTemplate(ctx, 'gest-A', {
      ctn: 'A',
      year: NEXT,
      // Template codes come back every year: next year's has this year's code.
      code: 'A-JANV',
      label: 'A-JANV',
      period: 'JANV',
      rule: 'SEQ5',
      attribution: 'per_assessment',
      autoNewcomers: false,
      assessments: [{ objectCode: 'MAT101', session: 1, stage: 'admission' }],
    });
    const ref = { ctn: 'A', year: NEXT, code: 'A-JANV' };
    await pose(ctx, 'gest-A', ref);
    await validate(ctx, 'gest-A', ref);
    // Numbers of this year's MAT101 (validated) that next year's pose handed out again.
    const next = (await ctx
      .db('anonymous_number')
      .where({ year: NEXT })
      .pluck('number')) as string[];
    shared = world.numbers.mat101.map((n) => n.number).filter((n) => next.includes(n));
  });

  it('reads a grade file for the configured year on that year’s holder', async () => {
    const number = shared[0] ?? '';
    expect(shared.length).toBeGreaterThan(2);

    await drop(
      world.ctx,
      'A',
      'notes',
      'notes-MAT101-annee.csv',
      `N° anonyme;Note\r\n${number};15\r\n`,
    );
    const receipt = await intake(world.ctx, 'A', 'notes-MAT101-annee.csv');

    expect(receipt.status).toBe('imported');
    expect(receipt.errors).toEqual([
      expect.objectContaining({
        kind: 'notice',
        code: 'NUMBER_OTHER_YEARS',
        value: number,
        message: expect.stringContaining(
          `(aussi attribué en ${NEXT}/${NEXT + 1} ; note enregistrée pour ${YEAR}/${NEXT})`,
        ) as unknown,
      }),
    ]);
    expect(await gradeOf(world, number, YEAR)).toBe('15.00');
    expect(await gradeOf(world, number, NEXT)).toBeUndefined();
  });

  it('types a grade on the holder of the year named, and of the configured year otherwise', async () => {
    const [, named, unnamed] = shared as [string, string, string];

    await enterGrade(world.ctx, 'gest-A', { ctn: 'A', number: named, grade: '12', year: NEXT });
    await enterGrade(world.ctx, 'gest-A', { ctn: 'A', number: unnamed, grade: '9' });

    expect(await gradeOf(world, named, NEXT)).toBe('12.00');
    expect(await gradeOf(world, named, YEAR)).toBeUndefined();
    expect(await gradeOf(world, unnamed, YEAR)).toBe('9.00');
    expect(await gradeOf(world, unnamed, NEXT)).toBeUndefined();
  });

  it('refuses a number held in another year only, naming both years, and writes nothing', async () => {
    const next = (await world.ctx
      .db('anonymous_number')
      .where({ year: NEXT })
      .pluck('number')) as string[];
    const onlyThisYear = world.numbers.mat101.map((n) => n.number).find((n) => !next.includes(n));
    const before = await gradeOf(world, onlyThisYear ?? '', YEAR);

    const typed = enterGrade(world.ctx, 'gest-A', {
      ctn: 'A',
      number: onlyThisYear ?? '',
      grade: '4',
      replace: true,
      year: NEXT,
    });

    await expect(typed).rejects.toMatchObject({
      code: 'NUMBER_OTHER_YEAR',
      detail: `(attribué en ${YEAR}/${NEXT} ; année lue : ${NEXT}/${NEXT + 1})`,
    });
    expect(await gradeOf(world, onlyThisYear ?? '', YEAR)).toBe(before);
  });

  it('writes each year’s workbooks and correspondence list under their own names, side by side', async () => {
    const [thisYear] = await writeGradeWorkbooks(world.ctx, 'gest-A', {
      ctn: 'A',
      year: YEAR,
      code: 'A-JANV',
      objectCode: 'MAT101',
    });
    const [nextYear] = await writeGradeWorkbooks(world.ctx, 'gest-A', {
      ctn: 'A',
      year: NEXT,
      code: 'A-JANV',
    });
    const lists = [
      await writeCorrespondence(world.ctx, 'gest-A', { ctn: 'A', year: YEAR, code: 'A-JANV' }),
      await writeCorrespondence(world.ctx, 'gest-A', { ctn: 'A', year: NEXT, code: 'A-JANV' }),
    ];

    expect([thisYear, nextYear].map((w) => path.basename(w?.path ?? ''))).toEqual([
      `bordereau-A-JANV-${YEAR}-MAT101-s1.xlsx`,
      `bordereau-A-JANV-${NEXT}-MAT101-s1.xlsx`,
    ]);
    expect(lists.map((l) => path.basename(l.path))).toEqual([
      `correspondance-A-JANV-${YEAR}.xlsx`,
      `correspondance-A-JANV-${NEXT}.xlsx`,
    ]);
    // Written one after the other, the first year's files are still its own.
    expect(thisYear?.rows).toBe(world.numbers.mat101.length);
    expect(nextYear?.rows).toBe(10);
    const first = await readFile(thisYear?.path ?? '');
    expect(first.equals(await readFile(nextYear?.path ?? ''))).toBe(false);
  });

  it('refuses a number held in the year the file’s name names, other than the service’s', async () => {
    const number = shared[3] ?? '';
    const before = [await gradeOf(world, number, YEAR), await gradeOf(world, number, NEXT)];

    await drop(
      world.ctx,
      'A',
      'notes',
      `rattrapage-MAT101-${NEXT}.csv`,
      `N° anonyme;Note\r\n${number};18\r\n`,
    );
    const receipt = await intake(world.ctx, 'A', `rattrapage-MAT101-${NEXT}.csv`);

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.filter((e) => e.kind === 'error')).toEqual([
      expect.objectContaining({
        row: 2,
        code: 'NUMBER_YEAR_NAMED',
        message: expect.stringContaining(
          `(nom du fichier : ${NEXT}/${NEXT + 1} ; année du service : ${YEAR}/${NEXT})`,
        ) as unknown,
      }),
    ]);
    expect([await gradeOf(world, number, YEAR), await gradeOf(world, number, NEXT)]).toEqual(
      before,
    );
  });

  // Last: it lifts this year's MAT101.
  it('refuses a number of this year’s lifted exam that next year holds under anonymity', async () => {
    const number = shared[4] ?? '';
    await lift(world.ctx, 'gest-A', { ctn: 'A', year: YEAR, code: 'A-JANV' });
    const before = [await gradeOf(world, number, YEAR), await gradeOf(world, number, NEXT)];

    await drop(
      world.ctx,
      'A',
      'notes',
      'notes-2027-MAT101.csv',
      `N° anonyme;Note\r\n${number};19\r\n`,
    );
    const receipt = await intake(world.ctx, 'A', 'notes-2027-MAT101.csv');

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.filter((e) => e.kind === 'error')).toEqual([
      expect.objectContaining({
        row: 2,
        code: 'NUMBER_YEAR_AMBIGUOUS',
        message: expect.stringContaining(
          `(levée en ${YEAR}/${NEXT} ; sous anonymat en ${NEXT}/${NEXT + 1})`,
        ) as unknown,
      }),
    ]);
    expect([await gradeOf(world, number, YEAR), await gradeOf(world, number, NEXT)]).toEqual(
      before,
    );
  });
});
