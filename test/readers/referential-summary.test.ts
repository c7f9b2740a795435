// The outcome line of a student list dropped in referentiel/, through the real intake on embedded
// PGlite: what the person reads in the receipt must match what the file holds.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/config.js';
import { createContext, type AppContext } from '../../src/services/context.js';
import { addCtn, addUser } from '../../src/services/setup.js';
import { drop, intake } from '../db/channels-world.js';

const HEADER =
  'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP;LIB_ELP';

/** One line per (student, teaching element), every student in the étape SL1ECO. */
function studentList(students: string[], elements: string[]): string {
  const lines = students.flatMap((s, i) =>
    elements.map((e) => `${s};NOM${i};Prénom;01/01/2004;SL1ECO;1;2026;${e};Libellé ${e}`),
  );
  return [HEADER, ...lines].join('\r\n') + '\r\n';
}

describe('a student list dropped in referentiel/', () => {
  let home: string;
  let ctx: AppContext;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-referential-'));
    const config = loadConfig(process.env, {
      home,
      databaseUrl: null,
      redisUrl: null,
      stableMs: 0,
      unfinishedStableMs: 0,
    });
    ctx = await createContext(config, pino({ level: 'silent' }));
    await addUser(ctx, 'admin', 'admin', 'Administrateur', true);
    await addCtn(ctx, 'admin', 'ECO', 'Économie');
  });

  afterAll(async () => {
    await ctx?.db.destroy();
    await rm(home, { recursive: true, force: true });
  });

  it('counts one student with two teaching elements in the singular, the étape apart', async () => {
    await drop(
      ctx,
      'ECO',
      'referentiel',
      'un.csv',
      studentList(['00000001'], ['ECO101', 'ECO102']),
    );

    const receipt = await intake(ctx, 'ECO', 'un.csv');

    expect([receipt.status, receipt.summary]).toEqual([
      'imported',
      '1 étudiant, 1 étape, 2 enseignements, 1 inscription administrative et ' +
        '2 inscriptions pédagogiques importés.',
    ]);
  });

  it('counts each student, element and enrolment once however many lines repeat them', async () => {
    const students = ['00000011', '00000012', '00000013'];
    await drop(ctx, 'ECO', 'referentiel', 'trois.csv', studentList(students, ['ECO201', 'ECO202']));

    const receipt = await intake(ctx, 'ECO', 'trois.csv');

    expect([receipt.status, receipt.summary]).toEqual([
      'imported',
      '3 étudiants, 1 étape, 2 enseignements, 3 inscriptions administratives et ' +
        '6 inscriptions pédagogiques importés.',
    ]);
  });
});
