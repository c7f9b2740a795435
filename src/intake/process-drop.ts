// The import-file job: one drop, one transaction, one outcome. The file leaves the inbox only
// after its outcome is committed and its receipt written; a crash anywhere leaves the drop open,
// and running the job again gives the same outcome (design.md §7).
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { dispatchChannel } from '../channels/dispatch.js';
import { rejectWhole, type ChannelResult, type ReadInput } from '../channels/types.js';
import { AppError, isAppError } from '../domain/errors.js';
import { slug } from '../outputs/gateway.js';
import { buildReceiptWorkbook } from '../outputs/receipt-xlsx.js';
import { receiptJson, type Receipt } from '../outputs/receipt.js';
import { parseMaquette } from '../readers/apogee-maquette.js';
import { readWorkbook } from '../readers/index.js';
import { sniffFormat } from '../readers/sniff.js';
import { appendAudit } from '../store/audit.js';
import type { AppContext } from '../services/context.js';
import { channelOf, type Channel } from './inbox.js';
import { sha256Hex, type DropJob } from './register.js';

interface DropRow {
  id: number;
  intake_id: number;
  file_name: string;
  outcome: Receipt['status'] | null;
  receipt: Receipt | string | null;
  done: boolean;
  ctn: string;
  channel: string;
  sha256: string;
  status: string;
  received_at: string | Date;
}

/** Outcome of a job: the receipt, or nothing when the drop was already finished or its file is gone. */
export type DropOutcome = { receipt: Receipt } | { skipped: 'done' | 'missing' | 'changed' };

async function loadDrop(ctx: AppContext, dropId: number): Promise<DropRow | undefined> {
  return (await ctx
    .db('intake_drop as d')
    .join('intake_file as f', 'f.id', 'd.intake_id')
    .where('d.id', dropId)
    .first('d.*', 'f.ctn', 'f.channel', 'f.sha256', 'f.status', 'f.received_at')) as
    DropRow | undefined;
}

async function readInput(bytes: Buffer, maxBytes: number): Promise<ReadInput> {
  if (bytes.length > maxBytes) {
    throw new AppError('FILE_TOO_LARGE', `(${bytes.length} octets ; maximum ${maxBytes})`);
  }
  if (sniffFormat(bytes) === 'apogee_maquette') {
    return { kind: 'maquette', maquette: parseMaquette(bytes) };
  }
  return { kind: 'table', workbook: await readWorkbook(bytes) };
}

// Thrown inside the transaction to roll back every write of a rejected file.
class Rejected extends Error {
  constructor(readonly result: ChannelResult) {
    super('file rejected');
  }
}

function buildReceipt(
  drop: DropRow,
  result: ChannelResult | null,
  status: Receipt['status'],
): Receipt {
  return {
    file: drop.file_name,
    sha256: drop.sha256,
    ctn: drop.ctn,
    channel: drop.channel,
    status,
    receivedAt: new Date(drop.received_at).toISOString(),
    processedAt: new Date().toISOString(),
    rows: result?.rows ?? { read: 0, imported: 0, rejected: 0 },
    errors: result?.errors ?? [],
    summary:
      result?.summary ??
      'Ce fichier a déjà été reçu et importé : rien n’a été importé une seconde fois.',
  };
}

/** Applies the file through its channel, or records why it is refused; one transaction. */
async function decide(
  ctx: AppContext,
  drop: DropRow,
  bytes: Buffer,
  channel: Channel,
): Promise<Receipt> {
  let input: ReadInput | null = null;
  let readFailure: ChannelResult | null = null;
  try {
    input = await readInput(bytes, ctx.config.maxFileBytes);
  } catch (error: unknown) {
    if (!isAppError(error)) {
      throw error;
    }
    readFailure = rejectWhole(0, {
      row: null,
      column: null,
      code: error.code,
      message: error.message,
    });
  }

  try {
    return await ctx.db.transaction(async (trx) => {
      const intake = (await trx('intake_file')
        .where({ id: drop.intake_id })
        .forUpdate()
        .first('status')) as { status: string };
      if (intake.status !== 'received') {
        return finish(trx, drop, buildReceipt(drop, null, 'duplicate'));
      }
      const result =
        readFailure ??
        (await dispatchChannel({
          ctx,
          trx,
          ctn: drop.ctn,
          channel,
          fileName: drop.file_name,
          sha256: drop.sha256,
          bytes,
          input: input as ReadInput,
          intakeId: drop.intake_id,
        }));
      if (result.status === 'rejected') {
        throw new Rejected(result);
      }
      return finish(trx, drop, buildReceipt(drop, result, result.status));
    });
  } catch (error: unknown) {
    if (error instanceof Rejected) {
      return ctx.db.transaction((trx) =>
        finish(trx, drop, buildReceipt(drop, error.result, 'rejected')),
      );
    }
    throw error;
  }
}

