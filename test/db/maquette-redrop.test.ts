// The Apogée maquette dropped again in referentiel/ after the lift (the office's copy, or the file
// export-apogee wrote): its names are placeholders (« AAA BBB » for every student), and it must
// neither rename the students the referential named, whose grades the named PV shows, nor be stored
// a second time, which made the export write the same grades into two files.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { exportApogee } from '../../src/services/apogee-export.js';
import type { AppContext } from '../../src/services/context.js';
import { DATABASE_TARGETS } from '../support/postgres.js';
import { drop, intake } from './channels-world.js';
import { closeIutSite, IUT_MANAGER, openIutSite, type IutSite } from './iut-site.js';
import { anonymiseIut, IUT_YEAR } from './iut-world.js';

const YEAR = IUT_YEAR;

/** Three students of the sample as the referential names them (birth dates as in the sample). */
const NAMED = [
  ['58310472', 'MARTIN', 'Léa', '19/08/2007'],
  ['91736205', 'DURAND', 'Paul', '31/03/2007'],
  ['24681953', 'PETIT', 'Inès', ''],
] as const;

describe.each(DATABASE_TARGETS)('the Apogée maquette dropped again, on $name', (target) => {
  let world: IutSite | undefined;
  let ctx: AppContext;

  async function dropped(channel: string, name: string, bytes: string | Buffer) {
    await drop(ctx, 'IUT', channel, name, bytes);
    return intake(ctx, 'IUT', name);
  }

  async function identities(): Promise<string[]> {
    const rows = (await ctx
      .db('student')
      .whereIn(
        'student_number',
        NAMED.map((n) => n[0]),
      )
      .orderBy('student_number')
      .select(
        'last_name',
        'first_name',
        ctx.db.raw(`coalesce(to_char(birth_date, 'DD/MM/YYYY'), '') as birth`),
      )) as Array<{ last_name: string; first_name: string; birth: string }>;
    return rows.map((r) => `${r.last_name} ${r.first_name} ${r.birth}`);
  }

  beforeAll(async () => {
    const referential = [
      'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP',
      ...NAMED.map((n) => [...n, '7W29', '4', YEAR, '7WGB4'].join(';')),
    ];
    world = await openIutSite(
      target,
      'maquette_redrop',
      { 'etudiants.csv': `${referential.join('\r\n')}\r\n` },
      { sampleLast: true },
    );
    ctx = world.ctx;
    await anonymiseIut(ctx, { '7WGB4': 20 }, { '7WGB4': 'L' });
    const grades = ['COD_ETU;COD_ELP;COD_SES;Note', ...NAMED.map((n) => `${n[0]};7WGB4;1;14`)];
    expect((await dropped('notes', 'notes.csv', `${grades.join('\r\n')}\r\n`)).status).toBe(
      'imported',
    );
  });

  afterAll(async () => {
    await closeIutSite(world);
  });

  it('keeps the names the referential gave, fills a birth date it left blank', async () => {
    expect(await identities()).toEqual([
      'PETIT Inès 06/11/2007',
      'MARTIN Léa 19/08/2007',
      'DURAND Paul 31/03/2007',
    ]);
  });

  it('keeps names and exports one maquette when the exported one comes back', async () => {
    const [first] = (await exportApogee(ctx, IUT_MANAGER, 'IUT', YEAR)).maquettes;
    const exported = await readFile(first?.path ?? '');
    expect(exported.toString('latin1')).toMatch(/^58310472\tAAA BBB\t 19\/08\/2007\t\t\t\t\t14\t/m);

    const receipt = await dropped('referentiel', 'maquette-retour.txt', exported);

    expect(receipt.status).toBe('imported');
    expect(receipt.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [52, 'apoL_a02_nom', 'STUDENT_IDENTITY_KEPT'],
      [53, 'apoL_a02_nom', 'STUDENT_IDENTITY_KEPT'],
      [54, 'apoL_a02_nom', 'STUDENT_IDENTITY_KEPT'],
    ]);
    expect(receipt.errors[0]?.message).toContain('une maquette ne corrige pas les identités');
    expect(receipt.errors[0]?.message).toContain('(diffère : nom)');
    expect(receipt.summary).toContain(
      '3 étudiants déjà enregistrés ont une autre identité dans la maquette',
    );
    expect(receipt.summary).toContain('« apogee-maquette-7W29.txt », déjà enregistrée');
    expect(receipt.summary).not.toContain('corrigée');
    expect(await identities()).toEqual([
      'PETIT Inès 06/11/2007',
      'MARTIN Léa 19/08/2007',
      'DURAND Paul 31/03/2007',
    ]);

    const again = await exportApogee(ctx, IUT_MANAGER, 'IUT', YEAR);
    expect(again.maquettes.map((w) => path.basename(w.path))).toEqual([
      'apogee-maquette-7W29-notes.txt',
    ]);
  });
});
