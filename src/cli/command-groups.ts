// The command groups of `anonymat`, each loaded only when one of its commands is asked for: a
// process started as `anonymat worker` or `anonymat run` never loads the PDF, barcode and report
// writers of `labels-pdf` or `pv`, whose code would sit in its heap for as long as it runs (and a
// heap that holds more at rest grows further before each full collection of a large import).
import type { Command } from 'commander';

export interface CommandGroup {
  /** The top-level commands the group registers. */
  readonly commands: readonly string[];
  readonly load: () => Promise<(program: Command) => void>;
}

/** In the order `anonymat --help` lists them. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    commands: ['period', 'modality', 'rule', 'template', 'ctn', 'user', 'grant'],
    load: async () => (await import('./setup-commands.js')).registerSetupCommands,
  },
  {
    commands: [
      'modalities',
      'export-apogee',
      'grade',
      'pose',
      'withdraw',
      'validate',
      'lift',
      'labels',
      'workbooks',
      'correspondence',
      'progress',
      'pv',
    ],
    load: async () => (await import('./cycle-commands.js')).registerCycleCommands,
  },
  {
    commands: ['migrate', 'inbox', 'run', 'worker', 'audit'],
    load: async () => (await import('./service-commands.js')).registerServiceCommands,
  },
  {
    commands: ['intake', 'reconcile'],
    load: async () => (await import('./intake-commands.js')).registerIntakeCommands,
  },
  {
    commands: ['labels-pdf', 'spares', 'spare-bind', 'pv-pdf', 'pv-individual', 'attendance'],
    load: async () => (await import('./print-commands.js')).registerPrintCommands,
  },
  {
    commands: ['lift-conditions', 'lift-request', 'lift-confirm', 'reveal', 'changed-after-lift'],
    load: async () => (await import('./anonymity-commands.js')).registerAnonymityCommands,
  },
];

/** Options of the program itself that take a value in the next argument. */
const VALUED_OPTIONS = new Set(['--home']);

/** The command the arguments (after `node anonymat`) ask for; undefined when they name none. */
export function askedCommand(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('-')) {
      return arg;
    }
    if (VALUED_OPTIONS.has(arg)) {
      i += 1;
    }
  }
  return undefined;
}

/**
 * Registers on `program` the group of the asked command, or every group when the arguments name
 * no known command (help, a typo: commander then lists or refuses among all of them).
 */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  const asked = askedCommand(args);
  const own = COMMAND_GROUPS.find((group) => asked !== undefined && group.commands.includes(asked));
  for (const group of own ? [own] : COMMAND_GROUPS) {
    (await group.load())(program);
  }
}
