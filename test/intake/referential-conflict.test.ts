// One student number given twice in a referential with two different people: keeping either would
// give one of them the other's grades. The file is refused and both rows are named; the same
// student repeated on each of their enrolments, or with a field left empty, is one person.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import {
  allReceipts,
  declareCtn,
  dropFile,
  openContext,
  referentialCsv,
  tempHome,
} from './support.js';

const HEADER_LINE = referentialCsv([]).split('\r\n')[0] ?? '';

function referential(rows: string[][]): string {
  return [HEADER_LINE, ...rows.map((r) => r.join(';'))].join('\r\n') + '\r\n';
}

describe('a referential giving one student number to two people', () => {
  let ctx: AppContext;
  let home: string;

  beforeAll(async () => {
    home = await tempHome('conflict');
    ctx = await openContext(home, {});
    await declareCtn(ctx, []);
  });

  afterAll(async () => {
    await closeContext(ctx);
    await rm(home, { recursive: true, force: true });
  });

  async function receiptOf(name: string) {
    await runOnce(ctx, new InProcessQueue(ctx));
    const receipt = (await allReceipts(ctx)).find((r) => r.file === name);
    if (!receipt) {
      throw new Error(`no receipt for ${name}`);
    }
    return receipt;
  }

  it('is refused, naming the row that contradicts the first, and stores nobody', async () => {
    await dropFile(
      ctx,
      'referentiel',
      'conflit.csv',
      referential([
        ['22000000', 'MARTIN', 'Léa', '01/01/2002', 'VETQ', '1', '2026', 'MAT1', 'Maths'],
        ['22000001', 'PETIT', 'Jean', '03/03/2003', 'VETQ', '1', '2026', 'MAT1', 'Maths'],
        ['22000000', 'DURAND', 'Paul', '02/02/2003', 'VETQ', '1', '2026', 'MAT2', 'Physique'],
      ]),
    );

    const receipt = await receiptOf('conflit.csv');

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => [e.row, e.code, e.value])).toEqual([
      [4, 'STUDENT_IDENTITY_CONFLICT', '22000000'],
    ]);
    expect(receipt.errors[0]?.message).toContain('(ligne 2)');
    expect(JSON.stringify(receipt)).not.toContain('DURAND');
    expect(await ctx.db('student').where({ student_number: '22000000' }).first()).toBeUndefined();
  });

  it('accepts a student repeated on each enrolment, in another case or with a field left empty', async () => {
    await dropFile(
      ctx,
      'referentiel',
      'repete.csv',
      referential([
        ['22000010', 'MARTIN', 'Léa', '01/01/2002', 'VETQ', '1', '2026', 'MAT1', 'Maths'],
        ['22000010', 'Martin ', 'léa', '', 'VETQ', '1', '2026', 'MAT2', 'Physique'],
      ]),
    );

    const receipt = await receiptOf('repete.csv');

    expect(receipt.status).toBe('imported');
    expect(receipt.errors).toEqual([]);
  });
});
