// One of every workbook the outbox holds, built with long French labels, accents and enough rows
// to run over several printed pages: what the layout and rendering tests print and check.
import type { WorkbookFingerprint } from '../../src/domain/fingerprint.js';
import { buildCorrespondenceList } from '../../src/outputs/correspondence.js';
import { buildGradeEntryWorkbook } from '../../src/outputs/grade-entry-workbook.js';
import { buildLabelSheet } from '../../src/outputs/labels-xlsx.js';
import { buildModalitiesReport } from '../../src/outputs/modalities-report.js';
import { buildProgressReport } from '../../src/outputs/progress-report.js';
import { buildIndividualPv } from '../../src/outputs/pv-individual.js';
import { ANONYMOUS_ROWS } from '../../src/outputs/pv-rows.js';
import { buildAnonymousPv, buildNamedPv } from '../../src/outputs/pv.js';
import { buildReceiptWorkbook } from '../../src/outputs/receipt-xlsx.js';
import { buildReconcileReport } from '../../src/outputs/reconcile-report.js';
import type { NamedGradeRow, RevealRow } from '../../src/outputs/types.js';
import { TEMPLATE, assessment, numbers } from './fixtures.js';

const LONG = assessment(1, 'PHY101', 'Mécanique du point matériel et thermodynamique générale');
const SHORT = assessment(2, 'MAT102', 'Algèbre linéaire');
const NAMES = ['LEFÈVRE-DE LA MOTTE', 'ŒUVRAY', 'N’DIAYE', 'ÇELIK', 'BRÛLÉ'];

/** `count` graded rows with names, absences and results. */
export function namedRows(count: number): NamedGradeRow[] {
  return numbers(count).map((number, k) => ({
    number,
    studentNumber: String(21_000_000 + k),
    lastName: NAMES[k % NAMES.length] ?? 'X',
    firstName: k % 2 === 0 ? 'Marie-Hélène' : 'Jérôme',
    grade: k % 9 === 0 ? { kind: 'absence', code: 'ABJ' } : { kind: 'value', value: (k * 7) % 21 },
    result: k % 4 === 0 ? 'AJ' : 'ADM',
  }));
}

/** A reveal with a reason long enough to wrap. */
export const REVEAL: RevealRow = {
  number: numbers(1)[0] ?? '',
  objectCode: 'PHY101',
  actor: 'gest-sci',
  reason:
    'Copie égarée entre la salle et le secrétariat : identification demandée par le président du ' +
    'jury pour retrouver l’étudiant et organiser une épreuve de remplacement.',
  at: '2027-01-15T09:30:00Z',
};

const FIELDS: WorkbookFingerprint = {
  format: 'anonymat-bordereau/1',
  ctn: 'SCIENCES',
  year: 2026,
  templateId: 7,
  templateCode: 'L1-JANV',
  assessmentId: 1,
  numbersDigest: 'a'.repeat(64),
};

/** Every workbook builder's output, by a file name that says what it is. */
export async function everyWorkbook(): Promise<Array<{ name: string; bytes: Buffer }>> {
  const rows = namedRows(140);
  const sections = [
    { assessment: LONG, rows, state: 'V' as const },
    { assessment: SHORT, rows: rows.slice(0, 3), state: 'V' as const },
  ];
  const options = { passingResults: ['ADM'], threshold: 5, reveals: [REVEAL] };
  const progress = [LONG, SHORT].map((a) => ({
    assessment: a,
    state: 'V' as const,
    concerned: 1600,
    numbered: 1598,
    withoutNumber: 2,
    lostEnrolment: 1,
    graded: 1200,
  }));

  return [
    {
      name: 'etiquettes',
      bytes: await buildLabelSheet(
        TEMPLATE,
        numbers(120).map((number) => ({ number, assessment: LONG })),
      ),
    },
    {
      name: 'bordereau',
      bytes: await buildGradeEntryWorkbook(TEMPLATE, LONG, numbers(140), {
        fields: FIELDS,
        mac: 'b'.repeat(64),
      }),
    },
    { name: 'pv-anonyme', bytes: await buildAnonymousPv(TEMPLATE, sections, options) },
    {
      name: 'pv-nominatif',
      bytes: await buildNamedPv(
        TEMPLATE,
        sections.map((s) => ({ ...s, state: 'L' as const })),
        options,
      ),
    },
    {
      name: 'pv-individuels',
      bytes: await buildIndividualPv(TEMPLATE, sections, ANONYMOUS_ROWS, options),
    },
    {
      name: 'correspondance',
      bytes: await buildCorrespondenceList(
        TEMPLATE,
        null,
        rows.map((r) => ({ ...r, birthDate: '2005-03-09', objectCode: 'PHY101' })),
        { generatedBy: 'gest-sci', generatedAt: '2027-01-12T09:30:00Z' },
      ),
    },
    { name: 'avancement', bytes: await buildProgressReport(TEMPLATE, progress) },
    {
      name: 'modalites',
      bytes: await buildModalitiesReport('SCIENCES', 2026, [
        { period: 'Examens de janvier', assessment: LONG, template: 'L1-JANV', state: 'V' },
        { period: 'Examens de janvier', assessment: SHORT, template: null, state: null },
      ]),
    },
    { name: 'accuse', bytes: await buildReceiptWorkbook(receipt()) },
    {
      name: 'rapprochement',
      bytes: await buildReconcileReport({
        ctn: 'SCIENCES',
        ranAt: '2027-01-12T02:00:00Z',
        filesSubmitted: 2,
        assessments: progress.map((p) => ({
          template: 'L1-JANV',
          assessment: p.assessment,
          state: p.state,
          newlyNumbered: 3,
          withoutNumber: 2,
          lostEnrolment: 1,
          gradesWithoutNumber: 0,
        })),
        lostEnrolments: [{ template: 'L1-JANV', objectCode: 'PHY101', number: 'S0000007' }],
        stuckDrops: [
          {
            dropId: 12,
            channel: 'lecteur-optique',
            file: 'export-amc-PHY101-salle-B12-rattrapage.csv',
            droppedAt: '2027-01-12T01:00:00Z',
            minutes: 65,
          },
        ],
      }),
    },
  ];
}

/** A partly refused grade file: errors with long explanations and advice. */
function receipt() {
  return {
    file: 'notes-saisies-L1-JANV-PHY101-s1 (copie corrigée).xlsx',
    sha256: 'c'.repeat(64),
    ctn: 'SCIENCES',
    channel: 'notes',
    status: 'rejected' as const,
    receivedAt: '2027-01-20T10:00:00Z',
    processedAt: '2027-01-20T10:00:02Z',
    rows: { read: 140, imported: 0, rejected: 2 },
    errors: [
      {
        row: 12,
        column: 'Note /20',
        value: '21,5',
        code: 'GRADE_OUT_OF_SCALE',
        message:
          'La note 21,5 dépasse le barème de l’épreuve (20) : corrigez la note dans le bordereau ' +
          'puis déposez de nouveau le fichier entier dans le dossier « notes ».',
      },
      {
        row: null,
        column: null,
        code: 'WORKBOOK_FOREIGN',
        message: 'Ce bordereau a été édité pour une autre épreuve.',
      },
    ],
    summary: 'Fichier refusé : aucune note enregistrée, 2 erreur(s) à corriger.',
  };
}
