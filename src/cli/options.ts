// Option parsing shared by the commands.
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config/config.js';

/** Parses a positive integer option, with a French error. */
export function integer(value: string): number {
  const n = Number(value);
  // Number('') is 0: an empty value must not pass for one.
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError('nombre entier attendu.');
  }
  return n;
}

/** Parses a count of at least one (a worker with no job slot would take nothing). */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError("nombre entier d'au moins 1 attendu.");
  }
  return n;
}

/** Adds the options every cycle command takes: CTN, year, acting user. */
export function withActor(command: Command): Command {
  return command
    .requiredOption('--as <login>', 'utilisateur qui agit (vérifié contre ses habilitations)')
    .requiredOption('--ctn <code>', 'CTN concerné')
    .option('--year <année>', 'année universitaire (2026 pour 2026/2027)', integer);
}

/** Config overrides from the global options (`--home`). */
export function overridesOf(command: Command): Partial<Config> {
  const home = (command.optsWithGlobals() as { home?: string }).home;
  return home ? { home } : {};
}

/** Options common to cycle commands, typed. */
export interface ActorOptions {
  as: string;
  ctn: string;
  year?: number;
}
