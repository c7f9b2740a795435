// `npm run render -- [--home dir] [--out dir] [--label-pages n|all] [--dpi n]`: renders every PDF
// of the outbox to PNG for a person to look at (first pages, side by side), and reads back the
// barcodes of the label sheets from the rendered pixels: each must be a number of the database,
// equal to the number printed on the same label, in number order. Needs poppler-utils.
// Every workbook of the outbox is printed too, through LibreOffice headless (PDF, then PNG), and
// checked page by page (A4, orientation, header row repeated with all its columns, no "###"), and
// cell by cell for text that would be cut off. Without soffice the workbooks are skipped, saying so.
// `npm run render -- --bench 20000` times label sheets without barcode, with Code 128, DataMatrix.
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

import { loadConfig } from '../src/config/config.js';
import { log } from '../src/log.js';
import { buildLabelPdf } from '../src/outputs/pdf/labels.js';
import { resolveGrid, type Symbology } from '../src/outputs/pdf/layouts.js';
import { compareNumbers } from '../src/outputs/order.js';
import { closeContext, createContext } from '../src/services/context.js';
import {
  decodeLabelPage,
  hasPdftoppm,
  montage,
  pageCount,
  pageText,
  readPng,
  renderPdfFile,
} from '../test/outputs/render-helpers.js';
import {
  checkPrintedSheets,
  hasSoffice,
  sheetPrints,
  sheetsToPdf,
} from '../test/outputs/render-sheets.js';
import { layoutFindings } from '../test/outputs/xlsx-layout.js';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

/** Files of the outbox ending with `extension`, spreadsheet lock files (~$x.xlsx) left out. */
function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(extension) && !path.basename(f).startsWith('~$'))
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** "IUT_etiquettes_etiquettes-MMI-S4": the outbox path of a file as one name. */
function flatName(outbox: string, file: string): string {
  return path.relative(outbox, file).replace(/[/\\]/g, '_');
}

/** Every number the database knows for any year: given or spare. */
async function knownNumbers(home: string): Promise<Set<string>> {
  const ctx = await createContext(loadConfig(process.env, { home }), log);
  try {
    const given = (await ctx.db('anonymous_number').select('number')) as Array<{ number: string }>;
    const spare = (await ctx.db('spare_label').select('number')) as Array<{ number: string }>;
    return new Set([...given, ...spare].map((r) => r.number));
  } finally {
    await closeContext(ctx);
  }
}

/** Label-sheet check of one file: decoded per cell vs printed vs the database, page by page. */
function checkLabels(file: string, known: Set<string>, pages: number, dpi: number, out: string) {
  const grid = resolveGrid({ grid: /-(\d+x\d+(?:-\d+)?)\.pdf$/.exec(file)?.[1] ?? '3x8' });
  const result = { decoded: 0, printed: 0, unknown: 0, mismatched: 0, outOfOrder: 0 };
  let previous: string | null = null;

  for (let page = 1; page <= pages; page += 1) {
    const prefix = `${path.basename(file, '.pdf')}-decode-${page}`;
    const [png] = renderPdfFile(file, dpi, out, prefix, { first: page, last: page });
    const decoded = decodeLabelPage(readPng(png ?? ''), grid, dpi).filter((t) => t !== null);
    const printed = pageText(file, page)
      .split(/\s+/)
      .filter((token) => known.has(token));
    result.decoded += decoded.length;
    result.printed += printed.length;
    result.unknown += decoded.filter((t) => !known.has(t)).length;
    result.mismatched += printed.filter((n, k) => decoded[k] !== n).length;
    for (const n of decoded) {
      result.outOfOrder += previous !== null && compareNumbers(previous, n) > 0 ? 1 : 0;
      previous = n;
    }
  }
  return result;
}