async function finish(
  trx: import('knex').Knex.Transaction,
  drop: DropRow,
  receipt: Receipt,
): Promise<Receipt> {
  const json = JSON.parse(receiptJson(receipt)) as Receipt;
  if (receipt.status !== 'duplicate') {
    await trx('intake_file')
      .where({ id: drop.intake_id })
      .update({ status: receipt.status, finished_at: trx.fn.now(), receipt: json });
  }
  await trx('intake_drop')
    .where({ id: drop.id })
    .update({ outcome: receipt.status, receipt: json });
  await appendAudit(trx, {
    actor: 'service',
    ctn: drop.ctn,
    action: 'import',
    subject: {
      dropId: drop.id,
      sha256: drop.sha256,
      channel: drop.channel,
      status: receipt.status,
      rows: receipt.rows,
    },
  });
  return receipt;
}

/** Writes the receipt (JSON and French workbook), then moves the input out of the inbox. */
async function release(
  ctx: AppContext,
  drop: DropRow,
  receipt: Receipt,
  source: string,
): Promise<void> {
  const stem = `${slug(path.parse(drop.file_name).name)}-${drop.sha256.slice(0, 8)}`;
  const suffix = receipt.status === 'duplicate' ? `-doublon-${drop.id}` : '';
  const base = path.join(drop.ctn, 'accuses', `${stem}${suffix}`);
  await ctx.outbox.write(`${base}.receipt.json`, receiptJson(receipt));
  await ctx.outbox.write(`${base}.accuse.xlsx`, await buildReceiptWorkbook(receipt));

  const root = receipt.status === 'rejected' ? ctx.config.errorDir : ctx.config.archive;
  const target = path.join(
    root,
    drop.ctn,
    drop.channel,
    `${drop.id}-${drop.sha256.slice(0, 8)}-${drop.file_name}`,
  );
  await mkdir(path.dirname(target), { recursive: true });
  await rename(source, target).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  });
  await ctx.db('intake_drop').where({ id: drop.id }).update({ done: true });
}

function storedReceipt(drop: DropRow): Receipt {
  return typeof drop.receipt === 'string'
    ? (JSON.parse(drop.receipt) as Receipt)
    : (drop.receipt as Receipt);
}

/** Runs one import-file job. Safe to run twice: a finished drop is skipped, a committed one only released. */
export async function processDrop(ctx: AppContext, job: DropJob): Promise<DropOutcome> {
  const drop = await loadDrop(ctx, job.dropId);
  if (!drop || drop.done) {
    return { skipped: 'done' };
  }
  const channel = channelOf(drop.channel);
  const source = path.join(ctx.config.inbox, drop.ctn, drop.channel, drop.file_name);

  let bytes: Buffer;
  try {
    bytes = await readFile(source);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { skipped: 'missing' };
    }
    throw error;
  }
  if (sha256Hex(bytes) !== drop.sha256 || !channel) {
    // Rewritten since it was registered: the scan will register the new content as a new file.
    await ctx.db('intake_drop').where({ id: drop.id }).update({ done: true });
    return { skipped: 'changed' };
  }

  const log = ctx.log.child({
    dropId: drop.id,
    sha256: drop.sha256.slice(0, 12),
    ctn: drop.ctn,
    channel: drop.channel,
  });
  // A committed outcome (crash before release) is only released again, never recomputed.
  const receipt = drop.outcome ? storedReceipt(drop) : await decide(ctx, drop, bytes, channel);
  await release(ctx, drop, receipt, source);
  log.info({ status: receipt.status, rows: receipt.rows }, 'file processed');
  return { receipt };
}
