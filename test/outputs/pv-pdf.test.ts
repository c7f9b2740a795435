// PDF PVs: anonymous rows by number only, statistics withheld for small groups, a fingerprint that
// follows the data shown, signatures block and anonymity state on the page.
import { describe, expect, it } from 'vitest';

import { scanForIdentities } from '../../src/outputs/gateway.js';
import { buildIndividualPvPdf } from '../../src/outputs/pdf/pv-individual.js';
import { sectionStats } from '../../src/outputs/pdf/pv-stats.js';
import { ANONYMOUS_PV, NAMED_PV, buildPvPdf, pvFingerprint } from '../../src/outputs/pdf/pv.js';
import type { NamedGradeRow, PvSection } from '../../src/outputs/types.js';
import { TEMPLATE, assessment } from './fixtures.js';
import { pdfInfo, pdfTextRuns } from './pdf-text.js';

const NAMES = ['LEFÈVRE', 'ŒUVRAY', 'N’DIAYE', 'ÇELIK', 'BRÛLÉ'];

function rows(count: number): NamedGradeRow[] {
  return Array.from({ length: count }, (_, k) => ({
    number: String(10_000 + k * 37).padStart(6, '0'),
    studentNumber: String(21_000_000 + k).padStart(8, '0'),
    lastName: NAMES[k % NAMES.length] ?? 'X',
    firstName: 'Jérôme',
    grade: k % 7 === 0 ? { kind: 'absence', code: 'ABJ' } : { kind: 'value', value: (k * 3) % 21 },
    result: k % 3 === 0 ? 'AJ' : 'ADM',
  }));
}

const OPTIONS = { passingResults: ['ADM'], threshold: 5, generatedAt: '2027-01-20T10:00:00Z' };
const SECTIONS: Array<PvSection<NamedGradeRow>> = [
  { assessment: assessment(1, 'MAT101', 'Algèbre linéaire'), rows: rows(40), state: 'V' },
  { assessment: assessment(2, 'PHY101', 'Mécanique du point'), rows: rows(3), state: 'V' },
];
const ROSTER = rows(40).map((r) => ({
  studentNumber: r.studentNumber,
  lastName: r.lastName,
  firstName: r.firstName,
  birthDate: null,
}));

describe('PDF PV de délibération', () => {
  it('shows numbers only while anonymous, even when the rows handed in carry names', async () => {
    const { bytes } = await buildPvPdf(TEMPLATE, SECTIONS, ANONYMOUS_PV, OPTIONS);
    const text = pdfTextRuns(bytes).join('\n');

    expect(scanForIdentities('pv.pdf', bytes, ROSTER)).toEqual([]);
    expect(text).toContain('010037');
    expect(text).toContain("État d'anonymat : Validé");
    expect(pdfInfo(bytes)).toMatchObject({
      Title: 'anonymat',
      Author: 'anonymat',
      Creator: 'anonymat',
    });
  });

  it('shows the names once named, which the identity scan does see', async () => {
    const named = SECTIONS.map((s) => ({ ...s, state: 'L' as const }));
    const { bytes } = await buildPvPdf(TEMPLATE, named, NAMED_PV, OPTIONS);

    expect(pdfTextRuns(bytes)).toContain('ŒUVRAY');
    expect(scanForIdentities('pv.pdf', bytes, ROSTER).length).toBeGreaterThan(0);
  });

  it('prints counts, pass rate, the signatures block and the fingerprint', async () => {
    const { bytes, fingerprint } = await buildPvPdf(TEMPLATE, SECTIONS, ANONYMOUS_PV, OPTIONS);
    const text = pdfTextRuns(bytes).join('\n');

    expect(text).toContain('Taux de réussite (résultats)');
    expect(text).toContain('Le président du jury');
    expect(text).toContain('Les membres du jury');
    expect(text).toContain(fingerprint.slice(0, 4));
    expect(text).toMatch(/moins de 5 notes chiffrées/);
  });

  it('withholds the statistics of a group smaller than the threshold, never the counts', () => {
    const small = sectionStats(rows(4), 20, ['ADM'], 5);
    const large = sectionStats(rows(40), 20, ['ADM'], 5);

    expect(small).toMatchObject({
      enrolled: 4,
      withheld: true,
      mean: null,
      passRate: null,
      admitted: null,
    });
    expect(large.withheld).toBe(false);
    expect(large.enrolled).toBe(40);
    expect(large.absent + large.present).toBe(40);
    expect(large.passRate).toBeCloseTo((large.admitted ?? 0) / 40);
  });

  it('changes its fingerprint when one grade changes', () => {
    const changed = structuredClone(SECTIONS);
    const row = changed[0]?.rows[1];
    if (row) {
      row.grade = { kind: 'value', value: 19.5 };
    }

    expect(pvFingerprint(TEMPLATE, SECTIONS, ANONYMOUS_PV)).toBe(
      pvFingerprint(TEMPLATE, SECTIONS, ANONYMOUS_PV),
    );
    expect(pvFingerprint(TEMPLATE, changed, ANONYMOUS_PV)).not.toBe(
      pvFingerprint(TEMPLATE, SECTIONS, ANONYMOUS_PV),
    );
  });
});

