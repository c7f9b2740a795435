// The grade, optical-reader and jury channels through the real intake (PGlite, and Postgres when set): what a
// department, a scanner or a jury drops, what the receipt says, and what lands in the grade table.
import { randomBytes } from 'node:crypto';
import { access, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDigit } from '../../src/domain/numbering.js';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import {
  buildWorld,
  drop,
  fillWorkbook,
  gradeTable as gradeTableOf,
  gradesOf as gradesOfAssessment,
  intake,
  receiptOf,
  type GradeRow,
  type Numbered,
  type Typed,
  type World,
} from './channels-world.js';
import { createTestDatabase, DATABASE_TARGETS, type TestDatabase } from '../support/postgres.js';

let world: World;

describe.each(DATABASE_TARGETS)(
  'grade and jury channels through the real intake on $name',
  (target) => {
    let database: TestDatabase | null = null;

    beforeAll(async () => {
      database = target.postgres ? await createTestDatabase('channels') : null;
      world = await buildWorld(database?.url ?? null);
    });

    afterAll(async () => {
      await world?.ctx.db.destroy();
      if (world) {
        await rm(world.home, { recursive: true, force: true });
      }
      await database?.drop();
    });

    const gradeTable = (): Promise<GradeRow[]> => gradeTableOf(world.ctx);
    const gradesOf = (assessmentId: number): Promise<Map<string, string>> =>
      gradesOfAssessment(world.ctx, assessmentId);

    /** A CSV as French Excel saves it: `;`, CRLF. */
    function csv(lines: string[]): Buffer {
      return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
    }

    /** Row number → error code, as the receipt lists them. */
    function errorsByRow(receipt: Receipt): Record<number, string> {
      return Object.fromEntries(receipt.errors.map((e) => [e.row ?? 0, e.code]));
    }

    /** The student holding a number (to read the grade table, which is keyed by student). */
    function holder(list: Numbered[], number: string): string {
      return list.find((n) => n.number === number)?.student ?? '';
    }

    describe('grade files dropped in notes/ for an assessment under validated anonymity', () => {
      // What a teacher types, row by row, and what must be stored: text with a decimal comma,
      // numbers, an absence code, a blank (stored as nothing, never 0) and a real zero.
      const pattern: Array<[Typed, string | null]> = [
        ['12,5', '12.50'],
        [14, '14.00'],
        [8.75, '8.75'],
        ['ABI', 'ABI'],
        [null, null],
        [0, '0.00'],
      ];
      let filled: Buffer;

      it('imports a filled grade-entry workbook exactly as typed, leaving blank cells absent', async () => {
        const book = await fillWorkbook(
          world.workbooks.mat101,
          (i) => pattern[i % pattern.length]?.[0] ?? null,
        );
        filled = book.bytes;
        await drop(world.ctx, 'A', 'notes', 'notes-saisies-MAT101.xlsx', filled);

        const receipt = await intake(world.ctx, 'A', 'notes-saisies-MAT101.xlsx');

        const expected = new Map<string, string>();
        book.numbers.forEach((number, i) => {
          const value = pattern[i % pattern.length]?.[1] ?? null;
          if (value !== null) {
            expected.set(holder(world.numbers.mat101, number), value);
          }
        });
        expect(book.numbers).toHaveLength(30);
        expect(receipt.status).toBe('imported');
        expect(receipt.rows.imported).toBe(25);
        expect(await gradesOf(world.assessments.mat101)).toEqual(expected);
        const blanks = book.numbers
          .filter((_, i) => i % pattern.length === 4)
          .map((n) => holder(world.numbers.mat101, n));
        const rows = (await gradeTable()).filter(
          (r) => r.assessment_id === world.assessments.mat101 && blanks.includes(r.student_number),
        );
        expect(rows).toEqual([]);
      });

      it('recognises the same bytes dropped again under another name and imports nothing twice', async () => {
        const before = await gradeTable();
        await drop(world.ctx, 'A', 'notes', 'copie de notes-saisies-MAT101.xlsx', filled);

        const receipt = await intake(world.ctx, 'A', 'copie de notes-saisies-MAT101.xlsx');

        expect(receipt.status).toBe('duplicate');
        expect(await gradeTable()).toEqual(before);
      });

      it('refuses a file keyed by student number while anonymity is validated, writing nothing', async () => {
        const before = await gradeTable();
        const lines = [
          'COD_ETU;COD_ELP;Note',
          ...world.studentsA.slice(0, 6).map((s, i) => `${s};MAT101;${10 + i},5`),
        ];
        expect(world.studentsA.slice(0, 6).some((s) => s.startsWith('0'))).toBe(true);
        await drop(world.ctx, 'A', 'notes', 'notes-par-etudiant-MAT101.csv', csv(lines));

        const receipt = await intake(world.ctx, 'A', 'notes-par-etudiant-MAT101.csv');

        expect(receipt.status).toBe('rejected');
        expect(new Set(receipt.errors.map((e) => e.code))).toEqual(
          new Set(['IDENTITY_UNDER_ANONYMITY']),
        );
        expect(receipt.rows.imported).toBe(0);
        expect(await gradeTable()).toEqual(before);
      });

      it('refuses a number of another CTN', async () => {
        const before = await gradeTable();
        await drop(
          world.ctx,
          'A',
          'notes',
          'notes-autre-ctn.csv',
          csv(['N° anonyme;Note', `${world.numbers.bio101[0]?.number};12`]),
        );

        const receipt = await intake(world.ctx, 'A', 'notes-autre-ctn.csv');

        expect(receipt.status).toBe('rejected');
        expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([[2, 'NUMBER_OTHER_CTN']]);
        expect(await gradeTable()).toEqual(before);
      });

      it('refuses a grade-entry workbook whose hidden fingerprint was edited, writing nothing', async () => {
        const before = await gradeTable();
        const book = await fillWorkbook(
          world.workbooks.mat101,
          () => 15,
          (hidden) => {
            hidden.eachRow((row) => {
              if (row.getCell(1).value === 'assessmentId') {
                row.getCell(2).value = String(world.assessments.mat102);
              }
            });
          },
        );
        await drop(world.ctx, 'A', 'notes', 'notes-saisies-MAT101-v2.xlsx', book.bytes);

        const receipt = await intake(world.ctx, 'A', 'notes-saisies-MAT101-v2.xlsx');

        expect(receipt.status).toBe('rejected');
        expect(receipt.errors.map((e) => e.code)).toEqual(['WORKBOOK_TAMPERED']);
        expect(await gradeTable()).toEqual(before);
      });
    });

    describe('a grade CSV with bad rows: whole-file in notes/, partial in lecteur-optique/', () => {
      let n: Numbered[];
      let typo: string;
      let bytes: Buffer;

      beforeAll(() => {
        n = world.numbers.mat102;
        // One digit changed in a real number: the Damm check character catches it.
        const real = n[3]?.number ?? '';
        typo = `${real[0] === '9' ? '8' : '9'}${real.slice(1)}`;
        const unknown = `99999${checkDigit('damm', '99999')}`;
        bytes = csv([
          'N° anonyme;Note',
          `${n[0]?.number};14`,
          `${n[1]?.number};9,75`,
          `${n[2]?.number};ABJ`,
          `${unknown};11`,
          `${typo};10`,
          `${n[4]?.number};21`,
          `${n[5]?.number};12.555`,
          `${n[6]?.number};10`,
          `${n[6]?.number};11`,
        ]);
      });

      const expectedErrors = {
        5: 'NUMBER_UNKNOWN',
        6: 'NUMBER_CHECK_FAILED',
        7: 'GRADE_OUT_OF_RANGE',
        8: 'GRADE_TOO_PRECISE',
        9: 'NUMBER_DUPLICATED',
        10: 'NUMBER_DUPLICATED',
      };

      it('rejects the whole file in notes/ and writes nothing', async () => {
        const before = await gradeTable();
        await drop(world.ctx, 'A', 'notes', 'notes-MAT102.csv', bytes);

        const receipt = await intake(world.ctx, 'A', 'notes-MAT102.csv');

        expect(receipt.status).toBe('rejected');
        expect(errorsByRow(receipt)).toEqual(expectedErrors);
        // Listed in row order, as the person reads the file (rows 9-10 were found before 7-8).
        expect(receipt.errors.map((e) => e.row)).toEqual([5, 6, 7, 8, 9, 10]);
        expect(receipt.rows.imported).toBe(0);
        expect(await gradeTable()).toEqual(before);
      });

      it('imports the valid rows in lecteur-optique/ and lists each bad row with its number', async () => {
        await drop(world.ctx, 'A', 'lecteur-optique', 'lecture-MAT102.csv', bytes);

        const receipt = await intake(world.ctx, 'A', 'lecture-MAT102.csv');

        expect(receipt.status).toBe('partial');
        expect(receipt.rows).toEqual({ read: 9, imported: 3, rejected: 6 });
        expect(errorsByRow(receipt)).toEqual(expectedErrors);
        const misread = receipt.errors.find((e) => e.code === 'NUMBER_CHECK_FAILED');
        expect(misread?.value).toBe(typo);
        expect(misread?.message).toContain(n[3]?.number);
        expect(await gradesOf(world.assessments.mat102)).toEqual(
          new Map([
            [n[0]?.student, '14.00'],
            [n[1]?.student, '9.75'],
            [n[2]?.student, 'ABJ'],
          ]),
        );
      });

      it('imports an AMC export (all fields quoted, decimal comma) with the values read', async () => {
        const amc = n.slice(10, 16);
        const notes = ['13,5', '7', '18,25', '0', '20', '10,5'];
        const quote = (s: string): string => `"${s}"`;
        const lines = [
          ['Copie', 'A:numero', 'Nom', 'Note'].map(quote).join(';'),
          ...amc.map((a, i) => [String(i + 1), a.number, '?', notes[i] ?? ''].map(quote).join(';')),
        ];
        await drop(
          world.ctx,
          'A',
          'lecteur-optique',
          'amc-export-MAT102.csv',
          Buffer.from(lines.join('\n') + '\n', 'utf8'),
        );

        const receipt = await intake(world.ctx, 'A', 'amc-export-MAT102.csv');

        expect(receipt.status).toBe('imported');
        expect(receipt.rows.imported).toBe(6);
        const grades = await gradesOf(world.assessments.mat102);
        expect(amc.map((a) => grades.get(a.student))).toEqual([
          '13.50',
          '7.00',
          '18.25',
          '0.00',
          '20.00',
          '10.50',
        ]);
        expect(grades.size).toBe(9);
      });

      it('lists, on the receipt of an optical re-read, the grade it changes', async () => {
        const amc = n.slice(10, 12);
        const quote = (s: string): string => `"${s}"`;
        const lines = [
          ['Copie', 'A:numero', 'Nom', 'Note'].map(quote).join(';'),
          [String(1), amc[0]?.number ?? '', '?', '14'].map(quote).join(';'),
          [String(2), amc[1]?.number ?? '', '?', '7'].map(quote).join(';'),
        ];
        await drop(
          world.ctx,
          'A',
          'lecteur-optique',
          'amc-relecture-MAT102.csv',
          Buffer.from(lines.join('\n') + '\n', 'utf8'),
        );

        const receipt = await intake(world.ctx, 'A', 'amc-relecture-MAT102.csv');

        expect(receipt.status).toBe('imported');
        expect(receipt.errors.map((e) => [e.row, e.code, e.value])).toEqual([
          [2, 'GRADE_REPLACED', amc[0]?.number],
        ]);
        expect(receipt.errors[0]?.message).toContain('Avant : 13,50 ; maintenant : 14,00.');
        expect(receipt.summary).toContain('1 note(s) déjà enregistrée(s) remplacée(s)');
        expect((await gradesOf(world.assessments.mat102)).get(amc[0]?.student ?? '')).toBe('14.00');
      });
    });

    describe('jury decisions dropped in jury/', () => {
      const resultsOf = async (list: Numbered[]): Promise<Array<string | null>> => {
        const rows = await gradeTable();
        return list.map(
          (a) =>
            rows.find(
              (r) => r.student_number === a.student && r.assessment_id === world.assessments.mat102,
            )?.result ?? null,
        );
      };

      it('rejects a file with an unknown result code, writing nothing', async () => {
        const n = world.numbers.mat102;
        const before = await gradeTable();
        await drop(
          world.ctx,
          'A',
          'jury',
          'jury-MAT102.csv',
          csv([
            'N° anonyme;Résultat',
            `${n[10]?.number};ADM`,
            `${n[11]?.number};XYZ`,
            `${n[12]?.number};`,
          ]),
        );

        const receipt = await intake(world.ctx, 'A', 'jury-MAT102.csv');

        expect(receipt.status).toBe('rejected');
        expect(receipt.errors.map((e) => [e.row, e.code, e.value])).toEqual([
          [3, 'RESULT_CODE_UNKNOWN', 'XYZ'],
          [4, 'RESULT_CODE_BLANK', ''],
        ]);
        expect(receipt.errors[1]?.message).toContain('Décision de jury absente : la case est vide');
        expect(await gradeTable()).toEqual(before);
      });

      it('shows a code written with a right-to-left override as the cell holds it, not as it displays', async () => {
        const n = world.numbers.mat102;
        const before = await gradeTable();
        await drop(
          world.ctx,
          'A',
          'jury',
          'jury-MAT102-rtl.csv',
          csv(['N° anonyme;Résultat', `${n[13]?.number};\u202eMDA`]),
        );

        const receipt = await intake(world.ctx, 'A', 'jury-MAT102-rtl.csv');

        expect(receipt.status).toBe('rejected');
        expect(receipt.errors.map((e) => [e.row, e.code, e.value])).toEqual([
          [2, 'RESULT_CODE_UNKNOWN', '?MDA'],
        ]);
        expect(await gradeTable()).toEqual(before);
      });

      it('stores the results of a file with known codes only, grades untouched', async () => {
        const n = world.numbers.mat102.slice(10, 13);
        const grades = await gradesOf(world.assessments.mat102);
        await drop(
          world.ctx,
          'A',
          'jury',
          'jury-MAT102-corrige.csv',
          csv([
            'N° anonyme;Résultat',
            ...n.map((a, i) => `${a.number};${['ADM', 'AJ', 'adm'][i]}`),
          ]),
        );

        const receipt = await intake(world.ctx, 'A', 'jury-MAT102-corrige.csv');

        expect(receipt.status).toBe('imported');
        expect(await resultsOf(n)).toEqual(['ADM', 'AJ', 'ADM']);
        expect(await gradesOf(world.assessments.mat102)).toEqual(grades);
      });
    });

    describe('hostile files and states that forbid an import', () => {
      const exists = (file: string): Promise<boolean> =>
        access(file).then(
          () => true,
          () => false,
        );

      it('rejects an empty file, a random binary and a truncated workbook, each with its own code, and moves them to error/', async () => {
        const noise = randomBytes(4096);
        noise[0] = 0x13;
        noise[7] = 0;
        const workbook = await readFile(world.workbooks.mat102);
        const files: Array<[string, Buffer, string]> = [
          ['vide.csv', Buffer.alloc(0), 'FILE_EMPTY'],
          ['scan.xlsx', noise, 'FILE_FORMAT_UNKNOWN'],
          [
            'notes-tronquees.xlsx',
            workbook.subarray(0, Math.floor(workbook.length * 0.6)),
            'FILE_CORRUPT',
          ],
        ];
        for (const [name, bytes] of files) {
          await drop(world.ctx, 'A', 'notes', name, bytes);
        }

        await runOnce(world.ctx, new InProcessQueue(world.ctx));

        const errorDir = path.join(world.ctx.config.errorDir, 'A', 'notes');
        for (const [name, , code] of files) {
          const receipt = await receiptOf(world.ctx, 'A', name);
          expect([name, receipt.status, receipt.errors.map((e) => e.code)]).toEqual([
            name,
            'rejected',
            [code],
          ]);
          expect(await exists(path.join(world.ctx.config.inbox, 'A', 'notes', name))).toBe(false);
          expect((await readdir(errorDir)).filter((f) => f.endsWith(`-${name}`))).toHaveLength(1);
        }
      });

      it('refuses grades keyed by anonymous number while the numbers are only posed (P)', async () => {
        const before = await gradeTable();
        const n = world.numbers.admi102;
        await drop(
          world.ctx,
          'A',
          'notes',
          'notes-admissibilite-MAT102.csv',
          csv(['N° anonyme;Note', `${n[0]?.number};12`, `${n[1]?.number};8`]),
        );

        const receipt = await intake(world.ctx, 'A', 'notes-admissibilite-MAT102.csv');

        expect(receipt.status).toBe('rejected');
        expect(new Set(receipt.errors.map((e) => e.code))).toEqual(
          new Set(['STATE_FORBIDS_IMPORT']),
        );
        expect(await gradeTable()).toEqual(before);
      });
    });
  },
);
