// Keyed fingerprint hidden in an anonymous grade-entry workbook (design.md §5), so a returned
// workbook is recognised as ours, for this assessment and these numbers, and not forged.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import { canonicalJson } from './audit-chain.js';
import { AppError } from './errors.js';

/** What a grade-entry workbook says about itself. */
export interface WorkbookFingerprint {
  format: 'anonymat-bordereau/1';
  ctn: string;
  year: number;
  templateId: number;
  templateCode: string;
  assessmentId: number;
  numbersDigest: string;
}

/** sha256 hex of the numbers, sorted and joined by newlines: the order of rows does not matter. */
export function numbersDigest(numbers: readonly string[]): string {
  return createHash('sha256')
    .update([...numbers].sort().join('\n'))
    .digest('hex');
}

/** HMAC-SHA256 hex of the fingerprint under the service's key. */
export function signFingerprint(fp: WorkbookFingerprint, key: string): string {
  if (key === '') {
    // An empty key would let anyone forge a workbook; configuration must provide one.
    throw new AppError('INVALID_ARGUMENT', 'Clé de signature des bordereaux vide.');
  }

  return createHmac('sha256', key).update(canonicalJson(fp)).digest('hex');
}

/** True when `mac` is the signature of `fp` under `key` (constant-time comparison). */
export function verifyFingerprint(fp: WorkbookFingerprint, mac: string, key: string): boolean {
  // The MAC comes from a file: anything but 64 hex digits is simply not ours.
  if (!/^[0-9a-fA-F]{64}$/.test(mac)) {
    return false;
  }

  const expected = Buffer.from(signFingerprint(fp, key), 'hex');

  return timingSafeEqual(expected, Buffer.from(mac, 'hex'));
}
