// What a new user of the command line reads, as the trial found it: help screens in French at every
// level, roles named in French, no stack trace when the output is cut short (`| head -1`), and a
// withdrawal under validated anonymity refused with its reason.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeContext } from '../../src/services/context.js';
import { buildAnonWorld, type AnonWorld } from '../anonymity/world.js';
import { anonymat, cliEnv } from '../support/cli.js';

const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;

/**
 * Runs `anonymat …args` with its output read by nobody, as `anonymat … | head -1` leaves it once
 * head has its line: the reading end of the pipe is closed before the command writes anything.
 */
function withOutputClosed(home: string, ...args: string[]): Promise<{ code: number; err: string }> {
  const child = spawn(tsx, [main, ...args], {
    env: cliEnv(home),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));

  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, err }));
  });
}

const GROUPS = ['period', 'modality', 'rule', 'template', 'ctn', 'user', 'audit'];

describe('the command line for a new user', { timeout: 240_000 }, () => {
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-polish-'));
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('writes every help screen in French, the subcommand placeholder included', async () => {
    const screens = await Promise.all([
      anonymat(home, '--help'),
      ...GROUPS.map((group) => anonymat(home, group, '--help')),
      anonymat(home, 'help', 'template'),
    ]);

    expect(screens[0]?.out).toContain('Utilisation : anonymat [options] [commande]');
    GROUPS.forEach((group, i) => {
      expect(screens[i + 1]?.out).toContain(`Utilisation : anonymat ${group} [options] [commande]`);
    });
    expect(screens.at(-1)?.out).toContain('Utilisation : anonymat template [options] [commande]');
    for (const { code, out } of screens) {
      expect(code).toBe(0);
      expect(out).toContain('Options :');
      expect(out).toContain('Commandes :');
      expect(out).toMatch(/help \[commande\]\s+afficher l'aide d'une commande/);
      expect(out).not.toMatch(/\[command\]|Usage:|Options:|Commands:|Arguments:|default:/);
    }
  });

  it('says what each role means where grant is explained, codes still to be typed', async () => {
    const help = await anonymat(home, 'help', 'grant');
    const flat = help.out.replace(/\s+/g, ' ');

    expect(help.out).toContain('Arguments :');
    expect(flat).toContain("rôle manager — gestionnaire de l'anonymat ;");
    expect(flat).toContain(
      'grade_office — scolarité (bordereaux et saisie des notes ; étiquettes après la levée)',
    );
    expect(flat).toContain('jury — jury (saisie des notes et des résultats de délibération)');
    expect(flat).toContain('reader — consultation seule (PV et états des notes)');
  });

  it('confirms a habilitation with the role in French, and lists the roles on a wrong one', async () => {
    for (const args of [
      ['user', 'add', 'admin', 'Admin', '--as', 'admin'],
      ['ctn', 'add', 'ECO', 'Économie', '--as', 'admin'],
      ['user', 'add', 'gest', 'Gestionnaire', '--as', 'admin'],
      ['user', 'add', 'scol', 'Scolarité', '--as', 'admin'],
    ]) {
      expect((await anonymat(home, ...args)).code).toBe(0);
    }

    const manager = await anonymat(home, 'grant', 'gest', 'ECO', 'manager', '--as', 'admin');
    const office = await anonymat(home, 'grant', 'scol', 'ECO', 'grade_office', '--as', 'admin');
    const wrong = await anonymat(home, 'grant', 'gest', 'ECO', 'gestionnaire', '--as', 'admin');

    expect(manager).toEqual({
      code: 0,
      out: "gest habilité sur le CTN ECO ; rôle : gestionnaire de l'anonymat.\n",
    });
    expect(office.out).toBe(
      'scol habilité sur le CTN ECO ; rôle : scolarité (bordereaux et saisie des notes ; étiquettes après la levée).\n',
    );
    expect(wrong.code).toBe(2);
    expect(wrong.out).toContain(
      'Refusé [INVALID_ARGUMENT] : Paramètre invalide. Rôle « gestionnaire » inconnu ; rôles : manager — gestionnaire de l',
    );
    expect(wrong.out).not.toMatch(/habilité sur le CTN/);
  });

  it('says which value of an option is refused and why', async () => {
    const zero = await anonymat(home, 'worker', '--concurrency', '0');
    const word = await anonymat(home, 'worker', '--concurrency', 'abc');

    expect(zero.code).toBe(2);
    expect(zero.out).toContain(
      "Refusé [USAGE] : Valeur « 0 » refusée pour --concurrency <n> : nombre entier d'au moins 1 attendu.",
    );
    expect(word.out).toContain(
      "Valeur « abc » refusée pour --concurrency <n> : nombre entier d'au moins 1 attendu.",
    );
    const noSpare = await anonymat(home, 'spares', 'T', '--count', '0', '--ctn', 'A', '--as', 'x');
    const noYear = await anonymat(
      home,
      'spares',
      'T',
      '--count',
      '2',
      '--year',
      '',
      '--ctn',
      'A',
      '--as',
      'x',
    );
    expect(noSpare.out).toContain(
      "Valeur « 0 » refusée pour --count <n> : nombre entier d'au moins 1 attendu.",
    );
    expect(noYear.out).toContain(
      'Valeur «  » refusée pour --year <année> : nombre entier attendu.',
    );
    const noRedis = await anonymat(home, 'worker');
    expect(noRedis).toEqual({
      code: 2,
      out: expect.stringContaining(
        'Refusé [WORKER_NEEDS_REDIS] : Un travailleur prend ses travaux dans Redis',
      ) as string,
    });
    const empty = await anonymat(home, 'worker', '--concurrency', '');
    expect(empty.out).toContain(
      "Refusé [USAGE] : Valeur «  » refusée pour --concurrency <n> : nombre entier d'au moins 1 attendu.",
    );
  });

  it('stops quietly when nobody reads the help any more', async () => {
    const cut = await withOutputClosed(home, '--help');

    expect(cut).toEqual({ code: 0, err: '' });
  });
});

