// A returned grade-entry workbook checked against the one sent (issue 6): its signed fingerprint
// holds the digest of the numbers sent, so a row deleted, or a number typed over, shows as a number
// of the sent list missing from the returned one. Added or renumbered rows are already refused by
// the resolution (unknown, not concerned, duplicated); this lists what disappeared.
import { numbersDigest } from '../domain/fingerprint.js';
import { numbersOf } from '../services/holders.js';
import { loadTemplateById } from '../services/lookups.js';
import type { ErrorList } from './rows.js';
import type { ChannelInput } from './types.js';

/** What a returned workbook's fingerprint says about what was sent. */
export interface SentWorkbook {
  templateId: number;
  assessmentId: number;
  numbersDigest: string;
}

/** Lists, as errors of the file, the numbers sent in the workbook and missing from those returned (normalised). */
export async function reportMissingRows(
  input: ChannelInput,
  numbers: ReadonlySet<string> | null,
  sent: SentWorkbook | undefined,
  errors: ErrorList,
): Promise<void> {
  if (!sent || !numbers) {
    return;
  }
  const returned = new Set([...numbers].filter(Boolean));
  if (numbersDigest([...returned]) === sent.numbersDigest) {
    return;
  }

  const template = await loadTemplateById(input.trx, sent.templateId);
  const assessment = template.assessments.find((a) => a.info.assessmentId === sent.assessmentId);
  const current = assessment ? await numbersOf(input.trx, template, assessment) : [];
  // Only a list with the signed digest is the list that was sent: after newcomers were numbered,
  // the missing rows cannot be told apart and the resolution's own errors stand alone.
  if (numbersDigest(current) !== sent.numbersDigest) {
    return;
  }
  for (const number of current.filter((n) => !returned.has(n))) {
    errors.add(null, 'N° anonyme', 'WORKBOOK_ROW_MISSING', number);
  }
}
