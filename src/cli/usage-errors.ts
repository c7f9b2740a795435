// Commander's usage errors, said in French with exit code 2 (refused), like every other refusal.
import { CommanderError, type Command } from 'commander';

const FRENCH: Record<string, (quoted: string) => string> = {
  'commander.missingMandatoryOptionValue': (q) => `Option obligatoire manquante : ${q}.`,
  'commander.missingArgument': (q) => `Argument obligatoire manquant : ${q}.`,
  'commander.unknownCommand': (q) => `Commande inconnue : ${q}.`,
  'commander.unknownOption': (q) => `Option inconnue : ${q}.`,
  'commander.optionMissingArgument': (q) => `L'option ${q} attend une valeur.`,
  'commander.invalidArgument': (q) => `Valeur invalide ${q}.`,
  'commander.excessArguments': () => "Trop d'arguments pour cette commande.",
  'commander.conflictingOption': (q) => `Options incompatibles : ${q}.`,
};

/** Makes commander throw instead of exiting, and keeps its English error text off the terminal. */
export function frenchUsageErrors(program: Command): void {
  program.exitOverride();
  program.helpOption('-h, --help', "afficher l'aide");
  program.helpCommand('help [commande]', "afficher l'aide d'une commande");
  program.configureOutput({ outputError: () => undefined });
}

/** Prints a commander error in French and sets the exit code; help and version exit 0. */
export function reportUsageError(error: CommanderError): void {
  if (
    error.code === 'commander.helpDisplayed' ||
    error.code === 'commander.version' ||
    error.code === 'commander.help'
  ) {
    process.exitCode = 0;
    return;
  }
  const quoted = [...error.message.matchAll(/'([^']+)'/g)].map((m) => m[1]).join(', ');
  const say =
    FRENCH[error.code] ?? (() => `Commande invalide (${error.message.replace(/^error: /, '')}).`);
  process.stderr.write(`Refusé [USAGE] : ${say(quoted)} (anonymat --help pour l’aide)\n`);
  process.exitCode = 2;
}

export { CommanderError };
