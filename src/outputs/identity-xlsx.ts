// Readable text of a zip container (xlsx, ods) for the identity scan: every entry as one part, and
// its units with the place a person would look at: « feuille 1 « Notes », cellule B5 », a comment
// of a cell, a header or footer, a document property, a defined name, a sheet's name.
import { listZipEntries, readZipEntry } from '../readers/zip-guard.js';
import type { FileText, TextUnit } from './identity-parts.js';

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
const READABLE_ATTRIBUTES = new RegExp(`\\b(${READABLE_ATTRIBUTE_NAMES.join('|')})="([^"]*)"`, 'g');

/** An XML fragment read two ways: tags as spaces (keeps cells apart), runs joined (rejoins a name). */
function xmlTexts(xml: string): string[] {
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
  return [spaced, joined];
}

/** Attributes a reader sees (sheet names, number formats, validation messages), one per line. */
function readableAttributes(xml: string): string {
  return unescapeXml([...xml.matchAll(READABLE_ATTRIBUTES)].map((m) => m[2] ?? '').join('\n'));
}

const SHEET_PART = /^xl\/worksheets\/[^/]+\.xml$/;
/** A shared-string cell whose value is written as it should be, right after its start tag. */
const SHARED_CELL_VALUE = /(<c\b[^>]*\bt="s"[^>/]*>)<v>(0|[1-9]\d{0,8})<\/v>/g;

/**
 * A sheet's XML without the value of each shared-string cell that is what it should be, the index
 * of one of the `shared` strings: a person reads that string (scanned in xl/sharedStrings.xml),
 * never its index. Scanned, the indexes of a 10,000-row annotated copy sent Postgres 10,000 words
 * more than the file shows (issue 7). Any other value of such a cell (a student number, digits
 * with a leading zero, a number beyond the strings) is kept, and scanned.
 */
function withoutSharedIndexes(xml: string, shared: number): string {
  return shared === 0
    ? xml
    : xml.replace(SHARED_CELL_VALUE, (whole, start: string, index: string) =>
        Number(index) < shared ? `${start}<v></v>` : whole,
      );
}

/** Parts of a zip container (xlsx, ods): every entry, its markup dropped two ways. */
export function zipText(bytes: Buffer): FileText {
  const entries = new Map<string, string>();
  for (const entry of listZipEntries(bytes)) {
    // The theme lists fonts for every script (Mangal, Latha, Raavi …), which are also surnames;
    // no builder writes into it, so scanning it would only block honest files.
    if (!entry.name.startsWith('xl/theme/')) {
      entries.set(entry.name, readZipEntry(bytes, entry).toString('utf8'));
    }
  }
  // Sheet names, defined names, comments, headers/footers and document properties are all text of
  // some entry, so none escapes; attributes a reader sees are text too, layout ones are not.
  const shared = (entries.get('xl/sharedStrings.xml')?.match(/<si\b/g) ?? []).length;
  const parts = [...entries].map(([part, xml]) => {
    const read = SHEET_PART.test(part) ? withoutSharedIndexes(xml, shared) : xml;
    return { part, texts: [...xmlTexts(read), readableAttributes(read)] };
  });
  let book: Workbook | null = null;
  return {
    parts,
    units: (part) => {
      book ??= workbookOf(entries);
      return zipUnits(part, entries.get(part) ?? '', book);
    },
  };
}

/** What the places of an xlsx need: sheet labels by entry, shared strings and where they are used. */
interface Workbook {
  sheetLabel: Map<string, string>;
  commentSheet: Map<string, string>;
  shared: string[];
  sharedPlaces: Map<number, string[]>;
}

/** Targets of a relationships entry, by id, as entry names. */
function relationships(entries: Map<string, string>, owner: string): Map<string, string> {
  const dir = owner.slice(0, owner.lastIndexOf('/') + 1);
  const rels = entries.get(`${dir}_rels/${owner.slice(dir.length)}.rels`) ?? '';
  const found = new Map<string, string>();
  for (const m of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]*)"/.exec(m[0])?.[1];
    const target = /\bTarget="([^"]*)"/.exec(m[0])?.[1];
    if (id && target) {
      found.set(id, target.startsWith('/') ? target.slice(1) : normalisePath(dir + target));
    }
  }
  return found;
}

function normalisePath(entry: string): string {
  const out: string[] = [];
  for (const segment of entry.split('/')) {
    if (segment === '..') {
      out.pop();
    } else if (segment !== '.') {
      out.push(segment);
    }
  }
  return out.join('/');
}

