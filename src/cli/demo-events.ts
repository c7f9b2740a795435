// What happens around the exam in the demo, beyond the plain cycle: files dropped into the inbox,
// a student registered at the last minute (who will sit with a spare label), and a number revealed
// before the lift for a stated reason, which both PVs then list.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { runOnce } from '../intake/runner.js';
import { InProcessQueue } from '../jobs/queue.js';
import type { TemplateRef } from '../services/anonymity.js';
import type { AppContext } from '../services/context.js';
import { revealStudent } from '../services/reveal.js';
import { generateStudents, referentialCsv, type DemoVet } from './demo-data.js';

/** Writes a file into a channel folder of a CTN's inbox, as a department would drop it. */
export async function drop(
  ctx: AppContext,
  ctn: string,
  channel: string,
  name: string,
  bytes: Buffer,
): Promise<void> {
  const dir = path.join(ctx.config.inbox, ctn, channel);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, name), bytes);
}

/** Registers one more student in `vet` after the numbers were posed; returns their number. */
export async function registerLateStudent(
  ctx: AppContext,
  ctn: string,
  vet: DemoVet,
  year: number,
): Promise<string> {
  let late = generateStudents(1)[0];
  while (late && (await ctx.db('student').where({ student_number: late.studentNumber }).first())) {
    late = generateStudents(1)[0];
  }
  if (!late) {
    throw new Error('demo: no late student generated');
  }

  await drop(
    ctx,
    ctn,
    'referentiel',
    'inscription-tardive.csv',
    referentialCsv([late], [vet], year),
  );
  await runOnce(ctx, new InProcessQueue(ctx));
  return late.studentNumber;
}

/** Reason given for the demo's reveal: printed in both PVs, so it names nobody. */
const REVEAL_REASON =
  'Copie introuvable après la correction : le président du jury demande à vérifier ' +
  'l’inscription du candidat avant la délibération.';

/** Reveals one number of a template before the lift (manager, audited); the identity is not kept. */
export async function revealOne(
  ctx: AppContext,
  ref: TemplateRef,
  manager: string,
  number: string,
): Promise<void> {
  await revealStudent(ctx, manager, ref, number, REVEAL_REASON);
}
