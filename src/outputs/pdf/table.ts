// A plain table for A4 reports: header row repeated on every page, text cut to its column, page
// breaks before the footer band. Small on purpose: the PV and the attendance sheets need rows,
// not a layout engine.

import { A4, FONT, MM, fitText, line, type Pdf } from './document.js';

/** One column: its title, width in points and alignment. */
export interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

/** Page geometry shared by the A4 reports, in points. */
export const PAGE = {
  left: 15 * MM,
  right: A4.width - 15 * MM,
  top: 15 * MM,
  /** Lowest y a row may reach: the footer lives under it. */
  bottom: A4.height - 18 * MM,
} as const;

/** Draws a table from y, adding pages as needed (calling `onPage` on each new one); returns the y after it. */
export function drawTable(
  doc: Pdf,
  columns: readonly Column[],
  rows: ReadonlyArray<readonly string[]>,
  y: number,
  options: { rowHeight?: number; size?: number; onPage?: () => number } = {},
): number {
  if (columns.reduce((w, c) => w + c.width, 0) > PAGE.right - PAGE.left + 0.5) {
    throw new Error('table wider than the page');
  }
  const rowHeight = options.rowHeight ?? 14;
  const size = options.size ?? 9;
  let top = drawRow(
    doc,
    columns,
    columns.map((c) => c.title),
    y,
    rowHeight,
    size,
    true,
  );

  for (const row of rows) {
    if (top + rowHeight > PAGE.bottom) {
      doc.addPage();
      const start = options.onPage ? options.onPage() : PAGE.top;
      top = drawRow(
        doc,
        columns,
        columns.map((c) => c.title),
        start,
        rowHeight,
        size,
        true,
      );
    }
    top = drawRow(doc, columns, row, top, rowHeight, size, false);
  }
  return top;
}

function drawRow(
  doc: Pdf,
  columns: readonly Column[],
  cells: readonly string[],
  y: number,
  height: number,
  size: number,
  header: boolean,
): number {
  let x = PAGE.left;
  if (header) {
    doc
      .rect(
        x,
        y,
        columns.reduce((w, c) => w + c.width, 0),
        height,
      )
      .fill('#e6e6e6');
    doc.fillColor('black');
  }

  const font = header ? FONT.bold : FONT.regular;
  doc.font(font).fontSize(size);
  columns.forEach((column, k) => {
    const text = fitText(doc, cells[k] ?? '', column.width - 6);
    const width = doc.widthOfString(text);
    const offset =
      column.align === 'right'
        ? column.width - 3 - width
        : column.align === 'center'
          ? (column.width - width) / 2
          : 3;
    line(doc, text, x + offset, y + (height - size) / 2 + 1, font, size);
    x += column.width;
  });

  doc.lineWidth(0.4).strokeColor('#888888');
  doc
    .moveTo(PAGE.left, y + height)
    .lineTo(x, y + height)
    .stroke();
  return y + height;
}

/** Writes "Page n / N" and a footer line on every buffered page (the document needs bufferPages). */
export function footPages(doc: Pdf, footer: string): void {
  const range = doc.bufferedPageRange();
  for (let k = range.start; k < range.start + range.count; k += 1) {
    doc.switchToPage(k);
    doc.font(FONT.regular).fontSize(7.5);
    const page = `Page ${k + 1} / ${range.count}`;
    const y = A4.height - 12 * MM;
    const width = PAGE.right - PAGE.left - doc.widthOfString(page) - 10;
    line(doc, fitText(doc, footer, width), PAGE.left, y, FONT.regular, 7.5);
    line(doc, page, PAGE.right - doc.widthOfString(page), y, FONT.regular, 7.5);
  }
}
