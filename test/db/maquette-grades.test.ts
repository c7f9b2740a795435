// Grades and jury results typed into the real Apogée maquette sample (ISO-8859-1, CRLF) and
// dropped in notes/: the channel applied inside a transaction, on PGlite (and Postgres when set),
// against a CTN whose five elements stand in every anonymity state: 7WGA4 validated (V), 7WGB4
// lifted (L), 7WGC4 posed (P), 7WGD4 without anonymity (barème 10), 7WGE4 with no assessment.
import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { importMaquetteGrades } from '../../src/channels/maquette-grades.js';
import type { ChannelResult } from '../../src/channels/types.js';
import { parseMaquette } from '../../src/readers/apogee-maquette.js';
import { validate } from '../../src/services/anonymity.js';
import type { AppContext } from '../../src/services/context.js';
import { RaceStage } from '../support/lock-race.js';
import { DATABASE_TARGETS, type TestDatabase } from '../support/postgres.js';
import { drop, intake } from './channels-world.js';
import { closeIutSite, openIutSite, SAMPLE, type IutSite } from './iut-site.js';
import { anonymiseIut } from './iut-world.js';

const PARSED = parseMaquette(SAMPLE);
const YEAR = 2026;
/** Known to the referential, enrolled in 7WGA4 only. */
const OUTSIDER = '12340000';

/** Values typed into a line: column code (apoL_c0001…) → text. */
type Typed = Record<string, string>;

/**
 * The sample with values typed as a person would in its fields, by student number; a student the
 * sample does not hold gets a line of their own after the last one (in ascending number, the order
 * of the object's keys). Bytes stay ISO-8859-1 and CRLF.
 */
