// The laid-out sheets of a lean .xlsx, styled as xlsx-style.ts styles them through exceljs (the
// ids of `STYLE`): a table sheet (bold filled bordered header, frozen, filtered if asked, repeated
// on printed pages; bordered body rows, their height fitted if asked), written row by row and
// deflated as it goes, so that ten thousand rows are never held as text; and a sheet of
// label/value pairs under a title, as `addPairsSheet` lays it out. Every text goes through
// `safeText`, so that nothing becomes a formula; numbers stay numbers.
import { safeText } from './safe-text.js';
import { LINE_HEIGHT, linesHeight, wrappedLines } from './text-fit.js';
import {
  A4,
  type CellInput,
  DEFAULT_WIDTH,
  headerWidths,
  MARGINS,
  type Orientation,
  PAGE_FOOTER,
  TITLE_SIZE,
} from './xlsx-layout.js';
import { MAIN_NS, REL_NS, STYLE, XML_HEAD } from './xlsx-lean-parts.js';
import { clampText, columnName, type SharedStrings } from './xlsx-lean-text.js';
import { DeflatingPart, type ZipPart } from './zip-write.js';

/** The opening of every sheet part. */
export const SHEET_HEAD = `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">`;
/** A line of 11-point text, as every row of a sheet is high until told otherwise. */
export const ROW_FORMAT = `<sheetFormatPr defaultRowHeight="${LINE_HEIGHT}"/>`;

/** The text a cell shows of `raw`: neutralised (never a formula), cut at Excel's limit. */
function shownText(raw: string): string {
  return clampText(safeText(raw));
}

/** A cell of text already shown as it will be; a blank (styled or nothing) when empty. */
function sharedTextCell(ref: string, s: string, text: string, strings: SharedStrings): string {
  return text === ''
    ? s && `<c r="${ref}"${s}/>`
    : `<c r="${ref}"${s} t="s"><v>${strings.indexOf(text)}</v></c>`;
}

/** A text cell: neutralised (nothing from the input may become a formula), cut at Excel's limit. */
export function textCell(ref: string, s: string, raw: string, strings: SharedStrings): string {
  return sharedTextCell(ref, s, shownText(raw), strings);
}

/** A cell of a value already shown (text neutralised, see `shownValues`), in style `style`. */
function valueCell(ref: string, value: CellInput, style: number, strings: SharedStrings): string {
  const s = style > 0 ? ` s="${style}"` : '';
  if (typeof value === 'number' && Number.isFinite(value)) {
    return `<c r="${ref}"${s}><v>${value}</v></c>`;
  }
  return sharedTextCell(ref, s, value === null ? '' : String(value), strings);
}

/** Values as their cells show them: texts neutralised and cut, numbers as they are. */
function shownValues(values: readonly CellInput[]): CellInput[] {
  return values.map((value) => (typeof value === 'string' ? shownText(value) : value));
}

/** Text wrapped in a cell `width` units wide, as `fitRowHeight` measures it. */
interface Measured {
  text: CellInput;
  width: number;
  size?: number;
  bold?: boolean;
}

/** The height attributes of a row `height` points high, none for the default one line. */
function heightAttributes(height: number): string {
  return height > LINE_HEIGHT ? ` ht="${height}" customHeight="1"` : '';
}

/**
 * The height attributes of a row as `fitRowHeight` sizes it: as tall as its most wrapped text
 * (a number takes one line), none when one line of 11-point text is enough.
 */
function fittedHeight(cells: readonly Measured[]): string {
  let height = 0;
  for (const { text, width, size = 11, bold = false } of cells) {
    const lines = wrappedLines(typeof text === 'string' ? text : '', width, size, bold);
    height = Math.max(height, linesHeight(lines, size));
  }
  return heightAttributes(height);
}

/** Texts remembered per column with the lines they take, before the memory is let go. */
const LINES_REMEMBERED = 2_000;

