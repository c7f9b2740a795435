// The annotated copy of a CSV or .ods, rebuilt from the cells read (xlsx-lean.ts): what a person
// checks when opening it, read back both with exceljs (as a spreadsheet shows it) and with the
// service's own reader (as the service would read it if dropped again).
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { buildAnnotatedCopy } from '../../src/outputs/annotated-copy.js';
import { scanForIdentities } from '../../src/outputs/identity-scan.js';
import type { ReceiptError } from '../../src/outputs/receipt.js';
import { readWorkbook } from '../../src/readers/index.js';
import type { Cell, Workbook } from '../../src/readers/table.js';
import { listZipEntries, readZipEntry } from '../../src/readers/zip-guard.js';
import { buildZip } from './zip-guard.fixtures.js';

const RED = 'FFFFC7CE';
const YELLOW = 'FFFFEB9C';

/** An .ods of `tables` (name → rows of raw cell XML), as LibreOffice lays it out. */
function odsOf(tables: Array<[string, string[][]]>): Buffer {
  const ns = ['office', 'table', 'text']
    .map((p) => `xmlns:${p}="urn:oasis:names:tc:opendocument:xmlns:${p}:1.0"`)
    .join(' ');
  const body = tables.map(
    ([name, rows]) =>
      `<table:table table:name="${name}">` +
      rows.map((r) => `<table:table-row>${r.join('')}</table:table-row>`).join('') +
      '</table:table>',
  );
  const content =
    `<?xml version="1.0" encoding="UTF-8"?><office:document-content ${ns}><office:body>` +
    `<office:spreadsheet>${body.join('')}</office:spreadsheet></office:body></office:document-content>`;
  return buildZip([
    { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', stored: true },
    { name: 'content.xml', data: content },
  ]);
}

const text = (v: string): string =>
  `<table:table-cell office:value-type="string"><text:p>${v}</text:p></table:table-cell>`;
const float = (v: number, shown: string): string =>
  `<table:table-cell office:value-type="float" office:value="${v}"><text:p>${shown}</text:p></table:table-cell>`;
const bool = (v: boolean): string =>
  `<table:table-cell office:value-type="boolean" office:boolean-value="${v}"><text:p>${v ? 'VRAI' : 'FAUX'}</text:p></table:table-cell>`;
const blank = '<table:table-cell/>';

/** The copy read both ways: by exceljs, and by the service's reader. */
async function open(copy: Buffer | null): Promise<{ wb: ExcelJS.Workbook; read: Workbook }> {
  expect(copy).not.toBeNull();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(copy ?? Buffer.alloc(0)).buffer);
  return { wb, read: await readWorkbook(copy ?? Buffer.alloc(0)) };
}

