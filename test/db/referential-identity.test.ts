// A later referential giving again a student number already known: a correction of the identity
// (accent, married name, typo) goes through and is listed on the receipt; a number that now names
// another person, who holds anonymous numbers or grades, is refused, or the named PV after the lift
// would show that person's grades under someone else's name. A file without a student-number column
// is refused once, saying which columns it has, not as « Numéro étudiant invalide » on every row.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_TARGETS } from '../support/postgres.js';
import { drop, gradesOf, intake, type World, worldFor } from './channels-world.js';

const HEADER =
  'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP;LIB_ELP';

/** A referential of CTN A: one row per student, enrolled in MAT101 of the world's étape. */
function referential(rows: Array<[string, string, string, string]>, header = HEADER): string {
  const lines = rows.map((r) => [...r, 'SL1MAT', '101', '2026', 'MAT101', 'Analyse 1'].join(';'));
  return [header, ...lines].join('\r\n') + '\r\n';
}

const sample = (name: string): Buffer =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

async function identityOf(world: World, studentNumber: string): Promise<string[]> {
  const row = (await world.ctx
    .db('student')
    .where({ student_number: studentNumber })
    .first(
      'last_name',
      'first_name',
      world.ctx.db.raw(`to_char(birth_date, 'DD/MM/YYYY') as birth`),
    )) as { last_name: string; first_name: string; birth: string | null } | undefined;
  return row ? [row.last_name, row.first_name, row.birth ?? ''] : [];
}

