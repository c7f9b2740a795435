// The import-file job: one drop, one transaction, one outcome. The file leaves the inbox only
// after its outcome is committed and its receipt written; a crash anywhere leaves the drop open,
// and running the job again gives the same outcome (design.md §7). Two runs of the same drop at
// once (a job replayed after Redis lost it) serialise on the drop's row and share one outcome.
import type { Knex } from 'knex';
import { dispatchChannel } from '../channels/dispatch.js';
import { exactInstant } from '../channels/grade-store.js';
import { rejectWhole, type ChannelResult, type ReadInput } from '../channels/types.js';
import { frenchMessage, isAppError, type ErrorCode } from '../domain/errors.js';
import { annotatedCopyAbsence } from '../outputs/annotated-copy.js';
import { receiptJson, type Receipt } from '../outputs/receipt.js';
import { appendAudit } from '../store/audit.js';
import type { AppContext } from '../services/context.js';
import { channelOf, isSafeName, printableName, type Channel } from './inbox.js';
import { duplicateSummary, importingDrops, otherNamedCodes } from './duplicate.js';
import type { DropJob } from './register.js';
import { warnFileMissing, whyUnread } from './inbox-root.js';
import { takeRegularFile, type PrivateCopy, type TakenFile } from './private-copy.js';
import { readInput, tooLarge } from './read-input.js';
import { inboxPath, release } from './release.js';
import { rewrittenNotice, rewrittenOfColumn } from './rewritten.js';
import { withUnendedNotice } from './unended.js';

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
  dropped_at: string | Date;
  /**
   * When the file's grades were handed in (when it was saved, else its registration), as ISO text
   * to the microsecond: the order grades are handed in (grade-store.ts).
   */
  handed_in_exact: string;
  /** The name the same bytes were first received under, and the receipt of that import. */
  first_name: string;
  first_receipt: Receipt | string | null;
  /** The content hash of the import whose released file kept being written into these bytes. */
  rewritten_of: string | null;
}

/** Outcome of a job: the receipt, or nothing when the drop was already finished or its file is gone. */
export type DropOutcome = { receipt: Receipt } | { skipped: 'done' | 'missing' | 'changed' };

// Statuses of intake_file under which the same bytes are not imported again.
const IMPORTED_STATUSES = new Set(['imported', 'partial']);

async function loadDrop(ctx: AppContext, dropId: number): Promise<DropRow | undefined> {
  return (await ctx
    .db('intake_drop as d')
    .join('intake_file as f', 'f.id', 'd.intake_id')
    .where('d.id', dropId)
    .first(
      'd.*',
      'f.ctn',
      'f.channel',
      'f.sha256',
      'f.status',
      'f.received_at',
      'f.file_name as first_name',
      'f.receipt as first_receipt',
      ctx.db.raw(`${exactInstant('coalesce(d.handed_in_at, d.dropped_at)')} as handed_in_exact`),
      rewrittenOfColumn(ctx.db),
    )) as DropRow | undefined;
}

function wholeFileError(code: ErrorCode, message: string): ChannelResult {
  return rejectWhole(0, { row: null, column: null, code, message });
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
    file: printableName(drop.file_name),
    sha256: drop.sha256,
    ctn: drop.ctn,
    channel: drop.channel,
    status,
    // This drop's arrival: a duplicate's receipt says when the copy came, not the first one.
    receivedAt: new Date(drop.dropped_at).toISOString(),
    // What its grades were handed in at: of two files, the one saved later wins.
    savedAt: new Date(drop.handed_in_exact).toISOString(),
    processedAt: new Date().toISOString(),
    rows: result?.rows ?? { read: 0, imported: 0, rejected: 0 },
    // In row order, as the person reads their file (file-level errors, without a row, first).
    errors: [
      ...(result && drop.rewritten_of ? [rewrittenNotice(drop.rewritten_of)] : []),
      ...(result?.errors ?? []),
    ].sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
    summary: result
      ? [result.summary, annotatedCopyAbsence({ ...result, status })].filter(Boolean).join(' ')
      : '',
  };
}

/** The receipt of a duplicate: nothing read, the drop that imported the same bytes named. */
async function duplicateReceipt(trx: Knex.Transaction, drop: DropRow): Promise<Receipt> {
  const importers = await importingDrops(trx, drop.intake_id);
  const importer = importers[0];
  // Grades that import left to later ones stay so: dropping the same bytes is no new hand-in.
  const notWritten = drop.first_receipt
    ? storedReceipt(drop.first_receipt).errors.filter((e) => e.code === 'GRADE_NEWER_KEPT').length
    : 0;
  const summary = duplicateSummary(
    {
      at: importer?.dropped_at ?? drop.received_at,
      name: printableName(importer?.file_name ?? drop.first_name),
      partial: drop.status === 'partial',
      notWritten,
    },
    await otherNamedCodes(trx, drop.ctn, drop.file_name, importers),
  );
  return { ...buildReceipt(drop, null, 'duplicate'), summary };
}