/** `--bench n`: time n labels without barcode, with Code 128 and with DataMatrix (best of three). */
async function bench(count: number): Promise<void> {
  const t = {
    templateId: 1,
    templateCode: 'BENCH',
    templateLabel: 'Banc',
    ctn: 'X',
    year: 2026,
    periodLabel: 'janvier',
  };
  const a = {
    assessmentId: 1,
    objectCode: 'MAT101',
    objectLabel: 'Algèbre linéaire',
    session: 1 as const,
    stage: 'admission' as const,
    year: 2026,
    scale: 20,
  };
  const labels = Array.from({ length: count }, (_, k) => ({
    number: `S${String(k * 7).padStart(7, '0')}`,
    assessment: a,
  }));
  const grid = resolveGrid({ grid: '3x8' });
  const times: Partial<Record<Symbology, number>> = {};
  for (const symbology of ['none', 'code128', 'datamatrix'] as const) {
    const runs = symbology === 'datamatrix' ? 1 : 3;
    for (let run = 0; run < runs; run += 1) {
      const start = performance.now();
      const pdf = await buildLabelPdf(t, labels, { grid, symbology });
      const ms = performance.now() - start;
      times[symbology] = Math.min(times[symbology] ?? Infinity, ms);
      process.stdout.write(
        `${symbology}: ${Math.round(ms)} ms, ${(pdf.length / 1e6).toFixed(1)} MB\n`,
      );
    }
  }
  const ratio = (times.code128 ?? 0) / (times.none ?? 1);
  process.stdout.write(`${count} labels: Code 128 / text only = ${ratio.toFixed(2)}\n`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--bench')) {
    await bench(Number(option('bench', '20000')));
    return;
  }
  if (!hasPdftoppm()) {
    process.stdout.write('pdftoppm not found: apt-get install -y poppler-utils, then run again.\n');
    process.exitCode = 1;
    return;
  }
  const home = path.resolve(option('home', process.cwd()));
  const out = path.resolve(option('out', path.join(home, 'var', 'render')));
  const labelPages = option('label-pages', '3');
  const dpi = Number(option('dpi', '200'));
  mkdirSync(out, { recursive: true });
  const known = await knownNumbers(home);
  let failed = false;

  const outbox = path.join(home, 'outbox');
  for (const file of filesUnder(outbox, '.pdf')) {
    const name = flatName(outbox, file).slice(0, -4);
    const total = pageCount(file);
    const preview = renderPdfFile(file, 60, out, name, { first: 1, last: Math.min(3, total) });
    montage(preview, path.join(out, `${name}.apercu.png`));
    let line = `${name}: ${total} page(s), preview ${name}.apercu.png`;

    if (file.includes(`${path.sep}etiquettes${path.sep}`)) {
      const pages = labelPages === 'all' ? total : Math.min(total, Number(labelPages));
      const r = checkLabels(file, known, pages, dpi, out);
      line += ` · barcodes read ${r.decoded}/${r.printed} on ${pages} page(s), unknown ${r.unknown}, mismatched ${r.mismatched}, out of order ${r.outOfOrder}`;
      failed ||= r.decoded !== r.printed || r.unknown + r.mismatched + r.outOfOrder > 0;
    }
    process.stdout.write(`${line}\n`);
  }
  failed = (await renderWorkbooks(outbox, out)) || failed;
  process.exitCode = failed ? 1 : 0;
}

/** Size over which a workbook gets a LibreOffice run of its own, in bytes. */
const LARGE_WORKBOOK = 300_000;

/** Prints every workbook through LibreOffice and checks it; true when something is wrong. */
async function renderWorkbooks(outbox: string, out: string): Promise<boolean> {
  const books = filesUnder(outbox, '.xlsx').map((file) => ({ file, name: flatName(outbox, file) }));
  if (!hasSoffice()) {
    process.stdout.write(
      `soffice not found: ${books.length} workbook(s) not rendered. Install LibreOffice ` +
        '(apt-get install -y --no-install-recommends libreoffice-calc-nogui) to render them.\n',
    );
    return false;
  }

  // Small workbooks in one LibreOffice run; each large one (a PV individuel of thousands of pages
  // takes LibreOffice minutes) in a run of its own, so that one slow file delays only itself.
  const large = (f: string): boolean => statSync(f).size > LARGE_WORKBOOK;
  const pdfs = sheetsToPdf(
    books.filter((b) => !large(b.file)),
    out,
  );
  for (const book of books.filter((b) => large(b.file))) {
    const started = performance.now();
    sheetsToPdf([book], out, 3_600_000).forEach((pdf, name) => pdfs.set(name, pdf));
    const seconds = Math.round((performance.now() - started) / 1000);
    process.stdout.write(`${book.name}: converted by LibreOffice in ${seconds} s\n`);
  }
  let failed = false;
  for (const { file, name } of books) {
    const bytes = readFileSync(file);
    const cut = await layoutFindings(bytes);
    const pdf = pdfs.get(name);
    if (!pdf) {
      process.stdout.write(`${name}: LibreOffice could not convert it\n`);
      failed = true;
      continue;
    }

    const printed = checkPrintedSheets(pdf, await sheetPrints(bytes));
    const pages = [1, 2, 3, printed.pages].filter(
      (p, k, all) => p <= printed.pages && all.indexOf(p) === k,
    );
    const preview = pages.flatMap((p) =>
      renderPdfFile(pdf, 60, out, `${name}-${p}`, { first: p, last: p }),
    );
    montage(preview, path.join(out, `${name}.apercu.png`));

    const sheets = [...printed.perSheet].map(([sheet, n]) => `${sheet} ${n}`).join(', ');
    const problems = [
      ...printed.problems,
      ...cut.map((c) => `${c.sheet}!${c.cell} ${c.problem} « ${c.text.slice(0, 40)} »`),
    ];
    process.stdout.write(
      `${name}: ${printed.pages} page(s) (${sheets}), preview ${name}.apercu.png · ` +
        `${problems.length === 0 ? 'A4, headers, widths ok' : problems.slice(0, 8).join(' ; ')}\n`,
    );
    failed ||= problems.length > 0;
  }
  return failed;
}

await main();
