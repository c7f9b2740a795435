// What a receipt's summary says of the errors and notices it does not list one by one: the errors
// are to be corrected (those listed first), a notice only to be checked; never one sentence for
// both, which told people to correct grades that were rightly replaced.
import { describe, expect, it } from 'vitest';

import { ALIAS_NOTICES_LISTED, noteAlias, settle } from '../../src/channels/settle.js';
import { ErrorList, LISTED_ERRORS } from '../../src/channels/rows.js';
import type { ChannelInput } from '../../src/channels/types.js';
import { parseGrade } from '../../src/domain/grades.js';
import { type Receipt, receiptJson } from '../../src/outputs/receipt.js';

/** What settle reads of a file's input: its channel and whether that channel imports valid rows. */
function inputOn(channel: string, partialChannels: string[]): ChannelInput {
  return { channel, ctx: { config: { partialChannels } } } as unknown as ChannelInput;
}

/** `count` unknown numbers, one row each from row 2. */
function addUnknown(errors: ErrorList, count: number): void {
  for (let row = 2; row < 2 + count; row += 1) {
    errors.add(row, 'N° anonyme', 'NUMBER_UNKNOWN', String(row));
  }
}

/** Absences typed « abs » from row `from`, each a GRADE_ALIAS_READ notice (100 listed). */
function noteAbsences(errors: ErrorList, from: number, count: number): void {
  const parsed = parseGrade({ raw: 'abs' }, { scale: 20 });
  for (let row = from; row < from + count; row += 1) {
    noteAlias(errors, row, 'Note', parsed);
  }
}

/** The summary's sentence on errors not listed, as the person reads it. */
const errorsBeyond = (count: number): string =>
  `${count} erreur(s) de plus non détaillée(s) ici : corrigez d'abord celles de la liste, ` +
  'les autres seront signalées au dépôt suivant.';

/** The summary's sentence on notices not listed. */
const noticesBeyond = (count: number): string =>
  `${count} avis de plus non détaillé(s) ici : un avis ne demande aucune correction, ` +
  'seulement une vérification.';

describe('the summary of a receipt with more than it lists', () => {
  it('counts the errors and the notices not listed apart, each with its own advice', () => {
    const errors = new ErrorList();
    addUnknown(errors, LISTED_ERRORS + 7);
    noteAbsences(errors, LISTED_ERRORS + 9, ALIAS_NOTICES_LISTED + 3);

    const result = settle(inputOn('notes', []), LISTED_ERRORS + 110, 0, errors, false, 'note');

    expect(result.status).toBe('rejected');
    expect(result.summary).toContain(` ${errorsBeyond(7)} ${noticesBeyond(3)}`);
    expect(result.summary).not.toContain('erreur(s) ou avis');
  });

  it('says nothing of notices when only errors are beyond the list', () => {
    const errors = new ErrorList();
    addUnknown(errors, LISTED_ERRORS + 25);
    errors.note(LISTED_ERRORS + 30, 'N° anonyme', 'GRADE_REPLACED', 'K1');
    const partial = inputOn('lecteur-optique', ['lecteur-optique']);

    const result = settle(partial, LISTED_ERRORS + 26, 1, errors, false, 'note');

    expect(result.status).toBe('partial');
    expect(result.summary).toBe(
      `1 note(s) enregistrée(s) sur ${LISTED_ERRORS + 26} ligne(s) lue(s). ` +
        `${LISTED_ERRORS + 25} ligne(s) refusée(s) (voir les erreurs) : corrigez-les puis déposez de ` +
        `nouveau le fichier corrigé ; les notes déjà enregistrées restent telles quelles. ${errorsBeyond(25)}`,
    );
  });

  it('asks no correction of a clean file whose notices are beyond the list', () => {
    const errors = new ErrorList();
    noteAbsences(errors, 2, ALIAS_NOTICES_LISTED + 12);

    const result = settle(inputOn('notes', []), 112, 112, errors, false, 'note');

    expect(result.status).toBe('imported');
    expect(result.summary).toBe(
      `112 note(s) enregistrée(s) sur 112 ligne(s) lue(s). ${noticesBeyond(12)}`,
    );
    expect(result.summary).not.toMatch(/corrigez|erreur/);
  });

  it('marks each item of the receipt, in its JSON, as the error or the notice it is', () => {
    const errors = new ErrorList();
    errors.add(3, 'Note', 'GRADE_OUT_OF_RANGE', '25');
    noteAbsences(errors, 4, 1);
    errors.note(5, 'N° anonyme', 'GRADE_REPLACED', 'K5', 'Avant : 12,00 ; maintenant : 14,50.');
    const partial = inputOn('notes', ['notes']);
    const result = settle(partial, 3, 2, errors, false, 'note');
    const receipt: Receipt = {
      file: 'td.csv',
      sha256: 'a'.repeat(64),
      ctn: 'A',
      channel: 'notes',
      status: result.status,
      receivedAt: '2027-01-12T09:30:00Z',
      processedAt: '2027-01-12T09:31:00Z',
      rows: result.rows,
      errors: result.errors,
      summary: result.summary,
    };

    const parsed = JSON.parse(receiptJson(receipt)) as Receipt;

    expect(parsed.status).toBe('partial');
    expect(parsed.errors.map((e) => [e.row, e.code, e.kind])).toEqual([
      [3, 'GRADE_OUT_OF_RANGE', 'error'],
      [4, 'GRADE_ALIAS_READ', 'notice'],
      [5, 'GRADE_REPLACED', 'notice'],
    ]);
  });
});