function fillOf(cell: ExcelJS.Cell | undefined): string | undefined {
  return (cell?.fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;
}

function noteOf(cell: ExcelJS.Cell | undefined): string | undefined {
  const note = cell?.note as string | ExcelJS.Comment | undefined;
  return typeof note === 'string' ? note : note?.texts?.map((t) => t.text).join('');
}

/** The cells of row `number` of a sheet read by the service, as `[kind, value or raw]`. */
function readRow(read: Workbook, sheet: number, number: number): Array<[string, unknown]> {
  const row = read.sheets[sheet]?.rows.find((r) => r.number === number);
  return (row?.cells ?? []).map((c: Cell) => [
    c.kind,
    c.kind === 'blank' ? null : c.kind === 'number' || c.kind === 'bool' ? c.value : c.raw,
  ]);
}

/** The authors listed by each comments part of an .xlsx. */
function noteAuthors(bytes: Buffer): string[] {
  return listZipEntries(bytes)
    .filter((entry) => /^xl\/comments\d+\.xml$/.test(entry.name))
    .flatMap((entry) => [
      ...readZipEntry(bytes, entry)
        .toString('utf8')
        .matchAll(/<author>([^<]*)<\/author>/g),
    ])
    .map((m) => m[1] ?? '');
}

describe('the annotated copy rebuilt from a CSV or an .ods', () => {
  const ERRORS: ReceiptError[] = [
    {
      row: 2,
      column: 'Note',
      value: '12,5',
      code: 'GRADE_LATE',
      message: 'Note tardive.',
      kind: 'notice',
    },
    {
      row: 3,
      column: 'N° anonyme',
      value: '999',
      code: 'NUMBER_UNKNOWN',
      message: 'Numéro inconnu.',
    },
  ];

  it('keeps each value and its type at its own cell, in both readers', async () => {
    const ods = odsOf([
      [
        'Notes',
        [
          [text('N° anonyme'), text('Note'), text('Présent')],
          [text('007'), float(12.5, '12,50'), bool(true)],
          [text('999'), float(-3, '-3'), bool(false)],
        ],
      ],
      ['Barème', [[blank, float(20, '20')]]],
    ]);

    const { wb, read } = await open(
      await buildAnnotatedCopy(ods, { status: 'partial', errors: ERRORS }),
    );

    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['Notes', 'Barème', 'Erreurs et avis']);
    const ws = wb.getWorksheet('Notes');
    expect([ws?.getCell('A2').value, ws?.getCell('B2').value, ws?.getCell('C2').value]).toEqual([
      '007',
      12.5,
      true,
    ]);
    expect([ws?.getCell('B3').value, ws?.getCell('C3').value]).toEqual([-3, false]);
    expect(wb.getWorksheet('Barème')?.getCell('B1').value).toBe(20);
    expect(wb.getWorksheet('Barème')?.getCell('A1').value).toBeNull();
    expect(read.sheets.map((s) => s.name)).toEqual(['Notes', 'Barème', 'Erreurs et avis']);
    expect(readRow(read, 0, 2)).toEqual([
      ['text', '007'],
      ['number', 12.5],
      ['bool', true],
    ]);
    expect(readRow(read, 0, 3)).toEqual([
      ['text', '999'],
      ['number', -3],
      ['bool', false],
    ]);
    expect(readRow(read, 1, 1)).toEqual([
      ['blank', null],
      ['number', 20],
    ]);
  });

  it('fills the faulty cells red, the ones to check yellow, and notes them for the service', async () => {
    const csv = Buffer.from('N° anonyme;Note\r\n123456;12,5\r\n999;8\r\n');

    const copy = await buildAnnotatedCopy(csv, { status: 'partial', errors: ERRORS });
    const { wb } = await open(copy);

    const ws = wb.worksheets[0];
    expect([fillOf(ws?.getCell('B2')), fillOf(ws?.getCell('A3'))]).toEqual([YELLOW, RED]);
    expect([
      fillOf(ws?.getCell('A2')),
      fillOf(ws?.getCell('B3')),
      fillOf(ws?.getCell('A1')),
    ]).toEqual([undefined, undefined, undefined]);
    expect(noteOf(ws?.getCell('B2'))).toBe('GRADE_LATE : Note tardive.');
    expect(noteOf(ws?.getCell('A3'))).toBe('NUMBER_UNKNOWN : Numéro inconnu.');
    expect(ws?.getCell('A2').note).toBeUndefined();
    expect(noteAuthors(copy ?? Buffer.alloc(0))).toEqual(['anonymat']);
    expect([wb.creator, wb.lastModifiedBy]).toEqual(['anonymat', 'anonymat']);
  });

  it('gives two items on one cell one note of two lines, red whichever came first', async () => {
    const csv = Buffer.from('N° anonyme;Note\r\n123456;12,5\r\n123457;8\r\n');
    const on = (row: number, code: string, kind?: 'notice'): ReceiptError => ({
      row,
      column: 'Note',
      code,
      message: `${code} ici.`,
      ...(kind ? { kind } : {}),
    });
    const errors = [
      on(2, 'A_NOTICE', 'notice'),
      on(2, 'AN_ERROR'),
      on(3, 'AN_ERROR'),
      on(3, 'A_NOTICE', 'notice'),
    ];

    const { wb } = await open(await buildAnnotatedCopy(csv, { status: 'partial', errors }));

    const ws = wb.worksheets[0];
    expect([fillOf(ws?.getCell('B2')), fillOf(ws?.getCell('B3'))]).toEqual([RED, RED]);
    expect(noteOf(ws?.getCell('B2'))).toBe('A_NOTICE : A_NOTICE ici.\nAN_ERROR : AN_ERROR ici.');
    expect(noteOf(ws?.getCell('B3'))).toBe('AN_ERROR : AN_ERROR ici.\nA_NOTICE : A_NOTICE ici.');
  });

  it('marks a cell holding nothing, and a row past the last one read', async () => {
    const csv = Buffer.from('N° anonyme;Note;Obs\r\n123456;;x\r\n123457;8\r\n');
    const errors: ReceiptError[] = [
      { row: 2, column: 'Note', code: 'GRADE_BLANK', message: 'Note absente.' },
      { row: 9, column: 'Note', code: 'GRADE_BLANK', message: 'Ligne vide.' },
    ];

    const { wb, read } = await open(await buildAnnotatedCopy(csv, { status: 'rejected', errors }));

    const ws = wb.worksheets[0];
    expect(ws?.getCell('B2').value).toBeNull();
    expect(fillOf(ws?.getCell('B2'))).toBe(RED);
    expect(noteOf(ws?.getCell('B2'))).toBe('GRADE_BLANK : Note absente.');
    expect(fillOf(ws?.getCell('B9'))).toBe(RED);
    expect(noteOf(ws?.getCell('B9'))).toBe('GRADE_BLANK : Ligne vide.');
    expect(readRow(read, 0, 2)).toEqual([
      ['text', '123456'],
      ['blank', null],
      ['text', 'x'],
    ]);
    expect(readRow(read, 0, 3)).toEqual([
      ['text', '123457'],
      ['text', '8'],
    ]);
  });

  it('lists every item on a sheet laid out as the receipts’ tables', async () => {
    const csv = Buffer.from('N° anonyme;Note\r\n123456;12,5\r\n999;8\r\n');
    const whole: ReceiptError = {
      row: null,
      column: null,
      code: 'FILE_LATE',
      message: 'Dépôt tardif.',
    };

    const { wb, read } = await open(
      await buildAnnotatedCopy(csv, { status: 'partial', errors: [...ERRORS, whole] }),
    );

    const list = wb.getWorksheet('Erreurs et avis');
    expect(list?.getRow(1).values).toEqual([
      undefined,
      'Nature',
      'Ligne',
      'Colonne',
      'Valeur lue',
      'Code',
      'Pourquoi',
      'Que faire',
    ]);
    expect(list?.getRow(2).values).toEqual([
      undefined,
      'Avis',
      2,
      'Note',
      '12,5',
      'GRADE_LATE',
      'Note tardive.',
    ]);
    expect(list?.getRow(3).values).toEqual([
      undefined,
      'Erreur',
      3,
      'N° anonyme',
      '999',
      'NUMBER_UNKNOWN',
      'Numéro inconnu.',
    ]);
    expect(list?.getRow(4).values).toEqual([
      undefined,
      'Erreur',
      'Fichier',
      undefined,
      undefined,
      'FILE_LATE',
      'Dépôt tardif.',
    ]);
    expect(list?.rowCount).toBe(4);
    expect([1, 2, 3, 4, 5, 6, 7].map((c) => list?.getColumn(c).width)).toEqual([
      9, 9, 18, 22, 26, 50, 50,
    ]);
    const header = list?.getCell('C1');
    expect([header?.font?.bold, fillOf(header), header?.border?.bottom?.style]).toEqual([
      true,
      'FFD9E1F2',
      'thin',
    ]);
    expect([list?.getCell('G3').border?.top?.style, list?.getCell('F3').alignment]).toEqual([
      'thin',
      { vertical: 'top', wrapText: true },
    ]);
    expect(list?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(list?.pageSetup).toMatchObject({
      paperSize: 9,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
    });
    expect(list?.headerFooter.oddFooter).toBe('&L&A&RPage &P / &N');
    // Printed as the receipt's list: landscape, filtered, rows as tall as their wrapped text.
    expect([list?.pageSetup.orientation, list?.autoFilter]).toEqual(['landscape', 'A1:G1']);
    const long = buildAnnotatedCopy(csv, {
      status: 'partial',
      errors: [{ ...ERRORS[0]!, message: 'Note tardive. '.repeat(30) }],
    });
    const wrapped = (await open(await long)).wb.getWorksheet('Erreurs et avis');
    expect(wrapped?.getRow(2).height).toBeGreaterThan(30);
    // The data sheet prints on A4 with its name in the footer, its columns as wide as their text.
    const data = wb.worksheets[0];
    expect([data?.pageSetup.paperSize, data?.headerFooter.oddFooter]).toEqual([
      9,
      '&L&A&RPage &P / &N',
    ]);
    expect(data?.getColumn(1).width).toBeGreaterThanOrEqual(10);
    expect(readRow(read, 1, 3)).toEqual([
      ['text', 'Erreur'],
      ['number', 3],
      ['text', 'N° anonyme'],
      ['text', '999'],
      ['text', 'NUMBER_UNKNOWN'],
      ['text', 'Numéro inconnu.'],
    ]);
  });

  it('names the sheets as a workbook accepts, in their order, the list last', async () => {
    const ods = odsOf([
      ["Notes 'S1'", []],
      ['History', [[text('N° anonyme')], [text('1')]]],
      ["notes 's1'", [[text('x')]]],
      ['', [[text('y')]]],
      ['Erreurs et avis', [[text('z')]]],
    ]);
    const errors: ReceiptError[] = [
      { row: 2, column: 'N° anonyme', code: 'NUMBER_UNKNOWN', message: 'Inconnu.' },
    ];

    const { wb, read } = await open(await buildAnnotatedCopy(ods, { status: 'rejected', errors }));

    const names = [
      'Notes ’S1’',
      'History (copie)',
      'notes ’s1’ (2)',
      'Données',
      'Erreurs et avis',
      'Erreurs et avis (2)',
    ];
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(names);
    expect(read.sheets.map((s) => s.name)).toEqual(names);
    // The data sheet is the first with rows: the faulty cell is marked there, not on the others.
    expect(noteOf(wb.getWorksheet('notes ’s1’ (2)')?.getCell('A2'))).toBeUndefined();
    expect(noteOf(wb.getWorksheet('History (copie)')?.getCell('A2'))).toBe(
      'NUMBER_UNKNOWN : Inconnu.',
    );
    expect(read.sheets[0]?.rows).toEqual([]);
  });

  it('opens and shows hostile cells as typed, none of them a formula', async () => {
    // As long as a cell may be (32,767 UTF-16 units, the last four emoji pairs whole): a longer one
    // refuses the file at reading (CELL_TOO_LONG).
    const long = `${'é'.repeat(32_759)}😀😀😀😀`;
    const lines = [
      'N° anonyme;Note;Obs;Autre',
      '123456;"=HYPERLINK(""http://x"",""clic"")";"<b a=""1"">&amp;]]></b>";@SUM(A1)',
      '123457;+1+2;"a\rb\nc";-2+3',
      `123458;-1;"\u0001tab\u0008\u000b\uffffbé";_x0041_ et _X00e9_`,
      `123459;  12 ;👩‍🎓 Zoë 😀;${long}`,
      '123460',
      '123461;1;2;3;4;5;6',
    ];
    const csv = Buffer.from(`${lines.join('\r\n')}\r\n`);
    const errors: ReceiptError[] = [2, 3, 4, 5, 6, 7].map((row) => ({
      row,
      column: 'Note',
      code: 'GRADE_INVALID',
      message: 'Note <illisible> & "fausse".',
    }));

    const { wb, read } = await open(await buildAnnotatedCopy(csv, { status: 'rejected', errors }));

    const ws = wb.worksheets[0];
    const values = (row: number): unknown[] => [2, 3, 4].map((c) => ws?.getCell(row, c).value);
    expect(values(2)).toEqual([
      '\'=HYPERLINK("http://x","clic")',
      '<b a="1">&amp;]]></b>',
      "'@SUM(A1)",
    ]);
    expect(values(3)).toEqual(["'+1+2", 'a\rb\nc', "'-2+3"]);
    expect(values(4)).toEqual(['-1', 'tabbé', '_x0041_ et _X00e9_']);
    expect(values(5)).toEqual(['  12 ', '👩‍🎓 Zoë 😀', long]);
    expect(ws?.getCell('A6').value).toBe('123460');
    expect(ws?.getCell('G7').value).toBe('6');
    expect(ws?.getCell('B2').formula).toBeUndefined();
    expect(noteOf(ws?.getCell('B6'))).toBe('GRADE_INVALID : Note <illisible> & "fausse".');
    expect(readRow(read, 0, 3).map(([, v]) => v)).toEqual(['123457', "'+1+2", 'a\rb\nc', "'-2+3"]);
    expect(readRow(read, 0, 4).map(([, v]) => v)).toEqual([
      '123458',
      '-1',
      'tabbé',
      '_x0041_ et _X00e9_',
    ]);
    expect(readRow(read, 0, 5)[3]).toEqual(['text', long]);
    expect(readRow(read, 0, 7)).toHaveLength(7);
  });

  it('still shows the identity guard a name typed in a cell, and where', () => {
    const csv = Buffer.from('N° anonyme;Note;Obs\r\n123456;25;"<voir> LEFÈVRE & co"\r\n');

    return buildAnnotatedCopy(csv, {
      status: 'rejected',
      errors: [{ row: 2, column: 'Note', code: 'GRADE_OUT_OF_RANGE', message: 'Hors barème.' }],
    }).then((copy) => {
      const hits = scanForIdentities('Q/accuses/notes/f.annote.xlsx', copy ?? Buffer.alloc(0), [
        { studentNumber: '00421337', lastName: 'LEFÈVRE', birthDate: null },
      ]);
      expect(hits.flatMap((h) => h.places)).toContain('feuille 1 « Données », cellule C2');
    });
  });
});
