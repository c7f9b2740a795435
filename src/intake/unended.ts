// A text file whose last line has no line break was taken once it held still the longer delay
// (stillness.ts): a copy that died in the middle of its last row then looks like a finished file,
// and « 15 » cut to « 1 » is imported as 1 (trial). Its receipt says so, so that the office looks
// at that last row, rather than importing it silently.
import type { ChannelResult } from '../channels/types.js';
import { frenchMessage } from '../domain/errors.js';
import type { ByteSource } from '../readers/byte-source.js';
import { looksUnfinished } from '../readers/sniff.js';
import { EOCD_MAX_BYTES } from '../readers/zip-guard.js';

const HEAD_BYTES = 8;

/**
 * Whether the file in `copy` looks unfinished as the scan judges it (sniff.ts): for a text file, no
 * line break at its end. The tail read holds a zip's end record, so a workbook is judged whole.
 */
function endsUnbroken(copy: ByteSource): boolean {
  if (copy.size === 0) {
    return false;
  }
  const head = Buffer.alloc(Math.min(HEAD_BYTES, copy.size));
  const tail = Buffer.alloc(Math.min(EOCD_MAX_BYTES, copy.size));
  copy.readInto(head, 0);
  copy.readInto(tail, copy.size - tail.length);
  return looksUnfinished(head, tail);
}

/** `result` with a notice, and a sentence of its summary, when its file's last line is not ended. */
export function withUnendedNotice(result: ChannelResult, copy: ByteSource): ChannelResult {
  if (result.rows.read === 0 || !endsUnbroken(copy)) {
    return result;
  }
  const notice = {
    row: null,
    column: null,
    code: 'FILE_END_WITHOUT_LINE_BREAK' as const,
    message: frenchMessage('FILE_END_WITHOUT_LINE_BREAK'),
    kind: 'notice' as const,
  };
  return {
    ...result,
    errors: [notice, ...result.errors],
    summary:
      `${result.summary} La dernière ligne du fichier ne se termine pas par un saut de ligne : ` +
      'vérifiez qu’elle est complète (voir les avis).',
  };
}
