// Readable text of a PDF (strings of the content streams and metadata) and of a plain text file
// (CSV, JSON, a log) for the identity scan, with the units a place can be given for: a string shown
// on a page, a PDF property, a JSON field, a line.
import { inflateSync } from 'node:zlib';
import type { FileText, TextUnit } from './identity-parts.js';

/** PDF string bytes as text: UTF-16BE behind its byte-order mark, else single bytes. */
function decodePdfBytes(bytes: Buffer): string {
  const utf16 = bytes[0] === 0xfe && bytes[1] === 0xff;
  return utf16
    ? Buffer.from(bytes.subarray(2)).swap16().toString('utf16le')
    : bytes.toString('latin1');
}

const PDF_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** One `( )` literal's body, escapes decoded. */
function pdfLiteral(body: string): string {
  const raw = body.replace(/\\(\d{1,3}|[\s\S])/g, (_m, e: string) =>
    /\d/.test(e) ? String.fromCharCode(parseInt(e, 8)) : (PDF_ESCAPES[e] ?? e),
  );
  return decodePdfBytes(Buffer.from(raw, 'latin1'));
}

function pdfHex(body: string): string {
  return decodePdfBytes(Buffer.from(body.replace(/\s/g, ''), 'hex'));
}

const PDF_STRINGS = /\(((?:\\[\s\S]|[^\\()])*)\)|<([0-9A-Fa-f\s]{2,})>/g;

/** Every string of a PDF fragment, decoded. */
function pdfStrings(fragment: string): string[] {
  return [...fragment.matchAll(PDF_STRINGS)].map((m) =>
    m[1] !== undefined ? pdfLiteral(m[1]) : pdfHex(m[2] ?? ''),
  );
}

/** The Flate streams of a PDF inflated, after the raw file itself. */
function pdfLayers(bytes: Buffer): string[] {
  const raw = bytes.toString('latin1');
  const layers = [raw];
  for (const match of raw.matchAll(/stream\r?\n([\s\S]*?)endstream/g)) {
    try {
      layers.push(inflateSync(Buffer.from(match[1] ?? '', 'latin1')).toString('latin1'));
    } catch {
      // Not a Flate stream (an image, a font): its raw bytes are already in the first layer.
    }
  }
  return layers;
}

/** The literal `( )` strings of a PDF layer, escapes decoded, UTF-16BE when marked so. */
function decodePdfLiterals(layer: string): string {
  const out = [...layer.matchAll(/\(((?:\\[\s\S]|[^\\()])*)\)/g)].map((m) =>
    pdfLiteral(m[1] ?? ''),
  );
  // Joined as is, a word kerned into pieces reads whole; joined by lines, two strings stay apart.
  return `${out.join('')}\n${out.join('\n')}`;
}

/** The hex strings of a PDF layer decoded (UTF-16BE when marked so, else single bytes). */
function decodePdfHex(layer: string): string {
  const out = [...layer.matchAll(/<([0-9A-Fa-f\s]{2,})>/g)].map((m) => pdfHex(m[1] ?? ''));
  return `${out.join('')}\n${out.join('\n')}`;
}

/** PDF strings: literal `( )` and hex `< >` strings of the raw file and of every Flate stream. */
export function pdfText(bytes: Buffer): FileText {
  const layers = pdfLayers(bytes);
  // Only what a reader sees: strings (text shown, metadata) and XMP metadata, never operator or
  // font names (Times-Roman, Courier), which are also surnames. One part for the whole document:
  // a per-stream part would multiply the search by the pages.
  const text = layers
    .map((layer) =>
      [
        decodePdfHex(layer),
        decodePdfLiterals(layer),
        layer.includes('xmpmeta') ? layer.replace(/<[^>]*>/g, ' ') : '',
      ].join('\n'),
    )
    .join('\n');
  return { parts: [{ part: 'pdf', texts: [text] }], units: () => pdfUnits(layers) };
}

// A TJ array (strings, numbers, nothing else), or one literal or hex string.
const PDF_SHOWN =
  /\[((?:\((?:\\[\s\S]|[^\\()])*\)|<[0-9A-Fa-f\s]*>|[^\]()<])*)\]\s*TJ|\((?:\\[\s\S]|[^\\()])*\)|<[0-9A-Fa-f\s]{2,}>/g;

const PDF_INFO_KEYS: Record<string, string> = {
  Title: 'titre',
  Author: 'auteur',
  Subject: 'sujet',
  Keywords: 'mots-clés',
  Creator: 'créateur',
  Producer: 'producteur',
};

/** Units of a PDF: each text-showing array or string, each Info entry, each XMP packet. */
function pdfUnits(layers: string[]): TextUnit[] {
  const units: TextUnit[] = [];
  for (const layer of layers) {
    // A text-showing array (`[(Alle) 20 (mand)] TJ`) is one unit, its kerned pieces joined; any
    // other string is a unit of its own, a property when an Info key precedes it.
    for (const m of layer.matchAll(PDF_SHOWN)) {
      if (m[1] !== undefined) {
        const pieces = pdfStrings(m[1]);
        units.push({ places: ['texte du PDF'], texts: [pieces.join('')] });
        continue;
      }
      const [string] = pdfStrings(m[0]);
      const key = /\/(\w+)\s*$/.exec(layer.slice(Math.max(0, m.index - 40), m.index))?.[1] ?? '';
      const info = PDF_INFO_KEYS[key];
      units.push({
        places: [info ? `propriétés du PDF (${info})` : 'texte du PDF'],
        texts: [string ?? ''],
      });
    }
    if (layer.includes('xmpmeta')) {
      units.push({ places: ['métadonnées XMP du PDF'], texts: [layer.replace(/<[^>]*>/g, ' ')] });
    }
  }
  return units;
}

/** Plain text (CSV, JSON, a log): UTF-8 and Latin-1 readings; units are JSON fields or lines. */
export function plainText(bytes: Buffer): FileText {
  const utf8 = bytes.toString('utf8');
  return {
    parts: [{ part: 'contenu', texts: [utf8, bytes.toString('latin1')] }],
    units: () => {
      const fields = jsonFields(utf8);
      if (fields) {
        return fields;
      }
      // Latin-1 readings of the lines too, for a byte the UTF-8 reading would lose.
      return [utf8, bytes.toString('latin1')].flatMap((text) =>
        text.split(/\r?\n/).map((line, i) => ({ places: [`ligne ${i + 1}`], texts: [line] })),
      );
    },
  };
}

/** Every string of a JSON document with its path (`errors[3].message`), or null when not JSON. */
function jsonFields(text: string): TextUnit[] | null {
  if (!/^\s*[[{]/.test(text)) {
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const units: TextUnit[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${at}[${i}]`));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        units.push({ places: [`champ ${at ? `${at}.` : ''}(clé)`], texts: [key] });
        walk(item, at ? `${at}.${key}` : key);
      }
    } else if (node !== null && node !== undefined) {
      units.push({ places: [`champ ${at}`], texts: [String(node as string | number | boolean)] });
    }
  };
  walk(value, '');
  return units;
}
