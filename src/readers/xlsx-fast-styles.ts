// The part of a workbook's styles that changes what a number cell reads as: the number format of
// each cell style (`cellXfs`), resolved once per style so a sheet's cells only index an array.

import {
  BUILTIN_DATE_FORMATS,
  BUILTIN_PERCENT_FORMATS,
  isDateFormat,
  isPercentFormat,
  zeroPadWidth,
} from './number-format.js';
import { collectTags } from './xlsx-fast-scan.js';

/** Built-in format 1 is `0`; no other built-in format pads with zeros. */
const BUILTIN_FORMAT_CODES = new Map([[1, '0']]);

/** What the number format of each cell style (the `s` index of a cell) means for its value. */
export interface CellStyles {
  /** True when the style shows numbers as dates or times. */
  date: boolean[];
  /** Digits shown by a zero-padding format (`00000000`), 0 for any other format. */
  padding: number[];
  /** True when the style shows numbers as percentages. */
  percent: boolean[];
}

/** Reads `cellXfs` and the custom `numFmts` of a styles part; no part means no formats. */
export function readCellStyles(xml: string | undefined): CellStyles {
  const tags = xml === undefined ? [] : collectTags(xml, ['numFmt', 'xf']);
  const custom = new Map<number, string>();
  for (const tag of tags) {
    if (tag.name === 'numFmt') {
      custom.set(Number(tag.attrs.get('numFmtId')), tag.attrs.get('formatCode') ?? '');
    }
  }

  const styles: CellStyles = { date: [], padding: [], percent: [] };
  for (const tag of tags) {
    if (tag.name === 'xf' && tag.path[tag.path.length - 1] === 'cellXfs') {
      const id = Number(tag.attrs.get('numFmtId') ?? 0);
      // A workbook may redefine a built-in id; its own code wins, as in Excel.
      const code = custom.get(id) ?? BUILTIN_FORMAT_CODES.get(id);
      const date =
        id !== 0 && (code !== undefined ? isDateFormat(code) : BUILTIN_DATE_FORMATS.has(id));
      styles.date.push(date);
      styles.padding.push(date ? 0 : zeroPadWidth(code));
      styles.percent.push(
        code !== undefined ? isPercentFormat(code) : BUILTIN_PERCENT_FORMATS.has(id),
      );
    }
  }
  return styles;
}
