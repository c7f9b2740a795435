// A column another channel reads, in a file dropped where it is not read: a jury file's « Note »,
// a grade file's « Résultat ». The file is imported by what its folder reads; the other column is
// named on the receipt with the folder that takes it, rather than left out without a word.
import { cellText, matchesSpec, type ColumnSpec, type HeaderMatch } from '../readers/columns.js';
import type { ErrorList } from './rows.js';

/** The result column of a jury file (jury/). */
export const JURY_RESULT_COLUMN: ColumnSpec = {
  key: 'result',
  synonyms: ['Résultat', 'résultat jury', 'décision', 'COD_TRE', 'code résultat'],
  required: true,
};

/** What a notice says of the folder taking a column: grades go to notes/, decisions to jury/. */
export const OTHER_FOLDER = {
  notes: '(les notes se déposent dans le dossier notes/ du CTN)',
  jury: '(les décisions de jury se déposent dans le dossier jury/ du CTN)',
} as const;

/**
 * Notes each heading of the header row that `other` names and the file's own columns do not use:
 * the column is not read here, and the notice says which folder reads it.
 */
export function noteOtherChannelColumns(
  match: HeaderMatch,
  other: ColumnSpec,
  folder: keyof typeof OTHER_FOLDER,
  errors: ErrorList,
): void {
  const header = match.sheet.rows[match.headerRowIndex];
  if (!header) {
    return;
  }
  const used = new Set(Object.values(match.columns));
  header.cells.forEach((cell, index) => {
    const heading = cellText(cell).trim();
    if (!used.has(index) && heading !== '' && matchesSpec(heading, other)) {
      errors.note(header.number, heading, 'COLUMN_OTHER_CHANNEL', undefined, OTHER_FOLDER[folder]);
    }
  });
}
