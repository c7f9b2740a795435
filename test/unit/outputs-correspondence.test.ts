import { describe, expect, it } from 'vitest';

import { buildCorrespondenceList } from '../../src/outputs/correspondence.js';
import type { CorrespondenceRow } from '../../src/outputs/types.js';
import {
  ASSESSMENT,
  FORMULA_TEXTS,
  TEMPLATE,
  formulaLike,
  load,
  noFormulaCells,
  sheet,
  text,
  values,
} from './outputs-helpers.js';

const META = { generatedBy: 'Claire Gestionnaire', generatedAt: '2027-01-12T09:30:00Z' };

const ROWS: CorrespondenceRow[] = [
  {
    number: '00042',
    studentNumber: '00123456',
    lastName: 'Martin',
    firstName: 'Zoé',
    birthDate: '2005-03-09',
  },
  {
    number: '00007',
    studentNumber: '21000001',
    lastName: 'Écrivain',
    firstName: 'Anne',
    birthDate: null,
  },
  {
    number: '00100',
    studentNumber: '21000002',
    lastName: 'dupont',
    firstName: 'Luc',
    birthDate: '2004-12-31',
  },
  {
    number: '00101',
    studentNumber: '21000003',
    lastName: 'Martin',
    firstName: 'Alice',
    birthDate: '2005-01-01',
  },
];

async function list(rows = ROWS, a: typeof ASSESSMENT | null = ASSESSMENT) {
  const wb = await load(await buildCorrespondenceList(TEMPLATE, a, rows, META));
  return { wb, ws: sheet(wb, 'Correspondance') };
}

describe('correspondence list', () => {
  it('says it is confidential, on the sheet and on every printed page', async () => {
    const { ws } = await list();

    expect(ws.getCell('A1').value).toBe('Liste de correspondance — CONFIDENTIEL');
    expect(ws.headerFooter.oddHeader).toContain('CONFIDENTIEL');
  });

  it('says who produced it and when, in French time', async () => {
    const { ws } = await list();
    const header = values(ws).slice(1, 5).flat().map(text).join('\n');

    expect(header).toContain('Éditée par Claire Gestionnaire le 12/01/2027 à 10:30');
    expect(header).toContain('Maquette JAN-L1');
    expect(header).toContain('Épreuve UE101 — Analyse 1');
  });

  it('covers the whole template when no assessment is given', async () => {
    const { ws } = await list(ROWS, null);

    expect(values(ws).flat()).toContain('Toutes les épreuves de la maquette');
  });

  it('lists people by name, accents and case ignored, with numbers kept as text', async () => {
    const { ws } = await list();
    const table = values(ws).slice(-5);

    expect(table).toEqual([
      ['Nom', 'Prénom', 'N° étudiant', 'Date de naissance', 'N° anonyme'],
      ['dupont', 'Luc', '21000002', '31/12/2004', '00100'],
      ['Écrivain', 'Anne', '21000001', '00007'],
      ['Martin', 'Alice', '21000003', '01/01/2005', '00101'],
      ['Martin', 'Zoé', '00123456', '09/03/2005', '00042'],
    ]);
  });

  it('neutralises names that look like formulas', async () => {
    const rows = FORMULA_TEXTS.map((text, i) => ({
      ...ROWS[0]!,
      number: `0${i}`,
      lastName: text,
      firstName: text,
    }));
    const { wb } = await list(rows);

    expect(formulaLike(wb)).toEqual([]);
    expect(noFormulaCells(wb)).toBe(true);
  });

  it('names the service, never the person who produced it, as author', async () => {
    const { wb } = await list();

    expect(wb.creator).toBe('anonymat');
    expect(wb.lastModifiedBy).toBe('anonymat');
  });
});
