// Which stored maquette a maquette dropped in referentiel/ is. The export after the lift fills every
// stored maquette of the CTN and year, one file each: the same maquette dropped again (the office's
// own copy, a fresher extraction, or the filled file the export wrote) must not be stored twice, or
// the export writes the same grades into two files for Apogée. Maquettes of the same objects for
// other students (one extraction per group) are other maquettes and stay apart.
import type { Knex } from 'knex';
import { parseMaquette, type Maquette } from '../readers/apogee-maquette.js';

/** How a dropped maquette stands to a stored one. */
export type Standing =
  | { kind: 'new' }
  /** A stored maquette already holds its objects and all its students: it is kept as it is. */
  | { kind: 'held'; fileName: string }
  /** It holds the objects and all the students of stored ones, and more: it replaces them. */
  | { kind: 'replaces'; ids: number[]; fileName: string };

/** The étape and the value columns, as they decide what Apogée takes back from the file. */
function columnsOf(m: Maquette): string {
  const etape = [m.titles.apoC_cod_dip ?? '', m.titles.apoC_cod_vdi ?? ''].join('|');
  const columns = m.columns.map((c) =>
    [c.code, c.objectKind, c.objectCode, c.version, c.session, c.stage, c.type].join('|'),
  );
  return [etape, ...columns].join('\n');
}

const studentsOf = (m: Maquette): Set<string> => new Set(m.students.map((s) => s.studentNumber));

const within = (a: Set<string>, b: Set<string>): boolean => [...a].every((s) => b.has(s));

/** How `m` stands to the maquettes stored for the CTN and year (held before replacing). */
export async function standingOf(
  trx: Knex.Transaction,
  ctn: string,
  year: number,
  m: Maquette,
): Promise<Standing> {
  const stored = (await trx('apogee_maquette')
    .where({ ctn, year })
    .orderBy('id')
    .select('id', 'file_name', 'content')) as Array<{
    id: number;
    file_name: string;
    content: Buffer;
  }>;
  const [columns, students] = [columnsOf(m), studentsOf(m)];

  const replaced: Array<{ id: number; file_name: string }> = [];
  for (const row of stored) {
    const other = parseMaquette(Buffer.from(row.content));
    if (columnsOf(other) !== columns) {
      continue;
    }
    const theirs = studentsOf(other);
    if (within(students, theirs)) {
      return { kind: 'held', fileName: row.file_name };
    }
    if (within(theirs, students)) {
      replaced.push(row);
    }
  }

  const [first] = replaced;
  return first
    ? { kind: 'replaces', ids: replaced.map((r) => r.id), fileName: first.file_name }
    : { kind: 'new' };
}
