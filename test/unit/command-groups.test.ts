// `anonymat` loads only the command group a command belongs to (cli/command-groups.ts): each group
// must list exactly the commands it registers, or a command would be missing when asked for.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';

import { askedCommand, COMMAND_GROUPS, registerCommands } from '../../src/cli/command-groups.js';

describe('command groups', () => {
  it('list exactly the top-level commands each group registers', async () => {
    for (const group of COMMAND_GROUPS) {
      const program = new Command();
      (await group.load())(program);

      expect(program.commands.map((c) => c.name()).sort()).toEqual([...group.commands].sort());
    }
  });

  it('register only the group of the asked command, every group otherwise', async () => {
    const worker = new Command();
    await registerCommands(worker, ['--home', '/srv/anonymat', 'worker', '--concurrency', '2']);
    const all = new Command();
    await registerCommands(all, ['--help']);
    const typo = new Command();
    await registerCommands(typo, ['wroker']);

    expect(worker.commands.map((c) => c.name())).toEqual([
      'migrate',
      'inbox',
      'run',
      'worker',
      'audit',
    ]);
    expect(all.commands.map((c) => c.name())).toEqual(COMMAND_GROUPS.flatMap((g) => g.commands));
    expect(typo.commands).toHaveLength(all.commands.length);
  });

  it('find the command after the program options', () => {
    expect(askedCommand(['--home', 'pose', 'labels-pdf', 'T1'])).toBe('labels-pdf');
    expect(askedCommand(['--home=/x', 'pv', '--as', 'gest'])).toBe('pv');
    expect(askedCommand(['-h'])).toBeUndefined();
  });
});
