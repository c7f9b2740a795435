// Column profiles of the optical readers: which headings hold the identifier, the grade and the
// code grid in the files each tool writes, and which profile each inbox folder uses. Built-in
// defaults cover Auto Multiple Choice, OMRChecker and a generic scanner; a deployment adds its own
// headings in `<home>/config/column-profiles.json` (see config/column-profiles.example.json).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { ScoreConversion } from '../domain/grades.js';

/** The optical-reader sources the service knows. */
export const OPTICAL_PROFILES = ['amc', 'omrchecker', 'scanner'] as const;

/** One optical-reader source. */
export type OpticalProfileName = (typeof OPTICAL_PROFILES)[number];

/**
 * Headings of one source (a heading ending with `*` matches any heading starting with the rest),
 * and how its scores become grades: `rounding` (decimals kept, half up on the exact decimal) and
 * `scoreScale` (what the score is out of, when not the barème). Without `rounding`, a score with
 * more than two decimals is refused like a typed grade.
 */
export interface ColumnProfile extends ScoreConversion {
  /** Headings of the identifier (anonymous number) column, the first one shown when missing. */
  number: string[];
  /** Headings of the grade column. */
  grade: string[];
  /** Headings of the code-grid column (digits read), compared with the identifier when present. */
  grid: string[];
  /** Headings that all appear in this source's files: how `auto` recognises it. */
  signature: string[];
}

/** Every profile, and the profile of each inbox folder (CTN code, `*` for the others). */
export interface ColumnProfiles {
  profiles: Readonly<Record<OpticalProfileName, ColumnProfile>>;
  /** CTN folder → profile; `auto` recognises the source by its headings. Default `{ "*": "auto" }`. */
  folders: Readonly<Record<string, OpticalProfileName | 'auto'>>;
}

const ANONYMOUS_NUMBER = ['N° anonyme', 'Numéro anonyme', 'NUM_ANONYMAT', "numéro d'anonymat"];

/** The profiles used when the configuration names none. */
export const DEFAULT_COLUMN_PROFILES: ColumnProfiles = {
  profiles: {
    // AMC: `A:<key>` is the identifier associated with the copy; the code grid keeps its own name.
    // The `A:` heading alone tells AMC: its exports do not all carry `Copie` (one with `Nom`,
    // `Note`, `Total`, `Max` and no copy column was refused as a generic scanner's).
    amc: {
      number: ['A:*'],
      grade: ['Note'],
      grid: ['numero', 'etu', 'anonymat', 'code'],
      signature: ['A:*'],
    },
    // OMRChecker: quoted fields, `Roll` holds the identifier read, `score` the grade. It writes
    // the score as a float (`70.66666666666667`) and never rounds it, so the profile does. The
    // score is the sum of the marking scheme's points: a deployment whose answer key is not out
    // of the barème sets `scoreScale`.
    omrchecker: {
      number: ['Roll', 'roll_no', 'Roll_no', 'id'],
      grade: ['score'],
      grid: [],
      signature: ['file_id', 'input_path', 'score'],
      rounding: 2,
    },
    // « Résultat » is no score heading: it heads a jury file's decisions (ADM, AJ, and ABJ, DEF…,
    // which are absence codes too), and a jury file dropped here turned grades into absences.
    scanner: {
      number: [...ANONYMOUS_NUMBER, 'anonymat', 'identifiant', 'ID'],
      grade: ['Note', 'Note /20', 'Note sur 20', 'Score'],
      grid: ['grille', 'code lu'],
      signature: [],
    },
  },
  folders: { '*': 'auto' },
};

/** What a profile entry of the file may hold: `null` removes a default conversion. */
type ProfileEntry = Partial<Record<keyof ColumnProfile, unknown>>;

interface ProfilesFile {
  profiles?: Partial<Record<string, ProfileEntry>>;
  folders?: Record<string, string>;
}

function fail(file: string, expected: string, value: unknown): never {
  throw new Error(
    `configuration: ${file} must have ${expected}, got ${JSON.stringify(value) ?? 'undefined'}`,
  );
}

function isTextList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '');
}

