// Receipts of a CTN whose code is also a student's last name (CTN DROIT, student DROIT), with a
// student named like one of its objects (ALLEMAND, « Allemand LV2 »): the CTN and the objects are
// the service's own words, so the receipts keep the name of the file dropped; a student named in
// what the person typed (a cell, the file's name) still masks the receipt.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import { addCtn, addUser, grant } from '../../src/services/setup.js';
import { createTestDatabase, DATABASE_TARGETS, type TestDatabase } from '../support/postgres.js';
import { openContext, tempHome, validatedTemplate, YEAR } from './support.js';

const CTN = 'DROIT';
const HEADER =
  'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP;LIB_ELP';
const STUDENTS: Array<[string, string, string]> = [
  ['11111111', 'DROIT', 'Jean'],
  ['22222222', 'ALLEMAND', 'Anna'],
  ['33333333', 'MARTIN', 'Paul'],
];
const OBJECTS: Array<[string, string]> = [
  ['DRT101', 'Droit civil'],
  ['ALL2', 'Allemand LV2'],
];

/** The referential of CTN DROIT: every student enrolled in both objects of VET VDR1. */
function referential(): string {
  const rows = STUDENTS.flatMap(([number, last, first]) =>
    OBJECTS.map(([code, label]) =>
      [number, last, first, '01/02/2005', 'VDR1', '1', YEAR, code, label].join(';'),
    ),
  );
  return [HEADER, ...rows].join('\r\n') + '\r\n';
}

/** CTN DROIT with its referential, both objects in template T, numbers posed and validated. */
async function declareDroit(ctx: AppContext): Promise<void> {
  await addUser(ctx, 'admin', 'admin', 'Administrateur', true);
  await addCtn(ctx, 'admin', CTN, 'Faculté de droit');
  await addUser(ctx, 'admin', 'gest', 'Gestionnaire', false);
  await grant(ctx, 'admin', 'gest', CTN, 'manager');
  await dropIn(ctx, 'referentiel', 'referentiel.csv', referential());
  await runOnce(ctx, new InProcessQueue(ctx));

  await validatedTemplate(
    ctx,
    CTN,
    OBJECTS.map(([code]) => code),
  );
}

/** Writes a file into `inbox/DROIT/<channel>/`. */
async function dropIn(ctx: AppContext, channel: string, name: string, text: string): Promise<void> {
  const dir = path.join(ctx.config.inbox, CTN, channel);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, name), text);
}

