// Optical-reader files through the real intake on embedded PGlite. Scores made grades as their
// profile says: OMRChecker floats rounded half up on the exact decimal (a notice per rounded grade,
// never a refusal), scores brought to the barème, typed grades still refused beyond two decimals.
// And CSV files as French Excel writes them (issue 4, point 3), stored with the exact grades.
import { rm } from 'node:fs/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Receipt } from '../../src/outputs/receipt.js';
import { mergeColumnProfiles } from '../../src/readers/profiles.js';
import type { AppContext } from '../../src/services/context.js';
import {
  buildWorld,
  drop,
  fillWorkbook,
  gradeTable,
  gradesOf,
  intake,
  type Numbered,
  type World,
} from '../db/channels-world.js';
import { buildZip } from '../unit/zip-guard.fixtures.js';

let world: World;

const OMR_HEADER = ['file_id', 'input_path', 'output_path', 'score', 'Roll'];

/** An OMRChecker CSV: every field quoted, `,`, one row per (number, score). */
function omrchecker(rows: Array<[string, string]>): string {
  const line = (fields: string[]): string => fields.map((f) => `"${f}"`).join(',');
  return (
    [
      line(OMR_HEADER),
      ...rows.map(([number, score], i) =>
        line([`s${i}.jpg`, `in/s${i}.jpg`, `out/s${i}.jpg`, score, number]),
      ),
    ].join('\n') + '\n'
  );
}

/** Row → code, as the receipt lists them. */
function codes(receipt: Receipt): Array<[number | null, string]> {
  return receipt.errors.map((e) => [e.row, e.code]);
}

/** The context with other optical profiles, as `<home>/config/column-profiles.json` would give. */
function withProfiles(profiles: Parameters<typeof mergeColumnProfiles>[1]): AppContext {
  return {
    ...world.ctx,
    config: { ...world.ctx.config, columnProfiles: mergeColumnProfiles('test', profiles) },
  };
}

