// What a channel receives and returns. Expected outcomes are values; only the unexpected throws.
import type { Knex } from 'knex';
import type { Maquette } from '../readers/apogee-maquette.js';
import type { Row, Workbook } from '../readers/table.js';
import type { ReceiptError } from '../outputs/receipt.js';
import type { AppContext } from '../services/context.js';
import type { Channel } from '../intake/inbox.js';
import type { RowSource } from './grade-import.js';

/**
 * An input file once recognised: a sheet-like workbook, a CSV read as a stream of batches of rows
 * (channels iterate it once; `batches()` starts the reading), a workbook whose first rows are read and whose
 * rows under the header are streamed (an .xlsx in notes/), or an Apogée maquette.
 */
export type ReadInput =
  | { kind: 'table'; workbook: Workbook }
  | { kind: 'rows'; format: Workbook['format']; batches(): Iterable<readonly Row[]> }
  | { kind: 'source'; source: RowSource }
  | { kind: 'maquette'; maquette: Maquette };

/** Everything a channel needs to apply one file inside the file's transaction. */
export interface ChannelInput {
  ctx: AppContext;
  trx: Knex.Transaction;
  ctn: string;
  channel: Channel;
  fileName: string;
  sha256: string;
  /** The file's bytes, read whole (a CSV in notes/ is imported without them). */
  bytes(): Promise<Buffer>;
  input: ReadInput;
  intakeId: number;
  /**
   * When the file's grades were handed in (when it was saved, never after its drop), as ISO text
   * to the microsecond: a grade handed in later is kept over its. Text, since a Date would round
   * two drops of one millisecond to the same instant.
   */
  receivedAt: string;
}

/** What a channel did with a file. `rejected` rolls back every write of the file. */
export interface ChannelResult {
  status: 'imported' | 'partial' | 'rejected';
  rows: { read: number; imported: number; rejected: number };
  errors: ReceiptError[];
  /** One French sentence for the receipt. */
  summary: string;
  /**
   * The assessments the file's rows were matched to, also when it is refused: a file refused
   * for its grades then holds back the lift of those assessments only (services/open-imports.ts).
   */
  assessmentIds?: number[];
}

/** Builds a whole-file rejection with one error. */
export function rejectWhole(read: number, error: ReceiptError, summary?: string): ChannelResult {
  return {
    status: 'rejected',
    rows: { read, imported: 0, rejected: read },
    errors: [error],
    summary: summary ?? error.message,
  };
}
