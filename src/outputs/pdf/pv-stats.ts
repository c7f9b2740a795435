// Counts and rates under each section of a PV. An anonymous PV withholds the statistics of a
// group smaller than the configured threshold: with two students present, the mean and one grade
// give the other grade away.

import { frenchNumber } from '../french.js';
import type { AnonymousGradeRow } from '../types.js';

// Absence codes that mean the student did not sit; DIS (dispensé) is counted apart.
const ABSENT_CODES: ReadonlySet<string> = new Set(['ABI', 'ABJ', 'DEF', 'DEM']);

/** What the PV prints under a section's table. */
export interface SectionStats {
  enrolled: number;
  present: number;
  absent: number;
  exempt: number;
  ungraded: number;
  /** Students with a passing result, null when no result was recorded. */
  admitted: number | null;
  /** Share of passes: among results when there are some, else grades at least half the scale. */
  passRate: number | null;
  passRateBasis: 'results' | 'grades';
  mean: number | null;
  min: number | null;
  max: number | null;
  /** True when the group is too small and the figures above that describe grades are withheld. */
  withheld: boolean;
}

/** Statistics of one section; `threshold` 0 never withholds (named PV). */
export function sectionStats(
  rows: readonly AnonymousGradeRow[],
  scale: number,
  passing: readonly string[],
  threshold: number,
): SectionStats {
  const values = rows.flatMap((r) => (r.grade?.kind === 'value' ? [r.grade.value] : []));
  const codes = rows.flatMap((r) => (r.grade?.kind === 'absence' ? [r.grade.code] : []));
  const absent = codes.filter((code) => ABSENT_CODES.has(code)).length;
  const results = rows.flatMap((r) => (r.result === null ? [] : [r.result]));
  const withheld = threshold > 0 && values.length < threshold;

  const admitted = results.length > 0 ? results.filter((c) => passing.includes(c)).length : null;
  const basis = admitted === null ? 'grades' : 'results';
  const passes = admitted ?? values.filter((v) => v >= scale / 2).length;
  const over = admitted === null ? values.length : results.length;
  // Rounded to the hundredth, the precision of grades, so no binary noise is printed.
  const round = (v: number): number => Math.round(v * 100) / 100;
  const sum = values.reduce((total, v) => total + v, 0);

  return {
    enrolled: rows.length,
    present: values.length,
    absent,
    exempt: codes.length - absent,
    ungraded: rows.length - values.length - codes.length,
    admitted: withheld ? null : admitted,
    passRate: withheld || over === 0 ? null : passes / over,
    passRateBasis: basis,
    mean: withheld || values.length === 0 ? null : round(sum / values.length),
    min: withheld || values.length === 0 ? null : Math.min(...values),
    max: withheld || values.length === 0 ? null : Math.max(...values),
    withheld,
  };
}

/** How a statistic is shown: a count, a grade, a share (0 to 1) or a sentence. */
export type StatFormat = 'count' | 'grade' | 'percent' | 'text';

/** One line under a PV table, shared by the PDF and the spreadsheet PV. */
export interface StatLine {
  label: string;
  /** A number in the line's format, or a sentence ("—" when there is nothing to show). */
  value: number | string;
  format: StatFormat;
}

/** The lines printed under a section's table: counts always, figures on grades unless withheld. */
export function statLines(s: SectionStats, scale: number, threshold: number): StatLine[] {
  const lines: StatLine[] = [
    { label: 'Inscrits', value: s.enrolled, format: 'count' },
    { label: 'Présents (note chiffrée)', value: s.present, format: 'count' },
    { label: 'Absents (ABI, ABJ, DEF, DEM)', value: s.absent, format: 'count' },
    { label: 'Dispensés (DIS)', value: s.exempt, format: 'count' },
    { label: 'Sans note', value: s.ungraded, format: 'count' },
  ];
  if (s.withheld) {
    lines.push({
      label: 'Statistiques',
      value: `non publiées : moins de ${threshold} notes chiffrées (protection de l’anonymat)`,
      format: 'text',
    });
    return lines;
  }

  const orDash = (v: number | null): number | string => v ?? '—';
  if (s.admitted !== null) {
    lines.push({ label: 'Admis', value: s.admitted, format: 'count' });
  }
  lines.push({
    label:
      s.passRateBasis === 'results'
        ? 'Taux de réussite (résultats)'
        : `Taux de notes ≥ ${frenchNumber(scale / 2)}`,
    value: orDash(s.passRate),
    format: 'percent',
  });
  lines.push({ label: 'Moyenne des présents', value: orDash(s.mean), format: 'grade' });
  lines.push({ label: 'Note la plus basse', value: orDash(s.min), format: 'grade' });
  lines.push({ label: 'Note la plus haute', value: orDash(s.max), format: 'grade' });
  return lines;
}
