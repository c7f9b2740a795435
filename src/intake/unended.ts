// A text file whose last line has no line break was taken once it held still the longer delay
// (stillness.ts): a copy that died in the middle of its last row then looks like a finished file,
// and « 15 » cut to « 1 » is imported as 1 (trial). Its receipt says so, so that the office looks
// at that last row, rather than importing it silently.
import type { ChannelResult } from '../channels/types.js';
import { frenchMessage } from '../domain/errors.js';
import type { ByteSource } from '../readers/byte-source.js';
import { END_PROBE, looksUnfinished } from '../readers/sniff.js';

/**
 * Whether the file in `copy` looks unfinished as the scan judges it, on the same first and last
 * bytes (END_PROBE, sniff.ts): for a text file, no line break at its end; a workbook, whole.
 */
function endsUnbroken(copy: ByteSource): boolean {
  if (copy.size === 0) {
    return false;
  }
  const head = Buffer.alloc(Math.min(END_PROBE.headBytes, copy.size));
  const tail = Buffer.alloc(Math.min(END_PROBE.tailBytes, copy.size));
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
