#!/usr/bin/env node
// `anonymat`: the anonymity manager's door. Every command names its acting user (--as) and prints
// French messages; the cycle's rules are enforced below, in services/ and domain/.
import { Command, Option } from 'commander';
import { registerAnonymityCommands } from './anonymity-commands.js';
import { registerCycleCommands } from './cycle-commands.js';
import { registerIntakeCommands } from './intake-commands.js';
import { registerPrintCommands } from './print-commands.js';
import { registerServiceCommands } from './service-commands.js';
import { tolerateClosedOutput } from './runtime.js';
import { registerSetupCommands } from './setup-commands.js';
import { CommanderError, frenchUsageErrors, reportUsageError } from './usage-errors.js';

tolerateClosedOutput();

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

registerSetupCommands(program);
registerCycleCommands(program);
registerServiceCommands(program);
registerIntakeCommands(program);
registerPrintCommands(program);
registerAnonymityCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error: unknown) {
  if (!(error instanceof CommanderError)) {
    throw error;
  }
  reportUsageError(error);
}
