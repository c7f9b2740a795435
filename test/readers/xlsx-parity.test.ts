// The streaming xlsx reader against the exceljs reader it replaced: on every workbook of
// xlsx-cases.ts both must give the same sheets, rows and cells, or refuse with the same code.
// Where exceljs misreads a file, the case is listed apart with the right value and why.
import { afterAll, describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import type { Cell, Workbook } from '../../src/readers/table.js';
import { readXlsxFast } from '../../src/readers/xlsx-fast.js';
import { readXlsxWithExceljs } from './exceljs-reader.js';
import { parityCases, REFUSAL_CASES, small, withoutPart } from './xlsx-cases.js';
import {
  handWritten,
  oneSheet,
  sharedStringsXml,
  sheetXml,
  type WorkbookCase,
} from './xlsx.fixtures.js';

type Outcome = Workbook | { refused: string };

async function outcome(
  read: (bytes: Buffer) => Promise<Workbook>,
  bytes: Buffer,
): Promise<Outcome> {
  try {
    return await read(bytes);
  } catch (error: unknown) {
    return {
      refused: error instanceof AppError ? error.code : `not an AppError: ${String(error)}`,
    };
  }
}

const compared = { workbooks: 0, sheets: 0, rows: 0, cells: 0, refusals: 0 };

function count(result: Outcome): void {
  compared.workbooks += 1;
  if ('refused' in result) {
    compared.refusals += 1;
    return;
  }
  compared.sheets += result.sheets.length;
  for (const sheet of result.sheets) {
    compared.rows += sheet.rows.length;
    compared.cells += sheet.rows.reduce((sum, row) => sum + row.cells.length, 0);
  }
}

/** Reads with both readers and returns the fast reader's outcome once it matches exceljs's. */
async function same(bytes: Buffer): Promise<Outcome> {
  const fast = await outcome(readXlsxFast, bytes);
  expect(fast).toEqual(await outcome(readXlsxWithExceljs, bytes));
  count(fast);
  return fast;
}

afterAll(() => {
  // The figures quoted in the issue note come from this line.
  console.info('xlsx parity', compared);
});

/** Sets one cell (1-based row number and column) of a sheet read by exceljs to its right value. */
function setCell(
  workbook: Workbook,
  at: { sheet: number; row: number; column: number },
  cell: Cell,
): void {
  const row = workbook.sheets[at.sheet]?.rows.find((r) => r.number === at.row);
  if (!row) {
    throw new Error(`no row ${at.row}`);
  }
  row.cells[at.column - 1] = cell;
}

/**
 * Workbooks of the parity set that exceljs misreads in a few cells: the right reading is exceljs's
 * with those cells set right. Each fix names its reason (the same misreads are pinned one by one
 * in the last describe of this file).
 */
const CORRECTIONS: Record<string, (exceljs: Workbook) => void> = {
  'LibreOffice lo-features.xlsx': (wb) =>
    // -42 under `00000000` shows as -00000042; exceljs pads the text `-42`.
    setCell(wb, { sheet: 0, row: 5, column: 1 }, { kind: 'number', value: -42, raw: '-00000042' }),
  'LibreOffice lo-dates-1904.xlsx': (wb) => {
    // LibreOffice flags the 1904 system `date1904="true"`, which exceljs does not take for true:
    // every date would read 1,462 days (4 years and a day) early.
    const dates: Array<[number, string, string]> = [
      [2, '2004-02-29', '29/02/2004'],
      [3, '2026-05-12', '12/05/2026 14:30'],
      [4, '1904-01-01', '01/01/1904'],
      [5, '2027-03-16', '16/03/2027'],
    ];
    for (const [column, iso, raw] of dates) {
      setCell(wb, { sheet: 0, row: 1, column }, { kind: 'date', iso, raw });
    }
  },
};

describe('the streaming reader reads every workbook as exceljs does', () => {
  it.each(parityCases())('%s', async (name, build) => {
    const bytes = await build();
    const fast = await outcome(readXlsxFast, bytes);
    const exceljs = await outcome(readXlsxWithExceljs, bytes);
    if (!('refused' in exceljs)) {
      CORRECTIONS[name]?.(exceljs);
    }

    expect(fast).toEqual(exceljs);
    expect('refused' in fast ? fast.refused : 'read').toBe('read');
    count(fast);
  });

  it('corrects only workbooks of the set', () => {
    const names = new Set(parityCases().map(([name]) => name));

    expect(Object.keys(CORRECTIONS).filter((name) => !names.has(name))).toEqual([]);
  });
});

describe('both readers refuse the same files with the same code', () => {
  it.each(REFUSAL_CASES)('%s: %s', async (_name, code, build) => {
    const result = await same(await build());

    expect(result).toEqual({ refused: code });
  });
});

const hyperlinkRels = {
  extra: [
    {
      name: 'xl/worksheets/_rels/sheet1.xml.rels',
      data: '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://moodle.example.fr" TargetMode="External"/></Relationships>',
    },
  ],
};

/** A workbook exceljs misreads: one row as the streaming reader reads it (right) and as exceljs does. */
interface Misread {
  name: string;
  why: string;
  build: WorkbookCase[1];
  /** Index of the row compared (the first by default). */
  row?: number;
  right: Cell[] | string;
  exceljs: Cell[] | string;
}

const MISREADS: Misread[] = [
  {
    name: 'an archive without its workbook part',
    why: 'a workbook whose main part is missing is damaged, not empty: the person must save it again.',
    build: async () => withoutPart(await small(), 'xl/workbook.xml'),
    right: 'FILE_CORRUPT',
    exceljs: 'FILE_NO_DATA',
  },
  {
    name: 'a negative number under a zero-padding format',
    why: 'Excel shows -42 under `00000` as -00042; the old reader padded the text `-42`.',
    build: () =>
      oneSheet((sheet) => {
        sheet.getCell('A1').value = -42;
        sheet.getCell('A1').numFmt = '00000';
      }),
    right: [{ kind: 'number', value: -42, raw: '-00042' }],
    exceljs: [{ kind: 'number', value: -42, raw: '00-42' }],
  },
  {
    name: 'an escaped letter in a number format',
    why: '`0\\ \\p\\t\\s` shows 12 as « 12 pts »: the escaped `s` is text, not seconds; exceljs took the number for a date.',
    build: () =>
      oneSheet((sheet) => {
        sheet.getCell('A1').value = 12;
        sheet.getCell('A1').numFmt = '0\\ \\p\\t\\s';
      }),
    right: [{ kind: 'number', value: 12, raw: '12' }],
    exceljs: [{ kind: 'date', iso: '1900-01-11', raw: '11/01/1900' }],
  },
  {
    name: 'a date format written in capitals',
    why: 'Excel reads format codes without regard to case: `YYYY` shows the year; exceljs only knows lower-case y.',
    build: () =>
      oneSheet((sheet) => {
        sheet.getCell('A1').value = 45000;
        sheet.getCell('A1').numFmt = 'YYYY';
      }),
    right: [{ kind: 'date', iso: '2023-03-15', raw: '15/03/2023' }],
    exceljs: [{ kind: 'number', value: 45000, raw: '45000' }],
  },
  {
    name: 'a number carrying a hyperlink',
    why: 'the person sees the number; exceljs keeps only the text of a hyperlink cell and a number has none.',
    build: () =>
      handWritten(
        sheetXml(
          '<row r="1"><c r="A1"><v>12</v></c><c r="B1" t="s"><v>0</v></c></row>',
          '<hyperlinks><hyperlink ref="A1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></hyperlinks>',
        ),
        { ...hyperlinkRels, sharedStrings: sharedStringsXml(['<si><t>x</t></si>']) },
      ),
    right: [
      { kind: 'number', value: 12, raw: '12' },
      { kind: 'text', raw: 'x' },
    ],
    exceljs: [{ kind: 'blank' }, { kind: 'text', raw: 'x' }],
  },
  {
    name: 'a formula whose cached result is empty text',
    why: '`=SI(A2="";"";A2*2)` shows an empty cell: Excel cached the empty text, so the cell is blank, not a formula left uncomputed.',
    build: () =>
      handWritten(
        sheetXml(
          '<row r="1"><c r="A1" t="str"><f>IF(B1="","",B1*2)</f><v></v></c><c r="B1"><v>1</v></c></row>',
        ),
      ),
    right: [{ kind: 'blank' }, { kind: 'number', value: 1, raw: '1' }],
    exceljs: [
      { kind: 'formula_no_value', raw: '=IF(B1="","",B1*2)' },
      { kind: 'number', value: 1, raw: '1' },
    ],
  },
  {
    name: 'a shared formula without cached values',
    why: 'the receipt shows the formula of the cell itself; exceljs gives the address of the cell holding the shared text.',
    build: () =>
      handWritten(
        sheetXml(
          '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B2" si="0">A1*2+$A$1</f></c></row>' +
            '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/></c></row>',
        ),
      ),
    row: 1,
    right: [
      { kind: 'number', value: 2, raw: '2' },
      { kind: 'formula_no_value', raw: '=A2*2+$A$1' },
    ],
    exceljs: [
      { kind: 'number', value: 2, raw: '2' },
      { kind: 'formula_no_value', raw: '=B1' },
    ],
  },
  {
    name: 'booleans written true and false',
    why: 'xsd:boolean allows `true`/`false`; exceljs reads any text but `0` as true.',
    build: () =>
      handWritten(
        sheetXml(
          '<row r="1"><c r="A1" t="b"><v>false</v></c><c r="B1" t="b"><v>true</v></c></row>',
        ),
      ),
    right: [
      { kind: 'bool', value: false, raw: 'FAUX' },
      { kind: 'bool', value: true, raw: 'VRAI' },
    ],
    exceljs: [
      { kind: 'bool', value: true, raw: 'VRAI' },
      { kind: 'bool', value: true, raw: 'VRAI' },
    ],
  },
  {
    name: 'a date cell written as ISO text (t="d")',
    why: 'some tools write dates as ISO 8601 text; exceljs parses the text as a number and keeps the year.',
    build: () =>
      handWritten(
        sheetXml(
          '<row r="1"><c r="A1" t="d"><v>2026-01-15T00:00:00</v></c><c r="B1" t="d" s="1"><v>2026-01-15T10:30:00</v></c></row>',
        ),
      ),
    right: [
      { kind: 'date', iso: '2026-01-15', raw: '15/01/2026' },
      { kind: 'date', iso: '2026-01-15', raw: '15/01/2026 10:30' },
    ],
    exceljs: [
      { kind: 'number', value: 2026, raw: '2026' },
      { kind: 'date', iso: '1905-07-18', raw: '18/07/1905' },
    ],
  },
  {
    name: 'an escaped carriage return in an inline string',
    why: 'OOXML writes characters XML cannot carry as `_xHHHH_` in every string; exceljs decodes them in shared strings only.',
    build: () =>
      handWritten(
        sheetXml('<row r="1"><c r="A1" t="inlineStr"><is><t>copie_x000D_rendue</t></is></c></row>'),
      ),
    right: [{ kind: 'text', raw: 'copie\rrendue' }],
    exceljs: [{ kind: 'text', raw: 'copie_x000D_rendue' }],
  },
  {
    name: 'the 1904 date system flagged date1904="true"',
    why: 'xsd:boolean allows `true`; exceljs only knows `1` and reads the date 4 years early.',
    build: () =>
      handWritten(sheetXml('<row r="1"><c r="A1" s="4"><v>45000</v></c></row>'), {
        workbook:
          '<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="true"/><sheets><sheet name="Notes" sheetId="1" r:id="rId1"/></sheets></workbook>',
      }),
    right: [{ kind: 'date', iso: '2027-03-16', raw: '16/03/2027' }],
    exceljs: [{ kind: 'date', iso: '2023-03-15', raw: '15/03/2023' }],
  },
  {
    name: 'shared strings in a part with another name',
    why: 'the workbook relationships say where the strings are; exceljs only looks at xl/sharedStrings.xml and shows the index.',
    build: () =>
      handWritten(sheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), {
        sharedStrings: sharedStringsXml(['<si><t>Dupont</t></si>']),
        sharedStringsTarget: 'strings.xml',
      }),
    right: [{ kind: 'text', raw: 'Dupont' }],
    exceljs: [{ kind: 'number', value: 0, raw: '0' }],
  },
  {
    name: 'tags with a namespace prefix',
    why: 'prefixed tags (`<x:c>`, as the OpenXML SDK may write) are the same XML; exceljs does not know them and finds no data.',
    build: () =>
      handWritten(
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>12</x:v></x:c></x:row></x:sheetData></x:worksheet>',
      ),
    right: [{ kind: 'number', value: 12, raw: '12' }],
    exceljs: 'FILE_CORRUPT',
  },
  {
    name: 'a text result holding an escaped entity',
    why: 'the XML text `&amp;lt;` is the four characters `&lt;`; exceljs decodes it a second time into `<`.',
    build: () =>
      handWritten(
        sheetXml('<row r="1"><c r="A1" t="str"><f>"&amp;lt;"</f><v>&amp;lt;</v></c></row>'),
      ),
    right: [{ kind: 'text', raw: '&lt;' }],
    exceljs: [{ kind: 'text', raw: '<' }],
  },
  {
    name: 'a sheet part not named sheetN.xml',
    why: 'the relationships name the part; exceljs only loads parts named xl/worksheets/sheetN.xml and loses the sheet.',
    build: () =>
      handWritten('<worksheet/>', {
        rels: '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/notes.xml"/></Relationships>',
        extra: [
          {
            name: 'xl/worksheets/notes.xml',
            data: sheetXml('<row r="1"><c r="A1"><v>12</v></c></row>'),
          },
        ],
      }),
    right: [{ kind: 'number', value: 12, raw: '12' }],
    exceljs: 'FILE_NO_DATA',
  },
];

function rowOf(result: Outcome, row = 0): Cell[] | string {
  return 'refused' in result ? result.refused : (result.sheets[0]?.rows[row]?.cells ?? []);
}

describe('where exceljs misreads a workbook, the streaming reader reads it right', () => {
  it.each(MISREADS)('$name', async ({ build, row, right, exceljs }) => {
    const bytes = await build();

    expect(rowOf(await outcome(readXlsxFast, bytes), row)).toEqual(right);
    expect(rowOf(await outcome(readXlsxWithExceljs, bytes), row)).toEqual(exceljs);
  });
});
