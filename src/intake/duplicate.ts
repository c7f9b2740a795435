// When the same bytes come again they are a duplicate: nothing is imported a second time (a copy
// dropped later must not undo corrections made since). The receipt names the drop that imported
// them (not the name they were first registered under: with several workers, another copy may
// have imported first), and says so when the new name designates other assessments than the
// importing drop's name did. With one number per student for a whole template, a file's name
// tells which of the template's assessments it is for (channels/numbers.ts): the same grades
// dropped as `notes-7WGB4.csv` after `notes-7WGA4.csv` recorded nothing for 7WGB4, and the
// receipt said only « déjà reçu » (trial). Importing them anew instead was tried and undid a typed
// correction where the content, not the name, decides the assessment (a returned workbook).
import type { Knex } from 'knex';

import { templateObjectCodes } from '../channels/assessment-column.js';
import { frenchDateTime } from '../outputs/french.js';

/** The drop that imported a content (first one in, imported or imported in part). */
export interface ImportingDrop {
  file_name: string;
  dropped_at: string | Date;
}

/** The drops that imported the content of intake `intakeId`, first one first. */
export async function importingDrops(
  trx: Knex.Transaction,
  intakeId: number,
): Promise<ImportingDrop[]> {
  return (await trx('intake_drop')
    .where({ intake_id: intakeId })
    .whereIn('outcome', ['imported', 'partial'])
    .orderBy('id')
    .select('file_name', 'dropped_at')) as ImportingDrop[];
}

/** The object codes of the CTN's assessments under anonymity that a file name contains. */
function codesIn(name: string, codes: readonly string[]): string[] {
  const upper = name.toUpperCase();
  return codes.filter((code) => upper.includes(code)).sort();
}

/**
 * The object codes `name` designates (among the CTN's assessments under anonymity) that no
 * importing drop's name designated; empty when it names none of its own.
 */
export async function otherNamedCodes(
  trx: Knex.Transaction,
  ctn: string,
  name: string,
  importers: readonly ImportingDrop[],
): Promise<string[]> {
  const codes = await templateObjectCodes(trx, ctn);
  const before = new Set(importers.flatMap((drop) => codesIn(drop.file_name, codes)));
  return codesIn(name, codes).filter((code) => !before.has(code));
}

/** The import a duplicate repeats, as its receipt tells it. */
export interface FirstImport {
  at: string | Date;
  /** Printable name of the importing drop. */
  name: string;
  partial: boolean;
  /** Grades it left to later hand-ins (GRADE_NEWER_KEPT). */
  notWritten: number;
}

/**
 * What a duplicate's receipt says: when and under which name the same bytes were imported, and
 * the assessments its own name designates that the importing drop's did not (`otherCodes`).
 */
export function duplicateSummary(first: FirstImport, otherCodes: readonly string[]): string {
  const how = first.partial ? 'importé en partie' : 'importé';
  const left =
    first.notWritten > 0
      ? ` Attention : ${first.notWritten} de ses notes n’avaient pas été enregistrées, une note ` +
        'plus récente étant gardée (voir son accusé de réception) ; ce nouveau dépôt n’y change rien.'
      : '';
  const codes = otherCodes.join(', ');
  const named =
    codes === ''
      ? ''
      : ` Son nom désigne ${codes}, que ne désignait pas le nom du fichier importé : rien n’a été ` +
        `enregistré pour ${codes} par ce dépôt. Si ces notes sont aussi celles de ${codes}, ` +
        'ajoutez au fichier une colonne « Code épreuve » qui le dit, puis déposez-le : un fichier ' +
        'modifié n’est pas un doublon.';
  return (
    `Ce fichier a déjà été reçu le ${frenchDateTime(new Date(first.at).toISOString())} sous le nom ` +
    `« ${first.name} » et ${how} : rien n’a été importé une seconde fois.${left} Ce dépôt ne ` +
    'rétablit pas ses notes si d’autres, remises depuis (fichier ou saisie), les ont remplacées : ' +
    'pour rétablir ou corriger une note, saisissez-la (anonymat grade … --replace) ou déposez un ' +
    `fichier modifié.${named}`
  );
}
