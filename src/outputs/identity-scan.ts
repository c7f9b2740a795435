// The identity scan of the outbox gateway (issue 5 §1): every text a reader could see in a file
// (cells, sheet names, comments, defined names, headers and footers, number formats, validation
// messages, document properties, PDF text and metadata, the file name; see identity-parts.ts),
// compared with the roster of the students the file concerns.
//
// The roster is never loaded whole: the file's words are sent to the roster (identity-roster.ts;
// services/roster.ts asks Postgres, a list given by a caller answers from memory), which returns
// the few students whose identifiers appear; whole-word and phrase checks are then done here on
// those few.
//
// Hard hits: a student number, an INE, a birth date, a full name (last and first name side by side,
// either order). A last name alone is a hit unless it only appears inside text the service writes
// by itself (identity-wording.ts): the referential's labels and codes, the outputs' fixed wording.
// Known limits: a first name alone is not searched (too many are ordinary words), nor a birth date
// stored as a spreadsheet date serial, nor a last name of more than MAX_NAME_WORDS words alone, nor,
// in an output, a student number stripped of its leading zeros (only in typed texts: scanTexts).
import {
  FILE_NAME_PART,
  dateForms,
  datesIn,
  readableText,
  readingsOf,
  shownForms,
  unpaddedNumber,
  words,
  type FileText,
} from './identity-parts.js';
import { pairsOf, queryOf, type Reading } from './identity-query.js';
import {
  isList,
  ListRoster,
  type Answer,
  type Question,
  type Roster,
  type RosterEntry,
  type RosterMatch,
} from './identity-roster.js';
import { KnownText, serviceWording } from './identity-wording.js';

export { FILE_NAME_PART } from './identity-parts.js';

export type ScanKind = 'student_number' | 'ine' | 'last_name' | 'birth_date';

/** Where an identity was found: the part of the file, the kind of identifier, never the value. */
export interface ScanHit {
  part: string;
  kind: ScanKind;
  /** Where a person finds it, in French (« feuille 1 « Notes », cellule C4 »); never the value. */
  places: string[];
}

/**
 * Something to find: a whole-word needle, or separated dates; `soft` for a last name alone, `whole`
 * when it must be the whole of a text to count.
 */
interface Needle {
  kind: ScanKind;
  flat?: string;
  dates?: ReadonlySet<string>;
  soft?: boolean;
  whole?: boolean;
}

function found(needle: Needle, reading: { raw: string; flat: string }): boolean {
  if (needle.flat !== undefined) {
    return needle.whole
      ? withoutInitials(reading.flat) === withoutInitials(needle.flat)
      : reading.flat.includes(needle.flat);
  }
  return [...datesIn(reading.raw)].some((d) => needle.dates?.has(d));
}

/**
 * A `words` text without its one-letter words: initials and « M. » around a name (« J. PETIT »),
 * taken off the name searched too (N'DIAYE reads `N DIAYE`).
 */
function withoutInitials(flat: string): string {
  return flat.replace(/ [A-Z](?= )/g, '');
}

/**
 * The needles of what the roster recognised; with `unpadded`, a student number stripped of its
 * leading zeros too (see `UNPADDED_MIN_DIGITS`).
 */
function needlesOf(
  match: RosterMatch,
  fullNames: Array<[string, string]>,
  unpadded: boolean,
): Needle[] {
  const needles: Needle[] = [];
  const add = (value: string, kind: ScanKind, minLength: number): void => {
    const flat = words(value);
    if (flat.replace(/ /g, '').length >= minLength) {
      needles.push({ kind, flat });
    }
  };
  for (const { studentNumber, ine } of match.identifiers) {
    add(studentNumber, 'student_number', 4);
    const bare = unpadded ? unpaddedNumber(words(studentNumber).trim()) : null;
    if (bare) {
      add(bare, 'student_number', 4);
    }
    if (ine) {
      add(ine, 'ine', 6);
    }
  }
  // Two-letter names (Li, Ng) would match everywhere: they are caught with the first name only.
  for (const last of match.lastNames) {
    if (last.replace(/[^A-Z]/g, '').length >= 3) {
      needles.push({ kind: 'last_name', flat: ` ${last} `, soft: true });
    }
  }
  for (const [last, first] of fullNames) {
    needles.push({ kind: 'last_name', flat: ` ${last} ${first} ` });
    needles.push({ kind: 'last_name', flat: ` ${first} ${last} ` });
  }
  for (const birth of match.births) {
    dateForms(birth).forEach((form) => needles.push({ kind: 'birth_date', flat: ` ${form} ` }));
  }
  if (match.births.length > 0) {
    needles.push({ kind: 'birth_date', dates: new Set(match.births) });
  }
  return needles;
}

