// A number valid for one assessment, said to be for another (the command line's --object, a « Code
// épreuve » cell): one of the two is wrong, so the grade goes nowhere and the refusal says which.
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/domain/errors.js';
import { enterGrade } from '../../src/services/grade-entry.js';
import { csvLines, drop, gradesOf, intake, worldFor } from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

describe.each(DATABASE_TARGETS)('a number given for another assessment, on $name', (target) => {
  const world = worldFor(target, 'object_contradiction');

  it('refuses a typed grade whose --object names another assessment than the number’s', async () => {
    const { number, student } = world().numbers.mat101[0]!;
    const failure = await enterGrade(world().ctx, 'gest-A', {
      ctn: 'A',
      number,
      grade: '8,5',
      objectCode: 'MAT102',
    }).catch((error: unknown) => error);

    expect(isAppError(failure) ? [failure.code, failure.detail] : failure).toEqual([
      'NUMBER_OTHER_ASSESSMENT',
      "(numéro de l'épreuve MAT101, donné pour MAT102)",
    ]);
    expect((await gradesOf(world().ctx, world().assessments.mat101)).get(student)).toBeUndefined();
    expect((await gradesOf(world().ctx, world().assessments.mat102)).get(student)).toBeUndefined();
  });

  it('still takes the grade when --object names the number’s own assessment', async () => {
    const { number, student } = world().numbers.mat101[1]!;
    await enterGrade(world().ctx, 'gest-A', {
      ctn: 'A',
      number,
      grade: '8,5',
      objectCode: 'mat101',
    });

    expect((await gradesOf(world().ctx, world().assessments.mat101)).get(student)).toBe('8.50');
  });

  it('refuses the row of a file whose « Code épreuve » contradicts its number', async () => {
    const [a, b] = world().numbers.mat101.slice(2, 4);
    const lines = [
      'N° anonyme;Code épreuve;Note',
      `${a?.number};MAT102;12`,
      `${b?.number};MAT101;13`,
    ];
    await drop(world().ctx, 'A', 'lecteur-optique', 'lot-epreuves.csv', csvLines(lines));

    const receipt = await intake(world().ctx, 'A', 'lot-epreuves.csv');

    expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([[2, 'NUMBER_OTHER_ASSESSMENT']]);
    const grades = await gradesOf(world().ctx, world().assessments.mat101);
    expect([grades.get(a?.student ?? ''), grades.get(b?.student ?? '')]).toEqual([
      undefined,
      '13.00',
    ]);
  });

  it('reads a « Code élément » column as the assessment too, as the referential does', async () => {
    const [a, b] = world().numbers.mat101.slice(4, 6);
    const lines = [
      'N° anonyme;Code élément;Note',
      `${a?.number};MAT102;12`,
      `${b?.number};MAT101;13`,
    ];
    await drop(world().ctx, 'A', 'notes', 'notes-elements.csv', csvLines(lines));

    const receipt = await intake(world().ctx, 'A', 'notes-elements.csv');

    // Read, the column contradicts the first number: the file (whole-file channel) is refused.
    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([[2, 'NUMBER_OTHER_ASSESSMENT']]);
  });

  it('refuses the numbers of another exam in a file named after one, as a « Code épreuve » would', async () => {
    const [a, b] = world().numbers.mat101.slice(6, 8);
    const [c] = world().numbers.mat102;
    const lines = ['N° anonyme;Note', `${a?.number};16`, `${b?.number};17`, `${c?.number};18`];
    await drop(world().ctx, 'A', 'notes', 'notes-MAT102.csv', csvLines(lines));

    const receipt = await intake(world().ctx, 'A', 'notes-MAT102.csv');

    expect(
      receipt.errors.map((e) => [e.row, e.code, e.message.split(' ').slice(-8).join(' ')]),
    ).toEqual([
      [2, 'NUMBER_OTHER_ASSESSMENT', "(numéro de l'épreuve MAT101, fichier nommé pour MAT102)"],
      [3, 'NUMBER_OTHER_ASSESSMENT', "(numéro de l'épreuve MAT101, fichier nommé pour MAT102)"],
    ]);
    const mat101 = await gradesOf(world().ctx, world().assessments.mat101);
    expect([mat101.get(a?.student ?? ''), mat101.get(b?.student ?? '')]).toEqual([
      undefined,
      undefined,
    ]);
    // A grade file is taken whole or not at all: its right row waits for the file corrected.
    expect(receipt.status).toBe('rejected');
    expect((await gradesOf(world().ctx, world().assessments.mat102)).get(c?.student ?? '')).toBe(
      undefined,
    );
  });

  it('takes the « Code épreuve » of each row over the file name, saying once that they differ', async () => {
    const [a, b] = world().numbers.mat101.slice(8, 10);
    const lines = [
      'N° anonyme;Code épreuve;Note',
      `${a?.number};MAT101;11`,
      `${b?.number};MAT101;12`,
    ];
    await drop(world().ctx, 'A', 'notes', 'notes-MAT102-b.csv', csvLines(lines));

    const receipt = await intake(world().ctx, 'A', 'notes-MAT102-b.csv');

    expect(receipt.status).toBe('imported');
    expect(receipt.errors.map((e) => [e.row, e.kind, e.code, e.value])).toEqual([
      [2, 'notice', 'FILE_NAME_OTHER_ASSESSMENT', 'MAT101'],
    ]);
    expect(receipt.errors[0]?.message).toContain('(nom du fichier : MAT102)');
    const grades = await gradesOf(world().ctx, world().assessments.mat101);
    expect([grades.get(a?.student ?? ''), grades.get(b?.student ?? '')]).toEqual([
      '11.00',
      '12.00',
    ]);
  });
});
