// What a receipt says when the identity guard withholds the annotated copy: a grade file keyed by
// anonymous number holds no identity by design, so the person is told where one was typed and to
// remove it; a referential, or a file keyed by student number, holds identities by nature, and
// its receipt says only that no copy is made and that the errors are listed.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { annotatedCopyAbsence, writeAnnotatedCopy } from '../../src/outputs/annotated-copy.js';
import { Outbox, type Roster } from '../../src/outputs/gateway.js';
import type { Receipt } from '../../src/outputs/receipt.js';

/** A student holding a number for an assessment under validated anonymity. */
const ROSTER: Roster = [
  { studentNumber: '00421337', lastName: 'LEFÈVRE', firstName: 'Noé', birthDate: '2004-03-17' },
];

const BY_DESIGN =
  "Pas de copie annotée : ce fichier porte par nature des identités d'étudiants, dont certains " +
  "ont une épreuve sous anonymat, et aucune copie n'en est faite ; les lignes en erreur sont " +
  'listées dans cet accusé.';

/** A refused receipt of `channel` with one error on row 3. */
function refused(channel: string, code = 'DATE_INVALID'): Receipt {
  return {
    file: 'f.csv',
    sha256: 'ab'.repeat(32),
    ctn: 'Q',
    channel,
    status: 'rejected',
    receivedAt: '2026-06-01T08:00:00.000Z',
    processedAt: '2026-06-01T08:00:01.000Z',
    rows: { read: 2, imported: 0, rejected: 1 },
    errors: [{ row: 3, column: null, code, message: 'Erreur.' }],
  };
}

describe('the receipt of a file whose annotated copy would show a student under anonymity', () => {
  let root: string;
  let outbox: Outbox;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'anonymat-copy-identities-'));
    outbox = new Outbox(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Writes the copy of `bytes` under Q/accuses/<channel>/; returns the sentence and files written. */
  async function copyOf(
    channel: string,
    bytes: Buffer | string,
    receipt = refused(channel),
  ): Promise<[string, string[]]> {
    const base = path.join('Q', 'accuses', channel, 'f-abababab');
    const said = await writeAnnotatedCopy(outbox, base, Buffer.from(bytes), receipt, ROSTER);
    const written = await readdir(path.join(root, 'Q'), { recursive: true }).catch(() => []);
    return [said, written.filter((n) => n.endsWith('.xlsx'))];
  }

  it('tells a referential that no copy is made, never to remove the identities', async () => {
    const csv =
      'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ELP\r\n' +
      '00421337;LEFÈVRE;Noé;17/03/2004;MAT1\r\n' +
      '00500001;MARTIN;Léa;pas une date;MAT1\r\n';

    const [said, written] = await copyOf('referentiel', csv);

    expect(written).toEqual([]);
    expect(said).toBe(BY_DESIGN);
    expect(said).not.toContain('Retirez');
    expect(said).not.toContain('cellule');
  });

  it('says the same of a jury file keyed by student number (after the lift)', async () => {
    const csv = 'COD_ETU;Code épreuve;Résultat\r\n00421337;MAT1;ADM\r\n00500001;MAT1;PASSE\r\n';

    const [said, written] = await copyOf('jury', csv);

    expect(written).toEqual([]);
    expect(said).toBe(BY_DESIGN);
  });

  it('says the same of a grade file keyed by student number', async () => {
    const csv = 'COD_ETU;Code épreuve;Note\r\n00421337;MAT1;12\r\n00500001;MAT1;25\r\n';

    const [said] = await copyOf('notes', csv);

    expect(said).toBe(BY_DESIGN);
  });

  it('still says where a name typed in a grade file keyed by anonymous number is, and to remove it', async () => {
    const csv = 'N° anonyme;Note;Observations\r\n123456;12;LEFÈVRE\r\n123457;25;\r\n';

    const [said, written] = await copyOf('notes', csv);

    expect(written).toEqual([]);
    expect(said).toContain('Pas de copie annotée : elle contiendrait un identifiant');
    expect(said).toContain('ligne 2');
    expect(said).toContain('Retirez-le du fichier avant de le déposer à nouveau');
  });

  it.each([
    ['a student number grouped by dots (trial M)', 'notes 00.421.337.csv', 'numéro d’étudiant'],
    ['a last name with a soft hyphen (trial N)', 'notes LE\u00adFÈVRE.csv', 'nom de famille'],
  ])('makes none of a file whose name gives %s', async (_how, file, kind) => {
    const csv = 'N° anonyme;Note\r\n123456;12\r\n123457;25\r\n';
    const receipt = { ...refused('notes'), file };

    const [said, written] = await copyOf('notes', csv, receipt);

    expect(written).toEqual([]);
    expect(said).toContain('Pas de copie annotée : elle contiendrait un identifiant');
    expect(said).toContain(`${kind} (nom du fichier)`);
    expect(said).not.toMatch(/421|f[eè]vre/i);
  });

  it('makes none of a file whose rows were refused for an identity beside the number, in any form', async () => {
    // Grouped in pairs, the number is no word the output guard searches: the row check found it.
    const csv = 'N° anonyme;Note;Observations\r\n123456;25;né 00 42 13 37\r\n';
    const receipt = refused('notes', 'IDENTITY_BESIDE_NUMBER');

    const [said, written] = await copyOf('notes', csv, receipt);

    expect(written).toEqual([]);
    expect(said).toBe('');
    expect(annotatedCopyAbsence(receipt)).toBe(
      "Pas de copie annotée : des lignes de ce fichier mettent une identité d'étudiant à côté " +
        "d'un numéro anonyme (IDENTITY_BESIDE_NUMBER), et une copie la reproduirait. Retirez ces " +
        'identités du fichier avant de le déposer à nouveau ; les lignes en erreur sont listées ' +
        'dans cet accusé.',
    );
  });

  it('tells an Apogée maquette that no copy is made of a maquette, not that it could not be read', async () => {
    const maquette = await readFile(
      new URL('../fixtures/apogee-maquette-7W29.txt', import.meta.url),
    );

    const [said, written] = await copyOf('referentiel', maquette);

    expect(written).toEqual([]);
    expect(said).toBe(
      'Pas de copie annotée pour une maquette Apogée : les lignes en erreur sont listées dans cet accusé.',
    );
  });
});