describe.each(DATABASE_TARGETS)('receipts of CTN DROIT under anonymity, on $name', (target) => {
  let database: TestDatabase | null = null;
  let home: string;
  let ctx: AppContext;

  beforeAll(async () => {
    database = target.postgres ? await createTestDatabase('vocabulary') : null;
    home = await tempHome('vocabulary');
    ctx = await openContext(home, { databaseUrl: database?.url ?? null });
    await declareDroit(ctx);
  });

  afterAll(async () => {
    await closeContext(ctx);
    await rm(home, { recursive: true, force: true });
    await database?.drop();
  });

  /** The anonymous number of a student (by last name) for an object. */
  async function numberOf(lastName: string, objectCode: string): Promise<string> {
    const row = (await ctx
      .db('anonymous_number as n')
      .join('student as s', 's.student_number', 'n.student_number')
      .join('assessment as a', 'a.id', 'n.assessment_id')
      .join('teaching_object as o', 'o.id', 'a.object_id')
      .where({ 's.last_name': lastName, 'o.code': objectCode })
      .first('n.number')) as { number: string };
    return row.number;
  }

  /** Drops grade files into notes/, runs the intake, returns the names of the receipts it wrote. */
  async function receiptsFor(files: Array<[string, string]>): Promise<string[]> {
    const dir = path.join(ctx.config.outbox, CTN, 'accuses', 'notes');
    const before = new Set(await readdir(dir).catch(() => [] as string[]));
    for (const [name, text] of files) {
      await dropIn(ctx, 'notes', name, text);
    }
    await runOnce(ctx, new InProcessQueue(ctx));
    return (await readdir(dir)).filter((n) => !before.has(n));
  }

  const accuses = (name: string): string =>
    path.join(ctx.config.outbox, CTN, 'accuses', 'notes', name);
  const json = async (name: string): Promise<Receipt> =>
    JSON.parse(await readFile(accuses(name), 'utf8')) as Receipt;

  /** The « Accusé de réception » sheet's pairs (« Fichier », « CTN » …), as a person reads them. */
  async function summarySheet(name: string): Promise<Record<string, string>> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(accuses(name))) as unknown as ArrayBuffer);
    const pairs: Record<string, string> = {};
    wb.getWorksheet('Accusé de réception')?.eachRow((row) => {
      pairs[row.getCell(1).text] = row.getCell(2).text;
    });
    return pairs;
  }

  it('names each receipt after the file dropped, whatever the file is called', async () => {
    const files: Array<[string, string]> = [
      ['partiel.csv', `N° anonyme;Note\r\n${await numberOf('DROIT', 'DRT101')};12\r\n`],
      [
        'Allemand LV2 - oral.csv',
        `N° anonyme;Note\r\n${await numberOf('ALLEMAND', 'ALL2')};15\r\n`,
      ],
      ['saisie prof.csv', 'N° anonyme;Note\r\n000000;11\r\n'],
    ];

    const names = await receiptsFor(files);

    expect(names.filter((n) => n.includes('masque'))).toEqual([]);
    for (const [file, stem] of [
      ['partiel.csv', 'partiel-'],
      ['Allemand LV2 - oral.csv', 'Allemand-LV2-oral-'],
      ['saisie prof.csv', 'saisie-prof-'],
    ] as const) {
      const receipt = names.find((n) => n.startsWith(stem) && n.endsWith('.receipt.json'));
      const workbook = names.find((n) => n.startsWith(stem) && n.endsWith('.accuse.xlsx'));
      expect(await json(receipt ?? '-')).toMatchObject({ file, ctn: CTN, channel: 'notes' });
      expect(await summarySheet(workbook ?? '-')).toMatchObject({ Fichier: file, CTN });
    }
    const refused = names.find((n) => n.startsWith('saisie-prof-') && n.endsWith('.json'));
    expect((await json(refused ?? '-')).errors).toEqual([
      expect.objectContaining({ row: 2, value: '000000', code: 'NUMBER_UNKNOWN' }),
    ]);
  });

  it('masks a receipt whose cell names a student, whole, and one whose file name does, by name', async () => {
    const names = await receiptsFor([
      ['retard.csv', 'N° anonyme;Note\r\nDROIT Jean;12\r\n'],
      ['oubli.csv', 'N° anonyme;Note\r\ncopie Martin;9\r\n'],
      ['copies de Martin.csv', `N° anonyme;Note\r\n${await numberOf('MARTIN', 'DRT101')};8\r\n`],
    ]);

    const masked = names.filter((n) => n.startsWith('accuse-masque-') && n.endsWith('.json'));
    expect(masked).toHaveLength(2);
    for (const name of masked) {
      const receipt = await json(name);
      expect(receipt.summary).toContain('Accusé masqué');
      expect(receipt.errors).toEqual([expect.objectContaining({ row: 2, code: 'NUMBER_UNKNOWN' })]);
      expect(JSON.stringify(receipt)).not.toMatch(/jean|martin|retard|oubli/i);
    }
    const renamed = names.filter((n) => n.startsWith('nom-masque-') && n.endsWith('.json'));
    expect(renamed).toHaveLength(1);
    expect(await json(renamed[0] ?? '-')).toMatchObject({ status: 'imported', ctn: CTN });
    expect(names.filter((n) => /retard|oubli|martin/i.test(n))).toEqual([]);
  });
});
