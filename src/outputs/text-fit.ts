// How much room text takes in a spreadsheet cell, estimated from the widths of Calibri's glyphs
// (Carlito, which LibreOffice uses in its place, has the same metrics). Spreadsheets neither
// grow a row for wrapped text a library wrote nor widen a column for its header: a builder sets
// heights and widths itself, and the layout tests use the same estimate to find text that would
// be cut off. Widths are in column units, the width of a "0" in 11-point Calibri.

/** Name of the font of every cell, set explicitly: a font without a name falls back to a serif. */
export const SHEET_FONT = 'Calibri';

/** Height in points of one line of 11-point text, the default row height. */
export const LINE_HEIGHT = 15;

// Measured on Calibri 11 at 96 dpi, where a "0" is 7 pixels wide.
const NARROW = new Set(" ijlI.,;:!|'’");
const HALF = new Set('frt()[]/-«»');
const WIDE = new Set('MWmw@%ŒÆœæ—');
const UPPER = /\p{Lu}/u;

// A cell keeps about half a unit of padding on each side of its text.
const PADDING = 0.5;

/** Width in column units of one character (a code point) of 11-point Calibri. */
function charWidth(ch: string): number {
  if (NARROW.has(ch)) {
    return 0.45;
  }
  if (HALF.has(ch)) {
    return 0.65;
  }
  if (WIDE.has(ch)) {
    return 1.5;
  }
  if (UPPER.test(ch)) {
    return 1.15;
  }
  // Digits are one unit by definition; lowercase letters are a little narrower.
  return /\d/.test(ch) ? 1 : 0.88;
}

/**
 * Widths of the characters below U+0800 (Latin, Greek, Cyrillic…), looked up rather than tested:
 * an annotated copy measures every cell of its file (issue 7: the tests per character were most of
 * the time of its column widths).
 */
const TABLE_END = 0x800;
const TABLE = Float64Array.from({ length: TABLE_END }, (_, code) =>
  charWidth(String.fromCharCode(code)),
);

/** Estimated width of `text` in column units. */
export function textWidth(text: string, size = 11, bold = false): number {
  let units = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < TABLE_END) {
      units += TABLE[code] ?? 0;
    } else {
      const point = text.codePointAt(i) ?? code;
      units += charWidth(String.fromCodePoint(point));
      i += point > 0xffff ? 1 : 0;
    }
  }

  return units * (size / 11) * (bold ? 1.08 : 1);
}

/** True when `text` fits on one line of a cell `width` units wide. */
export function fitsWidth(text: string, width: number, size = 11, bold = false): boolean {
  return textWidth(text, size, bold) <= width - PADDING;
}

/** Lines `text` takes once wrapped at spaces in a cell `width` units wide. */
export function wrappedLines(text: string, width: number, size = 11, bold = false): number {
  const room = Math.max(1, width - PADDING);
  const space = textWidth(' ', size, bold);
  let lines = 0;

  for (const paragraph of text.split('\n')) {
    lines += 1;
    let used = 0;
    for (const word of paragraph.split(' ')) {
      const w = textWidth(word, size, bold);
      if (used > 0 && used + space + w > room) {
        lines += 1;
        used = 0;
      }
      // A word wider than the cell is broken wherever the line ends.
      lines += Math.max(0, Math.ceil(w / room) - 1);
      used = (used > 0 ? used + space : 0) + (w > room ? w % room : w);
    }
  }

  return lines;
}

/** Height in points of `lines` lines of `size`-point text. */
export function linesHeight(lines: number, size = 11): number {
  return Math.ceil(lines * LINE_HEIGHT * (size / 11));
}

/** The widest word of `text`, in column units: a narrower column would break it mid-word. */
export function widestWord(text: string, size = 11, bold = false): number {
  return Math.max(0, ...text.split(/\s+/).map((w) => textWidth(w, size, bold)));
}
