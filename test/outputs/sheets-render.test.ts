// Every workbook printed through LibreOffice headless as an office would print it: A4 in its
// orientation, the header row repeated with all its columns on every page, accents intact, no
// "###", and a PV's figures and signatures on one page. Needs LibreOffice and poppler-utils:
// skipped with a notice without them, so CI stays fast and self-contained.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hasPdftoppm, pageText } from './render-helpers.js';
import {
  checkPrintedSheets,
  hasSoffice,
  sheetPrints,
  sheetsToPdf,
  type PrintedSheets,
} from './render-sheets.js';
import { everyWorkbook } from './workbooks.js';

const rendering = hasSoffice() && hasPdftoppm();
if (!rendering) {
  process.stdout.write(
    'NOTICE: workbooks not printed through LibreOffice (install libreoffice-calc-nogui and ' +
      'poppler-utils to run test/outputs/sheets-render.test.ts)\n',
  );
}

describe.skipIf(!rendering)('workbooks printed by LibreOffice', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'anonymat-sheets-'));
  const printed = new Map<string, PrintedSheets & { pdf: string }>();

  beforeAll(async () => {
    const books = await everyWorkbook();
    const inputs = books.map(({ name, bytes }) => {
      const file = path.join(dir, `in-${name}.xlsx`);
      writeFileSync(file, bytes);
      return { file, name };
    });
    const pdfs = sheetsToPdf(inputs, dir);
    for (const { name, bytes } of books) {
      const pdf = pdfs.get(name) ?? '';
      printed.set(name, { ...checkPrintedSheets(pdf, await sheetPrints(bytes)), pdf });
    }
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints every workbook on A4 with its headers and all its columns on every page', () => {
    const problems = [...printed].flatMap(([name, p]) => p.problems.map((q) => `${name}: ${q}`));

    expect([...printed.keys()]).toHaveLength(10);
    expect(problems).toEqual([]);
  });

  it('spreads the 140 numbers of a grade-entry workbook over pages that all repeat the header', () => {
    const book = printed.get('bordereau');

    expect(book?.pages).toBeGreaterThan(2);
    expect(book?.perSheet).toEqual(new Map([['Saisie des notes', book?.pages]]));
    expect(pageText(book?.pdf ?? '', 1)).toContain('Bordereau de saisie des notes — PHY101');
  });

  it('prints each PV sheet, its figures, signatures and fingerprint together, then the reveals', () => {
    const pv = printed.get('pv-anonyme');
    const pdf = pv?.pdf ?? '';
    const pages = Array.from({ length: pv?.pages ?? 0 }, (_, k) => pageText(pdf, k + 1));
    const signed = pages.filter((t) => t.includes('Le président du jury'));

    expect([...(pv?.perSheet.keys() ?? [])]).toEqual([
      'PHY101 S1 admission',
      'MAT102 S1 admission',
      'Levées individuelles',
    ]);
    expect(signed).toHaveLength(2);
    for (const page of signed) {
      expect(page).toContain('Inscrits');
      expect(page).toContain('Empreinte des données affichées');
    }
    const all = pages.join(' ').replace(/\s+/g, ' ');
    expect(all).toContain('non publiées : moins de 5 notes chiffrées');
    expect(all).toMatch(/\b\d{1,2},\d\d\b/);
  });

  it('prints each person’s PV individuel on a page of their own', () => {
    const individual = printed.get('pv-individuels');

    expect(individual?.pages).toBe(140);
    expect(pageText(individual?.pdf ?? '', 140)).toContain('Le président du jury');
  });

  it('prints the receipt’s errors on a landscape page, explanations whole', () => {
    const receipt = printed.get('accuse');
    const text = pageText(receipt?.pdf ?? '', 2).replace(/\s+/g, ' ');

    expect(receipt?.perSheet).toEqual(
      new Map([
        ['Accusé de réception', 1],
        ['Erreurs et avis', 1],
      ]),
    );
    expect(text).toContain('déposez de nouveau le fichier entier');
  });
});