/** Grades have two decimals at most: a profile may round to 0, 1 or 2. */
const MAX_ROUNDING = 2;

/** The score conversion of a profile entry over the default one; `null` removes a default. */
function conversionOf(
  file: string,
  name: OpticalProfileName,
  extra: ProfileEntry,
  base: ScoreConversion,
): ScoreConversion {
  const { rounding = base.rounding, scoreScale = base.scoreScale } = extra;
  const isRounding = (v: unknown): v is number =>
    Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_ROUNDING;
  const isScale = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

  if (rounding !== undefined && rounding !== null && !isRounding(rounding)) {
    fail(file, `profiles.${name}.rounding as 0, 1 or 2 decimals (or null)`, rounding);
  }
  if (scoreScale !== undefined && scoreScale !== null && !isScale(scoreScale)) {
    fail(file, `profiles.${name}.scoreScale as a number above 0 (or null)`, scoreScale);
  }
  return {
    ...(isRounding(rounding) ? { rounding } : {}),
    ...(isScale(scoreScale) ? { scoreScale } : {}),
  };
}

/** A default profile with the headings the file adds in front of its own (so they win on ties). */
function extend(file: string, name: OpticalProfileName, extra: ProfileEntry): ColumnProfile {
  const base = DEFAULT_COLUMN_PROFILES.profiles[name];
  const merged: ColumnProfile = {
    number: base.number,
    grade: base.grade,
    grid: base.grid,
    signature: base.signature,
    ...conversionOf(file, name, extra, base),
  };

  for (const key of ['number', 'grade', 'grid', 'signature'] as const) {
    const added = extra[key];
    if (added === undefined) {
      continue;
    }
    if (!isTextList(added)) {
      fail(file, `profiles.${name}.${key} as a list of headings`, added);
    }
    merged[key] = [...added, ...base[key]];
  }
  return merged;
}

function isProfileChoice(value: string): value is OpticalProfileName | 'auto' {
  return value === 'auto' || (OPTICAL_PROFILES as readonly string[]).includes(value);
}

/** Validates a parsed profiles file against the defaults. */
export function mergeColumnProfiles(file: string, parsed: ProfilesFile): ColumnProfiles {
  const profiles = { ...DEFAULT_COLUMN_PROFILES.profiles };
  for (const [name, extra] of Object.entries(parsed.profiles ?? {})) {
    if (
      !(OPTICAL_PROFILES as readonly string[]).includes(name) ||
      typeof extra !== 'object' ||
      extra === null
    ) {
      fail(file, `profiles named ${OPTICAL_PROFILES.join(', ')}`, name);
    }
    profiles[name as OpticalProfileName] = extend(file, name as OpticalProfileName, extra);
  }

  const folders: Record<string, OpticalProfileName | 'auto'> = {
    ...DEFAULT_COLUMN_PROFILES.folders,
  };
  for (const [folder, choice] of Object.entries(parsed.folders ?? {})) {
    if (typeof choice !== 'string' || !isProfileChoice(choice)) {
      fail(file, `folders.${folder} among auto, ${OPTICAL_PROFILES.join(', ')}`, choice);
    }
    folders[folder] = choice;
  }

  return Object.freeze({ profiles: Object.freeze(profiles), folders: Object.freeze(folders) });
}

/** Reads `<home>/config/column-profiles.json` over the defaults; the defaults when it is absent. */
export function loadColumnProfiles(home: string): ColumnProfiles {
  const file = path.join(home, 'config', 'column-profiles.json');
  if (!existsSync(file)) {
    return DEFAULT_COLUMN_PROFILES;
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error: unknown) {
    throw new Error(`configuration: ${file} is not valid JSON (${String(error)})`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null) {
    fail(file, 'an object', parsed);
  }
  return mergeColumnProfiles(file, parsed as ProfilesFile);
}

/** The profile of a CTN folder: its own entry, else `*`, else `auto`. */
export function profileOfFolder(
  profiles: ColumnProfiles,
  ctn: string,
): OpticalProfileName | 'auto' {
  return profiles.folders[ctn] ?? profiles.folders['*'] ?? 'auto';
}