describe('PDF PV individuel', () => {
  it('gives each student one page with every assessment they sat', async () => {
    const named = SECTIONS.map((s) => ({ ...s, state: 'L' as const }));
    const out = await buildIndividualPvPdf(TEMPLATE, named, NAMED_PV, OPTIONS);
    const text = pdfTextRuns(out.bytes);

    expect(out.pages).toBe(40);
    expect(text.filter((r) => r === 'Procès-verbal individuel — nominatif')).toHaveLength(40);
    expect(text).toContain('Mécanique du point');
  });
});

describe('reveals before the lift on the PDF PVs', () => {
  const REVEALS = [
    {
      number: '010037',
      objectCode: 'MAT101',
      actor: 'gest-sci',
      reason: 'Copie égarée : recherche pour recours gracieux',
      at: '2027-01-15T09:30:00Z',
    },
  ];
  const withReveals = { ...OPTIONS, reveals: REVEALS };

  it('lists each reveal by number, assessment, manager, date and reason, and no identity', async () => {
    const { bytes } = await buildPvPdf(TEMPLATE, SECTIONS, ANONYMOUS_PV, withReveals);
    const text = pdfTextRuns(bytes);

    expect(text).toContain('Levées individuelles d’anonymat — PV anonyme');
    expect(text).toEqual(
      expect.arrayContaining(['010037', 'MAT101', 'gest-sci', '15/01/2027 à 10:30']),
    );
    expect(text.join(' ')).toContain('Copie égarée : recherche pour recours gracieux');
    expect(scanForIdentities('pv.pdf', bytes, ROSTER)).toEqual([]);
  });

  it('prints no reveals page when nobody was revealed', async () => {
    const { bytes } = await buildPvPdf(TEMPLATE, SECTIONS, ANONYMOUS_PV, OPTIONS);

    expect(pdfTextRuns(bytes).join('\n')).not.toContain('Levées individuelles');
  });

  it('names the reveal on the revealed number’s PV individuel', async () => {
    const out = await buildIndividualPvPdf(TEMPLATE, SECTIONS, ANONYMOUS_PV, withReveals);
    const text = pdfTextRuns(out.bytes).join(' ');

    expect(text).toContain('Levée individuelle d’anonymat du n° 010037 (MAT101)');
    expect(text.match(/Levée individuelle/g)).toHaveLength(1);
  });

  it('covers the reveals in the fingerprint, shared by the collective and the individual PV', async () => {
    const collective = await buildPvPdf(TEMPLATE, SECTIONS, ANONYMOUS_PV, withReveals);
    const individual = await buildIndividualPvPdf(TEMPLATE, SECTIONS, ANONYMOUS_PV, withReveals);

    expect(collective.fingerprint).toBe(individual.fingerprint);
    expect(collective.fingerprint).toBe(pvFingerprint(TEMPLATE, SECTIONS, ANONYMOUS_PV, REVEALS));
    expect(collective.fingerprint).not.toBe(pvFingerprint(TEMPLATE, SECTIONS, ANONYMOUS_PV));
  });
});
