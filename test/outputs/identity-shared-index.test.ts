// The scan of an .xlsx reads what a person reads: the shared strings a cell points at, not the
// index it points with (a 10,000-row annotated copy sent Postgres its 10,000 indexes as words,
// issue 7). A value that is not such an index is still read, wherever it is written.
import { describe, expect, it } from 'vitest';
import { scanForIdentities, type RosterEntry } from '../../src/outputs/gateway.js';
import { deflatedPart, dosStamp, zipArchive } from '../../src/outputs/zip-write.js';

const STAMP = dosStamp(new Date('2026-12-06T10:00:00Z'));
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** An .xlsx of one sheet « Notes »: `strings` shared, `cells` written as given in row 2. */
function workbook(strings: string[], cells: string): Buffer {
  const part = (name: string, xml: string) =>
    deflatedPart(name, Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${xml}`), STAMP);
  return zipArchive([
    part(
      '[Content_Types].xml',
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    ),
    part(
      'xl/workbook.xml',
      `<workbook xmlns="${MAIN}" xmlns:r="${DOC_RELS}"><sheets>` +
        '<sheet name="Notes" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    part(
      'xl/_rels/workbook.xml.rels',
      `<Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/worksheet" ` +
        'Target="worksheets/sheet1.xml"/></Relationships>',
    ),
    part(
      'xl/sharedStrings.xml',
      `<sst xmlns="${MAIN}" count="${strings.length}" uniqueCount="${strings.length}">` +
        strings.map((s) => `<si><t>${s}</t></si>`).join('') +
        '</sst>',
    ),
    part(
      'xl/worksheets/sheet1.xml',
      `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>` +
        `<c r="B1" t="s"><v>1</v></c></row><row r="2">${cells}</row></sheetData></worksheet>`,
    ),
  ]);
}

/** Shared strings enough for index 4321 to point at one of them. */
const STRINGS = [
  'N° anonyme',
  'Note',
  ...Array.from({ length: 5000 }, (_, i) => `S${String(i).padStart(7, '0')}`),
];
/** A student whose number reads like an index of a long file's shared strings. */
const SHORT: RosterEntry = { studentNumber: '4321', lastName: 'ZYGMUNT', birthDate: null };
const LONG: RosterEntry = { studentNumber: '27182818', lastName: 'DUPONT', birthDate: null };
/** A student number with a leading zero: never an index as a writer writes one. */
const ZERO: RosterEntry = { studentNumber: '04321', lastName: 'ABADIE', birthDate: null };
const ROSTER = [SHORT, LONG, ZERO];

describe('the identity scan of a shared-string cell', () => {
  it('does not read the index a cell points with as a student number', () => {
    const book = workbook(STRINGS, '<c r="A2" t="s"><v>4321</v></c><c r="B2"><v>12</v></c>');

    expect(scanForIdentities('U/accuses/notes/n.annote.xlsx', book, ROSTER)).toEqual([]);
  });

  it('reads a number typed in a cell, and the string a cell points at', () => {
    const typed = workbook(STRINGS, '<c r="A2" t="s"><v>2</v></c><c r="B2"><v>4321</v></c>');
    const pointed = workbook([...STRINGS, '27182818'], '<c r="A2" t="s"><v>5002</v></c>');

    expect(scanForIdentities('n.xlsx', typed, ROSTER).map((h) => h.kind)).toEqual([
      'student_number',
    ]);
    expect(scanForIdentities('n.xlsx', pointed, ROSTER)).toEqual([
      {
        part: 'xl/sharedStrings.xml',
        kind: 'student_number',
        places: ['feuille 1 « Notes », cellule A2'],
      },
    ]);
  });

  it('still reads a shared-string cell whose value is no index of the file', () => {
    // Beyond the strings, with a leading zero, or after a formula: not what a writer puts there.
    for (const cell of [
      '<c r="A2" t="s"><v>27182818</v></c>',
      '<c r="A2" t="s"><v>04321</v></c>',
      '<c r="A2" t="s"><f>A1</f><v>4321</v></c>',
    ]) {
      const book = workbook(STRINGS, cell);
      expect(
        scanForIdentities('n.xlsx', book, ROSTER).map((h) => [h.part, h.kind]),
        cell,
      ).toEqual([['xl/worksheets/sheet1.xml', 'student_number']]);
    }
  });
});