/** The part's place when no single unit holds what was found (a name across two cells). */
function partPlace(part: string): string {
  if (part === FILE_NAME_PART) {
    return part;
  }
  if (part === 'pdf') {
    return 'contenu du PDF';
  }
  return part === 'contenu' ? 'contenu du fichier' : `partie « ${part} »`;
}

/** A hit being gathered: the needles found for it, to place it afterwards. */
interface Finding {
  part: string;
  kind: ScanKind;
  needles: Needle[];
}

/**
 * The scan as a conversation with the roster: it yields questions (answered from memory or from
 * Postgres by the two drivers below) and returns the hits.
 */
function* scanSteps(
  file: FileText,
  mode: ScanMode = OUTPUT_SCAN,
): Generator<Question, ScanHit[], Answer> {
  const readings = file.parts.flatMap(({ part, texts }) =>
    texts.map((raw) => ({ part, raw, flat: words(raw) })),
  );
  const match = (yield { ask: 'match', query: queryOf(readings, mode.unpadded) }) as RosterMatch;
  const pairs = match.lastNames.length > 0 ? pairsOf(readings, match.lastNames) : [];
  const fullNames =
    pairs.length > 0 ? ((yield { ask: 'fullNames', pairs }) as Array<[string, string]>) : [];
  const needles = needlesOf(match, fullNames, mode.unpadded).map((n) =>
    n.soft && mode.lastNameAlone === 'whole-text' ? { ...n, whole: true } : n,
  );

  const findings = new Map<string, Finding>();
  for (const reading of readings) {
    for (const needle of needles.filter((n) => found(n, reading))) {
      const key = `${reading.part}|${needle.kind}`;
      const finding = findings.get(key) ?? { part: reading.part, kind: needle.kind, needles: [] };
      if (!finding.needles.includes(needle)) {
        finding.needles.push(needle);
      }
      findings.set(key, finding);
    }
  }
  if (findings.size === 0) {
    return [];
  }
  const places = new Placer(file, needles);
  const softWords = places.wordsAround([...findings.values()]);
  const referential =
    softWords.length > 0 ? ((yield { ask: 'referential', words: softWords }) as string[]) : [];
  const known = new KnownText(
    referential.map((t) => words(t).trim().split(' ')),
    serviceWording().map((t) => words(t).trim().split(' ')),
  );
  return [...findings.values()].flatMap((finding) => places.hit(finding, known));
}

/** Places of findings in the units of their part, and the excuse of a last name alone. */
class Placer {
  private readonly units = new Map<string, Array<{ places: string[]; readings: Reading[] }>>();

  constructor(
    private readonly file: FileText,
    private readonly needles: Needle[],
  ) {}

  private unitsOf(part: string): Array<{ places: string[]; readings: Reading[] }> {
    let list = this.units.get(part);
    if (!list) {
      list = this.file.units(part).map((u) => ({
        places: u.places,
        readings: u.texts.map((raw) => ({ part, raw, flat: words(raw) })),
      }));
      this.units.set(part, list);
    }
    return list;
  }

  /** Words of the units where a last name was found alone: the referential is asked about them. */
  wordsAround(findings: Finding[]): string[] {
    const around = new Set<string>();
    for (const finding of findings) {
      for (const needle of finding.needles.filter((n) => n.soft)) {
        for (const unit of this.unitsOf(finding.part)) {
          for (const reading of unit.readings.filter((r) => found(needle, r))) {
            reading.flat.split(' ').forEach((w) => w && around.add(w));
          }
        }
      }
    }
    return [...around];
  }

  /** The hit of a finding with its places, or nothing when every last name alone is excused. */
  hit(finding: Finding, known: KnownText): ScanHit[] {
    const places = new Set<string>();
    let unplaced = false;
    for (const needle of finding.needles) {
      const holding = this.unitsOf(finding.part).filter((u) =>
        u.readings.some((r) => found(needle, r)),
      );
      const blamed = needle.soft
        ? holding.filter(
            (u) => !u.readings.every((r) => !found(needle, r) || excused(r, needle, known)),
          )
        : holding;
      blamed.forEach((u) => u.places.forEach((p) => places.add(this.quoted(p))));
      unplaced ||= holding.length === 0;
    }
    if (unplaced) {
      places.add(partPlace(finding.part));
    }
    return places.size > 0 ? [{ part: finding.part, kind: finding.kind, places: [...places] }] : [];
  }

  /** A place without the « name » it quotes when that name holds anything searched for. */
  private quoted(place: string): string {
    return place.replace(/ « ([^»]*) »/g, (whole, name: string) => {
      const flat = words(name);
      const reading = { part: '', raw: name, flat };
      return this.needles.some((n) => found(n, reading)) ? '' : whole;
    });
  }
}

