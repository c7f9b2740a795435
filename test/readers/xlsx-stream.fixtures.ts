// Workbooks that test what only a streamed read can get wrong: merged areas written after the rows
// they blank, rows dropped by a merge above or below a head, rows out of order, refusals far below
// the first rows or in a sheet that is not imported, parts read across many inflate chunks.
import { FINGERPRINT_SHEET_NAME } from '../../src/outputs/grade-entry-workbook.js';
import { handWritten, rezip, sheetXml, sharedStringsXml, xlsxOf } from './xlsx.fixtures.js';
import type { WorkbookCase } from './xlsx.fixtures.js';

const REL_BASE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

/** `count` rows from `from`: an inline text key in A, a number in B, a shared string in C. */
export function gradeRows(from: number, count: number): string {
  const rows: string[] = [];
  for (let r = from; r < from + count; r += 1) {
    rows.push(
      `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>${String(r).padStart(8, '0')}</t></is></c>` +
        `<c r="B${r}"><v>${r % 21}</v></c><c r="C${r}" t="s"><v>${r % 2}</v></c></row>`,
    );
  }
  return rows.join('');
}

const STRINGS = sharedStringsXml(['<si><t>ABI</t></si>', '<si><t>copie relue</t></si>']);

/** A hand-written workbook of two sheets (`Notes`, then `Autre` in the given state). */
export function twoSheets(first: string, second: string, state = 'visible'): Buffer {
  return handWritten(first, {
    sharedStrings: STRINGS,
    workbook:
      `<workbook xmlns="${MAIN}" xmlns:r="${REL_BASE}"><sheets><sheet name="Notes" sheetId="1" r:id="rId1"/>` +
      `<sheet name="Autre" sheetId="2" state="${state}" r:id="rId4"/></sheets></workbook>`,
    rels:
      `<Relationships><Relationship Id="rId1" Type="${REL_BASE}/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId2" Type="${REL_BASE}/styles" Target="styles.xml"/>` +
      `<Relationship Id="rId3" Type="${REL_BASE}/sharedStrings" Target="sharedStrings.xml"/>` +
      `<Relationship Id="rId4" Type="${REL_BASE}/worksheet" Target="worksheets/sheet2.xml"/></Relationships>`,
    extra: [{ name: 'xl/worksheets/sheet2.xml', data: second }],
  });
}

/** One hand-written sheet with the workbook's shared strings. */
function oneHandSheet(xml: string): Buffer {
  return handWritten(xml, { sharedStrings: STRINGS });
}

const HEADER =
  '<row r="1"><c r="A1" t="inlineStr"><is><t>N° anonyme</t></is></c>' +
  '<c r="B1" t="inlineStr"><is><t>Note</t></is></c></row>';

/** Rows 2-40 hold only cells inside A1:D40, so they are dropped: the head runs from row 41. */
function headBelowMergedRows(): Buffer {
  const covered = Array.from(
    { length: 39 },
    (_, i) => `<row r="${i + 2}"><c r="B${i + 2}"><v>1</v></c></row>`,
  ).join('');
  return oneHandSheet(
    sheetXml(
      `<row r="1"><c r="A1" t="inlineStr"><is><t>Relevé</t></is></c></row>${covered}${gradeRows(41, 60)}`,
      '<mergeCells count="1"><mergeCell ref="A1:D40"/></mergeCells>',
    ),
  );
}

