// Scores as optical-reader tools write them, made into grades as the profile says: OMRChecker
// writes floats it never rounds (`70.66666666666667`) and a sum of points that need not be out of
// the barème. Conversion is exact decimal arithmetic; each grade rounded is a receipt notice.
import { convertScore, formatGradeFrench } from '../domain/grades.js';
import { cellText } from '../readers/columns.js';
import type { ColumnProfile } from '../readers/profiles.js';
import type { Cell } from '../readers/table.js';
import type { Resolved } from './resolve.js';
import type { ErrorList, KeyedRow } from './rows.js';
import type { ChannelInput } from './types.js';

/** The barème when an assessment has none recorded, as the grade parser assumes. */
const DEFAULT_SCALE = 20;

/** A grade the profile rounded: what was read and what is stored, for the receipt. */
export interface Rounded {
  row: number;
  read: string;
  stored: string;
  scale: number;
}

/** The row with another grade cell (the converted score), everything else as read. */
function withGrade(row: KeyedRow, grade: Cell): KeyedRow {
  return {
    number: row.number,
    has: (key) => row.has(key),
    get: (key) => (key === 'grade' ? grade : row.get(key)),
    text: (key) => (key === 'grade' ? cellText(grade).trim() : row.text(key)),
    others: () => row.others(),
  };
}

/** The barème of each assessment the rows resolved to. */
async function scalesOf(input: ChannelInput, resolved: Resolved[]): Promise<Map<number, number>> {
  const ids = [...new Set(resolved.map((r) => r.assessmentId))];
  const rows = (await input.trx('assessment').whereIn('id', ids).select('id', 'scale')) as Array<{
    id: number;
    scale: string;
  }>;
  return new Map(rows.map((a) => [a.id, Number(a.scale)]));
}

/**
 * Brings each score to its barème as the profile says (exact decimals, rounded half up when the
 * profile rounds). The converted value replaces the cell as a number whose text is still what was
 * read, so the receipt shows the score as the tool wrote it. Scores a profile without rounding
 * cannot convert exactly are refused; anything not a decimal is left for the grade parser.
 */
export async function convertScores(
  input: ChannelInput,
  resolved: Resolved[],
  profile: ColumnProfile,
  errors: ErrorList,
): Promise<{ kept: Resolved[]; rounded: Rounded[] }> {
  if (profile.rounding === undefined && profile.scoreScale === undefined) {
    return { kept: resolved, rounded: [] };
  }

  const scales = await scalesOf(input, resolved);
  const kept: Resolved[] = [];
  const rounded: Rounded[] = [];
  for (const r of resolved) {
    const cell = r.row.get('grade');
    const read = cell?.kind === 'number' ? String(cell.value) : cellText(cell).trim();
    const scale = scales.get(r.assessmentId) ?? DEFAULT_SCALE;
    // A percentage cell is not converted: parseGrades refuses it (its value is the shown one / 100).
    const score = cell?.kind === 'text' || (cell?.kind === 'number' && cell.percent !== true);
    const converted = score ? convertScore(read, profile, scale) : null;
    if (converted === null) {
      kept.push(r);
      continue;
    }
    if (!converted.ok) {
      errors.add(r.row.number, 'Note', converted.code, r.row.text('grade'), converted.detail);
      continue;
    }

    const grade: Cell = { kind: 'number', value: Number(converted.value), raw: cellText(cell) };
    kept.push({ ...r, row: withGrade(r.row, grade) });
    if (converted.rounded) {
      rounded.push({ row: r.row.number, read, stored: converted.value, scale });
    }
  }
  return { kept, rounded };
}

/**
 * Lists one notice per grade rounded and imported (rows refused for another reason get none), after
 * the file is settled: notices never make it partial nor refuse it, and a refused file lists none.
 * They go through the file's list like every notice, listed up to its limit and counted beyond.
 * Returns what the summary says of them ('' when none).
 */
export function noteRoundings(
  rounded: Rounded[],
  profile: ColumnProfile,
  errors: ErrorList,
): string {
  const outOf = (scale: number): string =>
    profile.scoreScale === undefined ? '' : ` sur ${scale}`;
  const unlistedBefore = errors.unlisted;

  let noted = 0;
  for (const r of rounded.filter((x) => !errors.rows.has(x.row))) {
    const stored = formatGradeFrench({ kind: 'value', value: Number(r.stored) });
    const read = `${r.read}${outOf(profile.scoreScale ?? r.scale)}`;
    errors.note(
      r.row,
      'Note',
      'GRADE_ROUNDED',
      r.read,
      `Lu : ${read} ; enregistré : ${stored}${outOf(r.scale)}.`,
    );
    noted += 1;
  }

  if (noted === 0) {
    return '';
  }
  const unlisted = errors.unlisted - unlistedBefore;
  return unlisted === 0
    ? `${noted} note(s) arrondie(s), listée(s) en avis.`
    : `${noted} note(s) arrondie(s) : ${noted - unlisted} listée(s) en avis, ${unlisted} non détaillée(s) ici.`;
}
