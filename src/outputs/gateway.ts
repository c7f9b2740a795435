// The one door to the outbox: every file the service writes goes through here, appears under its
// final name only when complete (temporary name, fsync, rename), and never lands outside the outbox.
//
// It is also where "no identity reaches an anonymous output" is enforced (design.md §7, issue 5):
// - `writeAnonymous` scans the bytes and the file name against the roster of the students the
//   file concerns (identity-scan.ts) and refuses the whole file on any hit: nothing is
//   written, not even under a temporary name;
// - `writeNamed` refuses outright when any assessment the file concerns is in state V;
// - `writeConfidential` is the one exception (the correspondence list), only under `confidentiel/`.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError, ERROR_MESSAGES, type ErrorCode } from '../domain/errors.js';
import type { AnonymityState } from '../domain/types.js';
import { scanForIdentities, type Roster, type ScanHit } from './identity-scan.js';
import { buildReceiptWorkbook } from './receipt-xlsx.js';
import { receiptJson, type Receipt } from './receipt.js';

export { scanForIdentities, type Roster, type RosterEntry, type ScanHit } from './identity-scan.js';

/** A file the gateway refused to release. */
export interface BlockedFile {
  relative: string;
  hits: ScanHit[];
}

/** Writes files into the outbox atomically, scanning anonymous ones before release. */
export class Outbox {
  /** Every path written since start, relative to the outbox (for tests and summaries). */
  readonly written: string[] = [];
  /** Every file refused since start (for tests and the operator's report). */
  readonly blocked: BlockedFile[] = [];

  constructor(readonly root: string) {}

  /** Absolute path of a relative outbox path, refusing anything that would escape the outbox. */
  resolve(relative: string): string {
    const target = path.resolve(this.root, relative);
    if (!target.startsWith(path.resolve(this.root) + path.sep)) {
      throw new Error(`outbox path escapes the outbox: ${relative}`);
    }
    return target;
  }

  /** Writes a file that must carry no identity of `roster`; refused whole (OUTPUT_IDENTITY_LEAK) on any hit. */
  async writeAnonymous(relative: string, bytes: Buffer | string, roster: Roster): Promise<string> {
    const hits = scanForIdentities(relative, bytes, roster);
    if (hits.length > 0) {
      this.blocked.push({ relative, hits });
      const parts = [...new Set(hits.map((h) => `${h.part} (${h.kind})`))].join(', ');
      throw new AppError('OUTPUT_IDENTITY_LEAK', `Fichier : ${relative} ; trouvé dans : ${parts}.`);
    }
    return this.release(relative, bytes);
  }

  /** Writes all files only when none shows an identity of `roster`; else writes none and returns the hits. */
  async writeAllAnonymous(
    files: Array<[string, Buffer | string]>,
    roster: Roster,
  ): Promise<ScanHit[]> {
    const hits = files.flatMap(([relative, bytes]) => scanForIdentities(relative, bytes, roster));
    if (hits.length > 0) {
      return hits;
    }
    for (const [relative, bytes] of files) {
      await this.release(relative, bytes);
    }
    return [];
  }

  /** Writes a named file, refused (OUTPUT_NAMED_UNDER_ANONYMITY) when any assessment concerned is in V. */
  async writeNamed(
    relative: string,
    bytes: Buffer | string,
    states: readonly AnonymityState[],
  ): Promise<string> {
    if (states.includes('V')) {
      throw new AppError('OUTPUT_NAMED_UNDER_ANONYMITY', `Fichier : ${relative}.`);
    }
    return this.release(relative, bytes);
  }

  /** Writes the correspondence list: the one identity-bearing file allowed under V, in `confidentiel/`. */
  async writeConfidential(relative: string, bytes: Buffer | string): Promise<string> {
    if (!relative.split('/').includes('confidentiel')) {
      throw new Error(`confidential outputs go under confidentiel/: ${relative}`);
    }
    return this.release(relative, bytes);
  }

  private async release(relative: string, bytes: Buffer | string): Promise<string> {
    const target = this.resolve(relative);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;

    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, target);
    } catch (error: unknown) {
      await rm(temporary, { force: true });
      throw error;
    }

    this.written.push(path.relative(this.root, target));
    return target;
  }
}

/**
 * Writes a receipt (JSON and French workbook) through the scan. A receipt that would show a student
 * under anonymity is written redacted instead (no file name, no cell value, bare messages): the
 * person who dropped the file still learns what went wrong, and the file still leaves the inbox.
 */
export async function writeReceipt(
  outbox: Outbox,
  base: string,
  receipt: Receipt,
  roster: Roster,
): Promise<void> {
  const files = async (r: Receipt, stem: string): Promise<Array<[string, Buffer | string]>> => [
    [`${stem}.receipt.json`, receiptJson(r)],
    [`${stem}.accuse.xlsx`, await buildReceiptWorkbook(r)],
  ];
  // Both are scanned before either is written, so a leak never leaves half a receipt behind.
  const hits = await outbox.writeAllAnonymous(await files(receipt, base), roster);
  if (hits.length === 0) {
    return;
  }
  outbox.blocked.push({ relative: `${base} (accusé masqué)`, hits });
  const stem = path.join(path.dirname(base), `accuse-masque-${receipt.sha256.slice(0, 12)}`);
  const redacted = await files(redactReceipt(receipt), stem);
  for (const [name, bytes] of redacted) {
    await outbox.writeAnonymous(name, bytes, roster);
  }
}

/** The receipt without anything read from the file: its name, cell values and message details. */
function redactReceipt(receipt: Receipt): Receipt {
  return {
    ...receipt,
    file: `fichier ${receipt.sha256.slice(0, 12)} (nom masqué : épreuve sous anonymat)`,
    errors: receipt.errors.map((e) => ({
      row: e.row,
      column: e.column,
      code: e.code,
      message: e.code in ERROR_MESSAGES ? ERROR_MESSAGES[e.code as ErrorCode] : e.code,
    })),
    summary: 'Accusé masqué : le fichier mentionnait un étudiant d’une épreuve sous anonymat.',
  };
}

/** A file-name-safe slug of a code or label (ASCII letters, digits, dash). */
export function slug(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'x'
  );
}