describe.each(DATABASE_TARGETS)('the referential channel, on $name', (target) => {
  const built = worldFor(target, 'referential_identity');
  let world: World;

  beforeAll(() => {
    world = built();
  });

  /** Drops a file in CTN A's `channel` folder, runs the intake, returns its receipt. */
  async function dropped(name: string, bytes: string | Buffer, channel = 'referentiel') {
    await drop(world.ctx, 'A', channel, name, bytes);
    return intake(world.ctx, 'A', name);
  }

  describe('given a known student number again', () => {
    it('refuses the file when the number of a graded student now names another person', async () => {
      // Student 0 of the world is MARTIN Léa, born 01/01/2003, numbered under V and now graded.
      const student = world.studentsA[0] ?? '';
      const lea = world.numbers.mat101.find((n) => n.student === student);
      const grades = `N° anonyme;Note\r\n${lea?.number};14\r\n`;
      expect((await dropped('notes-MAT101.csv', grades, 'notes')).status).toBe('imported');
      const hugo = world.studentsA[1] ?? '';
      const file = referential([
        ['77000001', 'NOUVEAU', 'Arrivant', '01/09/2006'],
        [student, 'DURAND', 'Paul', '02/02/2003'],
        [hugo, 'BERNARD', 'Hugues', '02/02/2004'],
      ]);
      const receipt = await dropped('referentiel-2027.csv', file);

      expect(receipt.status).toBe('rejected');
      // Row 4: another first name vouched for by the birth date alone, as a twin's would be.
      expect(receipt.errors.map((e) => [e.row, e.column, e.code, e.value])).toEqual([
        [3, 'COD_ETU', 'STUDENT_IDENTITY_CHANGED', undefined],
        [4, 'COD_ETU', 'STUDENT_IDENTITY_CHANGED', undefined],
      ]);
      expect(receipt.errors[0]?.message).toContain('désigne déjà une autre personne');
      expect(receipt.errors[1]?.message).toContain(
        "(ne concordent pas avec l'identité enregistrée : prénom)",
      );
      expect(receipt.errors[0]?.message).toContain(
        "(ne concordent pas avec l'identité enregistrée : nom, prénom, date de naissance)",
      );
      // Nothing names the student: the receipt is written under its own name, unmasked.
      expect(JSON.stringify(receipt)).not.toMatch(new RegExp(`${student}|DURAND|MARTIN`));
      expect(await identityOf(world, student)).toEqual(['MARTIN', 'Léa', '01/01/2003']);
      expect(await identityOf(world, hugo)).toEqual(['BERNARD', 'Hugo', '02/02/2004']);
      expect(await identityOf(world, '77000001')).toEqual([]);
      expect((await gradesOf(world.ctx, world.assessments.mat101)).get(student)).toBe('14.00');
    });

    it('applies corrections of numbered students and lists each row with the fields changed', async () => {
      const [, hugo, chloe, noe] = world.studentsA;
      const file = referential([
        [hugo ?? '', 'BERNARD DUPUIS', 'Hugo', '02/02/2004'],
        [noe ?? '', 'LEFÈVRE', 'Noé', '04/04/2006'],
        // A first name respelled beyond accents and case needs the INE (a twin's would look so).
        [chloe ?? '', 'Dubois', 'Chloe', '03/03/2005'],
      ]);
      const receipt = await dropped('referentiel-corrige.csv', file);

      expect(receipt.status).toBe('imported');
      expect(receipt.errors.map((e) => [e.row, e.column, e.code, e.value])).toEqual([
        [2, 'LIB_NOM_PAT_IND', 'STUDENT_IDENTITY_CORRECTED', undefined],
        [4, null, 'STUDENT_IDENTITY_CORRECTED', undefined],
      ]);
      expect(receipt.errors[0]?.message).toContain('(modifié : nom)');
      expect(receipt.errors[1]?.message).toContain('(modifié : nom, prénom)');
      expect(receipt.summary).toContain(
        "2 identités d'étudiants déjà enregistrées ont été corrigées d'après le fichier",
      );
      expect(JSON.stringify(receipt)).not.toMatch(/DUPUIS|Chloe|BERNARD/);
      expect(await identityOf(world, hugo ?? '')).toEqual(['BERNARD DUPUIS', 'Hugo', '02/02/2004']);
      expect(await identityOf(world, chloe ?? '')).toEqual(['Dubois', 'Chloe', '03/03/2005']);
    });

    it('gives a number holding nothing yet to another person, with a notice asking to check', async () => {
      const late = referential([['77000002', 'PETIT', 'Jean', '05/05/2005']]);
      expect((await dropped('tardif.csv', late)).status).toBe('imported');
      const receipt = await dropped(
        'tardif-corrige.csv',
        referential([['77000002', 'ROUX', 'Inès', '06/06/2006']]),
      );

      expect(receipt.status).toBe('imported');
      expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([
        [2, 'STUDENT_IDENTITY_CORRECTED'],
      ]);
      expect(receipt.errors[0]?.message).toContain('ni numéro anonyme ni note');
      expect(await identityOf(world, '77000002')).toEqual(['ROUX', 'Inès', '06/06/2006']);
    });

    it('keeps the birth date of a student when a later file has no column for it', async () => {
      const elodie = world.studentsA[4] ?? '';
      const header = HEADER.replace(';DATE_NAI_IND', '');
      const line = [elodie, "N'DIAYE", 'Élodie', 'SL1MAT', '101', '2026', 'MAT102', 'Algèbre'];
      const receipt = await dropped('sans-date.csv', `${header}\r\n${line.join(';')}\r\n`);

      expect([receipt.status, receipt.errors]).toEqual(['imported', []]);
      expect(await identityOf(world, elodie)).toEqual(["N'DIAYE", 'Élodie', '05/05/2003']);
    });

    it('keeps the stored name an Apogée maquette gives otherwise, listing it on its line', async () => {
      const text = sample('apogee-maquette-7W29.txt').toString('latin1');
      expect((await dropped('maquette.txt', Buffer.from(text, 'latin1'))).status).toBe('imported');
      // A maquette is a grade document: its names (placeholders here) never rewrite an identity,
      // not even one that holds nothing yet, nor one only a slip away.
      const renamed = text
        .replace('58310472\tAAA BBB\t', '58310472\tAAA BBC\t')
        .replace('91736205\tAAA BBB\t', '91736205\taaa bbb\t');
      const receipt = await dropped('maquette-2.txt', Buffer.from(renamed, 'latin1'));

      expect(receipt.status).toBe('imported');
      expect(receipt.errors.map((e) => [e.row, e.column, e.code])).toEqual([
        [52, 'apoL_a02_nom', 'STUDENT_IDENTITY_KEPT'],
      ]);
      expect(receipt.errors[0]?.message).toContain("l'identité enregistrée est gardée");
      expect(receipt.summary).toContain(
        "1 étudiant déjà enregistré a une autre identité dans la maquette : l'identité enregistrée est gardée",
      );
      expect(await identityOf(world, '58310472')).toEqual(['AAA BBB', '', '19/08/2007']);
      expect(await identityOf(world, '91736205')).toEqual(['AAA BBB', '', '31/03/2007']);
    });
  });

  describe('given the INE', () => {
    const withIne = (firstName: string, ine: string | null): string => {
      const student = world.studentsA[4] ?? '';
      const cells = [student, "N'DIAYE", firstName, '05/05/2003'];
      const rest = ['SL1MAT', '101', '2026', 'MAT101', 'Analyse 1'];
      return ine === null
        ? referential([cells as [string, string, string, string]])
        : `${HEADER.replace('DATE_NAI_IND;', 'DATE_NAI_IND;COD_NNE_IND;')}\r\n` +
            `${[...cells, ine, ...rest].join(';')}\r\n`;
    };
    async function ineOf(): Promise<unknown> {
      const row = (await world.ctx
        .db('student')
        .where({ student_number: world.studentsA[4] ?? '' })
        .first('ine')) as { ine: string | null } | undefined;
      return row?.ine;
    }

    it('lets it vouch for a first name respelled, however its case and spaces are typed', async () => {
      expect((await dropped('ine-1.csv', withIne('Élodie', ' 2234 567890b'))).status).toBe(
        'imported',
      );
      expect(await ineOf()).toBe('2234567890B');

      // Without the INE, a part added to the first name is what a twin's would look like.
      const refused = await dropped('ine-2.csv', withIne('Élodie-Rose', null));
      expect(refused.errors.map((e) => [e.row, e.code])).toEqual([[2, 'STUDENT_IDENTITY_CHANGED']]);
      expect(refused.errors[0]?.message).toContain('déposez le fichier avec la colonne INE');

      const vouched = await dropped('ine-3.csv', withIne('Élodie-Rose', '2234567890B'));
      expect(vouched.status).toBe('imported');
      expect(vouched.errors.map((e) => [e.row, e.code])).toEqual([
        [2, 'STUDENT_IDENTITY_CORRECTED'],
      ]);
      expect(vouched.errors[0]?.message).toContain('(modifié : prénom)');
      expect(await identityOf(world, world.studentsA[4] ?? '')).toEqual([
        "N'DIAYE",
        'Élodie-Rose',
        '05/05/2003',
      ]);
    });
  });

  describe('given a file without a student-number column', () => {
    async function studentCount(): Promise<number> {
      const [row] = (await world.ctx.db('student').count({ n: '*' })) as Array<{ n: string }>;
      return Number(row?.n);
    }

    it('refuses an Auto Multiple Choice student list once, naming the columns it has', async () => {
      const before = await studentCount();
      const receipt = await dropped('liste-amc.csv', sample('amc-student-list.csv'));

      expect(receipt.status).toBe('rejected');
      expect(receipt.rows).toEqual({ read: 2, imported: 0, rejected: 2 });
      expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([
        [null, 'STUDENT_COLUMN_MISSING'],
      ]);
      const message = receipt.errors[0]?.message ?? '';
      expect(message).toContain('La colonne du numéro étudiant est absente');
      expect(message).toContain('colonnes lues : « nom », « prenom », « numero »');
      expect(message).toContain(
        'intitulés reconnus pour le numéro étudiant : COD_ETU, numéro étudiant',
      );
      expect(await studentCount()).toBe(before);
    });

    it('refuses a file with no heading it knows the same way, showing its first line', async () => {
      const receipt = await dropped('omr.csv', sample('omrchecker-results.csv'));

      expect(receipt.status).toBe('rejected');
      expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([
        [null, 'STUDENT_COLUMN_MISSING'],
      ]);
      expect(receipt.errors[0]?.message).toContain(
        'première ligne du fichier : « file_id », « input_path », « output_path », « score », « Roll »',
      );
    });
  });
});