function workbookOf(entries: Map<string, string>): Workbook {
  const book: Workbook = {
    sheetLabel: new Map(),
    commentSheet: new Map(),
    shared: [...(entries.get('xl/sharedStrings.xml') ?? '').matchAll(/<si>([\s\S]*?)<\/si>/g)].map(
      (m) => m[1] ?? '',
    ),
    sharedPlaces: new Map(),
  };
  const rels = relationships(entries, 'xl/workbook.xml');
  const sheets = [...(entries.get('xl/workbook.xml') ?? '').matchAll(/<sheet\b[^>]*>/g)];
  sheets.forEach((m, i) => {
    const name = unescapeXml(/\bname="([^"]*)"/.exec(m[0])?.[1] ?? '');
    const target = rels.get(/\br:id="([^"]*)"/.exec(m[0])?.[1] ?? '');
    if (target) {
      // The name in « » is dropped by the scan when it carries what was found (see quotedPlace).
      book.sheetLabel.set(target, `feuille ${i + 1} « ${name.replace(/[«»]/g, '')} »`);
      for (const file of relationships(entries, target).values()) {
        book.commentSheet.set(file, target);
      }
    }
  });
  for (const [entry, xml] of entries) {
    if (!entry.startsWith('xl/worksheets/')) {
      continue;
    }
    for (const cell of xml.matchAll(/<c\b([^>]*)>\s*<v>(\d+)<\/v>/g)) {
      if (/\bt="s"/.test(cell[1] ?? '')) {
        const ref = /\br="([A-Z]+\d+)"/.exec(cell[1] ?? '')?.[1] ?? '?';
        const index = Number(cell[2]);
        const places = book.sharedPlaces.get(index) ?? [];
        places.push(`${sheetOf(book, entry)}, cellule ${ref}`);
        book.sharedPlaces.set(index, places);
      }
    }
  }
  return book;
}

function sheetOf(book: Workbook, entry: string): string {
  return book.sheetLabel.get(entry) ?? `partie « ${entry} »`;
}

const PROPERTY_NAMES: Record<string, string> = {
  'dc:creator': 'auteur',
  'cp:lastModifiedBy': 'modifié par',
  'dc:title': 'titre',
  'dc:subject': 'sujet',
  'dc:description': 'commentaires',
  'cp:keywords': 'mots-clés',
  'cp:category': 'catégorie',
  Company: 'société',
  Manager: 'responsable',
};

/** Units of one zip entry: cells, shared strings, comments, then leaf elements and attributes. */
function zipUnits(part: string, xml: string, book: Workbook): TextUnit[] {
  const units: TextUnit[] = [];
  let rest = xml;
  if (part === 'xl/sharedStrings.xml') {
    book.shared.forEach((si, i) =>
      units.push({
        places: book.sharedPlaces.get(i) ?? [`chaîne partagée n° ${i + 1}`],
        texts: xmlTexts(si),
      }),
    );
    return units;
  }
  const sheet = sheetOf(book, book.commentSheet.get(part) ?? part);
  rest = rest.replace(
    /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g,
    (_m, attributes: string, inner: string | undefined) => {
      const ref = /\br="([A-Z]+\d+)"/.exec(attributes)?.[1] ?? '?';
      units.push({ places: [`${sheet}, cellule ${ref}`], texts: xmlTexts(inner ?? '') });
      return ' ';
    },
  );
  rest = rest.replace(
    /<comment\b([^>]*)>([\s\S]*?)<\/comment>/g,
    (_m, attributes: string, inner: string) => {
      const ref = /\bref="([A-Z]+\d+)"/.exec(attributes)?.[1] ?? '?';
      units.push({
        places: [`${sheet}, commentaire de la cellule ${ref}`],
        texts: xmlTexts(inner),
      });
      return ' ';
    },
  );
  rest = rest.replace(/<text:p\b[^>]*>([\s\S]*?)<\/text:p>/g, (_m, inner: string) => {
    units.push({ places: [placeOfElement(part, 'text:p', sheet)], texts: xmlTexts(inner) });
    return ' ';
  });
  for (const m of rest.matchAll(/<([A-Za-z_][\w:.-]*)(?:\s[^>]*)?>([^<]*)<\/\1>/g)) {
    units.push({ places: [placeOfElement(part, m[1] ?? '', sheet)], texts: xmlTexts(m[2] ?? '') });
  }
  let rank = 0;
  for (const m of xml.matchAll(/<([A-Za-z_][\w:.-]*)\b[^>]*>/g)) {
    const tag = m[1] ?? '';
    rank += tag === 'sheet' ? 1 : 0;
    for (const attribute of m[0].matchAll(READABLE_ATTRIBUTES)) {
      const place =
        tag === 'sheet'
          ? `nom de la feuille n° ${rank}`
          : placeOfAttribute(tag, attribute[1] ?? '', sheet);
      units.push({ places: [place], texts: [unescapeXml(attribute[2] ?? '')] });
    }
  }
  return units;
}

function placeOfElement(part: string, tag: string, sheet: string): string {
  if (part.startsWith('docProps/') || part === 'meta.xml') {
    return `propriétés du document (${PROPERTY_NAMES[tag] ?? tag})`;
  }
  if (/^(?:odd|even|first)Header$/.test(tag)) {
    return `${sheet}, en-tête`;
  }
  if (/^(?:odd|even|first)Footer$/.test(tag)) {
    return `${sheet}, pied de page`;
  }
  if (tag === 'definedName') {
    return 'nom défini du classeur';
  }
  if (part === 'content.xml') {
    return 'contenu du tableur';
  }
  return part.startsWith('xl/worksheets/') ? `${sheet}, hors cellules` : `partie « ${part} »`;
}

function placeOfAttribute(tag: string, attribute: string, sheet: string): string {
  if (tag === 'dataValidation') {
    return `${sheet}, message de validation de saisie`;
  }
  if (attribute === 'formatCode') {
    return 'format de nombre du classeur';
  }
  if (tag === 'definedName') {
    return 'nom défini du classeur';
  }
  return `${sheet.startsWith('partie') ? 'classeur' : sheet}, attribut ${attribute} (${tag})`;
}
