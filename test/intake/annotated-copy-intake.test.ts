// What a grade office finds beside the receipt of a refused file: the annotated copy whenever the
// file has faulty rows, else a receipt saying why there is none.
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import { buildZip } from '../unit/zip-guard.fixtures.js';
import {
  allReceipts,
  buildGradedWorld,
  CTN,
  dropFile,
  gradeCsv,
  inboxLeft,
  openContext,
  tempHome,
  type GradedWorld,
} from './support.js';

/** An .ods of one sheet named `name`, its rows given as text cells. */
function odsOf(name: string, rows: string[][]): Buffer {
  const ns = ['office', 'table', 'text']
    .map((p) => `xmlns:${p}="urn:oasis:names:tc:opendocument:xmlns:${p}:1.0"`)
    .join(' ');
  const cell = (v: string): string =>
    `<table:table-cell office:value-type="string"><text:p>${v}</text:p></table:table-cell>`;
  const body = rows.map((r) => `<table:table-row>${r.map(cell).join('')}</table:table-row>`);
  const content =
    `<?xml version="1.0" encoding="UTF-8"?><office:document-content ${ns}><office:body>` +
    `<office:spreadsheet><table:table table:name="${name}">${body.join('')}</table:table>` +
    '</office:spreadsheet></office:body></office:document-content>';
  return buildZip([
    { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', stored: true },
    { name: 'content.xml', data: content },
  ]);
}

describe('the annotated copy of a refused grade file', () => {
  let ctx: AppContext;
  let home: string;
  let world: GradedWorld;

  beforeAll(async () => {
    home = await tempHome('annotated');
    ctx = await openContext(home, {});
    world = await buildGradedWorld(ctx, 4);
  });

  afterAll(async () => {
    await closeContext(ctx);
    await rm(home, { recursive: true, force: true });
  });

  /** Drops one grade file, processes the inbox, returns its receipt and its annotated copies. */
  async function dropped(name: string, bytes: string | Buffer): Promise<[Receipt, string[]]> {
    await dropFile(ctx, 'notes', name, bytes);
    await runOnce(ctx, new InProcessQueue(ctx));
    const receipt = (await allReceipts(ctx)).find((r) => r.file === name);
    const stem = path.parse(name).name;
    const dir = path.join(ctx.config.outbox, CTN, 'accuses', 'notes');
    const copies = (await readdir(dir)).filter(
      (n) => n.startsWith(`${stem}-`) && n.endsWith('.annote.xlsx'),
    );
    return [receipt!, copies.map((n) => path.join(dir, n))];
  }

  it('says why there is none when the whole file is refused', async () => {
    const [first] = world.numbers as [string];

    const [receipt, copies] = await dropped('sans-note.csv', `N° anonyme;Obs\r\n${first};x\r\n`);

    expect(receipt.status).toBe('rejected');
    expect(copies).toEqual([]);
    expect(receipt.summary).toContain(
      'Pas de copie annotée : le refus porte sur le fichier entier et non sur des lignes',
    );
    // No row is listed: the summary must not send the person looking for one.
    expect(receipt.summary).toContain("Corrigez le fichier comme l'indique l'erreur listée");
    expect(receipt.summary).not.toContain('lignes listées');
  });

  it('says where the identity is when the copy would show a student under anonymity', async () => {
    const [first, second] = world.numbers as [string, string];
    // NOM1 is the last name of a student of the CTN, typed in a free column beside a number that
    // is no one's: the row check, which reads the rows of known numbers, never sees it; the copy
    // would show it.
    const csv = `N° anonyme;Note;Observations\r\n${first};12;\r\n99999999;14;NOM1\r\n${second};9;\r\n`;

    const [receipt, copies] = await dropped('avec-nom.csv', csv);

    expect(receipt.status).toBe('rejected');
    expect(copies).toEqual([]);
    expect(receipt.summary).toContain('Pas de copie annotée : elle contiendrait un identifiant');
    expect(receipt.summary).toContain('ligne 3');
    expect(receipt.summary).not.toContain('NOM1');
  });

  it('copies a spreadsheet whose sheet name a workbook refuses, and releases it', async () => {
    const [first, second] = world.numbers as [string, string];
    const ods = odsOf("Notes 'S1'", [
      ['N° anonyme', 'Note'],
      [first, '12'],
      [first, '13'],
      [second, '10'],
    ]);

    const [receipt, copies] = await dropped('tableur.ods', ods);

    expect(receipt.status).toBe('rejected');
    expect(await inboxLeft(ctx, 'notes')).toEqual([]);
    expect(copies).toHaveLength(1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(await readFile(copies[0]!)).buffer);
    const sheet = wb.worksheets[0];
    expect(sheet?.getCell('A3').text).toBe(first);
    expect(JSON.stringify(sheet?.getCell('A3').note)).toContain('NUMBER_DUPLICATED');
  });

  it('lists no « abs » notice on a row refused for its number typed twice', async () => {
    const [first, second, third] = world.numbers as [string, string, string];
    const csv = gradeCsv([
      [first, 'abs'],
      [first, '12'],
      [second, '10'],
      [third, 'abs'],
    ]);

    const [receipt, copies] = await dropped('abs-double.csv', csv);

    expect(copies).toHaveLength(1);
    expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'NUMBER_DUPLICATED'],
      [3, 'NUMBER_DUPLICATED'],
      [5, 'GRADE_ALIAS_READ'],
    ]);
  });
});
