// Text as the lean .xlsx writer (xlsx-lean.ts) puts it in XML. Whatever a cell of a person's file
// holds, the part stays well-formed XML 1.0 and a spreadsheet shows the text that was read:
// - markup characters are escaped;
// - control characters XML 1.0 cannot carry are dropped, as exceljs drops them: escaped as
//   `_xHHHH_` they would reach a person as invisible characters inside a word, where the identity
//   guard, reading the XML, would no longer see the word whole;
// - a carriage return is written `_x000D_`, as Excel writes it (XML reads a bare one as a line feed);
// - an underscore that would start such an escape (`_x0041_` typed in a cell) is itself escaped,
//   so the text is shown as typed, never decoded into another character;
// - text is cut at Excel's 32,767 characters per cell, never inside a surrogate pair.

/** Most characters a cell (or a note) holds in Excel. */
export const CELL_TEXT_MAX = 32_767;

/** Characters to escape, drop or rewrite in cell text. */
const TEXT_WORK =
  // eslint-disable-next-line no-control-regex
  /[&<>"\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)/g;
/** Characters XML 1.0 cannot carry, and the ones an attribute would turn into spaces. */
// eslint-disable-next-line no-control-regex
const ATTRIBUTE_WORK = /[&<>"\u0000-\u001f\ufffe\uffff]/g;

const REWRITES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '_x000D_',
  _: '_x005F_',
};

/** Text cut at Excel's limit, never between the two halves of a surrogate pair. */
export function clampText(text: string): string {
  if (text.length <= CELL_TEXT_MAX) {
    return text;
  }
  const last = text.charCodeAt(CELL_TEXT_MAX - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? CELL_TEXT_MAX - 1 : CELL_TEXT_MAX;
  return text.slice(0, end);
}

/** Cell or note text as the content of a `<t>` element. */
export function xmlText(text: string): string {
  return text.replace(TEXT_WORK, (found) => REWRITES[found] ?? '');
}

/** Text as an attribute value (a sheet name): markup escaped, control characters dropped. */
export function xmlAttribute(text: string): string {
  return text.replace(ATTRIBUTE_WORK, (found) => REWRITES[found] ?? '');
}

/** A `<t>` element holding `text`, keeping its leading, trailing and line-breaking spaces. */
export function textElement(text: string): string {
  const keep = /^\s|\s$|\n/.test(text) ? ' xml:space="preserve"' : '';
  return `<t${keep}>${xmlText(text)}</t>`;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const columnNames: string[] = [];

/** The letters of a 1-based column (1 → A, 27 → AA), remembered once made. */
export function columnName(column: number): string {
  let name = columnNames[column];
  if (name === undefined) {
    name = '';
    for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) {
      name = LETTERS.charAt((n - 1) % 26) + name;
    }
    columnNames[column] = name;
  }
  return name;
}

/** The shared-string table: each distinct text written once, cells pointing at it by index. */
export class SharedStrings {
  private readonly indexes = new Map<string, number>();
  private readonly items: string[] = [];
  private uses = 0;

  /** The index of `text` in the table, added when new. */
  indexOf(text: string): number {
    this.uses += 1;
    let index = this.indexes.get(text);
    if (index === undefined) {
      index = this.items.length;
      this.indexes.set(text, index);
      this.items.push(`<si>${textElement(text)}</si>`);
    }
    return index;
  }

  /** The `xl/sharedStrings.xml` part. */
  xml(namespace: string): string {
    return (
      `<sst xmlns="${namespace}" count="${this.uses}" uniqueCount="${this.items.length}">` +
      `${this.items.join('')}</sst>`
    );
  }
}
