// What the service reads back from a grade-entry workbook it wrote (grade-entry-workbook.ts): the
// names of its sheets, the row of its headers and the fingerprint of its hidden sheet. Apart from
// the writer, so that a worker reading returned workbooks does not load exceljs to know them.
import type { WorkbookFingerprint } from '../domain/fingerprint.js';
import { restoreText } from './safe-text.js';

/** Name of the visible sheet. */
export const ENTRY_SHEET_NAME = 'Saisie des notes';

/** Name of the very hidden sheet holding the fingerprint. */
export const FINGERPRINT_SHEET_NAME = '_anonymat';

/** Row of the column headers (title, three instruction lines, a blank row); numbers follow. */
export const ENTRY_HEADER_ROW = 6;

/** A fingerprint and its MAC, as written into and read back from the hidden sheet. */
export interface SignedFingerprint {
  fields: WorkbookFingerprint;
  mac: string;
}

/** Integer value of a fingerprint field, or null when it is not a plain non-negative integer. */
function integerField(value: string | undefined): number | null {
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : null;
}

/**
 * Parses the key/value rows of the hidden `_anonymat` sheet back into the fingerprint and its MAC.
 * Null when a field is missing, repeated or malformed, or the format is not one this service
 * writes; unknown keys are ignored (the MAC covers the fields that matter).
 */
export function readFingerprintSheet(rows: Array<[string, string]>): SignedFingerprint | null {
  const values = new Map<string, string>();
  for (const [key, value] of rows) {
    if (values.has(key)) {
      return null;
    }
    values.set(key, restoreText(value));
  }

  const year = integerField(values.get('year'));
  const templateId = integerField(values.get('templateId'));
  const assessmentId = integerField(values.get('assessmentId'));
  const ctn = values.get('ctn');
  const templateCode = values.get('templateCode');
  const numbersDigest = values.get('numbersDigest');
  const mac = values.get('mac');

  if (values.get('format') !== 'anonymat-bordereau/1' || year === null || templateId === null) {
    return null;
  }
  if (assessmentId === null || !ctn || !templateCode || !numbersDigest || !mac) {
    return null;
  }

  return {
    fields: {
      format: 'anonymat-bordereau/1',
      ctn,
      year,
      templateId,
      templateCode,
      assessmentId,
      numbersDigest,
    },
    mac,
  };
}
