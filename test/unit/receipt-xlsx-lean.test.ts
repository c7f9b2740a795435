// The receipt is written without exceljs: the module that builds it never loads exceljs (each
// import worker would carry its heap), and the workbook still reads and prints as the exceljs
// layout made it: the summary sheet's title, bold labels and wrapped values, the header's look,
// the line that says there is nothing to list, hostile text kept inert, shared strings the
// identity scan names a cell of.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { frenchMessage } from '../../src/domain/errors.js';
import { zipText } from '../../src/outputs/identity-xlsx.js';
import type { Receipt, ReceiptError } from '../../src/outputs/receipt.js';
import { buildReceiptWorkbook } from '../../src/outputs/receipt-xlsx.js';
import { CELL_TEXT_MAX, clampText } from '../../src/outputs/xlsx-lean-text.js';
import { load, sheet, values, zipParts } from './outputs-helpers.js';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** Specifiers a module loads when it runs: `import type` and `export type` are erased. */
function runtimeImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const found = code.matchAll(
    /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?'([^']+)'|\bimport\(\s*'([^']+)'/gm,
  );
  return [...found].map((m) => m[1] ?? m[2] ?? '');
}

/** The chain of modules by which `entry` loads `wanted`, null when it never does. */
function importChain(entry: string, wanted: string): string[] | null {
  const seen = new Set<string>();
  const visit = (file: string): string[] | null => {
    if (seen.has(file)) {
      return null;
    }
    seen.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier === wanted) {
        return [path.relative(SRC, file), wanted];
      }
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts'));
        const chain = visit(target);
        if (chain) {
          return [path.relative(SRC, file), ...chain];
        }
      }
    }
    return null;
  };
  return visit(path.join(SRC, entry));
}

function receipt(errors: ReceiptError[], summary?: string): Receipt {
  return {
    file: 'notes-UE101.csv',
    sha256: 'a'.repeat(64),
    ctn: 'SCI',
    channel: 'notes',
    status: errors.length > 0 ? 'partial' : 'imported',
    receivedAt: '2027-01-12T09:30:00Z',
    processedAt: '2027-01-12T09:31:05Z',
    rows: { read: 3, imported: 3 - errors.length, rejected: errors.length },
    errors,
    ...(summary === undefined ? {} : { summary }),
  };
}

const item = (value: string): ReceiptError => ({
  row: 2,
  column: 'Note',
  value,
  code: 'GRADE_INVALID',
  message: frenchMessage('GRADE_INVALID'),
});

describe('the receipt module', () => {
  it('loads no module that loads exceljs', () => {
    expect(importChain('outputs/receipt-xlsx.ts', 'exceljs')).toBeNull();
    // The walk does see exceljs where it is loaded.
    expect(importChain('outputs/xlsx-style.ts', 'exceljs')).toEqual([
      'outputs/xlsx-style.ts',
      'exceljs',
    ]);
  });
});

describe('the receipt as a person reads and prints it', () => {
  it('titles the summary over both columns, labels in bold, values wrapped and rows tall enough', async () => {
    const summary = `${'Des notes importées, des lignes refusées. '.repeat(6)}Voir les avis.`;
    const ws = sheet(
      await load(await buildReceiptWorkbook(receipt([], summary))),
      'Accusé de réception',
    );

    expect(ws.getCell('A1').value).toBe('Accusé de réception');
    expect(ws.model.merges).toEqual(['A1:B1']);
    expect(ws.getCell('A1').font).toMatchObject({ bold: true, size: 14, name: 'Calibri' });
    expect(ws.getRow(1).height).toBe(20);
    expect(ws.getCell('A3').value).toBe('Fichier');
    expect(ws.getCell('A3').font).toMatchObject({ bold: true, size: 11 });
    expect(ws.getCell('A3').alignment).toMatchObject({ vertical: 'top' });
    expect(ws.getCell('B3').alignment).toMatchObject({
      horizontal: 'left',
      vertical: 'top',
      wrapText: true,
    });
    expect(ws.getCell('B10').type).toBe(2); // a number: « Lignes lues »
    const long = values(ws).findIndex(([label]) => label === 'Résumé') + 1;
    expect(ws.getRow(long + 1).height).toBeGreaterThanOrEqual(45);
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToWidth: 1 });
    expect(ws.headerFooter.oddFooter).toBe('&L&A&RPage &P / &N');
  });

  it('fills and borders the header, and says so, unfiltered, when there is nothing to list', async () => {
    const wb = await load(await buildReceiptWorkbook(receipt([])));
    const ws = sheet(wb, 'Erreurs et avis');

    expect(ws.getCell('A1').fill).toMatchObject({
      pattern: 'solid',
      fgColor: { argb: 'FFD9E1F2' },
    });
    expect(ws.getCell('G1').border?.bottom?.style).toBe('thin');
    expect(values(ws)).toEqual([
      ['Nature', 'Ligne', 'Colonne', 'Valeur lue', 'Code', 'Explication', 'Que faire'],
      ['Aucune erreur ni avis.'],
    ]);
    expect(ws.autoFilter).toBeUndefined();
    expect(ws.getCell('A2').border?.top).toBeUndefined();
    expect(wb.creator).toBe('anonymat');
  });

  it('shows hostile values inert and as typed, cut at what a cell holds', async () => {
    const hostile = [
      "=cmd|' /C calc'!A0",
      'a\u0001b\uFFFEc',
      'x_x0041_y',
      'l1\r\nl2',
      'Z'.repeat(40_000),
    ];
    const ws = sheet(
      await load(await buildReceiptWorkbook(receipt(hostile.map(item)))),
      'Erreurs et avis',
    );
    const read = [2, 3, 4, 5, 6].map((row) => ws.getCell(`D${row}`).value);

    expect(read).toEqual([
      "'=cmd|' /C calc'!A0",
      'abc',
      'x_x0041_y',
      'l1\r\nl2',
      'Z'.repeat(CELL_TEXT_MAX),
    ]);
  });

  it('keeps its texts in shared strings, where the identity scan names their cell', async () => {
    const bytes = await buildReceiptWorkbook(receipt([item('DUPONT Jeanne')]));

    expect(zipParts(bytes).get('xl/sharedStrings.xml')).toContain('DUPONT Jeanne');
    const units = zipText(bytes).units('xl/sharedStrings.xml');
    const unit = units.find((u) => u.texts.some((t) => t.includes('DUPONT Jeanne')));
    expect(unit?.places.join(' ')).toContain('D2');
  });
});

describe('text cut at a cell’s limit', () => {
  it('keeps text that fits, cuts longer text at 32,767 units, never inside a surrogate pair', () => {
    const fits = `${'a'.repeat(CELL_TEXT_MAX - 2)}😀`;
    const split = `${'a'.repeat(CELL_TEXT_MAX - 1)}😀`;

    expect(clampText(fits)).toBe(fits);
    expect(clampText('Z'.repeat(40_000))).toHaveLength(CELL_TEXT_MAX);
    expect(clampText(split)).toBe('a'.repeat(CELL_TEXT_MAX - 1));
  });
});
