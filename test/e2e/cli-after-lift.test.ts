// What the command line says around a lift, as the office reads it: a refused reveal names the
// reveal, grades changed after the lift in French (11,00, local date and time), and a withdrawal
// after the lift told that the lift is final.
import { rm } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeContext } from '../../src/services/context.js';
import { buildAnonWorld, type AnonWorld } from '../anonymity/world.js';
import { anonymat } from '../support/cli.js';

// Each command starts a process and the embedded database: seconds each, minutes under CI load.
describe('the command line around a lift', { timeout: 240_000 }, () => {
  let world: AnonWorld;
  const as = (login: string): string[] => ['--ctn', 'A', '--as', login];

  beforeAll(async () => {
    world = await buildAnonWorld(pino({ level: 'silent' }), null, 4);
    // The embedded database takes one process at a time: the commands below open it themselves.
    await closeContext(world.ctx);
  });

  afterAll(async () => {
    await rm(world.home, { recursive: true, force: true });
  });

  it('names the reveal when the grade office asks for one', async () => {
    const number = world.numbersA[0]?.number ?? '';

    const refused = await anonymat(
      world.home,
      'reveal',
      'A-JANV',
      number,
      '--reason',
      'copie égarée, recherche pour recours',
      ...as('scol-A'),
    );

    expect(refused.code).toBe(2);
    expect(refused.out).toContain("Opération : levée de l'anonymat d'une copie ; CTN : A.");
    expect(refused.out).not.toContain('liste de correspondance');
  });

  it('lists a grade changed after the lift in French, and refuses a withdrawal as final', async () => {
    const number = world.numbersA[1]?.number ?? '';
    const lifted = await anonymat(world.home, 'lift', 'A-JANV', ...as('gest-A'));
    const entered = await anonymat(world.home, 'grade', number, '11', ...as('gest-A'));
    const report = await anonymat(world.home, 'changed-after-lift', 'A-JANV', ...as('gest-A'));
    const withdrawn = await anonymat(world.home, 'withdraw', 'A-JANV', ...as('gest-A'));

    expect(lifted.code).toBe(0);
    expect(entered.code).toBe(0);
    expect(report.out).toMatch(
      new RegExp(
        `^MAT101 ${number} \\S+ \\S+ \\(\\d{8}\\) : 11,00, le \\d{2}/\\d{2}/\\d{4} à \\d{2}:\\d{2}$`,
        'm',
      ),
    );
    expect(report.out).not.toMatch(/\d{4}-\d{2}-\d{2}T|11\.00/);
    expect(report.out).toContain('1 note(s) modifiée(s) après la levée.');
    expect(withdrawn.code).toBe(2);
    expect(withdrawn.out).toContain('[STATE_FINAL]');
    expect(withdrawn.out).toContain('la levée est définitive');
    expect(withdrawn.out).toContain('les numéros anonymes ne peuvent plus être retirés');
    expect(withdrawn.out).not.toContain("faites d'abord");
  });
});
