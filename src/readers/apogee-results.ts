// Values of an Apogée maquette checked against the file's own XX-APO_TYP_RES-XX lists: a result
// (or an absence code in a grade column) that the lists do not hold would be refused by Apogée on
// upload, so it is caught here, on reading and before writing.
import type { Maquette, MaquetteColumn } from './apogee-maquette.js';

/** A decimal value as Apogée writes it (`12,5`), or nothing: anything else in a value field is a code. */
const APOGEE_DECIMAL = /^-?\d+(?:,\d+)?$/;

/** Whether a value may stand in a column: a decimal in a grade column, else a code of the file's lists. */
export function isAllowedValue(maquette: Maquette, column: MaquetteColumn, value: string): boolean {
  const text = value.trim();
  const codes = maquette.resultCodeLists.flat();
  if (text === '' || codes.length === 0 || (column.type !== 'R' && APOGEE_DECIMAL.test(text))) {
    return true;
  }
  return codes.includes(text);
}

/** What a receipt says in place of the list of accepted result codes when there is none. */
const NO_ACCEPTED_CODE =
  "aucun code résultat n'est admis pour l'instant, ni configuré (resultCodes de config/anonymat.json) " +
  "ni lu d'une maquette Apogée\u00a0: demandez à l'administrateur du service de les configurer, ou " +
  "déposez dans le dossier referentiel la maquette Apogée de l'épreuve, puis déposez ce fichier à nouveau";

/**
 * The accepted result codes as a receipt names them (« codes admis : ADM, AJ »), without a final
 * full stop; with none, that none is accepted and what to do, never an empty list.
 */
export function acceptedCodesText(codes: readonly string[]): string {
  return codes.length > 0 ? `codes admis\u00a0: ${codes.join(', ')}` : NO_ACCEPTED_CODE;
}

/** Every code of the file's XX-APO_TYP_RES-XX lists, once, sorted: the codes a receipt names as allowed. */
export function allowedCodes(maquette: Maquette): string[] {
  return [...new Set(maquette.resultCodeLists.flat())].sort();
}

/** Values of the file that none of its XX-APO_TYP_RES-XX lists allows (results, absence codes). */
export function unknownResultValues(
  maquette: Maquette,
): Array<{ studentNumber: string; column: string; value: string }> {
  const found: Array<{ studentNumber: string; column: string; value: string }> = [];
  for (const student of maquette.students) {
    for (const column of maquette.columns) {
      const value = student.values[column.code] ?? '';
      if (!isAllowedValue(maquette, column, value)) {
        found.push({ studentNumber: student.studentNumber, column: column.code, value });
      }
    }
  }
  return found;
}
