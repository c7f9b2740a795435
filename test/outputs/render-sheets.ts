// Printing the spreadsheets as an office would: LibreOffice headless converts each workbook to PDF
// (a private profile, French locale so grades show a decimal comma), then each page is checked
// from its text: A4 in the sheet's orientation, the header row of its sheet repeated with every
// column on it (so the table fits the page width), no "###" and no replacement character. The
// footer names the sheet of each page (xlsx-style.ts writes "&A"), which ties pages to sheets.
// Optional on CI: callers say so and skip when soffice is absent.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import ExcelJS from 'exceljs';

import { pageCount } from './render-helpers.js';

/** True when LibreOffice's soffice is installed (Debian package libreoffice-calc-nogui). */
export function hasSoffice(): boolean {
  try {
    execFileSync('soffice', ['--version'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Converts workbooks to PDF in one soffice run (its start-up costs seconds): each input is copied
 * under its `name` first, so two files of the same name in different folders do not collide.
 * Returns the PDF of each name; a workbook soffice could not convert in `timeoutMs` (LibreOffice
 * takes minutes over a PV individuel of thousands of pages) is missing from the map.
 */
export function sheetsToPdf(
  inputs: ReadonlyArray<{ file: string; name: string }>,
  outDir: string,
  timeoutMs = 600_000,
): Map<string, string> {
  const work = mkdtempSync(path.join(tmpdir(), 'anonymat-soffice-'));
  for (const { name } of inputs) {
    rmSync(path.join(outDir, `${name}.pdf`), { force: true });
  }
  try {
    const copies = inputs.map(({ file, name }) => {
      const copy = path.join(work, `${name}.xlsx`);
      copyFileSync(file, copy);
      return copy;
    });
    const profile = pathToFileURL(path.join(work, 'profile')).href;
    execFileSync(
      'soffice',
      [
        `-env:UserInstallation=${profile}`,
        '--headless',
        '--norestore',
        '--convert-to',
        'pdf',
        '--outdir',
        outDir,
        ...copies,
      ],
      { stdio: 'ignore', timeout: timeoutMs, env: { ...process.env, LC_ALL: 'fr_FR.UTF-8' } },
    );
  } catch {
    // Timed out or failed: whatever was converted is kept, the rest is reported missing.
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const pdfs = new Map<string, string>();
  for (const { name } of inputs) {
    const pdf = path.join(outDir, `${name}.pdf`);
    if (existsSync(pdf)) {
      pdfs.set(name, pdf);
    }
  }
  return pdfs;
}

/** How a sheet should print, read from the workbook: its orientation and repeated header. */
export interface SheetPrint {
  name: string;
  orientation: 'portrait' | 'landscape';
  /** Words of the header row repeated on every page; empty when the sheet repeats none. */
  headerWords: string[];
}

/** The print set-up of every visible sheet, in workbook order. */
export async function sheetPrints(bytes: Buffer): Promise<SheetPrint[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);

  return wb.worksheets
    .filter((ws) => ws.state === 'visible')
    .map((ws) => {
      const header = /^(\d+):\d+$/.exec(ws.pageSetup.printTitlesRow ?? '')?.[1];
      const words: string[] = [];
      if (header) {
        ws.getRow(Number(header)).eachCell((cell) => {
          words.push(...cell.text.split(/\s+/));
        });
      }
      return {
        name: ws.name,
        orientation: ws.pageSetup.orientation === 'landscape' ? 'landscape' : 'portrait',
        headerWords: words.filter((w) => w !== ''),
      };
    });
}

/** What the page-by-page reading of a printed workbook found. */
export interface PrintedSheets {
  pages: number;
  /** Pages per sheet name, as their footers say. */
  perSheet: Map<string, number>;
  problems: string[];
}

/** Width and height in points of every page (poppler's pdfinfo). */
function pageSizes(pdf: string, pages: number): Array<[number, number]> {
  const info = execFileSync('pdfinfo', ['-f', '1', '-l', String(pages), pdf], { encoding: 'utf8' });
  return [...info.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)/gm)].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);
}

/** The text of every page with its layout kept, in one run of poppler's pdftotext -layout. */
function layoutPages(pdf: string): string[] {
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  // pdftotext ends every page with a form feed.
  return text.split('\f');
}

/** The sheet a page belongs to, from its footer line "<sheet>   Page n / N". */
function footerSheet(text: string, sheets: readonly SheetPrint[]): SheetPrint | undefined {
  const footer = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /Page \d+ \/ \d+$/.test(l))
    .at(-1);
  const name = footer?.replace(/\s*Page \d+ \/ \d+$/, '').trim();
  return sheets.find((s) => s.name === name);
}

/** Checks every page of a workbook printed to PDF against the print set-up of its sheets. */
export function checkPrintedSheets(pdf: string, sheets: readonly SheetPrint[]): PrintedSheets {
  const pages = pageCount(pdf);
  const sizes = pageSizes(pdf, pages);
  const perSheet = new Map<string, number>();
  const problems: string[] = [];
  const texts = layoutPages(pdf);

  for (let page = 1; page <= pages; page += 1) {
    const text = texts[page - 1] ?? '';
    const sheet = footerSheet(text, sheets);
    if (!sheet) {
      problems.push(`page ${page} : pied de page sans nom de feuille`);
      continue;
    }
    perSheet.set(sheet.name, (perSheet.get(sheet.name) ?? 0) + 1);

    const [width, height] = sizes[page - 1] ?? [0, 0];
    const [short, long] = [Math.min(width, height), Math.max(width, height)];
    const landscape = width > height;
    if (Math.abs(short - 595.3) > 2 || Math.abs(long - 841.9) > 2) {
      problems.push(`page ${page} : format ${width} x ${height} pt, pas A4`);
    } else if (landscape !== (sheet.orientation === 'landscape')) {
      problems.push(`page ${page} : orientation ${landscape ? 'paysage' : 'portrait'}`);
    }

    const words = new Set(text.split(/\s+/));
    const missing = sheet.headerWords.filter((w) => !words.has(w));
    if (missing.length > 0) {
      problems.push(
        `page ${page} (${sheet.name}) : en-tête incomplet, manque ${missing.join(' ')}`,
      );
    }
    if (text.includes('###')) {
      problems.push(`page ${page} (${sheet.name}) : nombre trop large (###)`);
    }
    if (text.includes('\uFFFD')) {
      problems.push(`page ${page} (${sheet.name}) : caractère illisible`);
    }
  }
  return { pages, perSheet, problems };
}
