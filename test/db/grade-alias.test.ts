// « abs » and the other spellings of absence codes (issue 4) are recorded as the code they stand
// for; the receipt (or the command line) says which code was recorded, so that a secretary who
// typed « abs » for a justified absence sees ABI and can correct it.
import { beforeAll, describe, expect, it } from 'vitest';
import { enterGrade } from '../../src/services/grade-entry.js';
import { drop, gradesOf, intake, type World, worldFor } from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

const READ_AS_ABI =
  "Code d'absence écrit autrement que les codes officiels (ABI, ABJ, DEF, DEM, DIS) : il est lu " +
  "comme le code indiqué ; vérifiez que c'est bien l'absence voulue. « abs » lu comme ABI " +
  "(absence injustifiée) : si l'absence est justifiée, corrigez en ABJ et déposez le fichier à nouveau.";

describe.each(DATABASE_TARGETS)('absence codes typed another way, on $name', (target) => {
  const built = worldFor(target, 'grade_alias');
  let world: World;

  beforeAll(() => {
    world = built();
  });

  it('imports « abs » and « ABS. » as ABI, with one notice per such row on the receipt', async () => {
    const n = world.numbers.mat101.slice(0, 4);
    const lines = [
      'N° anonyme;Note',
      ...['abs', '12', 'ABS.', 'ABI'].map((g, i) => `${n[i]?.number};${g}`),
    ];
    await drop(world.ctx, 'A', 'notes', 'absences-MAT101.csv', `${lines.join('\r\n')}\r\n`);

    const receipt = await intake(world.ctx, 'A', 'absences-MAT101.csv');

    expect(receipt.status).toBe('imported');
    expect(receipt.rows).toEqual({ read: 4, imported: 4, rejected: 0 });
    expect(receipt.errors.map((e) => [e.row, e.column, e.code, e.value])).toEqual([
      [2, 'Note', 'GRADE_ALIAS_READ', 'abs'],
      [4, 'Note', 'GRADE_ALIAS_READ', 'ABS.'],
    ]);
    expect(receipt.errors[0]?.message).toBe(READ_AS_ABI);
    expect(receipt.errors[1]?.message).toContain('« ABS. » lu comme ABI (absence injustifiée)');
    const grades = await gradesOf(world.ctx, world.assessments.mat101);
    expect(n.map((x) => grades.get(x?.student ?? ''))).toEqual(['ABI', '12.00', 'ABI', 'ABI']);
  });

  it('lists the same notice for an optical-reader file', async () => {
    const amc = world.numbers.mat102.slice(0, 2);
    const lines = ['"Copie";"A:numero";"Nom";"Note"', `"1";"${amc[0]?.number}";"?";"Absent"`];
    lines.push(`"2";"${amc[1]?.number}";"?";"abj"`);
    await drop(world.ctx, 'A', 'lecteur-optique', 'amc-MAT102.csv', `${lines.join('\n')}\n`);

    const receipt = await intake(world.ctx, 'A', 'amc-MAT102.csv');

    expect(receipt.status).toBe('imported');
    expect(receipt.errors.map((e) => [e.row, e.code, e.value])).toEqual([
      [2, 'GRADE_ALIAS_READ', 'Absent'],
    ]);
    const grades = await gradesOf(world.ctx, world.assessments.mat102);
    expect(amc.map((x) => grades.get(x?.student ?? ''))).toEqual(['ABI', 'ABJ']);
  });

  it('tells who types « abs » on the command line what was recorded', async () => {
    const [typed, official] = world.numbers.mat101.slice(10, 12);

    const entry = await enterGrade(world.ctx, 'gest-A', {
      ctn: 'A',
      number: typed?.number ?? '',
      grade: 'abs',
    });
    const plain = await enterGrade(world.ctx, 'gest-A', {
      ctn: 'A',
      number: official?.number ?? '',
      grade: 'abi',
    });

    expect([entry.grade, entry.alias]).toEqual(['ABI', { typed: 'abs', code: 'ABI' }]);
    expect([plain.grade, plain.alias]).toEqual(['ABI', null]);
  });
});
