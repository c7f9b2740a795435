// The common shape every reader produces: sheets of typed cells, with source row numbers kept
// so receipts can point at the exact row a person sees in their own file.

/** One cell as read, before any channel interprets it. `raw` is the text the person sees. */
export type Cell =
  | { kind: 'blank' }
  | { kind: 'text'; raw: string }
  /** `percent`: shown as a percentage (`60%` for 0.6): the value is not what the person typed. */
  | { kind: 'number'; value: number; raw: string; percent?: true }
  | { kind: 'date'; iso: string; raw: string }
  | { kind: 'bool'; value: boolean; raw: string }
  | { kind: 'error'; raw: string }
  | { kind: 'formula_no_value'; raw: string };

/** One row of a sheet, with its 1-based row number in the source file. */
export interface Row {
  number: number;
  cells: Cell[];
  hidden?: boolean;
}

/** One sheet (a CSV file is one sheet named after nothing). */
export interface Sheet {
  name: string;
  /** `visible`, or `hidden`/`veryHidden` for workbook sheets the person does not see. */
  state: 'visible' | 'hidden' | 'veryHidden';
  rows: Row[];
  /** 1-based indexes of hidden columns, reported rather than silently read. */
  hiddenColumns?: number[];
}

/** Formats told apart by content (readers/sniff.ts). */
export type FileFormat = 'xlsx' | 'xls' | 'ods' | 'csv' | 'apogee_maquette';

/** A whole input file as sheets. */
export interface Workbook {
  format: FileFormat;
  sheets: Sheet[];
}
