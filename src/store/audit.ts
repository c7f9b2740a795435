// Append-only, hash-chained audit log (design.md §7). Every entry is chained to the previous one;
// the table itself refuses UPDATE, DELETE and TRUNCATE (triggers in migrations 001 and 002), and
// the service role may not run them (migration 002). The head of the chain (last seq and hash) is
// also kept in `audit_head`, updated in the same transaction, so that deleting the last entries,
// which leaves the remaining rows a valid chain, is still detected.
import type { Knex } from 'knex';
import {
  chainHash,
  GENESIS_HASH,
  verifyChain,
  type AuditEntry,
  type ChainedAuditEntry,
} from '../domain/audit-chain.js';

/** What one audit entry records: who did what, on which CTN, with the details that matter. */
export interface AuditEvent {
  actor: string;
  ctn: string | null;
  action: string;
  subject: Record<string, unknown>;
}

/** Outcome of a verification: intact with its count, or where it breaks and why. */
export type AuditVerdict =
  { ok: true; count: number } | { ok: false; brokenAtSeq: number; reason: 'chain' | 'head' };

// Serialises appends so the chain has no fork; released at commit.
const AUDIT_LOCK = 7_310_001;

/** Appends one entry to the chain inside the caller's transaction, moving the head with it. */
export async function appendAudit(trx: Knex.Transaction, event: AuditEvent): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(?)', [AUDIT_LOCK]);
  const last = (await trx('audit_log').orderBy('seq', 'desc').first('seq', 'hash')) as
    { seq: number | string; hash: string } | undefined;

  const entry: AuditEntry = {
    seq: last ? Number(last.seq) + 1 : 1,
    at: new Date().toISOString(),
    actor: event.actor,
    ctn: event.ctn,
    action: event.action,
    subject: event.subject,
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = chainHash(prevHash, entry);

  // One statement for the entry and the head: an import appends under the write locks of its
  // assessments, where every round trip also keeps the other writers waiting.
  await trx.raw(
    `with logged as (
       insert into audit_log (seq, at, actor, ctn, action, subject, prev_hash, hash)
       values (?, ?, ?, ?, ?, ?::jsonb, ?, ?) returning seq, hash)
     insert into audit_head (id, seq, hash) select 1, seq, hash from logged
     on conflict (id) do update set seq = excluded.seq, hash = excluded.hash`,
    [
      entry.seq,
      entry.at,
      entry.actor,
      entry.ctn,
      entry.action,
      JSON.stringify(entry.subject),
      prevHash,
      hash,
    ],
  );
}

/** Appends one entry in a transaction of its own: committed once the promise resolves. */
export function commitAudit(db: Knex, event: AuditEvent): Promise<void> {
  return db.transaction((trx) => appendAudit(trx, event));
}

interface AuditRow {
  seq: number | string;
  at: string;
  actor: string;
  ctn: string | null;
  action: string;
  subject: Record<string, unknown> | string;
  prev_hash: string;
  hash: string;
}

function toEntry(row: AuditRow): ChainedAuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    ctn: row.ctn,
    action: row.action,
    subject:
      typeof row.subject === 'string'
        ? (JSON.parse(row.subject) as Record<string, unknown>)
        : row.subject,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Reads the whole log, checks its chain, then checks it ends where the head says. */
export async function verifyAudit(db: Knex): Promise<AuditVerdict> {
  const rows = ((await db('audit_log').orderBy('seq')) as AuditRow[]).map(toEntry);
  const chain = verifyChain(rows);
  if (!chain.ok) {
    return { ...chain, reason: 'chain' };
  }
  if (rows.length > 0 && rows[0]?.seq !== 1) {
    // Entries removed from the start: the chain must begin at seq 1 from the genesis hash.
    return { ok: false, brokenAtSeq: 1, reason: 'chain' };
  }

  const head = (await db('audit_head').where({ id: 1 }).first('seq', 'hash')) as
    { seq: number | string; hash: string } | undefined;
  const last = rows[rows.length - 1];
  const headSeq = head ? Number(head.seq) : 0;
  if (headSeq !== (last?.seq ?? 0) || (last !== undefined && head?.hash !== last.hash)) {
    return { ok: false, brokenAtSeq: Math.min(headSeq, (last?.seq ?? 0) + 1), reason: 'head' };
  }
  return { ok: true, count: rows.length };
}
