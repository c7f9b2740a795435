import { describe, expect, it } from 'vitest';
import { fitsWidth, textWidth } from '../../src/outputs/text-fit.js';

// The widths of Calibri's glyphs as text-fit.ts estimates them, one class of character at a time.
const CLASSES: Array<[string, number]> = [
  [" ijlI.,;:!|'’", 0.45],
  ['frt()[]/-«»', 0.65],
  ['MWmw@%ŒÆœæ—', 1.5],
  ['ABCÉÈÀÇΩЖ', 1.15],
  ['0123456789', 1],
  ['abcéèàçωж_?€', 0.88],
];

describe('textWidth', () => {
  it('gives every character of a class its width, below and above U+0800', () => {
    for (const [characters, width] of CLASSES) {
      for (const ch of characters) {
        expect(textWidth(ch), `${ch} (U+${ch.codePointAt(0)?.toString(16)})`).toBe(width);
      }
    }
  });

  it('adds up a text character by character, as a cell of an annotated copy is measured', () => {
    expect(textWidth('0123456')).toBe(7);
    expect(textWidth('N° anonyme')).toBeCloseTo(1.15 + 0.88 + 0.45 + 0.88 * 5 + 1.5 + 0.88, 10);
    expect(textWidth('Lætitia N’DIAYE')).toBeCloseTo(
      1.15 + 1.5 + 0.65 + 0.45 + 0.65 + 0.45 + 0.88 + 0.45 + 1.15 + 0.45 + 1.15 * 4 + 0.45, // « I » is narrow
      10,
    );
  });

  it('counts a character beyond the basic plane once, and a lone surrogate once', () => {
    expect(textWidth('😀')).toBe(0.88);
    expect(textWidth('a😀b')).toBeCloseTo(0.88 * 3, 10);
    expect(textWidth('\ud83d')).toBe(0.88);
    expect(textWidth('1\ud83d2')).toBeCloseTo(2.88, 10);
  });

  it('scales with the size and the weight of the font', () => {
    expect(textWidth('00', 22)).toBe(4);
    expect(textWidth('00', 11, true)).toBeCloseTo(2.16, 10);
    expect(fitsWidth('0000', 4.5)).toBe(true);
    expect(fitsWidth('00000', 4.5)).toBe(false);
  });
});
