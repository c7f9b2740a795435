// The Apogée maquette written back with grades (after the lift, services/apogee-export.ts): every
// line as read (readers/apogee-maquette.ts keeps them with their ends and encoding), only the
// value fields filled, so that Apogée takes the file back.
import { AppError } from '../domain/errors.js';
import type { Maquette, MaquetteStudent } from '../readers/apogee-maquette.js';
import { allowedCodes, isAllowedValue } from '../readers/apogee-results.js';

const FORBIDDEN_IN_VALUE = /[\t\r\n]/;
const OUTSIDE_LATIN1 = /[\u0100-\u{10ffff}]/u;

function checkValue(value: string, encoding: Maquette['encoding'], code: string): void {
  if (FORBIDDEN_IN_VALUE.test(value)) {
    throw new AppError('INVALID_ARGUMENT', `(valeur de ${code} avec tabulation ou saut de ligne)`);
  }
  if (encoding === 'latin1' && OUTSIDE_LATIN1.test(value)) {
    throw new AppError('INVALID_ARGUMENT', `(valeur de ${code} non représentable en ISO-8859-1)`);
  }
}

function fillRow(
  line: string,
  student: MaquetteStudent,
  byColumn: ReadonlyMap<string, string>,
  maquette: Maquette,
): string {
  const fields = line.split('\t');
  const shift = student.namesMerged ? 1 : 0;

  for (const [code, value] of byColumn) {
    const column = maquette.columns.find((candidate) => candidate.code === code);
    if (!column) {
      throw new AppError('INVALID_ARGUMENT', `(colonne ${code} absente de la maquette)`);
    }
    checkValue(value, maquette.encoding, code);
    if (!isAllowedValue(maquette, column, value)) {
      const allowed = allowedCodes(maquette).join(', ');
      throw new AppError(
        'RESULT_CODE_UNKNOWN',
        `(${value} : absent des listes de la maquette ; codes admis\u00a0: ${allowed})`,
      );
    }

    const at = column.index - shift;
    while (fields.length <= at) {
      fields.push('');
    }
    fields[at] = value;
  }

  return fields.join('\t');
}

/** Writes the maquette back byte for byte, with the given values (already formatted, e.g. `12,5`) in their fields. */
export function writeMaquette(
  maquette: Maquette,
  values: ReadonlyMap<string, ReadonlyMap<string, string>>,
): Buffer {
  const lines = [...maquette.lines];
  const students = new Map(maquette.students.map((student) => [student.studentNumber, student]));

  for (const [studentNumber, byColumn] of values) {
    const student = students.get(studentNumber);
    if (!student) {
      throw new AppError('STUDENT_UNKNOWN', `(${studentNumber} absent de la maquette)`);
    }
    lines[student.lineIndex] = fillRow(lines[student.lineIndex] ?? '', student, byColumn, maquette);
  }

  const text = lines.map((line, index) => line + (maquette.lineEnds[index] ?? '')).join('');
  return Buffer.from(text, maquette.encoding);
}
