// The identity scan of the outbox gateway (issue 5 §1): every text a reader could see in a file
// (cells, sheet names, comments, defined names, headers and footers, number formats, validation
// messages, document properties, PDF text and metadata, the file name), compared with the roster
// of the students the file concerns. Known limits: a first name alone is not searched (too many
// are ordinary words), nor a birth date stored as a spreadsheet date serial.
import { inflateSync } from 'node:zlib';
import { listZipEntries, readZipEntry } from '../readers/zip-guard.js';

/** One student whose identity must not appear in an anonymous file. */
export interface RosterEntry {
  studentNumber: string;
  ine?: string | null;
  lastName: string;
  firstName?: string;
  /** ISO `yyyy-mm-dd`, or null when unknown. */
  birthDate: string | null;
}

/** The students a file concerns: a list, or already indexed (services/roster.ts streams one in). */
export type Roster = readonly RosterEntry[] | RosterIndex;

/** Where an identity was found: the part of the file and the kind of identifier, never the value. */
export interface ScanHit {
  part: string;
  kind: 'student_number' | 'ine' | 'last_name' | 'birth_date';
}

/** One readable part of a file: its name and its text. */
interface TextPart {
  part: string;
  text: string;
}

/** Upper-case, accents off, every run of non-alphanumerics one space, padded: for whole-word search. */
function words(text: string): string {
  const flat = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
  return ` ${flat} `;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML entities decoded (named and numeric), so `N&apos;DIAYE` reads as `N'DIAYE`. */
function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) {
      return String.fromCodePoint(parseInt(name.slice(2), 16));
    }
    if (name.startsWith('#')) {
      return String.fromCodePoint(parseInt(name.slice(1), 10));
    }
    return XML_ENTITIES[name] ?? whole;
  });
}

const READABLE_ATTRIBUTE_NAMES = [
  'name',
  'formatCode',
  'displayName',
  'tooltip',
  'display',
  'location',
  'prompt',
  'promptTitle',
  'error',
  'errorTitle',
  'caption',
  'title',
  'descr',
  'description',
];
const READABLE_ATTRIBUTES = new RegExp(
  `\\b(?:${READABLE_ATTRIBUTE_NAMES.join('|')})="([^"]*)"`,
  'g',
);

/** Parts of a zip container (xlsx, ods): every entry, its markup dropped two ways. */
function zipParts(bytes: Buffer): TextPart[] {
  const parts: TextPart[] = [];
  for (const entry of listZipEntries(bytes)) {
    // The theme lists fonts for every script (Mangal, Latha, Raavi …), which are also surnames;
    // no builder writes into it, so scanning it would only block honest files.
    if (entry.name.startsWith('xl/theme/')) {
      continue;
    }
    const xml = readZipEntry(bytes, entry).toString('utf8');
    // Tags as spaces keeps cells apart (for digits); tags removed rejoins a name split into
    // rich-text runs (for letters). Sheet names, defined names, comments, headers/footers and
    // document properties are all text of some entry, so none escapes.
    // Header/footer codes (&L, &C, &"Arial,Bold", &12) glue to the text they precede.
    const spaced = unescapeXml(xml.replace(/<[^>]*>/g, ' ')).replace(
      /&(?:"[^"]*"|\d+|[A-Za-z])/g,
      ' ',
    );
    const joined = unescapeXml(
      xml
        .replace(/<rPr>[\s\S]*?<\/rPr>/g, '')
        .replace(/<\/?(?:r|t|text:span)(?:\s[^>]*)?>/g, '')
        .replace(/<[^>]*>/g, ' '),
    );
    parts.push({ part: entry.name, text: spaced }, { part: entry.name, text: joined });
    // Attributes a reader sees are text too (sheet names, number formats, validation messages,
    // tooltips, image descriptions); layout ones are not (a student may be called Center).
    const attributes = [...xml.matchAll(READABLE_ATTRIBUTES)].map((m) => m[1] ?? '').join('\n');
    parts.push({ part: entry.name, text: unescapeXml(attributes) });
  }
  return parts;
}

