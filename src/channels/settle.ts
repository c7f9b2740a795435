// How a keyed file (grades, optical reader, jury) is settled for its receipt: its status (refused
// whole, partial, imported), its counts and its summary, with what lies beyond the receipt's list;
// and the notices of absence codes typed another way, which a refused row withdraws.
import { aliasOf, aliasRead, type ParsedGrade } from '../domain/grades.js';
import type { Knex } from 'knex';
import type { ErrorList } from './rows.js';
import type { ChannelInput, ChannelResult } from './types.js';

/** Settles the status: a state refusal voids the file; other errors void it unless the channel accepts valid rows. */
export function settle(
  input: ChannelInput,
  read: number,
  kept: number,
  errors: ErrorList,
  stateRefusal: boolean,
  what: string,
): ChannelResult {
  const partialAllowed = input.ctx.config.partialChannels.includes(input.channel) && !stateRefusal;
  withdrawRefusedAliases(errors);
  // Notices (a rounded score, a grid read differently) are listed but never make a file partial.
  const failed = errors.errorCount > 0;
  const unlisted = unlistedSentences(errors);
  if (failed && !partialAllowed) {
    // A refusal of the file as a whole lists no row: it says what to change in the file.
    const fix =
      errors.rows.size > 0
        ? 'Corrigez les lignes listées'
        : "Corrigez le fichier comme l'indique l'erreur listée";
    return {
      status: 'rejected',
      rows: { read, imported: 0, rejected: Math.max(errors.rows.size, 1) },
      errors: errors.items,
      summary: `Fichier refusé : aucune ${what} enregistrée. ${fix} puis déposez-le à nouveau.${unlisted}`,
    };
  }
  // A file of which no row could be imported is refused, whatever channel it came by.
  const status = !failed ? 'imported' : kept > 0 ? 'partial' : 'rejected';
  return {
    status,
    rows: { read, imported: kept, rejected: errors.rows.size },
    errors: errors.items,
    summary:
      // A file with nothing to record (a workbook returned blank) says so first (a trial read
      // « Importé » as grades taken).
      (kept === 0 && read > 0 && !failed
        ? `Aucune ${what} enregistrée : ${read} ligne(s) lue(s), aucune à enregistrer.`
        : `${kept} ${what}(s) enregistrée(s) sur ${read} ligne(s) lue(s).`) +
      (status === 'partial' ? partialSentence(errors.rows.size, what) : '') +
      unlisted,
  };
}

/**
 * What a partly imported file's receipt asks: correct the rows refused and drop the file again;
 * what it recorded is left as it is (an unchanged row is never rewritten).
 */
function partialSentence(refused: number, what: string): string {
  return (
    ` ${refused} ligne(s) refusée(s) (voir les erreurs) : corrigez-les puis déposez de nouveau ` +
    `le fichier corrigé ; les ${what}s déjà enregistrées restent telles quelles.`
  );
}

/** The assessments of `ids` as a person names them (`MAT101 session 1`), by code and session. */
export async function assessmentNames(
  trx: Knex.Transaction,
  ids: readonly number[],
): Promise<string[]> {
  const found = (await trx.raw(
    `select o.code, a.session from assessment a join teaching_object o on o.id = a.object_id
     where a.id = any(?::int[]) order by o.code, a.session`,
    [[...ids]],
  )) as { rows: Array<{ code: string; session: number }> };
  return found.rows.map((a) => `${a.code} session ${a.session}`);
}

/** The receipt's sentence naming the assessments a file's rows were matched to ('' for none). */
export function assessmentsSentence(names: readonly string[]): string {
  return names.length > 0 ? ` Épreuve(s) : ${names.join(', ')}.` : '';
}

/**
 * What the summary says of the errors and notices beyond the receipt's list, each in its own
 * words: the errors are corrected in turn (those listed first, the others come back at the next
 * drop), a notice asks for no correction.
 */
function unlistedSentences(errors: ErrorList): string {
  const sentences: string[] = [];
  if (errors.unlistedErrors > 0) {
    sentences.push(
      `${errors.unlistedErrors} erreur(s) de plus non détaillée(s) ici : corrigez d'abord celles ` +
        'de la liste, les autres seront signalées au dépôt suivant.',
    );
  }
  if (errors.unlistedNotices > 0) {
    sentences.push(
      `${errors.unlistedNotices} avis de plus non détaillé(s) ici : un avis ne demande aucune ` +
        'correction, seulement une vérification.',
    );
  }
  return sentences.map((sentence) => ` ${sentence}`).join('');
}

/** Alias notices listed per file; the others are counted among those not detailed. */
export const ALIAS_NOTICES_LISTED = 100;
const aliasNotices = new WeakMap<ErrorList, number>();

/**
 * Lists, as a notice, a grade typed as another spelling of an absence code: `abs` is recorded as
 * ABI (issue 4), and whoever meant a justified absence must see it to correct it.
 */
export function noteAlias(
  errors: ErrorList,
  row: number,
  column: string,
  parsed: ParsedGrade,
): void {
  const alias = aliasOf(parsed);
  if (!alias) {
    return;
  }
  const hint =
    alias.code === 'ABI'
      ? " : si l'absence est justifiée, corrigez en ABJ et déposez le fichier à nouveau."
      : '.';
  // A file where every absence is typed « abs » must not fill the receipt's list with notices:
  // the errors found after them would be counted but not listed.
  const listed = aliasNotices.get(errors) ?? 0;
  aliasNotices.set(errors, listed + 1);
  if (listed >= ALIAS_NOTICES_LISTED) {
    errors.countUnlistedNotices(1);
    return;
  }
  const detail = `${aliasRead(alias.typed, alias.code)}${hint}`;
  errors.note(row, column, 'GRADE_ALIAS_READ', alias.typed, detail);
}

/**
 * Withdraws the alias notice of a row refused for another reason (its number typed twice, found
 * once every row was read): « lu comme ABI » would say a grade was taken where none is.
 */
function withdrawRefusedAliases(errors: ErrorList): void {
  const kept = errors.items.filter(
    (e) => e.code !== 'GRADE_ALIAS_READ' || e.row === null || !errors.rows.has(e.row),
  );
  if (kept.length < errors.items.length) {
    errors.items.splice(0, errors.items.length, ...kept);
  }
}
