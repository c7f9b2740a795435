// The real Apogée maquette sample dropped in referentiel/ through the real intake on embedded
// PGlite, and a hostile copy of it whose values its own XX-APO_TYP_RES-XX lists do not hold.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/config.js';
import type { Receipt } from '../../src/outputs/receipt.js';
import { createContext, type AppContext } from '../../src/services/context.js';
import { addCtn, addUser } from '../../src/services/setup.js';
import { drop, intake } from '../db/channels-world.js';

const SAMPLE = readFileSync(new URL('../fixtures/apogee-maquette-7W29.txt', import.meta.url));

/** Every code of the sample's four lists, once, sorted: what the receipt names as allowed. */
const ALLOWED =
  'ABAN, ABI, ABJ, ABL, ACP, ACQ, ADAL, ADC, ADJ, ADM, ADMC, ADMI, ADMJ, ADP, ADSL, AJ, AJAC, ' +
  'AJAT, AJCI, AJRE, AJSE, APCV, AQU, ATA, ATB, ATC, ATDJ, ATJ, ATS, ATT, AV, CODJ, COMP, DEF, ' +
  'DEM, DIS, EXC, EZ, NACQ, NAD, NADI, NAQU, NAR, NVAL, PASD, PC, PR, RED, REO, SSZ, SUIV, SZ, ' +
  'UESB, VAL';

/** The sample with values typed into the rows of two students (line 52 and line 53 of the file). */
function filled(first: string[], second: string[]): Buffer {
  const text = SAMPLE.toString('latin1')
    .replace(/^(58310472\tAAA BBB\t 19\/08\/2007)\t\t\t\t\t/m, `$1\t${first.join('\t')}\t`)
    .replace(
      /^(91736205\tAAA BBB\t 31\/03\/2007)\t\t\t\t\t\t\t\t\t/m,
      `$1\t${second.join('\t')}\t`,
    );
  return Buffer.from(text, 'latin1');
}

/** The sample with its student lines replaced by `students` (then those given, kept first). */
function withStudents(students: string[], keepSample: boolean): Buffer {
  const lines = SAMPLE.toString('latin1').split('\r\n');
  const header = lines.indexOf('XX-APO_VALEURS-XX') + 1;
  const kept = keepSample ? lines.slice(header + 1, -1) : [];
  const added = students.map((n) => `${n}\tAAA BBB\t 01/01/2007`);
  return Buffer.from([...lines.slice(0, header + 1), ...kept, ...added, ''].join('\r\n'), 'latin1');
}

async function storedMaquettes(ctx: AppContext): Promise<string[]> {
  const rows = (await ctx.db('apogee_maquette').orderBy('id').select('file_name')) as Array<{
    file_name: string;
  }>;
  return rows.map((r) => r.file_name);
}

async function count(ctx: AppContext, table: string): Promise<number> {
  const [row] = (await ctx.db(table).count({ n: '*' })) as Array<{ n: string | number }>;
  return Number(row?.n ?? 0);
}