/** PDF strings: literal `( )` and hex `< >` strings of the raw file and of every Flate stream. */
function pdfParts(bytes: Buffer): TextPart[] {
  const layers = [bytes.toString('latin1')];
  const streams = /stream\r?\n([\s\S]*?)endstream/g;
  for (const match of bytes.toString('latin1').matchAll(streams)) {
    try {
      layers.push(inflateSync(Buffer.from(match[1] ?? '', 'latin1')).toString('latin1'));
    } catch {
      // Not a Flate stream (an image, a font): its raw bytes are already in the first layer.
    }
  }
  // Only what a reader sees: strings (text shown, metadata) and XMP metadata, never operator or
  // font names (Times-Roman, Courier), which are also surnames.
  // One part for the whole document: a per-stream part would multiply the search by the pages.
  const text = layers
    .map((layer) =>
      [
        decodePdfHex(layer),
        decodePdfLiterals(layer),
        layer.includes('xmpmeta') ? layer.replace(/<[^>]*>/g, ' ') : '',
      ].join('\n'),
    )
    .join('\n');
  return [{ part: 'pdf', text }];
}

const PDF_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** The literal `( )` strings of a PDF layer, escapes decoded, UTF-16BE when marked so. */
function decodePdfLiterals(layer: string): string {
  const out: string[] = [];
  for (const match of layer.matchAll(/\(((?:\\[\s\S]|[^\\()])*)\)/g)) {
    const raw = (match[1] ?? '').replace(/\\(\d{1,3}|[\s\S])/g, (_m, e: string) =>
      /\d/.test(e) ? String.fromCharCode(parseInt(e, 8)) : (PDF_ESCAPES[e] ?? e),
    );
    const bytes = Buffer.from(raw, 'latin1');
    out.push(decodePdfBytes(bytes));
  }
  // Joined as is, a word kerned into pieces reads whole; joined by lines, two strings stay apart.
  return `${out.join('')}\n${out.join('\n')}`;
}

/** PDF string bytes as text: UTF-16BE behind its byte-order mark, else single bytes. */
function decodePdfBytes(bytes: Buffer): string {
  const utf16 = bytes[0] === 0xfe && bytes[1] === 0xff;
  return utf16
    ? Buffer.from(bytes.subarray(2)).swap16().toString('utf16le')
    : bytes.toString('latin1');
}

/** The hex strings of a PDF layer decoded (UTF-16BE when marked so, else single bytes). */
function decodePdfHex(layer: string): string {
  const out: string[] = [];
  for (const match of layer.matchAll(/<([0-9A-Fa-f\s]{2,})>/g)) {
    out.push(decodePdfBytes(Buffer.from((match[1] ?? '').replace(/\s/g, ''), 'hex')));
  }
  return `${out.join('')}\n${out.join('\n')}`;
}

/** Every readable part of a file, by content: zip container, PDF, else text (UTF-8 and Latin-1). */
function readableParts(relative: string, bytes: Buffer): TextPart[] {
  const name: TextPart = { part: 'nom du fichier', text: relative };
  if (bytes.subarray(0, 2).toString('latin1') === 'PK') {
    return [name, ...zipParts(bytes)];
  }
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    return [name, ...pdfParts(bytes)];
  }
  return [
    name,
    { part: 'contenu', text: bytes.toString('utf8') },
    { part: 'contenu', text: bytes.toString('latin1') },
  ];
}

/** The compact forms of a birth date (one 8-digit word); separated forms are found by `datesIn`. */
function dateForms(iso: string): string[] {
  const [y, m, d] = iso.slice(0, 10).split('-');
  if (!y || !m || !d) {
    return [];
  }
  return [`${y}${m}${d}`, `${d}${m}${y}`];
}

// A date written with separators (12/03/2006, 12-03-2006, 12.03.2006, 2006-03-12, 2006/03/12).
// Searched on the raw text, because once separators become spaces, three neighbouring numeric
// cells (13, 11, 2006) would read as a date: that blocked honest files of random numbers.
const SEPARATED_DATE =
  /(?<!\d)(?:(\d{1,2})([/.-])(\d{1,2})\2(\d{4})|(\d{4})([/-])(\d{2})\6(\d{2}))(?!\d)/g;

/** ISO forms of every separated date written in a text. */
function datesIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(SEPARATED_DATE)) {
    const [y, mo, d] = m[4] ? [m[4], m[3] ?? '', m[1] ?? ''] : [m[5] ?? '', m[7] ?? '', m[8] ?? ''];
    found.add(`${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`);
  }
  return found;
}

