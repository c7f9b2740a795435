// Shared formulas: Excel writes a formula filled down or across once, on its first cell, and the
// other cells only point at it. Their own formula is the first one with its relative references
// moved by the distance between the cells. It is never evaluated: it is only shown to the person
// when a cell has no cached value, so they can see which formula Excel did not compute.

/** String literals and quoted sheet names are copied as they are. */
const QUOTED = /("(?:[^"]|"")*"|'(?:[^']|'')*')/;
/** An A1 reference not glued to a name, a number or a function call (`LOG10(` is not a cell). */
const REFERENCE = /(?<![A-Za-z0-9_.$\\])(\$?)([A-Za-z]{1,3})(\$?)(\d{1,7})(?![A-Za-z0-9_.(])/g;
const LAST_COLUMN = 16_384;
const LAST_ROW = 1_048_576;

function columnName(column: number): string {
  let name = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    name = String.fromCharCode(65 + ((rest - 1) % 26)) + name;
  }
  return name;
}

function columnNumber(letters: string): number {
  let column = 0;
  for (const letter of letters.toUpperCase()) {
    column = column * 26 + (letter.charCodeAt(0) - 64);
  }
  return column;
}

function shiftReference(
  fixedColumn: string,
  letters: string,
  fixedRow: string,
  digits: string,
  by: { rows: number; columns: number },
): string {
  const column = columnNumber(letters) + (fixedColumn ? 0 : by.columns);
  const row = Number(digits) + (fixedRow ? 0 : by.rows);
  if (column < 1 || column > LAST_COLUMN || row < 1 || row > LAST_ROW) {
    return '#REF!';
  }
  return `${fixedColumn}${columnName(column)}${fixedRow}${row}`;
}

/** The formula of a cell `rows` below and `columns` right of the cell that holds it. */
export function shiftFormula(formula: string, rows: number, columns: number): string {
  return formula
    .split(QUOTED)
    .map((piece, index) =>
      // split() with a capture group puts the quoted pieces at odd indexes.
      index % 2 === 1
        ? piece
        : piece.replace(
            REFERENCE,
            (_match, fc: string, letters: string, fr: string, digits: string) =>
              shiftReference(fc, letters, fr, digits, { rows, columns }),
          ),
    )
    .join('');
}
