// The reveal and lift-control commands as a manager types them: French answers, exit code 2 for
// a refusal, and a lift that needs a second manager.
import { rm } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeContext } from '../../src/services/context.js';
import { buildAnonWorld, type AnonWorld } from './world.js';
import { anonymat } from '../support/cli.js';

// Each command starts a process and the embedded database: seconds each, minutes under CI load.
describe('reveal and lift from the command line', { timeout: 240_000 }, () => {
  let world: AnonWorld;
  const as = (login: string): string[] => ['--ctn', 'A', '--as', login];

  beforeAll(async () => {
    world = await buildAnonWorld(pino({ level: 'silent' }), null, 6);
    // The embedded database takes one process at a time: the commands below open it themselves.
    await closeContext(world.ctx);
  });

  afterAll(async () => {
    await rm(world.home, { recursive: true, force: true });
  });

  it('refuses a reveal without a real reason, then reveals with one', async () => {
    const number = world.numbersA[0]?.number ?? '';
    const refused = await anonymat(
      world.home,
      'reveal',
      'A-JANV',
      number,
      '--reason',
      'vu',
      ...as('gest-A'),
    );
    const revealed = await anonymat(
      world.home,
      'reveal',
      'A-JANV',
      number,
      '--reason',
      'copie égarée, recherche pour recours',
      ...as('gest-A'),
    );

    expect(refused).toMatchObject({ code: 2 });
    expect(refused.out).toContain('Refusé [REVEAL_REASON_REQUIRED]');
    expect(revealed.code).toBe(0);
    expect(revealed.out).toContain(world.numbersA[0]?.student ?? '-');
  });

  it('lifts only on a second manager’s confirmation', async () => {
    const set = await anonymat(
      world.home,
      'lift-conditions',
      'A-JANV',
      '--confirmation',
      ...as('gest-A'),
    );
    const alone = await anonymat(world.home, 'lift', 'A-JANV', ...as('gest-A'));
    const request = await anonymat(world.home, 'lift-request', 'A-JANV', ...as('gest-A'));
    const confirm = await anonymat(world.home, 'lift-confirm', 'A-JANV', ...as('gest-A2'));
    const report = await anonymat(world.home, 'changed-after-lift', 'A-JANV', ...as('gest-A'));
    const verify = await anonymat(world.home, 'audit', 'verify');

    expect(set.code).toBe(0);
    expect(alone.code).toBe(2);
    expect(alone.out).toContain('[LIFT_NEEDS_CONFIRMATION]');
    expect(request.out).toContain('un second gestionnaire doit la confirmer');
    expect(confirm.out).toContain('1 épreuve(s) levée(s) (L).');
    expect(report.out).toContain('0 note(s) modifiée(s) après la levée.');
    expect(verify.out).toMatch(/intègre/);
  });

  /** A lift command on B-JANV by B's only manager. */
  const asManagerB = (command: string) =>
    anonymat(world.home, command, 'B-JANV', '--ctn', 'B', '--as', 'gest-B');

  it('refuses to confirm a lift nobody asked for, even where no second manager is required', async () => {
    const confirm = await asManagerB('lift-confirm');

    expect(confirm.code).toBe(2);
    expect(confirm.out).toContain('[LIFT_NEEDS_CONFIRMATION]');
    expect(confirm.out).toContain(
      '(aucune demande en cours : un gestionnaire la demande avec anonymat lift-request B-JANV',
    );
    expect(confirm.out).not.toContain('levée(s)');
  });

  it('says, where no second manager is required, that the requester may confirm the lift too', async () => {
    const request = await asManagerB('lift-request');
    const confirm = await asManagerB('lift-confirm');

    expect(request.code).toBe(0);
    expect(request.out).toContain(
      "Cette maquette n'exige pas de second gestionnaire : tout gestionnaire, vous compris, peut la confirmer (lift-confirm).",
    );
    expect(request.out).not.toContain('un second gestionnaire doit la confirmer');
    expect(confirm.out).toContain('épreuve(s) levée(s) (L).');
  });
});
