// The constants of the look every outbox workbook shares (author, page set-up, header colour,
// fonts, header widths), apart from exceljs: the lean writer (xlsx-lean*.ts) and the receipt use
// them without loading exceljs, whose ~7 MB of heap every import worker would otherwise carry.
// xlsx-style.ts re-exports them for the builders that lay out through exceljs.
import { SHEET_FONT, widestWord } from './text-fit.js';

/** Author written in every workbook's properties: the service, never a person. */
export const OUTPUT_AUTHOR = 'anonymat';

/** A value a builder puts in a cell: text (neutralised), a typed number, or nothing. */
export type CellInput = string | number | null;

/** Page orientation of a printed sheet. */
export type Orientation = 'portrait' | 'landscape';

/** Colour of a header row's cells. */
export const HEADER_COLOUR = 'FFD9E1F2';

/** Paper size of A4 in the OOXML numbering. */
export const A4 = 9;
/** Page margins of every sheet, in inches. */
export const MARGINS = { left: 0.5, right: 0.5, top: 0.75, bottom: 0.75, header: 0.3, footer: 0.3 };

/** Footer of every printed page: the sheet's name on the left, « Page n / N » on the right. */
export const PAGE_FOOTER = '&L&A&RPage &P / &N';

/** Width a column has when none is set (Excel's 8.43, rounded up). */
export const DEFAULT_WIDTH = 9;

/** Size of the title of a sheet. */
export const TITLE_SIZE = 14;

/** A cell font as the builders set it: named, sized, bold or not. */
export interface SheetFont {
  name: string;
  family: number;
  size: number;
  bold?: boolean;
  italic?: boolean;
}

/** A cell font: always named, since a font without a name prints in a serif fallback. */
export function sheetFont(options: Partial<SheetFont> = {}): SheetFont {
  return { name: SHEET_FONT, family: 2, size: 11, ...options };
}

/** The header widths: at least the widest word of each header, so no word is broken. */
export function headerWidths(headers: string[], widths: number[]): number[] {
  return widths.map((width, i) =>
    Math.max(width, Math.ceil(widestWord(headers[i] ?? '', 11, true) + 1)),
  );
}

// Characters Excel refuses in a sheet name, and its length limit.
const SHEET_NAME_FORBIDDEN = /[*?:/\\[\]]/g;
const SHEET_NAME_MAX = 31;

/** A sheet name Excel accepts and `taken` does not hold yet, whatever the case. */
export function freeSheetName(taken: readonly string[], wanted: string): string {
  // exceljs 4.4 writes the print-titles reference as 'name'!$4:$4 without doubling an apostrophe
  // of the name, which corrupts the reference: the typographic apostrophe reads the same in French.
  const base =
    wanted.replace(SHEET_NAME_FORBIDDEN, ' ').replace(/'/g, '’').trim().slice(0, SHEET_NAME_MAX) ||
    'Feuille';
  const names = new Set(taken.map((name) => name.toLowerCase()));

  let name = base;
  for (let n = 2; names.has(name.toLowerCase()); n += 1) {
    const suffix = ` (${n})`;
    name = base.slice(0, SHEET_NAME_MAX - suffix.length) + suffix;
  }

  return name;
}
