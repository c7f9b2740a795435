// Shared plumbing of every PDF the service writes: A4 documents whose properties never name a
// person (Title/Author/Creator are "anonymat"), millimetre helpers, and text cut to a width.
// Only the 14 standard fonts are used: Helvetica in WinAnsi covers French (é è à ç ô œ ’ « »),
// and nothing has to be embedded, which keeps 20,000-label files small and fast to write.

import PDFDocument from 'pdfkit';

/** Points per millimetre (1 pt = 1/72 inch). */
export const MM = 72 / 25.4;

/** A4 portrait in points. */
export const A4 = { width: 595.28, height: 841.89 } as const;

/** Regular and bold faces used by every PDF. */
export const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold' } as const;

/** A pdfkit document, as the builders draw on it. */
export type Pdf = PDFKit.PDFDocument;

/**
 * A new A4 document without a first page; `subject` says what it is, never who it is about.
 * Reports buffer their pages to number them at the end; label sheets stream (20,000 labels).
 */
export function createPdf(subject: string, bufferPages = false): Pdf {
  return new PDFDocument({
    size: 'A4',
    bufferPages,
    autoFirstPage: false,
    margin: 0,
    info: {
      Title: 'anonymat',
      Author: 'anonymat',
      Creator: 'anonymat',
      Producer: 'anonymat',
      Subject: subject,
    },
  });
}

/** Ends the document and resolves with its bytes. */
export function pdfBytes(doc: Pdf): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** `text` cut with an ellipsis so that it fits `width` points in the current font and size. */
export function fitText(doc: Pdf, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) {
    return text;
  }

  // Binary search on the length: labels are cut thousands of times in a large sheet.
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (doc.widthOfString(`${text.slice(0, mid).trimEnd()}…`) <= width) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return `${text.slice(0, low).trimEnd()}…`;
}

/** Writes one line at (x, y) without wrapping (the fast path of pdfkit). */
export function line(
  doc: Pdf,
  text: string,
  x: number,
  y: number,
  font: string,
  size: number,
): void {
  doc.font(font).fontSize(size).text(text, x, y, { lineBreak: false });
}
