// A file with more bad rows than a receipt lists, whose good rows replace grades already recorded
// (a channel that imports the valid rows): the receipt still lists every grade it replaced, as
// its summary says (« voir les avis »), in its JSON and in its workbook alike, each as a notice,
// and counts the errors it does not list apart from them.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';

import { LISTED_ERRORS } from '../../src/channels/rows.js';
import { checkDigit } from '../../src/domain/numbering.js';
import { slug } from '../../src/outputs/gateway.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import type { AppContext } from '../../src/services/context.js';
import { DATABASE_TARGETS } from '../support/postgres.js';
import { drop, gradesOf, intake, type World, worldFor } from './channels-world.js';

const csv = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

/** A receipt workbook's lines (« Erreurs et avis ») and the counts on its first sheet. */
interface ReceiptWorkbook {
  lines: Array<{ nature: string; code: string; value: string; explanation: string }>;
  counts: { errors: unknown; notices: unknown };
}

/** Nature, code, value read and explanation of every line of a receipt workbook, and its counts. */
async function receiptWorkbook(
  ctx: AppContext,
  channel: string,
  name: string,
): Promise<ReceiptWorkbook> {
  const dir = path.join(ctx.config.outbox, 'A', 'accuses', channel);
  const stem = slug(path.parse(name).name);
  const file = (await readdir(dir)).find((n) => n.startsWith(stem) && n.endsWith('.accuse.xlsx'));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile(path.join(dir, file ?? '-'))) as unknown as ArrayBuffer);
  const lines: ReceiptWorkbook['lines'] = [];
  wb.getWorksheet('Erreurs et avis')?.eachRow((row, number) => {
    if (number > 1) {
      const text = (column: number): string => row.getCell(column).text;
      lines.push({ nature: text(1), code: text(5), value: text(4), explanation: text(6) });
    }
  });
  const pairs = new Map<unknown, unknown>();
  wb.getWorksheet('Accusé de réception')?.eachRow((row) => {
    pairs.set(row.getCell(1).value, row.getCell(2).value);
  });
  return { lines, counts: { errors: pairs.get('Erreurs'), notices: pairs.get('Avis') } };
}

/** What the person checks of each grade replaced: the number, the grade before and after. */
function replacedOf(errors: Array<{ code: string; value?: string; explanation?: string }>) {
  return errors.filter((e) => e.code === 'GRADE_REPLACED').map((e) => e.value);
}

