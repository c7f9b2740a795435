// What a cell's number format changes in the text a person sees, for the workbook readers (xlsx,
// xls): whether the number shows as a date or a percentage, and how many digits a zero-padding
// format shows.

/** Built-in number formats Excel shows as dates or times (ECMA-376 §18.8.30, plus the East Asian ones). */
export const BUILTIN_DATE_FORMATS: ReadonlySet<number> = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51,
  52, 53, 54, 55, 56, 57, 58,
]);

/**
 * Literal parts of a format code: quoted text, `[...]` (colours, locales, conditions), a `\x`
 * escape, and the character after `_` (padding) or `*` (fill). None of them is a date token.
 */
const LITERALS = /"[^"]*"|\[[^\]]*\]|\\.|[_*]./g;

/** Day, month, year, hour and second tokens (`j`, French for day, is kept by some .xls files). */
const DATE_TOKEN = /[dmyhsj]/i;

/** A format of zeros only: `00000000` shows 4211 as `00004211`. */
const ZERO_PADDED = /^0+$/;

/** Built-in number formats showing a percentage: 9 is `0%`, 10 is `0.00%`. */
export const BUILTIN_PERCENT_FORMATS: ReadonlySet<number> = new Set([9, 10]);

/** True when a number format shows the value times 100 followed by `%` (not a quoted `"%"`). */
export function isPercentFormat(code: string): boolean {
  return code.replace(LITERALS, '').includes('%');
}

/** True when a custom number format displays a date or a time. */
export function isDateFormat(code: string): boolean {
  const bare = code.replace(LITERALS, '');
  return DATE_TOKEN.test(bare) && !/^general$/i.test(bare.trim());
}

/** How many digits a zero-padding format shows (8 for `00000000`); 0 for any other format. */
export function zeroPadWidth(code: string | undefined): number {
  return code !== undefined && ZERO_PADDED.test(code) ? code.length : 0;
}

/** An integer as a zero-padding format shows it: `-00042` for -42 under `00000`. */
export function zeroPadded(value: number, width: number): string {
  const digits = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${digits}` : digits;
}
