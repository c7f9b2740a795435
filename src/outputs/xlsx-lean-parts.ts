// The small parts of a lean .xlsx (xlsx-lean.ts, the receipt): package and workbook
// relationships, content types, the workbook with its sheets and print titles, document
// properties, the styles of the table, pairs and title cells, and the notes of one sheet (comments
// part and the VML drawing that shows them in Excel), then the package that zips them with the
// sheets. Only text the callers pass through `xmlAttribute`/`xmlText` reaches them.
import { HEADER_COLOUR, sheetFont, TITLE_SIZE } from './xlsx-layout.js';
import { columnName, type SharedStrings, textElement, xmlAttribute } from './xlsx-lean-text.js';
import { deflatedPart, zipArchive, type ZipPart } from './zip-write.js';

export const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
export const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
export const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_DOC = 'application/vnd.openxmlformats-officedocument';

/** A cell note to write: its cell (1-based) and its text. */
export interface Note {
  row: number;
  column: number;
  text: string;
}

/** A relationships part: `[type, target]` pairs, numbered rId1, rId2 … in their order. */
export function relationships(links: Array<[string, string]>): string {
  const items = links.map(
    ([type, target], i) => `<Relationship Id="rId${i + 1}" Type="${type}" Target="${target}"/>`,
  );
  return `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL_NS}">${items.join('')}</Relationships>`;
}

/** Relationship type of an office document part (`worksheet`, `styles` …). */
export function relType(name: string): string {
  return `${REL_NS}/${name}`;
}

/** The package's relationships: the workbook and its properties. */
export function rootRelationships(): string {
  return relationships([
    [relType('officeDocument'), 'xl/workbook.xml'],
    [`${PACKAGE_REL_NS}/metadata/core-properties`, 'docProps/core.xml'],
    [relType('extended-properties'), 'docProps/app.xml'],
  ]);
}

/** `[Content_Types].xml` for `sheets` sheets, the notes' parts when `notes`. */
export function contentTypes(sheets: number, notes: boolean): string {
  const override = (part: string, type: string): string =>
    `<Override PartName="${part}" ContentType="${type}"/>`;
  const sml = `${OFFICE_DOC}.spreadsheetml`;
  const items = [
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
    '<Default Extension="xml" ContentType="application/xml"/>',
    notes ? `<Default Extension="vml" ContentType="${OFFICE_DOC}.vmlDrawing"/>` : '',
    override('/xl/workbook.xml', `${sml}.sheet.main+xml`),
    ...Array.from({ length: sheets }, (_, i) =>
      override(`/xl/worksheets/sheet${i + 1}.xml`, `${sml}.worksheet+xml`),
    ),
    override('/xl/styles.xml', `${sml}.styles+xml`),
    override('/xl/sharedStrings.xml', `${sml}.sharedStrings+xml`),
    notes ? override('/xl/comments1.xml', `${sml}.comments+xml`) : '',
    override('/docProps/core.xml', 'application/vnd.openxmlformats-package.core-properties+xml'),
    override('/docProps/app.xml', `${OFFICE_DOC}.extended-properties+xml`),
  ];
  const ns = 'http://schemas.openxmlformats.org/package/2006/content-types';
  return `${XML_HEAD}<Types xmlns="${ns}">${items.join('')}</Types>`;
}

/** The workbook: its sheets in order, and the rows one of them repeats on each printed page. */
export function workbookXml(names: string[], printTitles: { sheet: number; row: number }): string {
  const sheets = names.map(
    (name, i) => `<sheet name="${xmlAttribute(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`,
  );
  // Sheet names are made without apostrophes (freeSheetName); one would be doubled here.
  const quoted = `'${(names[printTitles.sheet] ?? '').replace(/'/g, "''")}'`;
  const titles =
    `<definedName name="_xlnm.Print_Titles" localSheetId="${printTitles.sheet}">` +
    `${xmlAttribute(quoted)}!$${printTitles.row}:$${printTitles.row}</definedName>`;
  return (
    `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    `<bookViews><workbookView activeTab="0"/></bookViews><sheets>${sheets.join('')}</sheets>` +
    `<definedNames>${titles}</definedNames><calcPr calcId="171027"/></workbook>`
  );
}

/** The workbook's relationships: sheets first (rId1 … as `workbookXml` numbers them), then styles. */
export function workbookRelationships(sheets: number): string {
  return relationships([
    ...Array.from({ length: sheets }, (_, i): [string, string] => [
      relType('worksheet'),
      `worksheets/sheet${i + 1}.xml`,
    ]),
    [relType('styles'), 'styles.xml'],
    [relType('sharedStrings'), 'sharedStrings.xml'],
  ]);
}

/** Core properties: the service as creator and last editor, never a person. */
export function coreProperties(author: string, now: Date): string {
  const when = `${now.toISOString().slice(0, 19)}Z`;
  const stamp = (tag: string): string => `<${tag} xsi:type="dcterms:W3CDTF">${when}</${tag}>`;
  return (
    `${XML_HEAD}<cp:coreProperties ` +
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:creator>${xmlAttribute(author)}</dc:creator>` +
    `<cp:lastModifiedBy>${xmlAttribute(author)}</cp:lastModifiedBy>` +
    `${stamp('dcterms:created')}${stamp('dcterms:modified')}</cp:coreProperties>`
  );
}