/** Needles of one student, already in `words` form: the value to find and its kind. */
function needlesOf(s: RosterEntry): Array<{ needle: string; kind: ScanHit['kind'] }> {
  const needles: Array<{ needle: string; kind: ScanHit['kind'] }> = [];
  const add = (value: string, kind: ScanHit['kind'], minLength: number): void => {
    const needle = words(value);
    if (needle.replace(/ /g, '').length >= minLength) {
      needles.push({ needle, kind });
    }
  };

  add(s.studentNumber, 'student_number', 4);
  if (s.ine) {
    add(s.ine, 'ine', 6);
  }
  // Two-letter names (Li, Ng) would match everywhere; they are caught with the first name.
  add(s.lastName, 'last_name', 3);
  if (s.lastName.replace(/[^A-Za-z]/g, '').length < 3 && s.firstName) {
    add(`${s.firstName} ${s.lastName}`, 'last_name', 3);
  }
  for (const form of s.birthDate ? dateForms(s.birthDate) : []) {
    add(form, 'birth_date', 6);
  }
  return needles;
}

const KINDS: ReadonlyArray<ScanHit['kind']> = ['student_number', 'ine', 'last_name', 'birth_date'];
const KIND_BIT = new Map(KINDS.map((kind, i) => [kind, 1 << i]));

/**
 * The identities of a roster, indexed for the scan and kept compact, so that a roster of a whole
 * university (a million students) fits: one-word needles (numbers, INE, compact dates, most last
 * names) in one map from the word to the kinds it stands for; longer names under their first word,
 * each name once however many students share it; birth dates once each.
 */
export class RosterIndex {
  private readonly words = new Map<string, number>();
  private readonly phrases = new Map<string, Map<string, number>>();
  readonly births = new Set<string>();
  /** Students added. */
  size = 0;

  /** Adds one student's identities. */
  add(entry: RosterEntry): this {
    this.size += 1;
    for (const { needle, kind } of needlesOf(entry)) {
      const bit = KIND_BIT.get(kind) ?? 0;
      const parts = needle.trim().split(' ');
      const first = parts[0] ?? '';
      if (parts.length === 1) {
        this.words.set(first, (this.words.get(first) ?? 0) | bit);
      } else {
        const same = this.phrases.get(first) ?? new Map<string, number>();
        same.set(needle, (same.get(needle) ?? 0) | bit);
        this.phrases.set(first, same);
      }
    }
    const birth = entry.birthDate?.slice(0, 10);
    if (birth) {
      this.births.add(birth);
    }
    return this;
  }

  /** The kinds of identity found in a text already in `words` form. */
  kindsIn(text: string): Array<ScanHit['kind']> {
    let bits = 0;
    for (const token of new Set(text.split(' '))) {
      bits |= this.words.get(token) ?? 0;
      for (const [needle, kinds] of this.phrases.get(token) ?? []) {
        if (text.includes(needle)) {
          bits |= kinds;
        }
      }
    }
    return KINDS.filter((kind) => (bits & (KIND_BIT.get(kind) ?? 0)) !== 0);
  }
}

// A drop's receipt, its workbook and its annotated copy are scanned against the same roster:
// a list of students is indexed once (a roster is never changed once loaded: it is readonly).
const indexedRosters = new WeakMap<readonly RosterEntry[], RosterIndex>();

function indexOf(roster: Roster): RosterIndex {
  if (roster instanceof RosterIndex) {
    return roster;
  }
  let found = indexedRosters.get(roster);
  if (!found) {
    found = new RosterIndex();
    roster.forEach((entry) => found?.add(entry));
    indexedRosters.set(roster, found);
  }
  return found;
}

/** Identities of `roster` found in the file name or anywhere in the bytes; empty when clean. */
export function scanForIdentities(
  relative: string,
  bytes: Buffer | string,
  roster: Roster,
): ScanHit[] {
  const index = indexOf(roster);
  if (index.size === 0) {
    return [];
  }
  const content = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;

  const hits = new Map<string, ScanHit>();
  for (const raw of readableParts(relative, content)) {
    for (const kind of index.kindsIn(words(raw.text))) {
      hits.set(`${raw.part}|${kind}`, { part: raw.part, kind });
    }
    if ([...datesIn(raw.text)].some((d) => index.births.has(d))) {
      hits.set(`${raw.part}|birth_date`, { part: raw.part, kind: 'birth_date' });
    }
  }
  return [...hits.values()];
}