describe('optical scores made grades as the profile says', () => {
  let n: Numbered[];
  const number = (i: number): string => n[i]?.number ?? '';
  const gradeOf = async (i: number): Promise<string | undefined> =>
    (await gradesOf(world.ctx, world.assessments.mat101)).get(n[i]?.student ?? '');

  beforeAll(async () => {
    world = await buildWorld();
    n = world.numbers.mat101;
  });

  afterAll(async () => {
    await world?.ctx.db.destroy();
    if (world) {
      await rm(world.home, { recursive: true, force: true });
    }
  });

  describe('an OMRChecker CSV under the default profile (two decimals, score on the barème)', () => {
    let receipt: Receipt;

    beforeAll(async () => {
      const csv = omrchecker([
        [number(0), '12.345'],
        [number(1), '12.3449999'],
        [number(2), '15.5'],
        [number(3), '14.133333333333333'],
        [number(4), '70.66666666666667'],
      ]);
      await drop(world.ctx, 'A', 'lecteur-optique', 'omr-defaut.csv', csv);
      receipt = await intake(world.ctx, 'A', 'omr-defaut.csv');
    });

    it('stores each score rounded half up on its exact decimal', async () => {
      expect(await Promise.all([0, 1, 2, 3].map(gradeOf))).toEqual([
        '12.35',
        '12.34',
        '15.50',
        '14.13',
      ]);
      const stored = (await gradeTable(world.ctx)).find((g) => g.student_number === n[0]?.student);
      expect(Number(stored?.value)).toBe(12.35);
    });

    it('lists each rounded grade as a notice with what was read and what is stored', () => {
      expect(codes(receipt)).toEqual([
        [2, 'GRADE_ROUNDED'],
        [3, 'GRADE_ROUNDED'],
        [5, 'GRADE_ROUNDED'],
        [6, 'GRADE_OUT_OF_RANGE'],
      ]);
      const notice = receipt.errors[0];
      expect(notice).toMatchObject({ column: 'Note', value: '12.345' });
      expect(notice?.message).toContain('arrondie au plus proche (la moitié vers le haut)');
      expect(notice?.message).toContain('Lu : 12.345 ; enregistré : 12,35.');
      expect(receipt.errors[1]?.message).toContain('Lu : 12.3449999 ; enregistré : 12,34.');
    });

    it('refuses a score over the barème (70.67 on 20) without a notice, importing the rest', async () => {
      expect(receipt.status).toBe('partial');
      expect(receipt.rows).toEqual({ read: 5, imported: 4, rejected: 1 });
      expect(receipt.errors[3]).toMatchObject({ value: '70.66666666666667' });
      expect(receipt.errors[3]?.message).toContain('barème de 0 à 20');
      expect(await gradeOf(4)).toBeUndefined();
      expect(receipt.summary).toContain('3 note(s) arrondie(s), listée(s) en avis.');
    });
  });

  it('refuses a jury file dropped in lecteur-optique/, its decisions never taken for grades', async () => {
    const grades =
      ['N° anonyme;Note', ...[23, 24, 25].map((i) => `${number(i)};15`)].join('\r\n') + '\r\n';
    await drop(world.ctx, 'A', 'notes', 'notes-avant-jury.csv', grades);
    await intake(world.ctx, 'A', 'notes-avant-jury.csv');
    const jury = [
      'N° anonyme;Résultat',
      `${number(23)};ABJ`,
      `${number(24)};DEF`,
      `${number(25)};ADM`,
    ];
    await drop(world.ctx, 'A', 'lecteur-optique', 'jury-egare.csv', jury.join('\r\n') + '\r\n');

    const receipt = await intake(world.ctx, 'A', 'jury-egare.csv');

    expect(receipt.status).toBe('rejected');
    expect(codes(receipt)).toEqual([[null, 'JURY_FILE_IN_OPTICAL']]);
    expect(receipt.errors[0]?.message).toContain(
      'Ce fichier est un fichier de décisions de jury, sans colonne de notes : déposez-le dans le ' +
        'dossier jury/ du CTN, pas dans lecteur-optique/',
    );
    expect(receipt.errors[0]?.message).toContain('(colonne « Résultat » ;');
    expect(await Promise.all([23, 24, 25].map(gradeOf))).toEqual(['15.00', '15.00', '15.00']);
  });

  it('imports a file whose only remarks are notices as imported, not partial', async () => {
    const csv = omrchecker([[number(5), '9.999']]);
    await drop(world.ctx, 'A', 'lecteur-optique', 'omr-avis.csv', csv);

    const receipt = await intake(world.ctx, 'A', 'omr-avis.csv');

    expect(receipt.status).toBe('imported');
    expect(receipt.rows).toEqual({ read: 1, imported: 1, rejected: 0 });
    expect(codes(receipt)).toEqual([[2, 'GRADE_ROUNDED']]);
    expect(await gradeOf(5)).toBe('10.00');
  });

  it('brings a score out of 100 to the barème of 20 when the profile says so', async () => {
    const ctx = withProfiles({ profiles: { omrchecker: { scoreScale: 100 } } });
    const csv = omrchecker([
      [number(6), '70.66666666666667'],
      [number(7), '50'],
    ]);
    await drop(ctx, 'A', 'lecteur-optique', 'omr-sur-100.csv', csv);

    const receipt = await intake(ctx, 'A', 'omr-sur-100.csv');

    expect(receipt.status).toBe('imported');
    expect([await gradeOf(6), await gradeOf(7)]).toEqual(['14.13', '10.00']);
    expect(codes(receipt)).toEqual([[2, 'GRADE_ROUNDED']]);
    expect(receipt.errors[0]?.message).toContain(
      'Lu : 70.66666666666667 sur 100 ; enregistré : 14,13 sur 20.',
    );
    expect(receipt.summary).toContain('Scores lus sur 100 ramenés au barème de l');
  });

  it('refuses scores with more than two decimals from a profile that does not round', async () => {
    const ctx = withProfiles({ profiles: { omrchecker: { rounding: null } } });
    const csv = omrchecker([
      [number(8), '12.345'],
      [number(9), '11.5'],
    ]);
    await drop(ctx, 'A', 'lecteur-optique', 'omr-sans-arrondi.csv', csv);

    const receipt = await intake(ctx, 'A', 'omr-sans-arrondi.csv');

    expect(codes(receipt)).toEqual([[2, 'GRADE_TOO_PRECISE']]);
    expect([await gradeOf(8), await gradeOf(9)]).toEqual([undefined, '11.50']);
  });

  it('refuses 12,345 in an AMC or generic scanner CSV, whose profiles do not round', async () => {
    const amc = ['"Copie";"A:numero";"Nom";"Note"', `"1";"${number(10)}";"?";"12,345"`];
    const scanner = ['N° anonyme;Note', `${number(11)};12,345`];
    await drop(world.ctx, 'A', 'lecteur-optique', 'amc-precis.csv', amc.join('\n') + '\n');
    await drop(world.ctx, 'A', 'lecteur-optique', 'scanner-precis.csv', scanner.join('\r\n'));

    const receipts = [
      await intake(world.ctx, 'A', 'amc-precis.csv'),
      await intake(world.ctx, 'A', 'scanner-precis.csv'),
    ];

    expect(receipts.map(codes)).toEqual([[[2, 'GRADE_TOO_PRECISE']], [[2, 'GRADE_TOO_PRECISE']]]);
    expect([await gradeOf(10), await gradeOf(11)]).toEqual([undefined, undefined]);
  });

  it('rounds an AMC ODS float from its stored value, not from the text it shows', async () => {
    const ctx = withProfiles({ profiles: { amc: { rounding: 2 } } });
    const cell = (v: string): string =>
      `<table:table-cell office:value-type="string"><text:p>${v}</text:p></table:table-cell>`;
    const float = (v: string, shown: string): string =>
      `<table:table-cell office:value-type="float" office:value="${v}"><text:p>${shown}</text:p></table:table-cell>`;
    const row = (cells: string): string => `<table:table-row>${cells}</table:table-row>`;
    const content =
      '<office:document-content><office:body><office:spreadsheet><table:table table:name="Notes">' +
      row(['Copie', 'A:numero', 'Nom', 'Note'].map(cell).join('')) +
      row(cell('1') + cell(number(12)) + cell('?') + float('10.235', '10,2')) +
      '</table:table></office:spreadsheet></office:body></office:document-content>';
    const ods = buildZip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', stored: true },
      { name: 'content.xml', data: content },
    ]);
    await drop(ctx, 'A', 'lecteur-optique', 'amc-arrondi.ods', ods);

    const receipt = await intake(ctx, 'A', 'amc-arrondi.ods');

    expect(receipt.status).toBe('imported');
    expect(await gradeOf(12)).toBe('10.24');
    expect(receipt.errors[0]?.message).toContain('Lu : 10.235 ; enregistré : 10,24.');
  });

  it('never rounds the typed grades of a returned grade-entry workbook, whatever the profile', async () => {
    const ctx = withProfiles({
      profiles: { scanner: { rounding: 2 } },
      folders: { A: 'scanner' },
    });
    const { bytes, numbers } = await fillWorkbook(world.workbooks.mat101, (i) =>
      i === 13 ? 12.345 : null,
    );
    await drop(ctx, 'A', 'lecteur-optique', 'bordereau-MAT101.xlsx', bytes);

    const receipt = await intake(ctx, 'A', 'bordereau-MAT101.xlsx');

    expect(numbers[13]).toBe(number(13));
    expect(receipt.errors.map((e) => e.code)).toContain('GRADE_TOO_PRECISE');
    expect(receipt.errors.map((e) => e.code)).not.toContain('GRADE_ROUNDED');
    expect(await gradeOf(13)).toBeUndefined();
  });

  it('still refuses 12,345 typed in a grade file dropped in notes/, writing nothing', async () => {
    const before = await gradeTable(world.ctx);
    const csv = ['N° anonyme;Note', `${number(14)};12,345`, `${number(15)};12`].join('\r\n');
    await drop(world.ctx, 'A', 'notes', 'notes-precises.csv', Buffer.from(csv, 'latin1'));

    const receipt = await intake(world.ctx, 'A', 'notes-precises.csv');

    expect(receipt.status).toBe('rejected');
    expect(codes(receipt)).toEqual([[2, 'GRADE_TOO_PRECISE']]);
    expect(receipt.errors[0]?.value).toBe('12,345');
    expect(await gradeTable(world.ctx)).toEqual(before);
  });

  describe('CSV as French Excel writes it, stored with the exact grades', () => {
    const scanner = async (name: string, bytes: Buffer): Promise<Receipt> => {
      await drop(world.ctx, 'A', 'lecteur-optique', name, bytes);
      return intake(world.ctx, 'A', name);
    };

    it('Windows-1252, `|` separated, CR-only, with œ and € in a remark', async () => {
      const text = [
        'N\xb0 anonyme|Note|Remarque',
        `${number(16)}|12,5|C\x9cur 5 \x80`,
        `${number(17)}|8|`,
      ].join('\r');

      const receipt = await scanner('cp1252-pipe-cr.csv', Buffer.from(text, 'latin1'));

      expect(receipt.status).toBe('imported');
      expect([await gradeOf(16), await gradeOf(17)]).toEqual(['12.50', '8.00']);
    });

    it('ISO-8859-1, TAB separated, LF, trailing separators and a ragged row', async () => {
      const text = [
        'Num\xe9ro anonyme\tNote\t\t',
        `${number(18)}\t9,75\t`,
        `${number(19)}\tABJ\t\tabsent \xe0 l\x27examen`,
        '',
      ].join('\n');

      const receipt = await scanner('latin1-tab.csv', Buffer.from(text, 'latin1'));

      expect(receipt.status).toBe('imported');
      expect([await gradeOf(18), await gradeOf(19)]).toEqual(['9.75', 'ABJ']);
    });

    it('UTF-8 with a BOM, all quoted, a remark on two lines: errors keep the row Excel shows', async () => {
      const text =
        [
          '"N° anonyme";"Note";"Remarque"',
          `"${number(20)}";"14,25";"copie rendue\r\nen retard"`,
          `"${number(21)}";"12/5";""`,
          `"${number(22)}";"0";""`,
        ].join('\r\n') + '\r\n';
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);

      const receipt = await scanner('utf8-bom-quoted.csv', bytes);

      expect(codes(receipt)).toEqual([[3, 'GRADE_INVALID']]);
      expect(await Promise.all([20, 21, 22].map(gradeOf))).toEqual(['14.25', undefined, '0.00']);
    });
  });
});