/** Extended properties: the application field, as exceljs fills it. */
export function appProperties(): string {
  const ns = 'http://schemas.openxmlformats.org/officeDocument/2006/extended-properties';
  return `${XML_HEAD}<Properties xmlns="${ns}"><Application>Microsoft Excel</Application></Properties>`;
}

/**
 * Style ids of `stylesXml`, as xlsx-style.ts styles the same cells: a table's header row and its
 * cells (bold, filled, bordered), its body rows and cells (top, wrapped, bordered), a sheet's
 * title (bold, larger), a pair's label (bold) and value (wrapped); then one filled style per
 * colour of `fills`, in order.
 */
export const STYLE = {
  header: 1,
  headerCell: 2,
  body: 3,
  bodyCell: 4,
  title: 5,
  label: 6,
  value: 7,
  firstFill: 8,
};

/** The fonts, fills, borders and cell styles of a lean workbook; `fills` are ARGB colours. */
export function stylesXml(fills: string[]): string {
  const font = (bold: boolean, size?: number): string => {
    const { name, family, size: points } = sheetFont(size === undefined ? {} : { size });
    return `<font>${bold ? '<b/>' : ''}<sz val="${points}"/><name val="${name}"/><family val="${family}"/></font>`;
  };
  const solid = (argb: string): string =>
    `<fill><patternFill patternType="solid"><fgColor rgb="${argb}"/></patternFill></fill>`;
  const thin = '<left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/>';
  const xf = (font: number, fill: number, border: number, alignment = ''): string =>
    `<xf numFmtId="0" fontId="${font}" fillId="${fill}" borderId="${border}" xfId="0"` +
    `${font ? ' applyFont="1"' : ''}${fill ? ' applyFill="1"' : ''}${border ? ' applyBorder="1"' : ''}` +
    (alignment ? ` applyAlignment="1"><alignment ${alignment}/></xf>` : '/>');
  const topWrapped = 'vertical="top" wrapText="1"';
  const xfs = [
    xf(0, 0, 0),
    xf(1, 0, 0),
    xf(1, 2, 1, 'vertical="center" wrapText="1"'),
    xf(0, 0, 0, topWrapped),
    xf(0, 0, 1, topWrapped),
    xf(2, 0, 0, topWrapped),
    xf(1, 0, 0, 'vertical="top"'),
    xf(0, 0, 0, `horizontal="left" ${topWrapped}`),
    ...fills.map((_, i) => xf(0, 3 + i, 0)),
  ];
  const fillList = [
    '<fill><patternFill patternType="none"/></fill>',
    '<fill><patternFill patternType="gray125"/></fill>',
    solid(HEADER_COLOUR),
    ...fills.map(solid),
  ];
  return (
    `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
    `<fonts count="3">${font(false)}${font(true)}${font(true, TITLE_SIZE)}</fonts>` +
    `<fills count="${fillList.length}">${fillList.join('')}</fills>` +
    `<borders count="2"><border/><border>${thin}<diagonal/></border></borders>` +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${xfs.length}">${xfs.join('')}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
    '</styleSheet>'
  );
}

/** The comments part of one sheet's notes, `author` named as every note's author. */
export function commentsXml(notes: Note[], author: string): string {
  const items = notes.map(
    (note) =>
      `<comment ref="${columnName(note.column)}${note.row}" authorId="0">` +
      `<text><r>${textElement(note.text)}</r></text></comment>`,
  );
  return (
    `${XML_HEAD}<comments xmlns="${MAIN_NS}"><authors><author>${xmlAttribute(author)}</author>` +
    `</authors><commentList>${items.join('')}</commentList></comments>`
  );
}

/** Shape ids of a VML drawing come in blocks of 1024, the first note's being 1025. */
const SHAPE_BLOCK = 1024;

/**
 * The VML drawing Excel needs to show the notes: one hidden box per note, anchored beside its cell
 * (two columns wide, four rows high), shown when the pointer is over the cell.
 */
export function notesVml(notes: Note[]): string {
  const blocks = Math.floor((SHAPE_BLOCK + notes.length) / SHAPE_BLOCK);
  const idmap = Array.from({ length: blocks }, (_, i) => i + 1).join(',');
  const shapes = notes.map((note, i) => {
    const top = Math.max(note.row - 2, 0);
    const anchor = [note.column, 6, top, 14, note.column + 2, 2, top + 4, 16].join(', ');
    return (
      `<v:shape id="_x0000_s${SHAPE_BLOCK + 1 + i}" type="#_x0000_t202" ` +
      'style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:108pt;height:59.25pt;' +
      `z-index:${i + 1};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">` +
      '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>' +
      '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">' +
      '<div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note">' +
      `<x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${anchor}</x:Anchor><x:AutoFill>False</x:AutoFill>` +
      `<x:Row>${note.row - 1}</x:Row><x:Column>${note.column - 1}</x:Column></x:ClientData></v:shape>`
    );
  });
  return (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" ' +
    'xmlns:x="urn:schemas-microsoft-com:office:excel">' +
    `<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="${idmap}"/></o:shapelayout>` +
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">' +
    '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>' +
    `${shapes.join('')}</xml>`
  );
}