function typed(byStudent: Record<string, Typed>): Buffer {
  const lines = SAMPLE.toString('latin1').split('\r\n');
  const column = (code: string): number =>
    PARSED.columns.find((c) => c.code === code)?.index ?? Number.NaN;
  const fill = (fields: string[], values: Typed, shift: number): string => {
    for (const [code, value] of Object.entries(values)) {
      const at = column(code) - shift;
      while (fields.length <= at) {
        fields.push('');
      }
      fields[at] = value;
    }
    return fields.join('\t');
  };

  const added: string[] = [];
  for (const [number, values] of Object.entries(byStudent)) {
    const student = PARSED.students.find((s) => s.studentNumber === number);
    if (student) {
      const line = lines[student.lineIndex] ?? '';
      lines[student.lineIndex] = fill(line.split('\t'), values, student.namesMerged ? 1 : 0);
    } else {
      added.push(
        fill([number, 'AAA BBB', ' 01/01/2007', ...Array<string>(20).fill('')], values, 1),
      );
    }
  }
  // The file ends with CRLF: the last split piece is empty, new lines go before it.
  lines.splice(lines.length - 1, 0, ...added);
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** One grade row as compared in the tests. */
interface Stored {
  code: string;
  student_number: string;
  value: string | null;
  absence: string | null;
  result: string | null;
  source: string;
  changed_after_lift: boolean;
  intake_id: string;
  updated_at: string;
}

describe.each(DATABASE_TARGETS)(
  'an Apogée maquette with grades, dropped in notes/, on $name',
  (target) => {
    let site: IutSite | undefined;
    let database: TestDatabase | null = null;
    let ctx: AppContext;
    let serial = 0;

    /** Applies the maquette through the channel in one transaction, committed even when refused. */
    async function apply(bytes: Buffer): Promise<ChannelResult> {
      const maquette = parseMaquette(bytes);
      serial += 1;
      // A distinct intake per call, so that the same bytes can be applied twice.
      const sha256 = createHash('sha256').update(bytes).update(String(serial)).digest('hex');
      // Committing a refusal too proves the channel itself writes nothing before it refuses.
      return ctx.db.transaction(async (trx) => {
        const [row] = (await trx('intake_file')
          .insert({
            sha256,
            ctn: 'IUT',
            channel: 'notes',
            file_name: 'maquette-notes.txt',
            size: bytes.length,
          })
          .returning('id')) as Array<{ id: number | string }>;
        return importMaquetteGrades(
          {
            ctx,
            trx,
            ctn: 'IUT',
            channel: 'notes',
            fileName: 'maquette-notes.txt',
            sha256,
            bytes: () => Promise.resolve(bytes),
            input: { kind: 'maquette', maquette },
            intakeId: Number(row?.id),
            receivedAt: new Date().toISOString(),
          },
          maquette,
        );
      });
    }

    /** Every grade row with the code of its object, in a stable order. */
    async function grades(): Promise<Stored[]> {
      const rows = (await ctx
        .db('grade as g')
        .join('assessment as a', 'a.id', 'g.assessment_id')
        .join('teaching_object as o', 'o.id', 'a.object_id')
        .orderBy(['o.code', 'g.student_number'])
        .select(
          'o.code',
          'g.student_number',
          'g.value',
          'g.absence',
          'g.result',
          'g.source',
          'g.changed_after_lift',
          'g.intake_id',
          'g.updated_at',
        )) as Array<Stored & { intake_id: number | string; updated_at: Date | string }>;
      return rows.map((r) => ({
        ...r,
        intake_id: String(r.intake_id),
        updated_at: new Date(r.updated_at).toISOString(),
      }));
    }

    /** What a person checks in the grade table: object, student, value or absence, result. */
    async function values(code?: string): Promise<Array<string>> {
      return (await grades())
        .filter((g) => code === undefined || g.code === code)
        .map((g) =>
          [g.code, g.student_number, g.value ?? g.absence ?? '-', g.result ?? '-'].join(' '),
        );
    }

    function listed(result: ChannelResult): Array<Record<string, unknown>> {
      return result.errors.map(({ row, column, value, code }) => ({ row, column, value, code }));
    }

    beforeAll(async () => {
      const outsider =
        'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP;LIB_ELP\r\n' +
        `${OUTSIDER};DURAND;Léa;02/03/2006;7W29;4;${YEAR};7WGA4;Comprend stratégie com S4\r\n`;
      site = await openIutSite(target, 'maquette_grades', { 'inscription-tardive.csv': outsider });
      ({ ctx, database } = site);

      await anonymiseIut(
        ctx,
        { '7WGA4': 20, '7WGB4': 20, '7WGC4': 20, '7WGD4': 10 },
        { '7WGA4': 'V', '7WGB4': 'L', '7WGC4': 'P' },
      );
    });

    afterAll(async () => {
      await closeIutSite(site);
    });

    // 7WGC4 (P, barème 20): N apoL_c0009, B apoL_c0010, R apoL_c0012.
    // 7WGD4 (no anonymity, barème 10): N apoL_c0013, B apoL_c0014, J apoL_c0015, R apoL_c0016.
    const filled = typed({
      '58310472': { apoL_c0009: '12,5', apoL_c0010: '20', apoL_c0012: 'ADM', apoL_c0013: '7,25' },
      '91736205': { apoL_c0009: '0', apoL_c0013: 'ABJ', apoL_c0014: '10', apoL_c0016: 'AJ' },
      '24681953': { apoL_c0009: '20', apoL_c0013: '' },
      '73045186': { apoL_c0012: 'VAL' },
    });

    it('imports the values typed into the real sample exactly, leaving blank cells unwritten', async () => {
      const before = await grades();

      const result = await apply(filled);

      expect(filled.includes('\r\n')).toBe(true);
      expect(parseMaquette(filled).encoding).toBe('latin1');
      expect(before).toEqual([]);
      expect(result.status).toBe('imported');
      expect(result.errors).toEqual([]);
      expect(result.rows).toEqual({ read: 25, imported: 4, rejected: 0 });
      expect(await values()).toEqual([
        '7WGC4 24681953 20.00 -',
        '7WGC4 58310472 12.50 ADM',
        '7WGC4 73045186 - VAL',
        '7WGC4 91736205 0.00 -',
        '7WGD4 58310472 7.25 -',
        '7WGD4 91736205 ABJ AJ',
      ]);
      const rows = await grades();
      expect(rows.every((g) => !g.changed_after_lift)).toBe(true);
      expect(
        rows.filter((g) => g.value !== null || g.absence !== null).map((g) => g.source),
      ).toEqual(Array(5).fill('fichier'));
    });

    it('rewrites nothing when the same values are dropped again', async () => {
      const before = await grades();

      const result = await apply(filled);

      expect(result.status).toBe('imported');
      expect(result.errors).toEqual([]);
      expect(await grades()).toEqual(before);
    });

    describe('when a second maquette changes a grade a first one recorded', () => {
      // Rows 61 to 64. 7WGC4 (P): N apoL_c0009; 7WGD4 (no anonymity, barème 10): N apoL_c0013.
      const first = typed({
        '82934617': { apoL_c0009: '11' },
        '15378046': { apoL_c0009: 'ABI' },
        '69421583': { apoL_c0013: '8' },
      });
      let second: ChannelResult;

      beforeAll(async () => {
        const recorded = await apply(first);
        if (recorded.status !== 'imported' || recorded.errors.length > 0) {
          throw new Error(`first maquette not imported: ${JSON.stringify(recorded.errors)}`);
        }
        second = await apply(
          typed({
            '82934617': { apoL_c0009: '11' },
            '15378046': { apoL_c0009: '7,5' },
            '69421583': { apoL_c0013: '8' },
            '30786429': { apoL_c0013: '9' },
          }),
        );
      });

      it('lists on its receipt exactly the grade it replaces, with before and after', async () => {
        expect(second.status).toBe('imported');
        expect(listed(second)).toEqual([
          { row: 62, column: 'Note 7WGC4 (apoL_c0009)', value: '7,5', code: 'GRADE_REPLACED' },
        ]);
        expect(second.errors[0]?.message).toContain('Avant : ABI ; maintenant : 7,50.');
        expect(second.summary).toContain(
          '1 note(s) déjà enregistrée(s) remplacée(s) (voir les avis).',
        );
        expect(await values('7WGC4')).toEqual(
          expect.arrayContaining(['7WGC4 82934617 11.00 -', '7WGC4 15378046 7.50 -']),
        );
        expect(await values('7WGD4')).toEqual(
          expect.arrayContaining(['7WGD4 69421583 8.00 -', '7WGD4 30786429 9.00 -']),
        );
      });

      it('lists nothing replaced when the maquette changing a grade is refused', async () => {
        const before = await grades();

        const refused = await apply(
          typed({ '82934617': { apoL_c0009: '5' }, '69421583': { apoL_c0013: '11' } }),
        );

        expect(refused.status).toBe('rejected');
        expect(listed(refused)).toEqual([
          { row: 63, column: 'Note 7WGD4 (apoL_c0013)', value: '11', code: 'GRADE_OUT_OF_RANGE' },
        ]);
        expect(refused.summary).not.toContain('remplacée');
        expect(await grades()).toEqual(before);
      });
    });

    it('imports « abs » as ABI, saying so on the line that carries it', async () => {
      const result = await apply(typed({ '94157302': { apoL_c0013: 'abs' } }));

      expect(result.status).toBe('imported');
      expect(listed(result)).toEqual([
        { row: 65, column: 'Note 7WGD4 (apoL_c0013)', value: 'abs', code: 'GRADE_ALIAS_READ' },
      ]);
      expect(result.errors[0]?.message).toContain(
        "« abs » lu comme ABI (absence injustifiée) : si l'absence est justifiée, corrigez en ABJ",
      );
      expect(await values('7WGD4')).toContain('7WGD4 94157302 ABI -');
    });

    it('is taken from the notes/ folder by the real intake, with the same outcome', async () => {
      const bytes = typed({ '58310472': { apoL_c0009: '13' } });
      await drop(ctx, 'IUT', 'notes', 'maquette-notes.txt', bytes);

      const receipt = await intake(ctx, 'IUT', 'maquette-notes.txt');

      // 12,5 was recorded by the first maquette: the receipt says it is replaced.
      expect(receipt.status).toBe('imported');
      expect(
        receipt.errors.map(({ row, column, value, code }) => [row, column, value, code]),
      ).toEqual([[52, 'Note 7WGC4 (apoL_c0009)', '13', 'GRADE_REPLACED']]);
      expect(receipt.errors[0]?.message).toContain('Avant : 12,50 ; maintenant : 13,00.');
      expect(await values()).toContain('7WGC4 58310472 13.00 ADM');
    });

    it('reads an absence in the Résultat column beside a blank grade as the grade’s absence', async () => {
      // 7WGD4 (no anonymity): N apoL_c0013, R apoL_c0016. The export writes an absence there.
      const inResult = await apply(typed({ '24681953': { apoL_c0016: 'DEF' } }));
      const written = await grades();
      const inGrade = await apply(typed({ '24681953': { apoL_c0013: 'DEF' } }));

      expect([inResult.status, inResult.errors]).toEqual(['imported', []]);
      expect(await values()).toContain('7WGD4 24681953 DEF -');
      expect(inGrade.status).toBe('imported');
      expect(await grades()).toEqual(written);
    });

    it('flags what it writes on a lifted assessment (L) for the after-lift report', async () => {
      // 7WGB4 (L): N apoL_c0005, R apoL_c0008.
      const result = await apply(typed({ '16492738': { apoL_c0005: '15', apoL_c0008: 'ADM' } }));

      expect(result.status).toBe('imported');
      const rows = (await grades()).filter((g) => g.code === '7WGB4');
      expect(rows.map((g) => [g.student_number, g.value, g.result, g.changed_after_lift])).toEqual([
        ['16492738', '15.00', 'ADM', true],
      ]);
    });

    it('refuses whole, writing nothing, a maquette filling an assessment under anonymity (V)', async () => {
      const before = await grades();
      // A valid grade of 7WGD4 beside a grade and a result of 7WGA4 (V): nothing may be kept.
      const bytes = typed({
        '85260319': { apoL_c0013: '9' },
        '39174520': { apoL_c0001: '14' },
        '60823194': { apoL_c0004: 'ADM' },
      });

      const result = await apply(bytes);

      expect(result.status).toBe('rejected');
      expect(listed(result)).toEqual([
        {
          row: null,
          column: 'Note 7WGA4 (apoL_c0001)',
          value: undefined,
          code: 'IDENTITY_UNDER_ANONYMITY',
        },
      ]);
      expect(result.errors[0]?.message).toContain(
        'une maquette Apogée nomme les étudiants, elle ne peut porter ni note ni résultat',
      );
      expect(await grades()).toEqual(before);
    });

    it('lists a grade off the barème and one with three decimals on their line, writing nothing', async () => {
      const before = await grades();
      const bytes = typed({
        '85260319': { apoL_c0009: '21' },
        '39174520': { apoL_c0009: '12,345' },
        '60823194': { apoL_c0009: '11' },
      });

      const result = await apply(bytes);

      expect(result.status).toBe('rejected');
      expect(listed(result)).toEqual([
        { row: 57, column: 'Note 7WGC4 (apoL_c0009)', value: '21', code: 'GRADE_OUT_OF_RANGE' },
        { row: 58, column: 'Note 7WGC4 (apoL_c0009)', value: '12,345', code: 'GRADE_TOO_PRECISE' },
      ]);
      expect(result.rows).toEqual({ read: 25, imported: 0, rejected: 2 });
      expect(await grades()).toEqual(before);
    });

    it('refuses a result code none of the maquette’s own lists holds', async () => {
      const before = await grades();

      const result = await apply(typed({ '85260319': { apoL_c0012: 'PASSE' } }));

      expect(result.status).toBe('rejected');
      expect(listed(result)).toEqual([
        {
          row: 57,
          column: 'Résultat 7WGC4 (apoL_c0012)',
          value: 'PASSE',
          code: 'RESULT_CODE_UNKNOWN',
        },
      ]);
      const message = result.errors[0]?.message ?? '';
      expect(message).toContain(
        "Code résultat inconnu : remplacez-le par l'un des codes admis, listés entre parenthèses. " +
          '(« PASSE » ne figure dans aucune liste XX-APO_TYP_RES-XX de la maquette ; ',
      );
      // The codes of the sample's own lists, sorted: ABI and ABJ are in its absence-code list.
      expect(message).toMatch(/codes admis\u00a0: ABAN, ABI, ABJ, ABL, .*, UESB, VAL\.\)$/);
      expect(await grades()).toEqual(before);
    });

    it('refuses a barème that differs from the assessment’s, naming both', async () => {
      const result = await apply(typed({ '85260319': { apoL_c0013: '8', apoL_c0014: '20' } }));

      expect(result.status).toBe('rejected');
      expect(listed(result)).toEqual([
        { row: 57, column: 'Barème 7WGD4 (apoL_c0014)', value: '20', code: 'SCALE_MISMATCH' },
      ]);
      expect(result.errors[0]?.message).toContain(
        "(barème de la maquette\u00a0: 20 ; barème de l'épreuve 7WGD4\u00a0: 10.)",
      );
    });

    it('names the element without assessment, the unknown student and the one not enrolled', async () => {
      const before = await grades();
      const bytes = typed({
        '58310472': { apoL_c0017: '11' },
        '99999999': { apoL_c0013: '5' },
        [OUTSIDER]: { apoL_c0013: '6' },
      });

      const result = await apply(bytes);

      expect(result.status).toBe('rejected');
      expect(listed(result)).toEqual([
        { row: 52, column: 'Note 7WGE4 (apoL_c0017)', value: '11', code: 'ASSESSMENT_UNKNOWN' },
        {
          row: 77,
          column: 'Note 7WGD4 (apoL_c0013)',
          value: '7WGD4',
          code: 'STUDENT_NOT_ENROLLED',
        },
        { row: 78, column: 'Numéro (apoL_a01_code)', value: '99999999', code: 'STUDENT_UNKNOWN' },
      ]);
      expect(result.errors[0]?.message).toContain(
        '(7WGE4, session 1, année 2026\u00a0: aucune épreuve de ce CTN)',
      );
      expect(await grades()).toEqual(before);
    });

    it('imports the grade beside jury points, listing the points as not kept', async () => {
      const result = await apply(typed({ '47591863': { apoL_c0013: '6,5', apoL_c0015: '0,5' } }));

      expect(result.status).toBe('imported');
      expect(listed(result)).toEqual([
        {
          row: 60,
          column: 'Pts Jury 7WGD4 (apoL_c0015)',
          value: '0,5',
          code: 'MAQUETTE_COLUMN_IGNORED',
        },
      ]);
      expect(await values('7WGD4')).toContain('7WGD4 47591863 6.50 -');
    });

    it('refuses the maquette with nothing typed, pointing to the referentiel folder', async () => {
      const result = await apply(SAMPLE);

      expect(result.status).toBe('rejected');
      expect(listed(result)).toEqual([
        { row: null, column: null, value: undefined, code: 'FILE_NO_DATA' },
      ]);
      expect(result.errors[0]?.message).toContain('déposez-la dans le dossier referentiel');
    });

    // Last: it validates T-7WGC4, which the tests above use while it is only posed (P).
    it.runIf(target.postgres)(
      'refuses whole a maquette read while 7WGC4 was posed, once its validation committed first',
      async () => {
        const race = new RaceStage(database?.url ?? '');
        const before = await grades();
        try {
          // The validation waits to commit on the audit chain's head; the maquette, read while
          // 7WGC4 is still P, waits at write time for the template the validation holds.
          const holder = await race.holdAuditHead();
          const validating = validate(ctx, 'gest-IUT', { ctn: 'IUT', year: YEAR, code: 'T-7WGC4' });
          await race.untilWaiting(1);
          const applying = apply(typed({ '58310472': { apoL_c0009: '13' } }));
          await race.untilWaiting(2);
          await holder.commit();
          const [, result] = await Promise.all([validating, applying]);

          expect(result.status).toBe('rejected');
          expect(listed(result)).toEqual([
            {
              row: null,
              column: 'Note 7WGC4 (apoL_c0009)',
              value: undefined,
              code: 'IDENTITY_UNDER_ANONYMITY',
            },
          ]);
          expect(await grades()).toEqual(before);
        } finally {
          await race.destroy();
        }
      },
    );
  },
);