/** Every case of this file; `[name, build]`. */
export function streamCases(): WorkbookCase[] {
  return [
    [
      'merged areas among 30,000 data rows, one spanning 9,000 rows',
      () =>
        oneHandSheet(
          sheetXml(
            HEADER + gradeRows(2, 30_000),
            '<mergeCells count="5"><mergeCell ref="B10:C10"/><mergeCell ref="A1000:C1003"/>' +
              '<mergeCell ref="$B$20000:$C$29000"/><mergeCell ref="E5:F6"/><mergeCell ref="A2:A2"/></mergeCells>',
          ),
        ),
    ],
    ['rows dropped by a merged area push the head past row 20', headBelowMergedRows],
    [
      'merged areas written before the rows, hidden columns after them',
      () =>
        oneHandSheet(
          `<worksheet xmlns="${MAIN}"><mergeCells><mergeCell ref="A3:B3"/></mergeCells>` +
            `<sheetData>${HEADER}${gradeRows(2, 40)}</sheetData>` +
            '<cols><col min="3" max="3" hidden="1"/></cols></worksheet>',
        ),
    ],
    [
      'rows out of order and a repeated row in a long sheet',
      () =>
        oneHandSheet(
          sheetXml(
            HEADER +
              gradeRows(2, 5_000) +
              '<row r="3"><c r="A3" t="inlineStr"><is><t>reprise</t></is></c></row>' +
              gradeRows(6_000, 10),
            '<mergeCells><mergeCell ref="A4:B5"/></mergeCells>',
          ),
        ),
    ],
    [
      'rows and cells without a reference',
      () =>
        oneHandSheet(
          sheetXml(
            Array.from(
              { length: 50 },
              (_, i) =>
                `<row><c><v>${i}</v></c><c t="s"><v>0</v></c><c r="E${i + 1}"><v>5</v></c><c><v>6</v></c></row>`,
            ).join(''),
          ),
        ),
    ],
    [
      'a sheet stored without compression, read in slices',
      () => rezip(oneHandSheet(sheetXml(HEADER + gradeRows(2, 20_000))), { stored: true }),
    ],
    [
      'a second visible sheet and a hidden one, longer than their heads',
      () =>
        twoSheets(sheetXml(HEADER + gradeRows(2, 100)), sheetXml(gradeRows(1, 3_000)), 'hidden'),
    ],
    [
      'the fingerprint sheet of a grade-entry workbook, longer than a head',
      () =>
        xlsxOf((wb) => {
          const entry = wb.addWorksheet('Saisie');
          entry.addRow(['N° anonyme', 'Note']);
          for (let i = 0; i < 50; i += 1) {
            entry.addRow([String(10_000 + i), i % 20]);
          }
          const hidden = wb.addWorksheet(FINGERPRINT_SHEET_NAME, { state: 'veryHidden' });
          for (let i = 0; i < 30; i += 1) {
            hidden.addRow([`champ${i}`, `valeur ${i}`]);
          }
        }),
    ],
    [
      'hidden rows and a hidden column in a long sheet',
      () =>
        xlsxOf((wb) => {
          const sheet = wb.addWorksheet('Notes');
          sheet.addRow(['N° anonyme', 'Note', 'Remarque']);
          for (let i = 0; i < 3_000; i += 1) {
            sheet.addRow([String(10_000 + i), i % 20, i % 3 === 0 ? 'relue' : null]).hidden =
              i % 7 === 0;
          }
          sheet.getColumn(3).hidden = true;
        }),
    ],
  ];
}

/** Workbooks both readers refuse, for a reason found far below the first rows; `[name, code, build]`. */
export function streamRefusals(): Array<[string, string, () => Buffer]> {
  const long = HEADER + gradeRows(2, 9_000);
  return [
    [
      'a shared string missing at row 4,000',
      'FILE_CORRUPT',
      () =>
        oneHandSheet(
          sheetXml(long.replace('<c r="C4000" t="s"><v>0</v>', '<c r="C4000" t="s"><v>7</v>')),
        ),
    ],
    [
      'a shared string missing far down a sheet that is not imported',
      'FILE_CORRUPT',
      () =>
        twoSheets(
          sheetXml(HEADER + gradeRows(2, 30)),
          sheetXml(
            gradeRows(1, 2_000).replace(
              '<c r="C1500" t="s"><v>0</v>',
              '<c r="C1500" t="s"><v>9</v>',
            ),
          ),
        ),
    ],
    [
      'an entity declared at row 8,000',
      'FILE_CORRUPT',
      () => oneHandSheet(sheetXml(long.replace('<row r="8000">', '<!ENTITY x "y"><row r="8000">'))),
    ],
    [
      'a long sheet cut in the middle of a tag',
      'FILE_CORRUPT',
      () => {
        const xml = sheetXml(long);
        return oneHandSheet(xml.slice(0, xml.indexOf('<row r="8500"') + 8));
      },
    ],
    [
      'a sheet whose only cells are blanked by a merged area',
      'FILE_NO_DATA',
      () =>
        oneHandSheet(
          sheetXml(
            '<row r="1"><c r="B1"><v>1</v></c></row><row r="2"><c r="C2"><v>2</v></c></row>',
            '<mergeCells><mergeCell ref="A1:C2"/></mergeCells>',
          ),
        ),
    ],
  ];
}
