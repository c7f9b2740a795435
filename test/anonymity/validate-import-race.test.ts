// A file keyed by student number is allowed while numbers are only posed (P) and refused once
// anonymity is validated (V). When the validation commits while such a file is being imported, the
// file is decided again on the state at write time: it is refused whole, as it would have been had
// the validation come first, and nothing is written. Each race is staged by holding the audit
// chain's head row (test/support/lock-race.ts).
import { rm } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { validate, type TemplateRef } from '../../src/services/anonymity.js';
import { closeContext } from '../../src/services/context.js';
import { auditOrder, RaceStage } from '../support/lock-race.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { buildAnonWorld, dropFile, type AnonWorld } from './world.js';

const enabled = Boolean(process.env.DATABASE_URL);
if (!enabled) {
  process.stdout.write('NOTICE: validate/import race test skipped (set DATABASE_URL to run it)\n');
}

describe.skipIf(!enabled)('a validation racing an import by student number on Postgres', () => {
  let world: AnonWorld;
  let database: TestDatabase;
  let race: RaceStage;

  const csv = (header: string, lines: string[]) => `\ufeff${[header, ...lines].join('\r\n')}\r\n`;
  const receiptOf = async (file: string): Promise<Receipt> => {
    const row = (await world.ctx.db('intake_file').where({ file_name: file }).first('receipt')) as {
      receipt: Receipt;
    };
    return row.receipt;
  };
  /** What the grade table holds for the students of `numbers`: grades and results. */
  const storedFor = async (numbers: AnonWorld['numbersA']) =>
    world.ctx
      .db('grade')
      .whereIn(
        'student_number',
        numbers.map((n) => n.student),
      )
      .select('student_number', 'value', 'result');

  /**
   * Validates `ref` while `file` (dropped into `channel`) is imported: the validation has moved the
   * template to V and waits to commit when the import resolves the file, still seeing P.
   */
  const validateWhileImporting = async (
    ctn: string,
    ref: TemplateRef,
    channel: string,
    file: string,
    bytes: string,
  ) => {
    const holder = await race.holdAuditHead();
    const validating = validate(world.ctx, `gest-${ctn}`, ref);
    await race.untilWaiting(1);
    await dropFile(world.ctx, ctn, channel, file, bytes);
    const importing = runOnce(world.ctx, new InProcessQueue(world.ctx));
    await race.untilWaiting(2);

    await holder.commit();
    const [validated] = await Promise.all([validating, importing]);
    return validated;
  };

  beforeAll(async () => {
    database = await createTestDatabase('validrace');
    world = await buildAnonWorld(pino({ level: 'silent' }), database.url, 6, {}, ['A', 'B']);
    race = new RaceStage(database.url);
  });

  afterAll(async () => {
    await race.destroy();
    await closeContext(world.ctx);
    await database.drop();
    await rm(world.home, { recursive: true, force: true });
  });

  it('refuses whole a grade file decided on P once the validation committed first', async () => {
    const lines = world.numbersB.map((n, i) => `${n.student};BIO101;1${i},5`);

    const validated = await validateWhileImporting(
      'B',
      world.refB,
      'notes',
      'notes-B-etudiants.csv',
      csv('COD_ETU;COD_ELP;Note', lines),
    );

    const receipt = await receiptOf('notes-B-etudiants.csv');
    expect(validated).toBe(1);
    // The validation committed first: the import was decided again after it.
    expect((await auditOrder(world.ctx.db, ['validate', 'import'])).slice(-2)).toEqual([
      'validate',
      'import',
    ]);
    expect(receipt.status).toBe('rejected');
    expect(receipt.rows).toEqual({ read: lines.length, imported: 0, rejected: lines.length });
    expect(receipt.errors.map((e) => [e.row, e.column, e.value, e.code])).toEqual(
      lines.map((_, i) => [i + 2, 'N° étudiant', undefined, 'IDENTITY_UNDER_ANONYMITY']),
    );
    expect(receipt.errors[0]?.message).toContain('(épreuve BIO101)');
    expect(receipt.summary).toMatch(/^Fichier refusé : aucune note enregistrée\./);
    expect(await storedFor(world.numbersB)).toEqual([]);
  });

  it('refuses whole a jury file decided on P once the validation committed first', async () => {
    const lines = world.numbersA.map((n) => `${n.student};MAT101;ADM`);

    const validated = await validateWhileImporting(
      'A',
      world.refA,
      'jury',
      'jury-A-etudiants.csv',
      csv('COD_ETU;COD_ELP;Résultat', lines),
    );

    const receipt = await receiptOf('jury-A-etudiants.csv');
    expect(validated).toBe(1);
    expect((await auditOrder(world.ctx.db, ['validate', 'import'])).slice(-2)).toEqual([
      'validate',
      'import',
    ]);
    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => [e.row, e.column, e.code])).toEqual(
      lines.map((_, i) => [i + 2, 'N° étudiant', 'IDENTITY_UNDER_ANONYMITY']),
    );
    expect(receipt.summary).toMatch(/^Fichier refusé : aucune décision enregistrée\./);
    expect(await storedFor(world.numbersA)).toEqual([]);
  });
});
