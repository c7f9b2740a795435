// PDF label sheets: one label per number and assessment, in number order across the grid, a
// barcode that reads back as the printed number, no person in the document properties.
import { describe, expect, it } from 'vitest';

import { buildLabelPdf, type PdfLabel } from '../../src/outputs/pdf/labels.js';
import { GRIDS, parsePrintSettings, resolveGrid } from '../../src/outputs/pdf/layouts.js';
import { compareNumbers } from '../../src/outputs/order.js';
import { TEMPLATE, assessment, numbers } from './fixtures.js';
import { pdfInfo, pdfPageCount, pdfTextRuns } from './pdf-text.js';
import { decodeLabelPage, hasPdftoppm, readPng, renderPdf } from './render-helpers.js';

const ANALYSE = assessment(1, 'MAT101', 'Analyse — cœur de l’œuvre « élémentaire » à ç ô');
const rendering = hasPdftoppm();
if (!rendering) {
  process.stdout.write(
    'pdftoppm absent (poppler-utils): label rendering and barcode reading skipped\n',
  );
}

function labelsOf(list: string[], spareEvery = 0): PdfLabel[] {
  return list.map((number, k) => ({
    number,
    assessment: ANALYSE,
    spare: spareEvery > 0 && k % spareEvery === 0,
  }));
}

describe('PDF label sheet', () => {
  it('fills one page per grid of labels, numbers in counting order', async () => {
    const list = numbers(50);
    const pdf = await buildLabelPdf(TEMPLATE, labelsOf(list), {
      grid: resolveGrid({ grid: '3x8' }),
      symbology: 'code128',
    });

    expect(pdfPageCount(pdf)).toBe(3);
    const printed = pdfTextRuns(pdf).filter((run) => /^S\d{7}$/.test(run));
    expect(printed).toEqual([...list].sort(compareNumbers));
  });

  it('writes French accents, œ and the apostrophe in the standard font', async () => {
    const pdf = await buildLabelPdf(TEMPLATE, labelsOf(['S0000001']), {
      grid: resolveGrid({ grid: '2x7' }),
      symbology: 'none',
    });
    const runs = pdfTextRuns(pdf).join('\n');

    expect(runs).toContain('MAT101 — Analyse — cœur de l’œuvre');
    expect(runs).toContain('Session 1 · 2026/2027');
  });

  it('names no one in its document properties', async () => {
    const pdf = await buildLabelPdf(TEMPLATE, labelsOf(numbers(3)), {
      grid: resolveGrid({ grid: '3x7' }),
      symbology: 'code128',
    });

    expect(pdfInfo(pdf)).toMatchObject({
      Title: 'anonymat',
      Author: 'anonymat',
      Creator: 'anonymat',
    });
  });

  it('marks spare labels as such', async () => {
    const pdf = await buildLabelPdf(TEMPLATE, labelsOf(numbers(4), 2), {
      grid: resolveGrid({ grid: '3x8' }),
      symbology: 'code128',
    });

    expect(pdfTextRuns(pdf).filter((r) => r === 'RÉSERVE')).toHaveLength(2);
  });

  it('refuses a grid that leaves the A4 sheet or a setting of the wrong kind', () => {
    expect(() => resolveGrid({ grid: '3x8', marginTop: 20 })).toThrow(/dépasse/);
    expect(() => resolveGrid({ grid: '4x12' })).toThrow(/inconnue/);
    expect(() => parsePrintSettings({ symbology: 'qr' })).toThrow(/symbology/);
    expect(parsePrintSettings({ grid: '2x7', gapY: 1 })).toMatchObject({
      grid: '2x7',
      gapY: 1,
      statisticsThreshold: 5,
    });
    for (const name of Object.keys(GRIDS)) {
      expect(() => resolveGrid({ grid: name })).not.toThrow();
    }
  });

  describe.skipIf(!rendering)('rendered at 200 dpi', () => {
    for (const [grid, symbology] of [
      ['3x8', 'code128'],
      ['2x7', 'code128'],
      ['3x7', 'datamatrix'],
      ['3x10', 'code128'],
    ] as const) {
      it(`reads back every ${symbology} barcode of a ${grid} sheet as the number printed there`, async () => {
        const g = resolveGrid({ grid });
        const list = numbers(g.columns * g.rows);
        const pdf = await buildLabelPdf(TEMPLATE, labelsOf(list, 5), {
          grid: g,
          symbology,
          outline: false,
        });
        const [page] = renderPdf(pdf, 200);

        expect(decodeLabelPage(readPng(page ?? ''), g, 200)).toEqual(
          [...list].sort(compareNumbers),
        );
      });
    }
  });
});
