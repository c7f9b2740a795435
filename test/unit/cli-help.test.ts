// The command line's help is read by exam-office staff: its headings, defaults and variables are
// French, as every message of the service is.
import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { frenchUsageErrors } from '../../src/cli/usage-errors.js';

function program(): Command {
  const root = new Command('anonymat');
  frenchUsageErrors(root);
  root.addOption(new Option('--home <dossier>', 'dossier racine').env('ANONYMAT_HOME'));
  root
    .command('run')
    .description('traiter la boîte de dépôt')
    .option('--once', 'une passe puis fin', false)
    .option('--attribution <mode>', 'un numéro par maquette ou par épreuve', 'per_template')
    .option('--concurrency <n>', 'travaux en parallèle', '1');
  return root;
}

describe('help in French', () => {
  it('titles the sections of the main help in French and names the subcommand placeholder', () => {
    const help = program().helpInformation();
    const flat = help.replace(/\s+/g, ' ');

    expect(help).toContain('Utilisation : anonymat [options] [commande]');
    expect(help).toContain('Options :');
    expect(help).toContain('Commandes :');
    expect(flat).toContain("(variable d'environnement : ANONYMAT_HOME)");
    expect(help).not.toMatch(/Usage:|Options:|Commands:|env:|default:/);
  });

  it('shows defaults in French, and nothing for a flag that is off by default', () => {
    const run = program().commands.find((c) => c.name() === 'run');
    const help = run?.helpInformation() ?? '';
    // Commander wraps long lines to the terminal's width.
    const flat = help.replace(/\s+/g, ' ');

    expect(help).toContain('Utilisation : anonymat run [options]');
    expect(flat).toContain('un numéro par maquette ou par épreuve (par défaut : per_template)');
    expect(flat).toContain('travaux en parallèle (par défaut : 1)');
    expect(help).toMatch(/--once\s+une passe puis fin\n/);
    expect(help).not.toMatch(/default|false/);
  });
});
