// The one neutraliser for text written into a spreadsheet cell (design.md §7: "text written to an
// output never starts a formula").
//
// Why: an .xlsx string cell is not evaluated as written, but the text is not safe for life. A
// person who opens the cell and presses Enter, copies the column into another sheet, or saves the
// workbook as CSV turns `=HYPERLINK(...)`, `+1`, `-2+3` or `@SUM(...)` into a live formula (CSV
// injection, OWASP). Every character a spreadsheet reads as the start of a formula, and the
// control characters some of them skip before reading one (TAB, CR, LF), is therefore guarded by
// a leading apostrophe, the usual practice: the apostrophe is also what a person types in Excel to
// force text, so the cell reads as the literal text. Values that come in from files (names, codes,
// the cells of a rejected row) are hostile by assumption; our own constants go through it too, so
// that no builder has to decide which text is trusted.
//
// A text that already starts with an apostrophe gets one more, so that `restoreText` is an exact
// inverse: values read back from our own workbooks (the hidden fingerprint sheet, the anonymous
// number column) come out exactly as they were written.

/** First characters that make a spreadsheet read a cell as a formula (or skip to one). */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\n']);

/** The guard prefix: the apostrophe a person would type in Excel to force text. */
const GUARD = "'";

/**
 * A signed number alone (`-1`, `+2,5`): read back as that number, never as a formula, so it is
 * written as it was read; a guard would show in the cell as a stray apostrophe before a value read
 * from a person's file.
 */
const SIGNED_NUMBER = /^[+-]\d+(?:[.,]\d+)?$/;

/** The text to write into a cell: prefixed with an apostrophe when it could start a formula. */
export function safeText(s: string): string {
  const first = s.charAt(0);

  if ((FORMULA_TRIGGERS.has(first) && !SIGNED_NUMBER.test(s)) || first === GUARD) {
    return GUARD + s;
  }

  return s;
}

/** The inverse of `safeText`, for text read back from a workbook this service wrote. */
export function restoreText(s: string): string {
  return s.startsWith(GUARD) ? s.slice(GUARD.length) : s;
}