/** Reads the file, or the whole-file rejection saying why it cannot be read (never retried). */
async function readOrRefuse(
  ctx: AppContext,
  drop: DropRow,
  file: TakenFile,
): Promise<{ input: ReadInput; copy: PrivateCopy } | { refusal: ChannelResult }> {
  if (!isSafeName(drop.file_name)) {
    return { refusal: wholeFileError('FILE_NAME_INVALID', frenchMessage('FILE_NAME_INVALID')) };
  }
  const { copy } = file;
  try {
    if (!copy) {
      throw tooLarge(file.size, ctx.config.maxFileBytes);
    }
    return { input: await readInput(copy, ctx.config.maxFileBytes, drop.channel), copy };
  } catch (error: unknown) {
    if (!isAppError(error)) {
      throw error;
    }
    return { refusal: wholeFileError(error.code, error.message) };
  }
}

/** Locks the drop then its content; a drop that already has an outcome gives it back unchanged. */
async function lockDrop(
  trx: Knex.Transaction,
  drop: DropRow,
): Promise<Receipt | 'duplicate' | null> {
  const own = (await trx('intake_drop').where({ id: drop.id }).forUpdate().first('receipt')) as {
    receipt: Receipt | string | null;
  };
  if (own.receipt) {
    return storedReceipt(own.receipt);
  }
  const intake = (await trx('intake_file')
    .where({ id: drop.intake_id })
    .forUpdate()
    .first('status')) as { status: string };
  return IMPORTED_STATUSES.has(intake.status) ? 'duplicate' : null;
}

/**
 * Holds the drop's inbox path until commit. A file replaced while it was imported gets a drop of its
 * own, which a worker may take up at once: without this, the newer file (short) could commit first
 * and the older one (long, still importing) overwrite its corrections when it commits after it. The
 * newer drop now waits, then reads the grades the older one wrote and lists those it replaces.
 */
async function lockInboxPath(trx: Knex.Transaction, drop: DropRow): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [
    `inbox:${drop.ctn}/${drop.channel}/${drop.file_name}`,
  ]);
}

/** Applies the file through its channel, or records why it is refused; one transaction. */
async function decide(
  ctx: AppContext,
  drop: DropRow,
  file: TakenFile,
  channel: Channel,
): Promise<Receipt> {
  const read = await readOrRefuse(ctx, drop, file);

  try {
    return await ctx.db.transaction(async (trx) => {
      const known = await lockDrop(trx, drop);
      if (known === 'duplicate') {
        return finish(trx, drop, await duplicateReceipt(trx, drop));
      }
      if (known) {
        return known;
      }
      await lockInboxPath(trx, drop);
      const result =
        'refusal' in read
          ? read.refusal
          : await dispatchChannel({
              ctx,
              trx,
              ctn: drop.ctn,
              channel,
              fileName: drop.file_name,
              sha256: drop.sha256,
              bytes: () => read.copy.whole(),
              input: read.input,
              intakeId: drop.intake_id,
              receivedAt: drop.handed_in_exact,
            }).catch((error: unknown) => {
              // A coded error from a channel is bad input: refused, never retried.
              if (isAppError(error)) {
                throw new Rejected(wholeFileError(error.code, error.message));
              }
              throw error;
            });
      if (result.status === 'rejected') {
        throw new Rejected(result);
      }
      const told = 'copy' in read ? withUnendedNotice(result, read.copy) : result;
      return finish(trx, drop, buildReceipt(drop, told, told.status), told.assessmentIds);
    });
  } catch (error: unknown) {
    if (error instanceof Rejected) {
      return commitRejection(ctx, drop, error.result);
    }
    throw error;
  }
}

/** Records a rejection in its own transaction (the file's writes were rolled back). */
function commitRejection(ctx: AppContext, drop: DropRow, result: ChannelResult): Promise<Receipt> {
  return ctx.db.transaction(async (trx) => {
    const known = await lockDrop(trx, drop);
    if (known === 'duplicate') {
      // The same bytes were imported meanwhile through another drop: that import stands.
      return finish(trx, drop, await duplicateReceipt(trx, drop));
    }
    return known ?? finish(trx, drop, buildReceipt(drop, result, 'rejected'), result.assessmentIds);
  });
}

/**
 * Records the drop's outcome and receipt, and audits the import; `assessmentIds` (those the file's
 * rows were matched to, when its channel tells them) go in the audit entry.
 */
