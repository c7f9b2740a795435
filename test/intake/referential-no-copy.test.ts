// The receipt of a refused student list (referential) whose students hold anonymous numbers under
// validated anonymity: the list must carry their numbers and names, so the receipt never asks to
// remove them; it says no annotated copy is made and that the errors are listed.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import {
  allReceipts,
  buildGradedWorld,
  CTN,
  dropFile,
  inboxLeft,
  openContext,
  referentialCsv,
  studentNumbers,
  tempHome,
  type GradedWorld,
} from './support.js';

describe('a refused referential listing students under anonymity', () => {
  let ctx: AppContext;
  let home: string;
  let world: GradedWorld;

  beforeAll(async () => {
    home = await tempHome('referential-copy');
    ctx = await openContext(home, {});
    world = await buildGradedWorld(ctx, 4);
  });

  afterAll(async () => {
    await closeContext(ctx);
    await rm(home, { recursive: true, force: true });
  });

  it('says no annotated copy is made of a file holding identities, and lists the errors', async () => {
    // The same students (under V) and a newcomer whose birth date cannot be read.
    const [newcomer = ''] = studentNumbers(1, 5_000_000);
    const csv = referentialCsv([...world.students, newcomer]).replace(
      `${newcomer};NOM4;Prénom4;01/02/2005`,
      `${newcomer};NOM4;Prénom4;pas une date`,
    );
    await dropFile(ctx, 'referentiel', 'etudiants-corriges.csv', csv);

    await runOnce(ctx, new InProcessQueue(ctx));

    const receipt = (await allReceipts(ctx)).find((r) => r.file === 'etudiants-corriges.csv');
    expect(receipt?.status).toBe('rejected');
    expect(receipt?.errors.map((e) => [e.row, e.code])).toEqual([[6, 'DATE_INVALID']]);
    expect(receipt?.summary).toContain(
      "Pas de copie annotée : ce fichier porte par nature des identités d'étudiants",
    );
    expect(receipt?.summary).toContain('les lignes en erreur sont listées dans cet accusé.');
    expect(receipt?.summary).not.toContain('Retirez');
    expect(receipt?.summary).not.toContain('contiendrait un identifiant');
    const dir = path.join(ctx.config.outbox, CTN, 'accuses', 'referentiel');
    expect((await readdir(dir)).filter((n) => n.endsWith('.annote.xlsx'))).toEqual([]);
    expect(await inboxLeft(ctx, 'referentiel')).toEqual([]);
  });
});