describe('an Apogée maquette dropped in referentiel/', () => {
  let home: string;
  let ctx: AppContext;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-maquette-'));
    const config = loadConfig(process.env, {
      home,
      databaseUrl: null,
      redisUrl: null,
      stableMs: 0,
      unfinishedStableMs: 0,
    });
    ctx = await createContext(config, pino({ level: 'silent' }));
    await addUser(ctx, 'admin', 'admin', 'Administrateur', true);
    await addCtn(ctx, 'admin', 'IUT', 'IUT MMI');
  });

  afterAll(async () => {
    await ctx?.db.destroy();
    await rm(home, { recursive: true, force: true });
  });

  describe('with result values its own lists do not hold', () => {
    let receipt: Receipt;
    const tables = ['student', 'teaching_object', 'pedagogic_enrolment', 'apogee_maquette'];
    let before: number[];

    beforeAll(async () => {
      before = await Promise.all(tables.map((t) => count(ctx, t)));
      // Line 52: an absence code Apogée does not know in a Note column, a made-up result.
      // Line 53: a result spelt out, and a known result next to it.
      const hostile = filled(
        ['ABS', '20', '', 'PASSE'],
        ['12,5', '20', '', 'ADM', '', '20', '', 'ADMIS'],
      );
      await drop(ctx, 'IUT', 'referentiel', 'maquette-hostile.txt', hostile);
      receipt = await intake(ctx, 'IUT', 'maquette-hostile.txt');
    });

    it('refuses the file with one error per unknown value, on the line that carries it', () => {
      expect(receipt.status).toBe('rejected');
      expect(
        receipt.errors.map(({ row, column, value, code }) => ({ row, column, value, code })),
      ).toEqual([
        { row: 52, column: 'Note 7WGA4 (apoL_c0001)', value: 'ABS', code: 'RESULT_CODE_UNKNOWN' },
        {
          row: 52,
          column: 'Résultat 7WGA4 (apoL_c0004)',
          value: 'PASSE',
          code: 'RESULT_CODE_UNKNOWN',
        },
        {
          row: 53,
          column: 'Résultat 7WGB4 (apoL_c0008)',
          value: 'ADMIS',
          code: 'RESULT_CODE_UNKNOWN',
        },
      ]);
    });

    it('names, in French, the codes the maquette allows', () => {
      const [note, result] = receipt.errors;

      expect(result?.message).toBe(
        "Code résultat inconnu : remplacez-le par l'un des codes admis, listés entre parenthèses. (« PASSE » ne figure dans aucune liste " +
          `XX-APO_TYP_RES-XX de la maquette ; codes admis\u00a0: ${ALLOWED}.)`,
      );
      expect(note?.message).toContain(`une note (12,5) ou un code parmi\u00a0: ${ALLOWED}.`);
    });

    it('writes nothing of the file', async () => {
      expect(await Promise.all(tables.map((t) => count(ctx, t)))).toEqual(before);
    });
  });

  it('imports the real sample untouched: 25 students, 5 objects, its 54 result codes', async () => {
    await drop(ctx, 'IUT', 'referentiel', 'apogee-maquette-7W29.txt', SAMPLE);

    const receipt = await intake(ctx, 'IUT', 'apogee-maquette-7W29.txt');

    expect(receipt.status).toBe('imported');
    expect(receipt.errors).toEqual([]);
    expect(receipt.rows).toEqual({ read: 25, imported: 25, rejected: 0 });
    expect(receipt.summary).toBe(
      'Maquette Apogée : 25 étudiants, 5 enseignements, 54 codes résultat enregistrés.',
    );
    expect(await ctx.db('student').where({ student_number: '58310472' }).first()).toMatchObject({
      last_name: 'AAA BBB',
      first_name: '',
    });
    expect(await ctx.db('result_code').where({ code: 'ABI' }).first('label')).toEqual({
      label: 'Absence injustifiée',
    });
    const kept = (await ctx.db('apogee_maquette').first('content')) as { content: Buffer };
    expect(Buffer.from(kept.content).equals(SAMPLE)).toBe(true);
  });

  it('imports a maquette whose values its lists hold (grades, absence codes, results)', async () => {
    const legit = filled(
      ['ABJ', '20', '', 'AJ'],
      ['12,5', '20', '1,5', 'ADM', '8', '20', '', 'NAR'],
    );
    await drop(ctx, 'IUT', 'referentiel', 'maquette-remplie.txt', legit);

    const receipt = await intake(ctx, 'IUT', 'maquette-remplie.txt');

    expect(receipt.status).toBe('imported');
    expect(receipt.errors).toEqual([]);
    // The same objects and students: the maquette already stored, not a second one to export.
    expect(receipt.summary).toContain(
      'La maquette « apogee-maquette-7W29.txt », déjà enregistrée, a les mêmes enseignements',
    );
    expect(await storedMaquettes(ctx)).toEqual(['apogee-maquette-7W29.txt']);
  });

  it('stores one maquette per group, and a fuller extraction in place of the one it contains', async () => {
    const group = await dropped(ctx, 'maquette-groupe-2.txt', withStudents(['11110001'], false));
    expect(group.summary).not.toContain('déjà enregistrée');
    expect(await storedMaquettes(ctx)).toEqual([
      'apogee-maquette-7W29.txt',
      'maquette-groupe-2.txt',
    ]);

    const fuller = withStudents(['11110002'], true);
    const receipt = await dropped(ctx, 'maquette-7W29-a-jour.txt', fuller);

    expect(receipt.summary).toContain(
      'Elle remplace la maquette « apogee-maquette-7W29.txt » (mêmes enseignements',
    );
    expect(await storedMaquettes(ctx)).toEqual([
      'maquette-7W29-a-jour.txt',
      'maquette-groupe-2.txt',
    ]);
    const kept = (await ctx.db('apogee_maquette').orderBy('id').first('content')) as {
      content: Buffer;
    };
    expect(Buffer.from(kept.content).equals(fuller)).toBe(true);
  });
});

async function dropped(ctx: AppContext, name: string, bytes: Buffer): Promise<Receipt> {
  await drop(ctx, 'IUT', 'referentiel', name, bytes);
  return intake(ctx, 'IUT', name);
}