async function finish(
  trx: Knex.Transaction,
  drop: DropRow,
  receipt: Receipt,
  assessmentIds?: number[],
): Promise<Receipt> {
  const json = receiptJson(receipt);
  // The file's and the drop's outcome in one statement (a duplicate's file keeps its first one).
  await trx.raw(
    `with file as (
       update intake_file set status = ?, finished_at = current_timestamp, receipt = ?::jsonb
        where id = ? and ?::boolean returning id)
     update intake_drop set outcome = ?, receipt = ?::jsonb where id = ?`,
    [
      receipt.status,
      json,
      drop.intake_id,
      receipt.status !== 'duplicate',
      receipt.status,
      json,
      drop.id,
    ],
  );
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
      ...(assessmentIds && assessmentIds.length > 0 ? { assessmentIds } : {}),
    },
  });
  return receipt;
}

function storedReceipt(receipt: Receipt | string | null): Receipt {
  return typeof receipt === 'string' ? (JSON.parse(receipt) as Receipt) : (receipt as Receipt);
}

/**
 * The inbox no longer holds the drop's bytes (gone, or given other content). A committed outcome
 * is released once more: its receipt written, its bytes kept if a run still can, other content
 * left in the inbox for a drop of its own. An uncommitted drop is closed: nothing was imported.
 */
async function closeUnread(
  ctx: AppContext,
  drop: DropRow,
  why: 'missing' | 'changed',
): Promise<DropOutcome> {
  if (drop.outcome) {
    const receipt = storedReceipt(drop.receipt);
    await release(ctx, drop, receipt, { replaced: why === 'changed' });
    return { receipt };
  }
  // Gone: taken away by a person, or registered twice in a race with its own release. Changed:
  // rewritten since it was registered, the scan registers the new content as a new file.
  await ctx.db('intake_drop').where({ id: drop.id }).update({ done: true });
  if (why === 'missing') {
    await warnFileMissing(ctx, drop, inboxPath(ctx, drop));
  } else {
    ctx.log.info(
      { dropId: drop.id, ctn: drop.ctn },
      'inbox file changed before it was read: drop closed unread',
    );
  }
  return { skipped: why };
}

/** Runs one import-file job. Safe to run twice: a finished drop is skipped, a committed one only released. */
export async function processDrop(ctx: AppContext, job: DropJob): Promise<DropOutcome> {
  const drop = await loadDrop(ctx, job.dropId);
  if (!drop || drop.done) {
    return { skipped: 'done' };
  }
  const channel = channelOf(drop.channel);

  // Imported, and released, from the job's own copy: what the inbox path holds may change meanwhile.
  const file = await takeRegularFile(
    inboxPath(ctx, drop),
    ctx.config.varDir,
    ctx.config.maxFileBytes,
  );
  try {
    if (!file || file.sha256 !== drop.sha256 || !channel) {
      const why = file ? 'changed' : await whyUnread(inboxPath(ctx, drop));
      return await closeUnread(ctx, drop, why);
    }
    return await processTaken(ctx, drop, file, channel);
  } finally {
    await file?.copy?.close();
  }
}

/** Decides the drop from the file taken (unless its outcome is already committed), then releases it. */
async function processTaken(
  ctx: AppContext,
  drop: DropRow,
  file: TakenFile,
  channel: Channel,
): Promise<DropOutcome> {
  const log = ctx.log.child({
    dropId: drop.id,
    sha256: drop.sha256.slice(0, 12),
    ctn: drop.ctn,
    channel: drop.channel,
  });
  // A committed outcome (crash before release) is only released again, never recomputed.
  const receipt = drop.outcome
    ? storedReceipt(drop.receipt)
    : await decide(ctx, drop, file, channel);
  await release(ctx, drop, receipt, { copy: file.copy });
  log.info({ status: receipt.status, rows: receipt.rows }, 'file processed');
  return { receipt };
}

/**
 * Gives up on a drop that kept failing for an unexpected reason: a `rejected` outcome with
 * FILE_PROCESSING_FAILED, the receipt, the file moved to error/. It is not picked up again unless
 * dropped again. A drop that meanwhile got an outcome keeps it.
 */
export async function quarantineDrop(
  ctx: AppContext,
  job: DropJob,
  cause: string,
): Promise<DropOutcome> {
  const drop = await loadDrop(ctx, job.dropId);
  if (!drop || drop.done) {
    return { skipped: 'done' };
  }
  const result = wholeFileError(
    'FILE_PROCESSING_FAILED',
    frenchMessage('FILE_PROCESSING_FAILED', `(${cause.slice(0, 200)})`),
  );
  const receipt = drop.outcome
    ? storedReceipt(drop.receipt)
    : await commitRejection(ctx, drop, result);
  await release(ctx, drop, receipt);
  ctx.log.error({ dropId: drop.id, status: receipt.status }, 'file quarantined');
  return { receipt };
}
