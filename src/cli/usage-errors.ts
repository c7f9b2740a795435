// Commander's usage errors, said in French with exit code 2 (refused), like every other refusal.
import { CommanderError, type Command } from 'commander';

const FRENCH: Record<string, (quoted: string) => string> = {
  'commander.missingMandatoryOptionValue': (q) => `Option obligatoire manquante : ${q}.`,
  'commander.missingArgument': (q) => `Argument obligatoire manquant : ${q}.`,
  'commander.unknownCommand': (q) => `Commande inconnue : ${q}.`,
  'commander.unknownOption': (q) => `Option inconnue : ${q}.`,
  'commander.optionMissingArgument': (q) => `L'option ${q} attend une valeur.`,
  'commander.excessArguments': () => "Trop d'arguments pour cette commande.",
  'commander.conflictingOption': (q) => `Options incompatibles : ${q}.`,
};

/** Commander's help headings, as the person at the terminal reads them. */
const HELP_TITLES: Record<string, string> = {
  'Usage:': 'Utilisation :',
  'Options:': 'Options :',
  'Commands:': 'Commandes :',
  'Arguments:': 'Arguments :',
  'Global Options:': 'Options générales :',
};

/** What commander knows of an option's or an argument's values, to be said after its description. */
interface Described {
  description: string;
  argChoices?: string[];
  defaultValue?: string | number | boolean;
  defaultValueDescription?: string;
  envVar?: string;
}

/** A help line: the description, then the values, default and variable in French. */
function describedInFrench(item: Described): string {
  const extra: string[] = [];
  if (item.argChoices) {
    extra.push(`valeurs : ${item.argChoices.join(', ')}`);
  }
  // A flag off by default says nothing more; a value taken when the item is absent is shown.
  if (item.defaultValue !== undefined && item.defaultValue !== false) {
    const value = item.defaultValue === true ? 'oui' : String(item.defaultValue) || 'aucun';
    extra.push(`par défaut : ${item.defaultValueDescription ?? value}`);
  }
  if (item.envVar !== undefined) {
    extra.push(`variable d'environnement : ${item.envVar}`);
  }
  return [item.description, extra.length > 0 ? `(${extra.join(' ; ')})` : '']
    .filter(Boolean)
    .join(' ');
}

/**
 * The usage line in French. Commander builds it itself for every command that has subcommands
 * (« [options] [command] »), so the placeholder is translated here, once for all of them.
 */
function usageInFrench(usage: string): string {
  return usage
    .split(' ')
    .map((word) => (word === '[command]' ? '[commande]' : word))
    .join(' ');
}

/**
 * Makes commander throw instead of exiting, keeps its English error text off the terminal and
 * writes its help in French. Call before registering commands: they inherit these settings.
 */
export function frenchUsageErrors(program: Command): void {
  program.exitOverride();
  program.helpOption('-h, --help', "afficher l'aide");
  program.helpCommand('help [commande]', "afficher l'aide d'une commande");
  program.configureOutput({ outputError: () => undefined });
  program.configureHelp({
    styleTitle: (title) => HELP_TITLES[title] ?? title,
    styleUsage: usageInFrench,
    optionDescription: describedInFrench,
    argumentDescription: describedInFrench,
  });
}

/**
 * « Valeur « 0 » refusée pour --concurrency <n> : nombre entier d'au moins 1 attendu. »: commander
 * says `option '--x <n>' argument '0' is invalid. <the parser's reason>`.
 */
function invalidValue(message: string): string {
  const found = /'(.+?)' argument '(.*)' is invalid\.\s*(.*)$/s.exec(message);
  if (!found) {
    return `Valeur refusée (${message.replace(/^error: /, '')}).`;
  }
  const [, what, value, reason] = found;
  return `Valeur « ${value ?? ''} » refusée pour ${what ?? ''}${reason ? ` : ${reason.trim()}` : '.'}`;
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
  const parts = [...error.message.matchAll(/'([^']+)'/g)].map((m) => m[1] ?? '');
  const say =
    error.code === 'commander.invalidArgument'
      ? invalidValue(error.message)
      : (FRENCH[error.code]?.(parts.join(', ')) ??
        `Commande invalide (${error.message.replace(/^error: /, '')}).`);
  process.stderr.write(`Refusé [USAGE] : ${say} (anonymat --help pour l’aide)\n`);
  process.exitCode = 2;
}

export { CommanderError };
