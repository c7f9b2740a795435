// After the lift, the grades go back into the maquettes the office exported from Apogée, byte for
// byte except the filled values. Before the lift no maquette with grades is ever written.
import { AppError, frenchMessage } from '../domain/errors.js';
import { formatGradeFrench } from '../domain/grades.js';
import type { AbsenceCode, GradeValue } from '../domain/types.js';
import { slug } from '../outputs/gateway.js';
import { writeMaquette } from '../outputs/filled-maquette.js';
import { parseMaquette, type Maquette, type MaquetteColumn } from '../readers/apogee-maquette.js';
import { sessionOf, stageOf } from '../channels/maquette-elements.js';
import { commitAudit } from '../store/audit.js';
import { authorise } from './actors.js';
import type { AppContext } from './context.js';

interface GradeRow {
  code: string;
  session: number;
  stage: string;
  student_number: string;
  value: string | null;
  absence: string | null;
  result: string | null;
  scale: string;
}

/**
 * The text of one cell. An absence is a substitute for the grade, so it goes in the Note column
 * (as the maquette's own ABI ABJ DEF DEM DIS list allows and maquette-grades.ts reads it back),
 * leaving the Résultat column to the jury: in Résultat, a jury result beside it would erase it.
 */
function cellFor(column: MaquetteColumn, grade: GradeRow): string | null {
  const value: GradeValue | null =
    grade.value !== null ? { kind: 'value', value: Number(grade.value) } : null;
  switch (column.type) {
    case 'N':
      return value ? formatGradeFrench(value) : (grade.absence as AbsenceCode | null);
    case 'B':
      return value ? formatGradeFrench({ kind: 'value', value: Number(grade.scale) }) : null;
    case 'R':
      return grade.result;
    default:
      return null;
  }
}

/** The grade key of a column: object, session and stage as the import reads them, or null. */
function columnKey(column: MaquetteColumn): string | null {
  const session = sessionOf(column.session);
  const stage = stageOf(column.stage);
  return session === null || stage === null ? null : `${column.objectCode}|${session}|${stage}`;
}

function gradeKey(grade: GradeRow): string {
  return `${grade.code}|${grade.session}|${grade.stage}`;
}

/** Lifted grades that no stored maquette has a cell for, by object, session and stage. */
export interface UnplacedGrades {
  objectCode: string;
  session: number;
  stage: string;
  count: number;
  /** True when some maquette has columns for them but not the students' lines. */
  columnFound: boolean;
}

/** What the export wrote, and the lifted grades it could not place. */
export interface ApogeeExport {
  maquettes: Array<{ path: string; filled: number }>;
  unplaced: UnplacedGrades[];
}

