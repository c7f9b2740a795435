// The reconciliation (nightly job and `anonymat reconcile`) on PGlite: newcomers numbered as the
// service itself (audited), inconsistencies counted, stuck drops listed, a French report written.
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { pose } from '../../src/services/anonymity.js';
import { SYSTEM_ACTOR } from '../../src/services/actors.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import { reconcile } from '../../src/services/reconcile.js';
import {
  buildGradedWorld,
  CTN,
  dropFile,
  figure,
  openContext,
  referentialCsv,
  tempHome,
  YEAR,
  type GradedWorld,
} from './support.js';

async function sheetText(file: string): Promise<Map<string, string[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const sheets = new Map<string, string[][]>();
  wb.eachSheet((ws) => {
    const rows: string[][] = [];
    ws.eachRow((row) =>
      rows.push(
        (row.values as Array<string | number | null | undefined>)
          .slice(1)
          .map((v) => String(v ?? '')),
      ),
    );
    sheets.set(ws.name, rows);
  });
  return sheets;
}

describe('reconcile', () => {
  let ctx: AppContext;
  let home: string;
  let world: GradedWorld;
  const newcomer = '45454545';
  const gradedNewcomer = '46464646';

  beforeAll(async () => {
    home = await tempHome('reconcile');
    ctx = await openContext(home, { stuckMinutes: 30 });
    world = await buildGradedWorld(ctx, 10, true);

    // After the pose: two students enrol late, one student loses the IP, one drop stays stuck.
    await dropFile(ctx, 'referentiel', 'tardifs.csv', referentialCsv([newcomer, gradedNewcomer]));
    await ctx.db('pedagogic_enrolment').where({ student_number: world.students[0] }).delete();
    const late = await ctx
      .db('intake_file')
      .insert(
        { sha256: 'f'.repeat(64), ctn: CTN, channel: 'notes', file_name: 'bloque.csv', size: 1 },
        ['id'],
      );
    await ctx.db('intake_drop').insert({
      intake_id: (late[0] as { id: number }).id,
      file_name: 'bloque.csv',
      dropped_at: new Date(Date.now() - 2 * 3600_000),
    });
  });

  afterAll(async () => {
    await closeContext(ctx);
    await rm(home, { recursive: true, force: true });
  });

  it('rescans the inbox, numbers the newcomer as the service, and reports what needs a person', async () => {
    // The rescan imports the late referential, then both newcomers get numbers; the second run
    // finds nothing left to number.
    const first = await reconcile(ctx, new InProcessQueue(ctx));
    const firstSheets = await sheetText(first.reports[0]!.path);
    await ctx.db('grade').insert({
      assessment_id: world.assessmentId,
      student_number: gradedNewcomer,
      value: 12,
      source: 'test',
    });
    const outcome = await reconcile(ctx, new InProcessQueue(ctx));

    const numbers = (await ctx
      .db('anonymous_number')
      .where({ student_number: newcomer })) as unknown[];
    const audit = (await ctx
      .db('audit_log')
      .where({ actor: SYSTEM_ACTOR })
      .select('action')) as Array<{ action: string }>;
    figure('reconcile', {
      filesRescanned: first.scan.submitted,
      numberedFirstRun: first.reports[0]?.numbered,
      numberedSecondRun: outcome.reports[0]?.numbered,
      anomaliesFirstRun: first.reports[0]?.anomalies,
      anomaliesSecondRun: outcome.reports[0]?.anomalies,
    });
    expect(first.scan.submitted).toBe(1);
    expect(first.reports[0]?.numbered).toBe(2);
    expect(numbers).toHaveLength(1);
    expect(outcome.reports[0]?.numbered).toBe(0);
    expect(audit.map((a) => a.action).sort()).toEqual(['generate', 'system']);

    // The stuck drop (its file is gone) was listed by the first run, then closed by its job.
    expect(firstSheets.get('Dépôts bloqués')!.at(-1)?.slice(1, 3)).toEqual(['notes', 'bloque.csv']);
    expect(await ctx.db('intake_drop').where({ file_name: 'bloque.csv' }).first('done')).toEqual({
      done: true,
    });

    const sheets = await sheetText(outcome.reports[0]!.path);
    expect([...sheets.keys()]).toEqual(['Synthèse', 'Épreuves', 'IP disparues', 'Dépôts bloqués']);
    const assessment = sheets.get('Épreuves')!.find((r) => r[1] === 'MAT1')!;
    // Nouveaux numérotés, sans numéro, IP disparue, notes sans numéro.
    expect(assessment.slice(6)).toEqual(['0', '0', '1', '0']);
    expect(sheets.get('IP disparues')!.at(-1)).toEqual(['T', 'MAT1', world.numbers[0]]);
    const everything = JSON.stringify([...sheets.values()]);
    expect(everything).not.toContain(world.students[0]);
    expect(everything).not.toContain(newcomer);
  });

  it('counts a grade whose student holds no number, under V', async () => {
    await ctx.db('anonymous_number').where({ student_number: gradedNewcomer }).delete();
    const outcome = await reconcile(ctx, new InProcessQueue(ctx));
    const sheets = await sheetText(outcome.reports[0]!.path);
    const assessment = sheets.get('Épreuves')!.find((r) => r[1] === 'MAT1')!;
    expect(assessment[9]).toBe('1');
  });

  it('removes the outbox temporaries a crash left, as the nightly pass it is', async () => {
    const folder = path.join(ctx.config.outbox, CTN, 'accuses', 'notes');
    const leftover = path.join(folder, '.n.accuse.xlsx.0123456789ab.tmp');
    const yesterday = new Date(Date.now() - 24 * 3600_000);
    await mkdir(folder, { recursive: true });
    await writeFile(leftover, 'x');
    await utimes(leftover, yesterday, yesterday);

    await reconcile(ctx, new InProcessQueue(ctx));

    expect(await readdir(folder)).not.toContain('.n.accuse.xlsx.0123456789ab.tmp');
  });

  it('grants no system rights to a login typed by hand', async () => {
    await expect(
      pose(ctx, SYSTEM_ACTOR, { ctn: CTN, year: YEAR, code: 'T' }),
    ).rejects.toMatchObject({
      code: 'USER_UNKNOWN',
    });
    expect(await readdir(path.join(ctx.config.outbox, CTN, 'controle'))).not.toHaveLength(0);
  });
});
