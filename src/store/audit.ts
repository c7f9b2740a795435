// Append-only, hash-chained audit log (design.md §7). Every entry is chained to the previous one;
// the table itself refuses UPDATE and DELETE (trigger in migration 001).
import type { Knex } from 'knex';
import { chainHash, GENESIS_HASH, verifyChain, type AuditEntry } from '../domain/audit-chain.js';

/** What one audit entry records: who did what, on which CTN, with the details that matter. */
export interface AuditEvent {
  actor: string;
  ctn: string | null;
  action: string;
  subject: Record<string, unknown>;
}

// Serialises appends so the chain has no fork; released at commit.
const AUDIT_LOCK = 7_310_001;

/** Appends one entry to the chain inside the caller's transaction. */
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

  await trx('audit_log').insert({
    ...entry,
    subject: JSON.stringify(entry.subject),
    prev_hash: prevHash,
    hash,
  });
}

/** Reads the whole log and checks its chain. */
export async function verifyAudit(db: Knex): Promise<ReturnType<typeof verifyChain>> {
  const rows = (await db('audit_log').orderBy('seq')) as Array<{
    seq: number | string;
    at: string;
    actor: string;
    ctn: string | null;
    action: string;
    subject: Record<string, unknown> | string;
    prev_hash: string;
    hash: string;
  }>;
  return verifyChain(
    rows.map((row) => ({
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
    })),
  );
}
