import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import { readWorkbook } from '../../src/readers/index.js';
import { readOds } from '../../src/readers/ods.js';
import type { Cell } from '../../src/readers/table.js';
import { buildZip } from '../unit/zip-guard.fixtures.js';

const NAMESPACES = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"',
].join(' ');

/** An .ods as LibreOffice writes it: stored mimetype first, then content.xml. */
function odsOf(tables: string, extra: { prolog?: string; manifest?: string } = {}): Buffer {
  const content =
    `<?xml version="1.0" encoding="UTF-8"?>${extra.prolog ?? ''}` +
    `<office:document-content ${NAMESPACES}><office:automatic-styles>` +
    '<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>' +
    `</office:automatic-styles><office:body><office:spreadsheet>${tables}</office:spreadsheet></office:body></office:document-content>`;
  return buildZip([
    { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', stored: true },
    { name: 'content.xml', data: content },
    ...(extra.manifest ? [{ name: 'META-INF/manifest.xml', data: extra.manifest }] : []),
  ]);
}

function table(name: string, rows: string, style = ''): string {
  return `<table:table table:name="${name}"${style}>${rows}</table:table>`;
}

const text = (value: string): string =>
  `<table:table-cell office:value-type="string"><text:p>${value}</text:p></table:table-cell>`;

async function firstRow(cells: string): Promise<Cell[]> {
  const workbook = await readOds(
    odsOf(table('Feuille1', `<table:table-row>${cells}</table:table-row>`)),
  );
  return workbook.sheets[0]?.rows[0]?.cells ?? [];
}

async function codeOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (error: unknown) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

describe('readOds', () => {
  it('reads text as typed, numbers with the text shown, booleans and ISO dates', async () => {
    expect(
      await firstRow(
        text('007') +
          '<table:table-cell office:value-type="float" office:value="12.5"><text:p>12,50</text:p></table:table-cell>' +
          '<table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>VRAI</text:p></table:table-cell>' +
          '<table:table-cell office:value-type="date" office:date-value="2026-01-15"><text:p>15/01/26</text:p></table:table-cell>',
      ),
    ).toEqual([
      { kind: 'text', raw: '007' },
      { kind: 'number', value: 12.5, raw: '12,50' },
      { kind: 'bool', value: true, raw: 'VRAI' },
      { kind: 'date', iso: '2026-01-15', raw: '15/01/26' },
    ]);
  });

  it('flags a percentage cell: the value stored is the one shown divided by 100', async () => {
    expect(
      await firstRow(
        '<table:table-cell office:value-type="percentage" office:value="0.6"><text:p>60 %</text:p></table:table-cell>',
      ),
    ).toEqual([{ kind: 'number', value: 0.6, raw: '60 %', percent: true }]);
  });

  it('reads rich text, links, kept spaces and line breaks as the text shown', async () => {
    expect(
      await firstRow(
        '<table:table-cell office:value-type="string"><text:p>N° <text:span>ano</text:span>nyme</text:p></table:table-cell>' +
          '<table:table-cell office:value-type="string"><text:p><text:a xlink:href="https://x">Copie</text:a></text:p></table:table-cell>' +
          '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="2"/>b</text:p><text:p>c</text:p></table:table-cell>',
      ),
    ).toEqual([
      { kind: 'text', raw: 'N° anonyme' },
      { kind: 'text', raw: 'Copie' },
      { kind: 'text', raw: 'a  b\nc' },
    ]);
  });

  it('gives a formula its cached value, refuses one without, and reads error results as errors', async () => {
    expect(
      await firstRow(
        '<table:table-cell table:formula="of:=[.A1]*2" office:value-type="float" office:value="14"><text:p>14</text:p></table:table-cell>' +
          '<table:table-cell table:formula="of:=[.A1]*2"/>' +
          '<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>',
      ),
    ).toEqual([
      { kind: 'number', value: 14, raw: '14' },
      { kind: 'formula_no_value', raw: 'of:=[.A1]*2' },
      { kind: 'error', raw: '#DIV/0!' },
    ]);
  });

  it('expands repeated cells and rows with content, and only counts repeated blanks', async () => {
    const workbook = await readOds(
      odsOf(
        table(
          'F',
          `<table:table-row>${text('x')}<table:table-cell table:number-columns-repeated="3"/>${text('y')}</table:table-row>` +
            '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>' +
            `<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>z</text:p></table:table-cell></table:table-row>`,
        ),
      ),
    );

    expect(
      workbook.sheets[0]?.rows.map((r) => [
        r.number,
        r.cells.map((c) => (c.kind === 'blank' ? '' : c.raw)),
      ]),
    ).toEqual([
      [1, ['x', '', '', '', 'y']],
      [1048572, ['z', 'z']],
      [1048573, ['z', 'z']],
    ]);
  });

  it('reads a merged header as its top-left text, and reports hidden rows, columns and sheets', async () => {
    const workbook = await readOds(
      odsOf(
        table(
          'Notes',
          '<table:table-column/><table:table-column table:visibility="collapse"/>' +
            `<table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>Résultats</text:p></table:table-cell><table:covered-table-cell/></table:table-row>` +
            `<table:table-row table:visibility="collapse">${text('caché')}</table:table-row>`,
        ) +
          table(
            'Brouillon',
            `<table:table-row>${text('x')}</table:table-row>`,
            ' table:style-name="ta2"',
          ),
      ),
    );

    const [notes, draft] = workbook.sheets;
    expect(notes?.rows.map((r) => [r.number, r.cells.length, r.hidden ?? false])).toEqual([
      [1, 1, false],
      [2, 1, true],
    ]);
    expect(notes?.hiddenColumns).toEqual([2]);
    expect(draft?.state).toBe('hidden');
  });

  it('refuses rows of content repeated millions of times before building them', async () => {
    const bomb = table(
      'F',
      '<table:table-row table:number-rows-repeated="2000000"><table:table-cell table:number-columns-repeated="3" office:value-type="string"><text:p>z</text:p></table:table-cell></table:table-row>',
    );

    expect(await codeOf(() => readOds(odsOf(bomb)))).toBe('FILE_TOO_LARGE');
  });

  it('is read by content through readWorkbook', async () => {
    const workbook = await readWorkbook(
      odsOf(table('F', `<table:table-row>${text('x')}</table:table-row>`)),
    );

    expect(workbook.format).toBe('ods');
  });

  it('refuses a DOCTYPE, an encrypted spreadsheet and one without data, each with its code', async () => {
    const bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>';
    const manifest =
      '<manifest:manifest><manifest:file-entry><manifest:encryption-data/></manifest:file-entry></manifest:manifest>';

    expect(await codeOf(() => readOds(odsOf(table('F', ''), { prolog: bomb })))).toBe(
      'FILE_CORRUPT',
    );
    expect(await codeOf(() => readOds(odsOf(table('F', ''), { manifest })))).toBe('FILE_ENCRYPTED');
    expect(
      await codeOf(() =>
        readOds(odsOf(table('F', '<table:table-row><table:table-cell/></table:table-row>'))),
      ),
    ).toBe('FILE_NO_DATA');
  });
});
