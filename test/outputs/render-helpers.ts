// Rendering and reading back PDFs for the output tests and `npm run render`: pages to PNG through
// poppler's pdftoppm (optional on CI: callers skip with a notice when it is absent), barcodes read
// back from the pixels with ZXing, per label cell, so the order on the sheet is checked too.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  MultiFormatReader,
  RGBLuminanceSource,
} from '@zxing/library';
import { PNG } from 'pngjs';

import { MM } from '../../src/outputs/pdf/document.js';
import type { LabelGrid } from '../../src/outputs/pdf/layouts.js';

/** True when pdftoppm is installed (Debian package poppler-utils). */
export function hasPdftoppm(): boolean {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Renders every page of `pdf` to PNG at `dpi` in `outDir` (or a temporary folder); returns the files. */
export function renderPdf(pdf: Buffer, dpi: number, outDir?: string, prefix = 'page'): string[] {
  const dir = outDir ?? mkdtempSync(path.join(tmpdir(), 'anonymat-render-'));
  const input = path.join(dir, `${prefix}.pdf`);
  writeFileSync(input, pdf);
  const pages = renderPdfFile(input, dpi, dir, prefix);
  if (!outDir) {
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return pages;
}

/** Renders pages `first`..`last` (all by default) of a PDF file to `<outDir>/<prefix>-<n>.png`. */
export function renderPdfFile(
  input: string,
  dpi: number,
  outDir: string,
  prefix: string,
  range: { first?: number; last?: number } = {},
): string[] {
  const args = ['-r', String(dpi), '-png'];
  if (range.first !== undefined) {
    args.push('-f', String(range.first));
  }
  if (range.last !== undefined) {
    args.push('-l', String(range.last));
  }
  // pdftoppm pads page numbers to the page count: pages of an earlier rendering under the same
  // prefix would be taken for this one's.
  const ours = (f: string): boolean =>
    f.startsWith(`${prefix}-`) && /^\d+\.png$/.test(f.slice(prefix.length + 1));
  readdirSync(outDir)
    .filter(ours)
    .forEach((f) => rmSync(path.join(outDir, f)));
  execFileSync('pdftoppm', [...args, input, path.join(outDir, prefix)]);
  return readdirSync(outDir)
    .filter(ours)
    .sort()
    .map((f) => path.join(outDir, f));
}

/** The text of one page in content order (poppler's pdftotext -raw). */
export function pageText(input: string, page: number): string {
  return execFileSync('pdftotext', ['-raw', '-f', String(page), '-l', String(page), input, '-'], {
    encoding: 'utf8',
  });
}

/** Page count of a PDF file (poppler's pdfinfo). */
export function pageCount(input: string): number {
  const info = execFileSync('pdfinfo', [input], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
}

/** A decoded PNG: width, height and RGBA bytes. */
export type Image = { width: number; height: number; data: Buffer };

/** Reads a PNG file. */
export function readPng(file: string): Image {
  return PNG.sync.read(readFileSync(file));
}

/** The barcode text in a rectangle of `image` (pixels), or null when none is read. */
export function decodeRegion(
  image: Image,
  x: number,
  y: number,
  width: number,
  height: number,
): string | null {
  const w = Math.min(Math.round(width), image.width - Math.round(x));
  const h = Math.min(Math.round(height), image.height - Math.round(y));
  const luminance = new Uint8ClampedArray(w * h);
  for (let r = 0; r < h; r += 1) {
    for (let c = 0; c < w; c += 1) {
      const i = ((Math.round(y) + r) * image.width + Math.round(x) + c) * 4;
      luminance[r * w + c] =
        ((image.data[i] ?? 255) + (image.data[i + 1] ?? 255) * 2 + (image.data[i + 2] ?? 255)) >> 2;
    }
  }

  const reader = new MultiFormatReader();
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128, BarcodeFormat.DATA_MATRIX]],
    [DecodeHintType.TRY_HARDER, true],
  ]);
  try {
    return reader
      .decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, w, h))), hints)
      .getText();
  } catch {
    return null;
  }
}

/** Decodes each label cell of a rendered sticker page, in sheet order (row by row). */
export function decodeLabelPage(image: Image, grid: LabelGrid, dpi: number): Array<string | null> {
  const px = (mm: number): number => (mm * MM * dpi) / 72;
  const found: Array<string | null> = [];
  for (let row = 0; row < grid.rows; row += 1) {
    for (let column = 0; column < grid.columns; column += 1) {
      const x = px(grid.marginLeft + column * (grid.labelWidth + grid.gapX));
      const y = px(grid.marginTop + row * (grid.labelHeight + grid.gapY));
      const w = px(grid.labelWidth);
      const h = px(grid.labelHeight);
      // ZXing looks for a DataMatrix from the middle of the picture and can take a line of text
      // for its border: retry on squares of decreasing size at the bottom left, where the label
      // draws it, before calling the cell unreadable.
      let text = decodeRegion(image, x, y, w, h);
      for (const side of [0.55, 0.45, 0.36]) {
        text ??= decodeRegion(image, x, y + h * (1 - side), h * side, h * side);
      }
      found.push(text);
    }
  }
  return found;
}

/** Pastes rendered pages side by side (one row) into a single PNG, for looking at them at once. */
export function montage(files: readonly string[], target: string): void {
  const images = files.map(readPng);
  const width = images.reduce((w, i) => w + i.width + 10, 0);
  const height = Math.max(...images.map((i) => i.height));
  const out = new PNG({ width, height });
  out.data.fill(160);

  let left = 0;
  for (const image of images) {
    for (let y = 0; y < image.height; y += 1) {
      const from = y * image.width * 4;
      image.data.copy(out.data, (y * width + left) * 4, from, from + image.width * 4);
    }
    left += image.width + 10;
  }
  writeFileSync(target, PNG.sync.write(out));
}
