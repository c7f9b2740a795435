// DataMatrix symbols as the labels draw them (module matrix from bwip-js), read back by ZXing from
// an ideal bitmap: runs without poppler, so CI checks the symbol content whatever is installed.
import {
  BinaryBitmap,
  DataMatrixReader,
  HybridBinarizer,
  RGBLuminanceSource,
} from '@zxing/library';
import { describe, expect, it } from 'vitest';

import { dataMatrixMatrix } from '../../src/outputs/pdf/barcodes.js';

function roundTrip(text: string): string {
  const matrix = dataMatrixMatrix(text);
  const scale = 5;
  const quiet = 2;
  const side = (matrix.length + 2 * quiet) * scale;
  const pixels = new Uint8ClampedArray(side * side).fill(255);
  matrix.forEach((row, r) =>
    row.forEach((dark, c) => {
      for (let y = 0; y < scale && dark === 1; y += 1) {
        const start = ((r + quiet) * scale + y) * side + (c + quiet) * scale;
        pixels.fill(0, start, start + scale);
      }
    }),
  );
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(pixels, side, side)));
  return new DataMatrixReader().decode(bitmap).getText();
}

describe('DataMatrix', () => {
  it('carries the number exactly, leading zeros and prefix included', () => {
    for (const text of ['000068', '000059', '00042', 'S0000774', 'S9999999', '1']) {
      expect(roundTrip(text)).toBe(text);
    }
  });

  it('is a square symbol with its finder pattern (solid left and bottom edges)', () => {
    const matrix = dataMatrixMatrix('S0000774');

    expect(matrix.every((row) => row.length === matrix.length)).toBe(true);
    expect(matrix.every((row) => row[0] === 1)).toBe(true);
    expect(matrix.at(-1)?.every((v) => v === 1)).toBe(true);
  });
});
