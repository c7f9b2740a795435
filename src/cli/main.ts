#!/usr/bin/env node
// `anonymat`: the anonymity manager's door. Every command names its acting user (--as) and prints
// French messages; the cycle's rules are enforced below, in services/ and domain/.
import { Command, Option } from 'commander';
import { registerCommands } from './command-groups.js';
import { tuneHeap } from './heap.js';
import { tolerateClosedOutput } from './runtime.js';
import { CommanderError, frenchUsageErrors, reportUsageError } from './usage-errors.js';

tolerateClosedOutput();
tuneHeap();

const program = new Command();
program
  .name('anonymat')
  .description(
    "Gestion de l'anonymat des copies d'examen : numéros anonymes, étiquettes, notes, délibération, levée.",
  )
  .addOption(
    new Option('--home <dossier>', 'dossier racine (inbox/, outbox/, var/)').env('ANONYMAT_HOME'),
  );
frenchUsageErrors(program);

await registerCommands(program, process.argv.slice(2));

try {
  await program.parseAsync(process.argv);
} catch (error: unknown) {
  if (!(error instanceof CommanderError)) {
    throw error;
  }
  reportUsageError(error);
}