// Each command starts a process and the embedded database: seconds each, minutes under CI load.
describe('the command line on a validated, then lifted template', { timeout: 240_000 }, () => {
  let world: AnonWorld;
  const as = ['--ctn', 'A', '--as', 'gest-A'];

  beforeAll(async () => {
    world = await buildAnonWorld(pino({ level: 'silent' }), null, 4);
    // The embedded database takes one process at a time: the commands below open it themselves.
    await closeContext(world.ctx);
  });

  afterAll(async () => {
    await rm(world.home, { recursive: true, force: true });
  });

  it('refuses a withdrawal under validated anonymity saying why, and keeps the numbers', async () => {
    const withdrawn = await anonymat(world.home, 'withdraw', 'A-JANV', ...as);
    const number = world.numbersA[0]?.number ?? '';
    const graded = await anonymat(world.home, 'grade', number, '12', ...as);

    expect(withdrawn.code).toBe(2);
    expect(withdrawn.out).toContain(
      "Refusé [WITHDRAW_UNDER_ANONYMITY] : L'anonymat de l'épreuve est validé : les numéros anonymes ne peuvent plus être retirés, car les copies portent ces numéros et les notes sont recueillies sous eux",
    );
    expect(withdrawn.out).toContain('Opération : retrait des numéros anonymes ; état : validé.');
    expect(withdrawn.out).not.toContain("faites d'abord");
    // The numbers are still there: a grade is taken under one of them.
    expect(graded.code).toBe(0);
  });

  it('ends quietly when the reader of changed-after-lift goes away', async () => {
    expect((await anonymat(world.home, 'lift', 'A-JANV', ...as)).code).toBe(0);
    const number = world.numbersA[1]?.number ?? '';
    expect((await anonymat(world.home, 'grade', number, '9', ...as)).code).toBe(0);

    const cut = await withOutputClosed(world.home, 'changed-after-lift', 'A-JANV', ...as);
    const read = await anonymat(world.home, 'changed-after-lift', 'A-JANV', ...as);

    expect(cut).toEqual({ code: 0, err: '' });
    expect(read.out).toContain('1 note(s) modifiée(s) après la levée.');
  });
});
