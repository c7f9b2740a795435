// The receipt (accusé de réception) written for every file taken in: what was imported, what was
// rejected and why. Its JSON form is read by machines and stored: field names and status values
// are a contract (conventions.md habit 9) and never change meaning.

/**
 * What a receipt item is: an error, for which its row (or the file) was refused, or a notice
 * (« avis »), on a row imported but worth checking (a grade replaced, an absence typed otherwise).
 */
export type ReceiptKind = 'error' | 'notice';

/** One rejected row, cell or file-level problem, or one notice on a row imported. */
export interface ReceiptError {
  /** Row number as the person sees it in the file, null for a problem with the whole file. */
  row: number | null;
  /** Column name or letter, null when the problem is not about one column. */
  column: string | null;
  /** The value read, as text, when there is one to show. */
  value?: string;
  /** Stable error code from src/domain/errors.ts. */
  code: string;
  /** French explanation for the person who dropped the file. */
  message: string;
  /**
   * Error or notice. ErrorList marks each item as it adds it; an item built by hand (a whole file
   * refused before any row was read) leaves it out and is an error. The JSON always carries it.
   */
  kind?: ReceiptKind;
}

/** Outcome of one file taken in. */
export interface Receipt {
  file: string;
  sha256: string;
  ctn: string;
  channel: string;
  status: 'imported' | 'partial' | 'rejected' | 'duplicate';
  /** ISO timestamp at which the file was taken in. */
  receivedAt: string;
  /**
   * ISO timestamp of the file's last save (its modification time, never after its arrival): the
   * time its grades and results are handed in at, which decides which of two files wins.
   */
  savedAt?: string;
  /** ISO timestamp at which its outcome was committed. */
  processedAt: string;
  rows: { read: number; imported: number; rejected: number };
  /** Errors and notices listed, each with its kind (the name is older than the notices). */
  errors: ReceiptError[];
  /** One French sentence summing the outcome up. */
  summary?: string;
}

/** A receipt status. */
export type ReceiptStatus = Receipt['status'];

/** French wording of a receipt status. */
export function receiptStatusFrench(status: ReceiptStatus): string {
  switch (status) {
    case 'imported':
      return 'Importé';
    case 'partial':
      return 'Importé partiellement';
    case 'rejected':
      return 'Refusé';
    case 'duplicate':
      return 'Déjà reçu (doublon)';
  }
}

/** Whether a receipt item is an error or a notice (an item without a kind is an error). */
export function receiptKind(e: ReceiptError): ReceiptKind {
  return e.kind ?? 'error';
}

/**
 * An item with its keys in the contract's order, `value` only when present. `kind` came after the
 * others were stored, so it comes last: the order pinned for them stays as it was.
 */
function orderedError(e: ReceiptError): ReceiptError {
  const base = { row: e.row, column: e.column };
  const value = e.value === undefined ? {} : { value: e.value };

  return { ...base, ...value, code: e.code, message: e.message, kind: receiptKind(e) };
}

/** The receipt as pretty JSON with a stable key order, whatever order the object was built in. */
export function receiptJson(r: Receipt): string {
  const ordered: Receipt = {
    file: r.file,
    sha256: r.sha256,
    ctn: r.ctn,
    channel: r.channel,
    status: r.status,
    receivedAt: r.receivedAt,
    ...(r.savedAt === undefined ? {} : { savedAt: r.savedAt }),
    processedAt: r.processedAt,
    rows: { read: r.rows.read, imported: r.rows.imported, rejected: r.rows.rejected },
    errors: r.errors.map(orderedError),
    ...(r.summary === undefined ? {} : { summary: r.summary }),
  };

  // Postgres's jsonb refuses `\u0000`: a NUL character read from a file is shown as U+FFFD.
  const noNul = (_key: string, value: unknown): unknown =>
    typeof value === 'string' && value.includes('\0') ? value.replaceAll('\0', '\ufffd') : value;
  return `${JSON.stringify(ordered, noNul, 2)}\n`;
}
