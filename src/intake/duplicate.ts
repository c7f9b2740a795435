// When the same bytes come again: a duplicate names the drop that imported them (not the name
// they were first registered under: with several workers, another copy may have imported first),
// and is no duplicate when its name names other assessments. With one number per student for a
// whole template, a grade file's name tells which of the template's assessments it is for
// (channels/numbers.ts): the same grades dropped as `notes-7WGB4.csv` after `notes-7WGA4.csv` are
// 7WGB4's grades, and were recorded nowhere when taken for a copy of the first file (trial).
import type { Knex } from 'knex';

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
function codesIn(name: string, codes: readonly string[]): string {
  const upper = name.toUpperCase();
  return codes
    .filter((code) => upper.includes(code))
    .sort()
    .join(' ');
}

/**
 * Whether `name` names other assessments than every importing drop's name did: then the same
 * bytes are another hand-in (for the assessments it names), imported as such.
 */
export async function namesOtherAssessments(
  trx: Knex.Transaction,
  ctn: string,
  name: string,
  importers: readonly ImportingDrop[],
): Promise<boolean> {
  const rows = (await trx('anonymity_template as t')
    .join('template_assessment as ta', 'ta.template_id', 't.id')
    .join('assessment as a', 'a.id', 'ta.assessment_id')
    .join('teaching_object as o', 'o.id', 'a.object_id')
    .where('t.ctn', ctn)
    .distinct('o.code')) as Array<{ code: string }>;
  const codes = rows.map((r) => r.code.toUpperCase()).filter((code) => code !== '');
  const named = codesIn(name, codes);
  return named !== '' && importers.every((drop) => codesIn(drop.file_name, codes) !== named);
}
