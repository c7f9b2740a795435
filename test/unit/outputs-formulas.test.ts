// Outputs cannot attack their reader (issue 5 §7): every spreadsheet builder, fed hostile text in
// every text field it takes, writes no formula and no text a spreadsheet would read as one, and
// writes grades as typed numbers.
import { describe, expect, it } from 'vitest';
import { buildCorrespondenceList } from '../../src/outputs/correspondence.js';
import { buildGradeEntryWorkbook } from '../../src/outputs/grade-entry-workbook.js';
import { buildLabelSheet } from '../../src/outputs/labels-xlsx.js';
import { buildModalitiesReport } from '../../src/outputs/modalities-report.js';
import { buildProgressReport } from '../../src/outputs/progress-report.js';
import { buildAnonymousPv, buildNamedPv } from '../../src/outputs/pv.js';
import { buildReceiptWorkbook } from '../../src/outputs/receipt-xlsx.js';
import type { AssessmentInfo, TemplateInfo } from '../../src/outputs/types.js';
import { formulaLike, load, noFormulaCells, strings } from './outputs-helpers.js';

const TRIGGERS = ['=1+1', '+33 6', '-2', '@SUM(A1)', '\tx', '\rx', '\nx'];

function hostile(i: number): string {
  return TRIGGERS[i % TRIGGERS.length] ?? '=x';
}

const T: TemplateInfo = {
  templateId: 1,
  templateCode: hostile(0),
  templateLabel: hostile(1),
  ctn: hostile(2),
  year: 2026,
  periodLabel: hostile(3),
};
const A: AssessmentInfo = {
  assessmentId: 2,
  objectCode: hostile(4),
  objectLabel: hostile(5),
  session: 1,
  stage: 'admission',
  year: 2026,
  scale: 20,
};
const NUMBERS = ['=00012', '+00013', '-00014', '@00015'];
const grade = { kind: 'value' as const, value: -3 };

const BUILDERS: Array<[string, () => Promise<Buffer>]> = [
  [
    'labels',
    () =>
      buildLabelSheet(
        T,
        NUMBERS.map((number) => ({ number, assessment: A })),
      ),
  ],
  [
    'grade-entry workbook',
    () =>
      buildGradeEntryWorkbook(T, A, NUMBERS, {
        fields: {
          format: 'anonymat-bordereau/1',
          ctn: hostile(0),
          year: 2026,
          templateId: 1,
          templateCode: hostile(1),
          assessmentId: 2,
          numbersDigest: hostile(2),
        },
        mac: hostile(3),
      }),
  ],
  [
    'correspondence list',
    () =>
      buildCorrespondenceList(
        T,
        null,
        NUMBERS.map((number, i) => ({
          number,
          studentNumber: hostile(i),
          lastName: hostile(i + 1),
          firstName: hostile(i + 2),
          birthDate: null,
        })),
        { generatedBy: hostile(6), generatedAt: '2026-12-04T10:00:00Z' },
      ),
  ],
  [
    'modalities report',
    () =>
      buildModalitiesReport(hostile(0), 2026, [
        { period: hostile(1), assessment: A, template: hostile(2), state: 'V' },
      ]),
  ],
  [
    'progress report',
    () =>
      buildProgressReport(T, [
        {
          assessment: A,
          state: 'V',
          concerned: 3,
          numbered: 3,
          withoutNumber: 0,
          lostEnrolment: 0,
          graded: 1,
        },
      ]),
  ],
  [
    'anonymous PV',
    () =>
      buildAnonymousPv(T, [
        {
          assessment: A,
          rows: NUMBERS.map((number, i) => ({ number, grade, result: hostile(i) })),
        },
      ]),
  ],
  [
    'named PV',
    () =>
      buildNamedPv(T, [
        {
          assessment: A,
          rows: NUMBERS.map((number, i) => ({
            number,
            grade,
            result: hostile(i),
            studentNumber: hostile(i + 1),
            lastName: hostile(i + 2),
            firstName: hostile(i + 3),
          })),
        },
      ]),
  ],
  [
    'receipt workbook',
    () =>
      buildReceiptWorkbook({
        file: hostile(0),
        sha256: 'a'.repeat(64),
        ctn: hostile(1),
        channel: hostile(2),
        status: 'rejected',
        receivedAt: '2026-12-04T10:00:00Z',
        processedAt: '2026-12-04T10:00:01Z',
        rows: { read: 1, imported: 0, rejected: 1 },
        errors: [
          {
            row: 2,
            column: hostile(3),
            value: hostile(4),
            code: 'GRADE_INVALID',
            message: hostile(5),
          },
        ],
        summary: hostile(6),
      }),
  ],
  [
    'PV reveal sheet',
    async () =>
      buildAnonymousPv(T, [{ assessment: A, rows: [] }], {
        reveals: [
          {
            number: '=1',
            objectCode: hostile(1),
            actor: hostile(2),
            reason: hostile(3),
            at: hostile(4),
          },
        ],
      }),
  ],
];

describe('every spreadsheet builder fed hostile text', () => {
  it.each(BUILDERS)('%s writes no formula and nothing that reads as one', async (_name, build) => {
    const wb = await load(await build());

    expect(noFormulaCells(wb)).toBe(true);
    expect(formulaLike(wb)).toEqual([]);
    expect(strings(wb).length).toBeGreaterThan(0);
  });

  it('writes grades as typed numbers in the PVs, never as text', async () => {
    const wb = await load(
      await buildAnonymousPv(T, [
        {
          assessment: A,
          rows: [{ number: '00012', grade: { kind: 'value', value: 12.5 }, result: null }],
        },
      ]),
    );

    expect(
      wb.worksheets.some((ws) => {
        let typed = false;
        ws.eachRow((row) => row.eachCell((cell) => (typed ||= cell.value === 12.5)));
        return typed;
      }),
    ).toBe(true);
    expect(strings(wb)).not.toContain('12.5');
    expect(strings(wb)).not.toContain('12,5');
  });
});
