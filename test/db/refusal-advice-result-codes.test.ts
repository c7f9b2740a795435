// A jury file checked against an empty list of result codes (none configured, no Apogée maquette
// imported): its receipt says no code is accepted yet and what to do, never « codes admis : . ».
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { slug } from '../../src/outputs/gateway.js';
import type { AppContext } from '../../src/services/context.js';
import { buildWorld, drop, intake, type World } from './channels-world.js';

describe('a result code refused when no result code is accepted at all', () => {
  let world: World;
  let ctx: AppContext;

  beforeAll(async () => {
    world = await buildWorld();
    // config/anonymat.json giving `"resultCodes": {}`, and no maquette imported.
    ctx = { ...world.ctx, config: { ...world.ctx.config, resultCodes: {} } };
  });

  afterAll(async () => {
    await world?.ctx.db.destroy();
    if (world) {
      await rm(world.home, { recursive: true, force: true });
    }
  });

  it('says no code is accepted and how to have them declared', async () => {
    const [a] = world.numbers.mat102;
    const name = 'jury-MAT102-sans-codes.csv';
    await drop(ctx, 'A', 'jury', name, `N° anonyme;Résultat\r\n${a?.number};ADM\r\n`);

    const receipt = await intake(ctx, 'A', name);

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => [e.row, e.code, e.value])).toEqual([
      [2, 'RESULT_CODE_UNKNOWN', 'ADM'],
    ]);
    const message = receipt.errors[0]?.message ?? '';
    expect(message).not.toMatch(/codes admis\s*:\s*\./);
    expect(message).toContain("aucun code résultat n'est admis pour l'instant");
    expect(message).toContain("demandez à l'administrateur du service de les configurer");
    expect(message).toContain('maquette Apogée');

    // The receipt workbook explains it in the line of the error.
    const dir = path.join(ctx.config.outbox, 'A', 'accuses', 'jury');
    const file = (await readdir(dir)).find(
      (n) => n.startsWith(slug('jury-MAT102-sans-codes')) && n.endsWith('.accuse.xlsx'),
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(await readFile(path.join(dir, file ?? '-'))).buffer);
    const explanation = wb.getWorksheet('Erreurs et avis')?.getRow(2).getCell(6).text ?? '';
    expect(explanation).toContain("aucun code résultat n'est admis pour l'instant");
  });
});
