// Counts and rates under each section of a PV. An anonymous PV withholds the statistics of a
// group smaller than the configured threshold: with two students present, the mean and one grade
// give the other grade away.

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
