// Code 128 read back by ZXing from a bitmap drawn straight from the module widths: runs without
// poppler, so CI checks the encoder whatever is installed.
import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  MultiFormatReader,
  RGBLuminanceSource,
} from '@zxing/library';
import { describe, expect, it } from 'vitest';

import { QUIET_MODULES, code128Values, code128Widths } from '../../src/outputs/pdf/code128.js';

/** Decodes the symbol of `text` drawn at 3 pixels per module, 20 pixels high. */
function roundTrip(text: string): string {
  const widths = [QUIET_MODULES, ...code128Widths(text), QUIET_MODULES];
  const row: number[] = [];
  // Quiet zone (space), then bars and spaces alternating, then quiet zone.
  widths.forEach((w, k) => {
    const dark = k % 2 === 1;
    for (let i = 0; i < w * 3; i += 1) {
      row.push(dark ? 0 : 255);
    }
  });
  const height = 20;
  const pixels = new Uint8ClampedArray(row.length * height);
  for (let y = 0; y < height; y += 1) {
    pixels.set(row, y * row.length);
  }
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]],
  ]);
  const bitmap = new BinaryBitmap(
    new HybridBinarizer(new RGBLuminanceSource(pixels, row.length, height)),
  );
  return new MultiFormatReader().decode(bitmap, hints).getText();
}

describe('code 128', () => {
  it('gives every symbol eleven modules and the stop thirteen', () => {
    const widths = code128Widths('S0123457');
    const symbols = widths.length / 6 - 1;
    for (let k = 0; k < symbols * 6; k += 6) {
      expect(widths.slice(k, k + 6).reduce((a, b) => a + b, 0)).toBe(11);
    }
    expect(widths.slice(-7).reduce((a, b) => a + b, 0)).toBe(13);
  });

  it('packs an even run of digits two per symbol (set C)', () => {
    // start C, three pairs, checksum
    expect(code128Values('012345')).toEqual([105, 1, 23, 45, (105 + 1 + 2 * 23 + 3 * 45) % 103]);
  });

  it('is read back exactly by a scanner library, leading zeros and prefixes included', () => {
    const samples = [
      '000001',
      '00042',
      'S0000774',
      'S1234567',
      '1',
      'A9B',
      '123',
      'EXA-2027 n°'.replace('°', 'o'),
    ];
    // Every pair 00..99 in set C at least once.
    for (let p = 0; p < 100; p += 3) {
      samples.push(
        `${String(p).padStart(2, '0')}${String(p + 1).padStart(2, '0')}${String(p + 2).padStart(2, '0')}`.slice(
          0,
          6,
        ),
      );
    }
    for (const text of samples) {
      expect(roundTrip(text)).toBe(text);
    }
  });

  it('refuses text a label cannot carry', () => {
    expect(() => code128Values('')).toThrow();
    expect(() => code128Values('é')).toThrow();
  });
});
