// What the tests of the clean-imports lift condition share: the condition alone, the date a lift
// refusal gives a file, French CSV, and the intake as those tests drive and read it.
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import type { AppContext } from '../../src/services/context.js';

/** Lift conditions: no open import error, nothing else. */
export const CLEAN_IMPORTS = {
  allGrades: false,
  noOpenImportError: true,
  anonymousPv: false,
  secondConfirmation: false,
};

/** « reçu le 05/12/2026 à 10:15 », as a lift refusal dates a file. */
export const AT = String.raw`reçu le \d{2}/\d{2}/\d{4} à \d{2}:\d{2}`;

/** A CSV as French Excel saves it: BOM, CRLF. */
export const csv = (lines: string[]): string => `\ufeff${lines.join('\r\n')}\r\n`;

/** Processes what the inbox holds, in this process. */
export async function runIntake(ctx: AppContext): Promise<void> {
  await runOnce(ctx, new InProcessQueue(ctx));
}

/** The outcome of each drop of `name`, oldest first. */
export async function outcomes(ctx: AppContext, name: string): Promise<string[]> {
  return (await ctx
    .db('intake_drop')
    .where({ file_name: name })
    .orderBy('id')
    .pluck('outcome')) as string[];
}
