// Text runs of a pdfkit PDF without any external tool, for tests that must run on CI: every Flate
// stream inflated, every `[...] TJ` array's hex strings joined (pdfkit writes text in WinAnsi hex).
import { inflateSync } from 'node:zlib';

// pdfkit writes WinAnsi; the few code points that differ from Latin-1 in the range used by French.
const WIN_ANSI: Record<number, string> = {
  0x92: '’',
  0x9c: 'œ',
  0x8c: 'Œ',
  0x85: '…',
  0x96: '–',
  0x97: '—',
};

function decodeHex(hex: string): string {
  let text = '';
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const code = parseInt(hex.slice(i, i + 2), 16);
    text += WIN_ANSI[code] ?? String.fromCharCode(code);
  }
  return text;
}

/** The inflated content of every stream, cut by its /Length (compressed bytes may hold "endstream"). */
function streams(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const contents: string[] = [];
  for (const match of raw.matchAll(/\/Length (\d+)\b/g)) {
    const start = raw.indexOf('stream\n', match.index) + 'stream\n'.length;
    const bytes = pdf.subarray(start, start + Number(match[1]));
    try {
      contents.push(inflateSync(bytes).toString('latin1'));
    } catch {
      contents.push(bytes.toString('latin1'));
    }
  }
  return contents;
}

/** Every text run of the PDF, in content order (one per TJ operator). */
export function pdfTextRuns(pdf: Buffer): string[] {
  const runs: string[] = [];
  for (const content of streams(pdf)) {
    for (const tj of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const pieces = [...(tj[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)];
      runs.push(pieces.map((h) => decodeHex(h[1] ?? '')).join(''));
    }
  }
  return runs;
}

/** A PDF string as text: `(literal)`, or `<hex>` in UTF-16BE behind its byte-order mark. */
function pdfString(token: string): string {
  const bytes = token.startsWith('(')
    ? Buffer.from(token.slice(1, -1), 'latin1')
    : Buffer.from(token.slice(1, -1), 'hex');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  }
  return bytes.toString('latin1');
}

/** The document information dictionary's string entries (Title, Author, Creator …). */
export function pdfInfo(pdf: Buffer): Record<string, string> {
  const raw = pdf.toString('latin1');
  const info: Record<string, string> = {};
  for (const key of ['Title', 'Author', 'Creator', 'Producer', 'Subject']) {
    // pdfkit writes each entry as an indirect object: `/Title 26 0 R` … `26 0 obj (…) endobj`.
    const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(raw)?.[1];
    const body = ref
      ? new RegExp(`\\b${ref} 0 obj\\s*(\\([^)]*\\)|<[0-9a-fA-F]*>)`).exec(raw)?.[1]
      : undefined;
    if (body !== undefined) {
      info[key] = pdfString(body);
    }
  }
  return info;
}

/** Number of pages of a pdfkit PDF. */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;
}