/** The path of the `index`-th sheet (0-based) in the package. */
export function sheetPath(index: number): string {
  return `xl/worksheets/sheet${index + 1}.xml`;
}

/** What a lean package holds besides its sheets' parts. */
export interface LeanPackage {
  /** Sheet names, in order, one per part of `sheets` (named by `sheetPath`). */
  names: string[];
  sheets: ZipPart[];
  strings: SharedStrings;
  /** Colours of the filled styles (`STYLE.firstFill` on). */
  fills: string[];
  /** The sheet (0-based) and row its printed pages repeat. */
  printTitles: { sheet: number; row: number };
  author: string;
  now: Date;
  stamp: Buffer;
  /** The notes of one sheet (0-based), if any. */
  notes?: { sheet: number; notes: Note[] };
}

/** The .xlsx of a lean package: its sheets, shared strings, styles, properties and notes. */
export function leanPackage(p: LeanPackage): Buffer {
  const notes = p.notes !== undefined && p.notes.notes.length > 0 ? p.notes : undefined;
  const parts: Array<[string, string]> = [
    ['[Content_Types].xml', contentTypes(p.names.length, notes !== undefined)],
    ['_rels/.rels', rootRelationships()],
    ['docProps/app.xml', appProperties()],
    ['docProps/core.xml', coreProperties(p.author, p.now)],
    ['xl/workbook.xml', workbookXml(p.names, p.printTitles)],
    ['xl/_rels/workbook.xml.rels', workbookRelationships(p.names.length)],
  ];
  const tail: Array<[string, string]> = [
    ['xl/sharedStrings.xml', `${XML_HEAD}${p.strings.xml(MAIN_NS)}`],
    ['xl/styles.xml', stylesXml(p.fills)],
  ];
  if (notes !== undefined) {
    tail.push(
      [
        `xl/worksheets/_rels/sheet${notes.sheet + 1}.xml.rels`,
        relationships([
          [relType('comments'), '../comments1.xml'],
          [relType('vmlDrawing'), '../drawings/vmlDrawing1.vml'],
        ]),
      ],
      ['xl/comments1.xml', commentsXml(notes.notes, p.author)],
      ['xl/drawings/vmlDrawing1.vml', notesVml(notes.notes)],
    );
  }

  const deflated = (entries: Array<[string, string]>): ZipPart[] =>
    entries.map(([name, text]) => deflatedPart(name, Buffer.from(text, 'utf8'), p.stamp));
  return zipArchive([...deflated(parts), ...p.sheets, ...deflated(tail)]);
}
