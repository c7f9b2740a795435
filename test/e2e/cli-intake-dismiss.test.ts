// The manager's door to « classer sans suite »: the lift refusal tells how, `anonymat intake
// dismiss` closes the stray file for the CTN's anonymity manager only, and the lift request then
// goes through; every message in French.
import { rm } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { closeContext } from '../../src/services/context.js';
import { setLiftConditions } from '../../src/services/reveal.js';
import { buildAnonWorld, dropFile, type AnonWorld } from '../anonymity/world.js';
import { anonymat } from '../support/cli.js';

// Each command starts a process and the embedded database: seconds each, minutes under CI load.
describe('anonymat intake dismiss', { timeout: 240_000 }, () => {
  let world: AnonWorld;
  const reason = ['--reason', "bordereau d'une autre faculté déposé par erreur"];

  beforeAll(async () => {
    world = await buildAnonWorld(pino({ level: 'silent' }), null, 4);
    await setLiftConditions(world.ctx, 'gest-A', world.refA, {
      allGrades: false,
      noOpenImportError: true,
      anonymousPv: false,
      secondConfirmation: true,
    });
    await dropFile(world.ctx, 'A', 'notes', 'Notes DROIT.xlsx', 'PK\u0003\u0004 pas un classeur');
    await runOnce(world.ctx, new InProcessQueue(world.ctx));
    // The embedded database takes one process at a time: the commands below open it themselves.
    await closeContext(world.ctx);
  });

  afterAll(async () => {
    await rm(world.home, { recursive: true, force: true });
  });

  it('is told by the lift refusal, refused to the grade office, and lets the lift request through', async () => {
    const as = (login: string): string[] => ['--ctn', 'A', '--as', login];
    const file = 'inbox/A/notes/Notes DROIT.xlsx';

    const blocked = await anonymat(world.home, 'lift-request', 'A-JANV', ...as('gest-A'));
    const office = await anonymat(
      world.home,
      'intake',
      'dismiss',
      file,
      ...reason,
      ...as('scol-A'),
    );
    const manager = await anonymat(
      world.home,
      'intake',
      'dismiss',
      file,
      ...reason,
      ...as('gest-A'),
    );
    const requested = await anonymat(world.home, 'lift-request', 'A-JANV', ...as('gest-A'));

    expect(blocked.code).toBe(2);
    expect(blocked.out).toContain('[LIFT_CONDITIONS_UNMET]');
    expect(blocked.out).toMatch(
      new RegExp(
        String.raw`inbox/A/notes/Notes DROIT\.xlsx \(reçu le [^)]*, refusé\)` +
          String.raw`, rangé à l’import dans error/A/notes/\d+-[0-9a-f]{8}-Notes DROIT\.xlsx`,
      ),
    );
    expect(blocked.out).toContain('anonymat intake dismiss <fichier> --ctn A');
    expect(office.code).toBe(2);
    expect(office.out).toContain('[NOT_MANAGER]');
    expect(manager.code).toBe(0);
    expect(manager.out).toContain('Classé sans suite : inbox/A/notes/Notes DROIT.xlsx');
    expect(manager.out).toContain("Il ne retient plus la levée de l'anonymat");
    expect(manager.out).toContain('Classement journalisé.');
    expect(requested.code).toBe(0);
  });
});
