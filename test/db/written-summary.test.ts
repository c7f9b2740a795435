// What a receipt says once a file's grades are written: a file dropped again changes nothing and
// says so; rows without a grade erase nothing; grades written after the lift are said to be flagged.
import { describe, expect, it } from 'vitest';
import { lift } from '../../src/services/anonymity.js';
import { drop, gradesOf, intake, worldFor } from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

describe.each(DATABASE_TARGETS)('the receipt of written grades, on $name', (target) => {
  const world = worldFor(target, 'written_summary');

  it('says a file dropped again (other bytes, same grades) changed nothing', async () => {
    const n = world().numbers.mat101.slice(0, 3);
    const lines = ['N° anonyme;Note', ...n.map((x, i) => `${x.number};1${i}`)];
    await drop(world().ctx, 'A', 'notes', 'notes-MAT101.csv', lines.join('\r\n'));
    const first = await intake(world().ctx, 'A', 'notes-MAT101.csv');
    // Saved again by the spreadsheet: a final line break makes other bytes, not other grades.
    await drop(world().ctx, 'A', 'notes', 'notes-MAT101-bis.csv', `${lines.join('\r\n')}\r\n`);
    const again = await intake(world().ctx, 'A', 'notes-MAT101-bis.csv');

    expect(first.summary).not.toContain('identique');
    expect(again.status).toBe('imported');
    expect(again.summary).toContain(
      "3 note(s) identique(s) à celle(s) déjà enregistrée(s) : rien n'a changé pour elle(s).",
    );
  });

  it('says a row without a grade erases nothing, and keeps the grade already recorded', async () => {
    const [kept, changed] = world().numbers.mat101.slice(0, 2);
    const lines = ['N° anonyme;Note', `${kept?.number};`, `${changed?.number};15`];
    await drop(world().ctx, 'A', 'notes', 'notes-MAT101-ter.csv', lines.join('\r\n'));

    const receipt = await intake(world().ctx, 'A', 'notes-MAT101-ter.csv');

    expect(receipt.summary).toContain(
      "1 ligne(s) sans note : rien n'est enregistré pour elle(s), une note déjà enregistrée reste inchangée.",
    );
    const grades = await gradesOf(world().ctx, world().assessments.mat101);
    expect([grades.get(kept?.student ?? ''), grades.get(changed?.student ?? '')]).toEqual([
      '10.00',
      '15.00',
    ]);
  });

  it('writes the new and the changed grades of a file, leaving its unchanged one as it was', async () => {
    // After the tests above: the first number holds 10, the second 15, the fourth none yet.
    const [same, changed, , fresh] = world().numbers.mat101;
    const before = await world()
      .ctx.db('grade')
      .where({ assessment_id: world().assessments.mat101, student_number: same?.student })
      .first('updated_at', 'intake_id');
    const lines = ['N° anonyme;Note', `${same?.number};10`, `${changed?.number};9`];
    await drop(world().ctx, 'A', 'notes', 'notes-MAT101-mix.csv', lines.join('\r\n'));
    const mixed = await intake(world().ctx, 'A', 'notes-MAT101-mix.csv');
    const onlyNew = [...lines, `${fresh?.number};ABJ`];
    await drop(world().ctx, 'A', 'notes', 'notes-MAT101-new.csv', onlyNew.join('\r\n'));
    const added = await intake(world().ctx, 'A', 'notes-MAT101-new.csv');

    expect(mixed.summary).toContain('1 note(s) déjà enregistrée(s) remplacée(s)');
    expect(mixed.summary).toContain('1 note(s) identique(s)');
    expect(added.summary).toContain('2 note(s) identique(s)');
    expect(added.summary).not.toContain('remplacée');
    const grades = await gradesOf(world().ctx, world().assessments.mat101);
    expect([same, changed, fresh].map((n) => grades.get(n?.student ?? ''))).toEqual([
      '10.00',
      '9.00',
      'ABJ',
    ]);
    const after = await world()
      .ctx.db('grade')
      .where({ assessment_id: world().assessments.mat101, student_number: same?.student })
      .first('updated_at', 'intake_id');
    expect(after).toEqual(before);
  });

  it('says first that nothing was recorded when every row is blank', async () => {
    const n = world().numbers.mat101.slice(5, 7);
    const lines = ['N° anonyme;Note', ...n.map((x) => `${x.number};`)];
    await drop(world().ctx, 'A', 'notes', 'notes-MAT101-vide.csv', lines.join('\r\n'));

    const receipt = await intake(world().ctx, 'A', 'notes-MAT101-vide.csv');

    expect(receipt.summary).toMatch(
      /^Aucune note enregistrée : 2 ligne\(s\) lue\(s\), aucune à enregistrer\. .* 2 ligne\(s\) sans note/,
    );
  });

  it('says how many grades were written after the lift of anonymity', async () => {
    await lift(world().ctx, 'gest-B', { ctn: 'B', year: 2026, code: 'B-JANV' });
    const n = world().numbers.bio101.slice(0, 2);
    const lines = ['N° anonyme;Note', ...n.map((x) => `${x.number};12`)];
    await drop(world().ctx, 'B', 'notes', 'notes-BIO101.csv', lines.join('\r\n'));

    const receipt = await intake(world().ctx, 'B', 'notes-BIO101.csv');

    expect(receipt.status).toBe('imported');
    expect(receipt.summary).toContain(
      "2 note(s) enregistrée(s) après la levée de l'anonymat : elles sont signalées au gestionnaire",
    );
  });
});
