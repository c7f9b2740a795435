// Numbers as French spreadsheets print them: `1 234,5` groups thousands with a (non-breaking or
// narrow non-breaking) space. Read as text, that grouping must go before the value is parsed, or a
// number the person meant reads as garbage.

/** Digit groups of three separated by a space, NBSP or narrow NBSP, with an optional decimal part. */
const GROUPED = /^\s*([+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+)([.,]\d*)?\s*$/;

/** The text without its thousands separators when it is a grouped number; unchanged otherwise. */
export function withoutThousandsSeparators(text: string): string {
  const match = GROUPED.exec(text);
  if (!match) {
    return text;
  }
  return `${(match[1] ?? '').replace(/[ \u00a0\u202f]/g, '')}${match[2] ?? ''}`;
}
