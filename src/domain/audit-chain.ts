// Tamper-evident audit log (design.md §7): each entry's hash covers the previous hash, so an
// edited, deleted or reordered entry breaks the chain from that point on.

import { createHash } from 'node:crypto';

import { AppError } from './errors.js';

/** One audited event, as hashed. */
export interface AuditEntry {
  seq: number;
  /** ISO timestamp. */
  at: string;
  actor: string;
  ctn: string | null;
  action: string;
  subject: Record<string, unknown>;
}

/** An audit entry as stored, with its link to the previous one. */
export type ChainedAuditEntry = AuditEntry & { prevHash: string; hash: string };

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Whether an object property is left out, as JSON.stringify leaves it out. */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** JSON with object keys sorted at every level, so equal data always gives equal text. */
export function canonicalJson(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'toJSON' in value) {
    const toJSON = value.toJSON;
    if (typeof toJSON === 'function') {
      return canonicalJson((toJSON as () => unknown).call(value));
    }
  }
  if (typeof value === 'bigint') {
    throw new AppError('INVALID_ARGUMENT', 'Entier long non sérialisable.');
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (isOmitted(item) ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .sort()
      .filter((key) => !isOmitted(record[key]))
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${fields.join(',')}}`;
  }

  // Primitives: strings, finite numbers, booleans and null as JSON writes them; NaN becomes null.
  return JSON.stringify(value ?? null) ?? 'null';
}

/** The hash of `entry` chained after `prevHash` (sha256 hex). */
export function chainHash(prevHash: string, entry: AuditEntry): string {
  // Only the entry's own fields: a stored row also carries prevHash and hash.
  const { seq, at, actor, ctn, action, subject } = entry;
  const body = canonicalJson({ seq, at, actor, ctn, action, subject });

  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/** Checks stored rows, in seq order from the first entry; names the first row that breaks. */
export function verifyChain(
  rows: readonly ChainedAuditEntry[],
): { ok: true; count: number } | { ok: false; brokenAtSeq: number } {
  let prevHash = GENESIS_HASH;
  let expectedSeq = rows[0]?.seq;

  for (const row of rows) {
    const intact =
      row.seq === expectedSeq && row.prevHash === prevHash && row.hash === chainHash(prevHash, row);
    if (!intact) {
      return { ok: false, brokenAtSeq: row.seq };
    }
    prevHash = row.hash;
    expectedSeq = row.seq + 1;
  }

  return { ok: true, count: rows.length };
}