function excused(reading: Reading, needle: Needle, known: KnownText): boolean {
  return known.excuses(reading.flat.trim().split(' '), (needle.flat ?? '').trim().split(' '));
}

/** Runs the scan against a list in memory, synchronously (tests, logs, small rosters). */
export function scanForIdentities(
  relative: string,
  bytes: Buffer | string,
  roster: readonly RosterEntry[],
  referential: readonly string[] = [],
): ScanHit[] {
  return roster.length === 0 ? [] : scanWithList(fileText(relative, bytes), roster, referential);
}

/** The scan of a file's text, its questions answered from a list in memory. */
function scanWithList(
  file: FileText,
  roster: readonly RosterEntry[],
  referential: readonly string[],
  mode: ScanMode = OUTPUT_SCAN,
): ScanHit[] {
  const list = ListRoster.of(roster);
  const steps = scanSteps(file, mode);
  let step = steps.next();
  while (!step.done) {
    step = steps.next(list.answer(step.value, referential));
  }
  return step.value;
}

function fileText(relative: string, bytes: Buffer | string): FileText {
  return readableText(relative, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
}

/** Runs the scan against any roster: a list, or a lookup that asks Postgres. */
export async function scanFile(
  relative: string,
  bytes: Buffer | string,
  roster: Roster,
  referential: readonly string[] = [],
): Promise<ScanHit[]> {
  return scanText(fileText(relative, bytes), roster, referential);
}

/** Texts read from a file, and where a person finds them (« 7 » for their row, say). */
export interface PlacedText {
  place: string;
  texts: string[];
}

/**
 * Where a last name alone counts: anywhere in a text (what the service writes), or only as the
 * whole of a text (a cell of a person's file, where « petit », « blanc » or « David » in a remark
 * are ordinary words far more often than a student's name).
 */
export type LastNameAlone = 'anywhere' | 'whole-text';

/**
 * How a text is searched: where a last name alone counts, and whether a student number may appear
 * without its leading zeros. Outputs are the service's own writing: their numbers (Excel's row
 * limit 1048576 in a range, a time in a scan's name) are not looked up stripped of zeros.
 */
interface ScanMode {
  lastNameAlone: LastNameAlone;
  unpadded: boolean;
}

const OUTPUT_SCAN: ScanMode = { lastNameAlone: 'anywhere', unpadded: false };

/**
 * Runs the scan over texts a person typed (cells of a dropped file, a reveal's reason), each group
 * its own unit: a hit's places are those of the groups holding it. A student number is found there
 * without its leading zeros too, as Excel shows it (trial: « 5360433 » for 05360433).
 */
export function scanTexts(
  groups: readonly PlacedText[],
  roster: Roster,
  lastNameAlone: LastNameAlone = 'anywhere',
): Promise<ScanHit[]> {
  const part = 'contenu';
  const file: FileText = {
    parts: [{ part, texts: groups.flatMap((g) => g.texts) }],
    units: (asked) =>
      asked === part ? groups.map((g) => ({ places: [g.place], texts: g.texts })) : [],
  };
  return scanText(file, roster, [], { lastNameAlone, unpadded: true });
}

/**
 * Runs the scan over the name of a dropped file as a person typed it: a last name counts anywhere
 * in it as it shows (invisible and full-width characters, a name spelled out: trial N,
 * « Kowal\u00adczyk.csv », « ｋｏｗａｌｃｚｙｋ.csv » named receipts and annotated copies), as the scan
 * of outputs counts it in a file's name; a number, a date or an INE in any form readingsOf reads.
 * Its hits are placed at `place`.
 */
export async function scanTypedName(
  name: string,
  place: string,
  roster: Roster,
): Promise<ScanHit[]> {
  const shown = await scanTexts([{ place, texts: shownForms(name) }], roster, 'anywhere');
  const typed = await scanTexts([{ place, texts: readingsOf([name]) }], roster, 'whole-text');
  return [...shown, ...typed];
}

/** The scan of a file's text against any roster: a list in memory, or a lookup in Postgres. */
async function scanText(
  file: FileText,
  roster: Roster,
  referential: readonly string[],
  mode: ScanMode = OUTPUT_SCAN,
): Promise<ScanHit[]> {
  if (isList(roster)) {
    return roster.length === 0 ? [] : scanWithList(file, roster, referential, mode);
  }
  if (await roster.isEmpty()) {
    return [];
  }
  const steps = scanSteps(file, mode);
  let step = steps.next();
  while (!step.done) {
    const q = step.value;
    const answer =
      q.ask === 'match'
        ? await roster.match(q.query)
        : q.ask === 'fullNames'
          ? await roster.fullNames(q.pairs)
          : [...(await roster.referential(q.words)), ...referential];
    step = steps.next(answer);
  }
  return step.value;
}
