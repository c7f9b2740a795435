// The cycle from the command line, as a manager would type it: French answers, exit code 2 for
// every refusal, and the states moving I → P → V → L.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkbook } from '../../src/readers/index.js';

const run = promisify(execFile);
const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;

interface Answer {
  code: number;
  out: string;
  err: string;
}

async function anonymat(home: string, ...args: string[]): Promise<Answer> {
  try {
    const { stdout, stderr } = await run(tsx, [main, ...args], {
      env: {
        ...process.env,
        ANONYMAT_HOME: home,
        DATABASE_URL: '',
        REDIS_URL: '',
        ANONYMAT_STABLE_MS: '0',
        ANONYMAT_UNFINISHED_STABLE_MS: '0',
      },
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (error: unknown) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

const REFERENTIAL = [
  'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP;LIB_ELP',
  ...Array.from(
    { length: 12 },
    (_, i) =>
      `${String(i + 1).padStart(8, '0')};NOM${i};Prénom;01/01/2004;VX;1;2026;ECO101;Économie`,
  ),
].join('\r\n');

describe('the anonymity cycle from the command line', () => {
  let home: string;
  const as = (login: string): string[] => ['--ctn', 'ECO', '--as', login];

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-cli-'));
    for (const args of [
      ['user', 'add', 'admin', 'Admin', '--as', 'admin'],
      ['ctn', 'add', 'ECO', 'Économie', '--as', 'admin'],
      ['user', 'add', 'gest', 'Gestionnaire', '--as', 'admin'],
      ['grant', 'gest', 'ECO', 'manager', '--as', 'admin'],
      ['user', 'add', 'scol', 'Scolarité', '--as', 'admin'],
      ['grant', 'scol', 'ECO', 'grade_office', '--as', 'admin'],
      ['inbox', 'ECO'],
    ]) {
      expect((await anonymat(home, ...args)).code).toBe(0);
    }
    await writeFile(path.join(home, 'inbox', 'ECO', 'referentiel', 'etudiants.csv'), REFERENTIAL);
    expect((await anonymat(home, 'run', '--once')).out).toContain(
      '1 fichier(s) traité(s) : 1 importé(s).',
    );
    // The pass says how many files were refused, not only how many were seen.
    await writeFile(path.join(home, 'inbox', 'ECO', 'referentiel', 'vide.csv'), '');
    expect((await anonymat(home, 'run', '--once')).out).toContain(
      '1 fichier(s) traité(s) : 1 refusé(s).',
    );
  }, 180_000);

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('defines, poses, validates, takes a grade, lifts, and refuses what the table forbids', async () => {
    expect(
      (await anonymat(home, 'period', 'add', '--code', 'JANV', '--label', 'Janvier', ...as('scol')))
        .code,
    ).toBe(0);
    expect(
      (
        await anonymat(
          home,
          'modality',
          'add',
          '--period',
          'JANV',
          '--object',
          'ECO101',
          ...as('scol'),
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await anonymat(
          home,
          'rule',
          'add',
          '--code',
          'R',
          '--kind',
          'sequential',
          '--width',
          '4',
          '--check',
          'damm',
          ...as('scol'),
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await anonymat(
          home,
          'template',
          'add',
          '--code',
          'T',
          '--label',
          'Janvier',
          '--period',
          'JANV',
          '--rule',
          'R',
          '--assessments',
          'ECO101',
          ...as('scol'),
        )
      ).code,
    ).toBe(0);

    const refused = await anonymat(home, 'pose', 'T', ...as('scol'));
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('[NOT_MANAGER]');

    expect((await anonymat(home, 'pose', 'T', ...as('gest'))).out).toContain(
      '12 numéro(s) attribué(s)',
    );
    expect((await anonymat(home, 'workbooks', 'T', ...as('gest'))).code).toBe(2);
    expect((await anonymat(home, 'validate', 'T', ...as('gest'))).out).toContain('(V)');

    const written = await anonymat(home, 'workbooks', 'T', ...as('scol'));
    expect(written.out).toContain('12 numéro(s)');
    const book = await readWorkbook(await readFile(written.out.trim().split(' : ')[1] ?? ''));
    const sheet = book.sheets.find((s) => s.state === 'visible');
    const first = sheet?.rows.find((r) =>
      /^\d{5}$/.test(r.cells[0]?.kind === 'text' ? r.cells[0].raw : ''),
    );
    const number = first?.cells[0]?.kind === 'text' ? first.cells[0].raw : '';

    expect((await anonymat(home, 'grade', number, '12,5', ...as('scol'))).out).toContain(
      'Note enregistrée',
    );
    // Another grade for the same number is refused, showing the one recorded, unless --replace.
    const again = await anonymat(home, 'grade', number, '14', ...as('scol'));
    expect([again.code, again.err.includes('[GRADE_ALREADY_ENTERED]')]).toEqual([2, true]);
    expect(again.err).toContain('(note enregistrée : 12,50)');
    expect((await anonymat(home, 'grade', number, '14', '--replace', ...as('scol'))).out).toContain(
      ': 14,00, en remplacement de 12,50.',
    );
    const outOfRange = await anonymat(home, 'grade', number, '21', ...as('scol'));
    expect([outOfRange.code, outOfRange.err.includes('[GRADE_OUT_OF_RANGE]')]).toEqual([2, true]);
    expect(outOfRange.err).toContain(
      "Note hors barème : saisissez une note entre 0 et le barème, ou un code d'absence (ABI, ABJ…). Lu : 21 ; barème de 0 à 20.",
    );

    expect((await anonymat(home, 'pv', 'T', ...as('gest'))).out).toContain('PV anonyme');
    expect((await anonymat(home, 'lift', 'T', ...as('gest'))).out).toContain('(L)');
    expect((await anonymat(home, 'lift', 'T', ...as('gest'))).err).toContain('[STATE_FINAL]');
    expect((await anonymat(home, 'pv', 'T', ...as('gest'))).out).toContain('PV nominatif');
    // What the CTN has defined, and where each assessment stands, without opening a spreadsheet.
    expect((await anonymat(home, 'template', 'list', ...as('scol'))).out.split('\n')).toEqual([
      'T — Janvier · 2026/2027 · période Janvier · un numéro par étudiant pour toute la maquette',
      '  ECO101 — Économie · Session 1 · Admission — état : levé',
      '',
    ]);
    const unknownTemplate = await anonymat(home, 'progress', 'T2', ...as('gest'));
    expect([unknownTemplate.code, unknownTemplate.err]).toEqual([
      2,
      expect.stringContaining('[TEMPLATE_UNKNOWN]'),
    ]);
    expect(unknownTemplate.err).toContain('anonymat template list --ctn <CTN>');
    // No Apogée maquette was dropped for ECO: the export is refused (exit 2), saying why and what to do.
    const exported = await anonymat(home, 'export-apogee', ...as('gest'));
    expect([exported.code, exported.out.trim()]).toEqual([2, '']);
    expect(exported.err).toContain('[MAQUETTE_NONE]');
    expect(exported.err).toContain(
      "Déposez l'extraction de la maquette Apogée dans inbox/<CTN>/referentiel/ puis relancez la commande. (CTN ECO, année 2026/2027)",
    );
    expect((await anonymat(home, 'audit', 'verify')).out).toMatch(
      /Journal d'audit intègre : \d+ entrée/,
    );
    expect(await readdir(path.join(home, 'outbox', 'ECO', 'deliberation'))).toEqual([
      'pv-anonyme-T-2026.xlsx',
      'pv-nominatif-T-2026.xlsx',
    ]);
  }, 240_000);

  it('answers usage mistakes in French with exit code 2', async () => {
    const missing = await anonymat(home, 'validate', 'T', '--as', 'gest');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('Option obligatoire manquante : --ctn <code>.');
    const unknownCtn = await anonymat(home, 'validate', 'T', '--ctn', 'NOPE', '--as', 'gest');
    expect(unknownCtn.err).toContain('[CTN_UNKNOWN]');
  }, 60_000);
});