/** The grades left out of every maquette, grouped; `columns` holds the keys any maquette has. */
function unplacedOf(
  grades: GradeRow[],
  placed: ReadonlySet<GradeRow>,
  columns: ReadonlySet<string>,
): UnplacedGrades[] {
  const groups = new Map<string, UnplacedGrades>();
  for (const grade of grades) {
    const key = gradeKey(grade);
    const empty = grade.value === null && grade.absence === null && grade.result === null;
    if (placed.has(grade) || empty) {
      continue;
    }
    const group = groups.get(key) ?? {
      objectCode: grade.code,
      session: grade.session,
      stage: grade.stage,
      count: 0,
      columnFound: columns.has(key),
    };
    group.count += 1;
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** What the command and the demo say of unplaced grades (French), or null when none was left out. */
export function unplacedNotice(unplaced: readonly UnplacedGrades[]): string | null {
  if (unplaced.length === 0) {
    return null;
  }
  const total = unplaced.reduce((n, u) => n + u.count, 0);
  const groups = unplaced.map((u) => {
    const stage = u.stage === 'admissibility' ? ', admissibilité' : '';
    const why = u.columnFound ? 'étudiants absents de la maquette' : 'aucune colonne';
    return `${u.objectCode} session ${u.session}${stage}\u00a0: ${u.count} (${why})`;
  });
  return `Avis [APOGEE_GRADES_UNPLACED] ${frenchMessage(
    'APOGEE_GRADES_UNPLACED',
    `(${total} note(s) non exportée(s)\u00a0: ${groups.join(' ; ')})`,
  )}`;
}

/**
 * The values of one maquette, by student and column, with the count of Note cells filled; marks
 * in `placed` the grades written and in `columns` the grade keys the maquette has columns for.
 */
function fillValues(
  m: Maquette,
  byKey: ReadonlyMap<string, GradeRow>,
  placed: Set<GradeRow>,
  columns: Set<string>,
): { values: Map<string, Map<string, string>>; filled: number } {
  const values = new Map<string, Map<string, string>>();
  let filled = 0;
  for (const student of m.students) {
    const row = new Map<string, string>();
    for (const column of m.columns) {
      const key = columnKey(column);
      const grade = key ? byKey.get(`${key}|${student.studentNumber}`) : undefined;
      if (key) {
        columns.add(key);
      }
      const text = grade ? cellFor(column, grade) : null;
      if (grade && text !== null) {
        row.set(column.code, text);
        placed.add(grade);
        filled += column.type === 'N' ? 1 : 0;
      }
    }
    if (row.size > 0) {
      values.set(student.studentNumber, row);
    }
  }
  return { values, filled };
}

/** Fills every stored maquette of the CTN and year with the grades of lifted assessments. */
export async function exportApogee(
  ctx: AppContext,
  actor: string,
  ctn: string,
  year: number,
): Promise<ApogeeExport> {
  await authorise(ctx, actor, ctn, 'grade_report');
  const grades = (await ctx
    .db('grade as g')
    .join('assessment as a', 'a.id', 'g.assessment_id')
    .join('teaching_object as o', 'o.id', 'a.object_id')
    .join('template_assessment as ta', 'ta.assessment_id', 'a.id')
    .where({ 'o.ctn': ctn, 'a.year': year, 'ta.state': 'L' })
    .select(
      'o.code',
      'a.session',
      'a.stage',
      'g.student_number',
      'g.value',
      'g.absence',
      'g.result',
      'a.scale',
    )) as GradeRow[];
  if (grades.length === 0) {
    throw new AppError(
      'STATE_FORBIDS',
      "(aucune épreuve levée avec des notes : la maquette Apogée n'est remplie qu'après la levée d'anonymat)",
    );
  }
  const byKey = new Map(grades.map((g) => [`${gradeKey(g)}|${g.student_number}`, g]));

  const maquettes = (await ctx.db('apogee_maquette').where({ ctn, year }).orderBy('id')) as Array<{
    file_name: string;
    content: Buffer;
  }>;
  const files: Array<[string, string | Buffer]> = [];
  const counts: number[] = [];
  const placed = new Set<GradeRow>();
  const columns = new Set<string>();
  for (const stored of maquettes) {
    const m = parseMaquette(Buffer.from(stored.content));
    const { values, filled } = fillValues(m, byKey, placed, columns);
    const name = `${slug(stored.file_name.replace(/\.[^.]+$/, ''))}-notes.txt`;
    files.push([`${slug(ctn)}/apogee/${name}`, writeMaquette(m, values)]);
    counts.push(filled);
  }
  const unplaced = unplacedOf(grades, placed, columns);
  // Only grades of lifted assessments are filled (query above), so the named files concern L only;
  // they take their names once the export's audit entry is committed.
  const paths = await ctx.outbox.writeAllNamed(files, ['L'], () =>
    commitAudit(ctx.db, {
      actor,
      ctn,
      action: 'apogee_export',
      subject: {
        year,
        maquettes: files.length,
        unplaced: unplaced.reduce((n, u) => n + u.count, 0),
      },
    }),
  );
  const written = paths.map((path, i) => ({ path, filled: counts[i] ?? 0 }));
  return { maquettes: written, unplaced };
}