describe.each(DATABASE_TARGETS)(
  'grades replaced by a file with too many bad rows to list, on $name',
  (target) => {
    const built = worldFor(target, 'replaced_beyond');
    let world: World;
    const unknown = `99999${checkDigit('damm', '99999')}`;
    const extra = 25;

    beforeAll(() => {
      world = built();
    });

    it('lists them on the receipt of a long grade file whose valid rows are imported', async () => {
      // notes/ configured as lecteur-optique/ is by default: a file's valid rows are imported.
      const ctx = {
        ...world.ctx,
        config: { ...world.ctx.config, partialChannels: ['lecteur-optique', 'notes'] },
      };
      const [a, b, c] = world.numbers.mat101.slice(0, 3).map((n) => n.number);
      await drop(ctx, 'A', 'notes', 'td-MAT101.csv', csv(['N° anonyme;Note', `${a};12`, `${b};8`]));
      expect((await intake(ctx, 'A', 'td-MAT101.csv')).status).toBe('imported');

      const bad = Array.from({ length: LISTED_ERRORS + extra }, () => `${unknown};10`);
      const corrected = csv(['N° anonyme;Note', ...bad, `${a};14,5`, `${b};ABJ`, `${c};11`]);
      await drop(ctx, 'A', 'notes', 'td-MAT101-corrige.csv', corrected);
      const receipt: Receipt = await intake(ctx, 'A', 'td-MAT101-corrige.csv');

      expect(receipt.status).toBe('partial');
      expect(receipt.rows).toEqual({
        read: LISTED_ERRORS + extra + 3,
        imported: 3,
        rejected: LISTED_ERRORS + extra,
      });
      const replaced = receipt.errors.filter((e) => e.code === 'GRADE_REPLACED');
      expect(replaced.map((e) => [e.row, e.value, e.kind])).toEqual([
        [LISTED_ERRORS + extra + 2, a, 'notice'],
        [LISTED_ERRORS + extra + 3, b, 'notice'],
      ]);
      expect(replaced[0]?.message).toContain('Avant : 12,00 ; maintenant : 14,50.');
      expect(replaced[1]?.message).toContain('Avant : 8,00 ; maintenant : ABJ.');
      const unknownRows = receipt.errors.filter((e) => e.code === 'NUMBER_UNKNOWN');
      expect(unknownRows).toHaveLength(LISTED_ERRORS);
      expect(new Set(unknownRows.map((e) => e.kind))).toEqual(new Set(['error']));
      expect(receipt.summary).toContain(
        '2 note(s) déjà enregistrée(s) remplacée(s) (voir les avis).',
      );
      // The errors not listed are to be corrected; no notice went unlisted, none is mentioned.
      expect(receipt.summary).toContain(
        `${extra} erreur(s) de plus non détaillée(s) ici : corrigez d'abord celles de la liste, ` +
          'les autres seront signalées au dépôt suivant.',
      );
      expect(receipt.summary).not.toContain('avis de plus');

      const { lines, counts } = await receiptWorkbook(ctx, 'notes', 'td-MAT101-corrige.csv');
      expect(lines).toHaveLength(receipt.errors.length);
      expect(replacedOf(lines)).toEqual([a, b]);
      expect(lines.filter((l) => l.code === 'GRADE_REPLACED').map((l) => l.nature)).toEqual([
        'Avis',
        'Avis',
      ]);
      expect(lines[0]?.nature).toBe('Erreur');
      expect(lines.at(-2)?.explanation).toContain('Avant : 12,00 ; maintenant : 14,50.');
      expect(counts).toEqual({ errors: LISTED_ERRORS, notices: 2 });
      const grades = await gradesOf(ctx, world.assessments.mat101);
      expect(world.numbers.mat101.slice(0, 3).map((n) => grades.get(n.student))).toEqual([
        '14.50',
        'ABJ',
        '11.00',
      ]);
    });

    it('lists them on the receipt of a long optical-reader file', async () => {
      const [, , , d] = world.numbers.mat102.map((n) => n.number);
      const amc = (rows: Array<[string, string]>): Buffer =>
        csv([
          '"Copie";"A:numero";"Nom";"Note"',
          ...rows.map(([number, grade], i) => `"${i + 1}";"${number}";"?";"${grade}"`),
        ]);
      await drop(world.ctx, 'A', 'lecteur-optique', 'amc-MAT102.csv', amc([[d ?? '', '11']]));
      expect((await intake(world.ctx, 'A', 'amc-MAT102.csv')).status).toBe('imported');

      const bad = Array.from({ length: LISTED_ERRORS + extra }, (): [string, string] => [
        unknown,
        '10',
      ]);
      await drop(
        world.ctx,
        'A',
        'lecteur-optique',
        'amc-MAT102-relu.csv',
        amc([...bad, [d ?? '', '13']]),
      );
      const receipt = await intake(world.ctx, 'A', 'amc-MAT102-relu.csv');

      expect(receipt.status).toBe('partial');
      expect(receipt.errors.filter((e) => e.code !== 'GRADE_REPLACED')).toHaveLength(LISTED_ERRORS);
      const replaced = receipt.errors.filter((e) => e.code === 'GRADE_REPLACED');
      expect(replaced.map((e) => [e.row, e.value])).toEqual([[LISTED_ERRORS + extra + 2, d]]);
      expect(replaced[0]?.message).toContain('Avant : 11,00 ; maintenant : 13,00.');
      expect(receipt.summary).toContain(
        '1 note(s) déjà enregistrée(s) remplacée(s) (voir les avis).',
      );

      const { lines, counts } = await receiptWorkbook(
        world.ctx,
        'lecteur-optique',
        'amc-MAT102-relu.csv',
      );
      expect(lines).toHaveLength(receipt.errors.length);
      expect(replacedOf(lines)).toEqual([d]);
      expect(counts).toEqual({ errors: LISTED_ERRORS, notices: 1 });
    });
  },
);