/** Columns' widths, in characters, from the first column on. */
function colsXml(widths: readonly number[]): string {
  const cols = widths.map(
    (w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`,
  );
  return `<cols>${cols.join('')}</cols>`;
}

/** A4, one page wide, as many pages high as needed, pages numbered: as `setupA4` sets a sheet. */
export function printSetup(orientation: Orientation): string {
  const margins = Object.entries(MARGINS)
    .map(([side, inches]) => ` ${side}="${inches}"`)
    .join('');
  const footer = PAGE_FOOTER.replace(/&/g, '&amp;');
  return (
    `<pageMargins${margins}/>` +
    `<pageSetup paperSize="${A4}" orientation="${orientation}" fitToWidth="1" fitToHeight="0"/>` +
    `<headerFooter><oddFooter>${footer}</oddFooter></headerFooter>`
  );
}

/** A table sheet as `addTableSheet` lays it out, its header in row 1. */
export interface TableSheet {
  headers: string[];
  /** Column widths as `addTableSheet` takes them: widened where a header word would not fit. */
  widths: number[];
  /** Portrait unless said otherwise. */
  orientation?: Orientation;
  /** Body rows as tall as their wrapped text, as `fitRowHeight` sizes them. */
  fitRows?: boolean;
  /** A filter on the header row, once the table has a row. */
  filter?: boolean;
}

/** A table sheet written row by row into its part, deflated as it goes. */
export class TableSheetWriter {
  private readonly widths: number[];
  private readonly part: DeflatingPart;
  private next = 1;
  private bodyRows = 0;
  /**
   * Lines each text takes in its column: a receipt's explanations and advice recur on most of its
   * rows, and measuring them again took most of the time of writing a long one.
   */
  private readonly lineCounts: Array<Map<string, number>> = [];

  /** Starts the sheet `table` as part `path` of an archive stamped `stamp`. */
  constructor(
    private readonly table: TableSheet,
    private readonly strings: SharedStrings,
    path: string,
    stamp: Buffer,
  ) {
    this.widths = headerWidths(table.headers, table.widths);
    this.part = new DeflatingPart(path, stamp);
    this.writeHead();
  }

  /** Appends a bordered row of values, wrapped and aligned to the top. */
  addRow(values: readonly CellInput[]): void {
    const shown = shownValues(values);
    const height = this.table.fitRows ? this.bodyHeight(shown) : '';
    const attributes = ` s="${STYLE.body}" customFormat="1"${height}`;
    this.write(shown, STYLE.bodyCell, attributes);
    this.bodyRows += 1;
  }

  /** Appends a line of text without style (« nothing to list »). */
  addLine(text: string): void {
    this.write([shownText(text)], 0, '');
  }

  /** The sheet's part, closed: nothing may be added after. */
  finish(): ZipPart {
    const last = columnName(this.table.headers.length);
    const filter = this.table.filter && this.bodyRows > 0 ? `<autoFilter ref="A1:${last}1"/>` : '';
    this.part.write(
      `</sheetData>${filter}${printSetup(this.table.orientation ?? 'portrait')}</worksheet>`,
    );
    return this.part.finish();
  }

  /** The height attributes of a body row: as tall as its most wrapped text, as `fittedHeight`. */
  private bodyHeight(shown: readonly CellInput[]): string {
    let lines = 1;
    shown.forEach((text, i) => {
      if (typeof text !== 'string') {
        return;
      }
      const known = (this.lineCounts[i] ??= new Map<string, number>());
      let count = known.get(text);
      if (count === undefined) {
        count = wrappedLines(text, this.widths[i] ?? DEFAULT_WIDTH);
        if (known.size >= LINES_REMEMBERED) {
          known.clear();
        }
        known.set(text, count);
      }
      lines = Math.max(lines, count);
    });
    return heightAttributes(linesHeight(lines));
  }

  /** Writes the next row of `shown` values, each cell in `style`. */
  private write(shown: readonly CellInput[], style: number, attributes: string): void {
    const number = this.next;
    this.next += 1;
    const cells = shown.map((value, i) =>
      valueCell(`${columnName(i + 1)}${number}`, value, style, this.strings),
    );
    this.part.write(`<row r="${number}"${attributes}>${cells.join('')}</row>`);
  }

  /** Writes the sheet up to its header row included: frozen pane, widths, the header row. */
  private writeHead(): void {
    const pane =
      '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
      '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>';
    this.part.write(
      `${SHEET_HEAD}<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>` +
        `<sheetViews><sheetView workbookViewId="0">${pane}</sheetView></sheetViews>` +
        `${ROW_FORMAT}${colsXml(this.widths)}<sheetData>`,
    );
    const { headers } = this.table;
    // The header row is as tall as its most wrapped heading, as `fitRowHeight` makes it.
    const height = fittedHeight(
      headers.map((text, i) => ({ text, width: this.widths[i] ?? DEFAULT_WIDTH, bold: true })),
    );
    this.write(
      shownValues(headers),
      STYLE.headerCell,
      ` s="${STYLE.header}" customFormat="1"${height}`,
    );
  }
}

/** A sheet of labels and values under a title, as `addPairsSheet` lays it out. */
export interface PairsSheet {
  /** Bold, larger, over both columns, in row 1; the pairs start in row 3. */
  title: string;
  /** Widths of the label and value columns, in characters. */
  widths: [number, number];
  pairs: ReadonlyArray<[string, CellInput]>;
}

/** The XML of a pairs sheet: bold labels, values wrapped, each row as tall as its value. */
export function pairsSheetXml(sheet: PairsSheet, strings: SharedStrings): string {
  const [labelWidth, valueWidth] = sheet.widths;
  const title = shownText(sheet.title);
  const titleHeight = fittedHeight([
    { text: title, width: labelWidth + valueWidth, size: TITLE_SIZE, bold: true },
  ]);
  const rows = [
    `<row r="1"${titleHeight}>${valueCell('A1', title, STYLE.title, strings)}` +
      `<c r="B1" s="${STYLE.title}"/></row>`,
  ];
  sheet.pairs.forEach(([label, value], i) => {
    const number = i + 3;
    const [shownLabel, shownValue] = shownValues([label, value]);
    const height = fittedHeight([{ text: shownValue ?? null, width: valueWidth }]);
    rows.push(
      `<row r="${number}"${height}>` +
        valueCell(`A${number}`, shownLabel ?? null, STYLE.label, strings) +
        valueCell(`B${number}`, shownValue ?? null, STYLE.value, strings) +
        '</row>',
    );
  });

  return (
    `${SHEET_HEAD}<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>${ROW_FORMAT}` +
    `${colsXml(sheet.widths)}<sheetData>${rows.join('')}</sheetData>` +
    `<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>${printSetup('portrait')}` +
    '</worksheet>'
  );
}
