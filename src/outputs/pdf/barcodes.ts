// Barcodes drawn as vector rectangles: one `re` operator per bar (Code 128) or per run of dark
// modules (DataMatrix), all filled at once. No raster image per label: a 20,000-label sheet stays
// small and sharp at any printer resolution.

import bwipjs from 'bwip-js';

import { AppError } from '../../domain/errors.js';
import { QUIET_MODULES, code128Bars, code128Widths } from './code128.js';
import type { Pdf } from './document.js';

/** Where a barcode may go on the page, in points; it is drawn as large as fits, up to `maxModule`. */
export interface BarcodeBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Widest module, in points: wider bars do not scan better and waste the label. */
  maxModule: number;
}

/** Modules across a Code 128 symbol of `text`, quiet zones included. */
export function code128Modules(text: string): number {
  return code128Widths(text).reduce((sum, w) => sum + w, 0) + 2 * QUIET_MODULES;
}

/** Draws `text` as Code 128 in `box`, left-aligned after its quiet zone; returns the width used. */
export function drawCode128(doc: Pdf, text: string, box: BarcodeBox): number {
  const modules = code128Modules(text);
  const module = Math.min(box.maxModule, box.width / modules);
  const left = box.x + QUIET_MODULES * module;

  // One content string per symbol, filled once: going through doc.rect() bar by bar doubled the
  // time of a 20,000-label sheet (measured), the budget being 1.6 times the text-only sheet. The
  // bars are written in modules, under a transform that scales one module to its width and one
  // unit to the bar height: whole numbers, short to format and to compress.
  const ops = code128Bars(text).map(([start, width]) => `${start} 0 ${width} 1 re`);
  const place = `${module.toFixed(4)} 0 0 ${box.height.toFixed(2)} ${left.toFixed(2)} ${box.y.toFixed(2)} cm`;
  doc.addContent(`q ${place} 0 g\n${ops.join('\n')}\nf Q`);

  return modules * module;
}

/** The module matrix of a DataMatrix (ECC 200) symbol of `text`, rows of 0/1. */
export function dataMatrixMatrix(text: string): number[][] {
  const [symbol] = bwipjs.raw('datamatrix', text);
  if (!symbol || !('pixs' in symbol)) {
    throw new AppError('INVALID_ARGUMENT', 'DataMatrix : symbole non produit.');
  }

  const rows: number[][] = [];
  for (let y = 0; y < symbol.pixy; y += 1) {
    rows.push(symbol.pixs.slice(y * symbol.pixx, (y + 1) * symbol.pixx));
  }
  return rows;
}

/** Draws `text` as a square DataMatrix of side `size` points at (x, y), quiet zone inside. */
export function drawDataMatrix(doc: Pdf, text: string, x: number, y: number, size: number): void {
  const matrix = dataMatrixMatrix(text);
  const columns = matrix[0]?.length ?? 0;
  // Two modules of quiet zone on each side (the standard asks for one).
  const module = size / (Math.max(columns, matrix.length) + 4);

  matrix.forEach((row, r) => {
    let c = 0;
    while (c < row.length) {
      if (row[c] !== 1) {
        c += 1;
        continue;
      }
      const start = c;
      while (row[c] === 1) {
        c += 1;
      }
      doc.rect(x + (start + 2) * module, y + (r + 2) * module, (c - start) * module, module);
    }
  });
  doc.fillColor('black').fill();
}
