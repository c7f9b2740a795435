// After the lift, the grades go back into the maquettes the office exported from Apogée, byte for
// byte except the filled values. Before the lift no maquette with grades is ever written.
import { AppError } from '../domain/errors.js';
import { formatGradeFrench } from '../domain/grades.js';
import type { AbsenceCode, GradeValue } from '../domain/types.js';
import { slug } from '../outputs/gateway.js';
import { writeMaquette } from '../outputs/filled-maquette.js';
import { parseMaquette, type MaquetteColumn } from '../readers/apogee-maquette.js';
import { appendAudit } from '../store/audit.js';
import { authorise } from './actors.js';
import type { AppContext } from './context.js';

interface GradeRow {
  code: string;
  session: number;
  student_number: string;
  value: string | null;
  absence: string | null;
  result: string | null;
  scale: string;
}

function cellFor(column: MaquetteColumn, grade: GradeRow): string | null {
  const value: GradeValue | null =
    grade.value !== null ? { kind: 'value', value: Number(grade.value) } : null;
  switch (column.type) {
    case 'N':
      return value ? formatGradeFrench(value) : null;
    case 'B':
      return value ? formatGradeFrench({ kind: 'value', value: Number(grade.scale) }) : null;
    case 'R':
      return grade.result ?? (grade.absence as AbsenceCode | null);
    default:
      return null;
  }
}

/** Fills every stored maquette of the CTN and year with the grades of lifted assessments. */
export async function exportApogee(
  ctx: AppContext,
  actor: string,
  ctn: string,
  year: number,
): Promise<Array<{ path: string; filled: number }>> {
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
  const byKey = new Map(grades.map((g) => [`${g.code}|${g.session}|${g.student_number}`, g]));

  const maquettes = (await ctx.db('apogee_maquette').where({ ctn, year }).orderBy('id')) as Array<{
    file_name: string;
    content: Buffer;
  }>;
  const written: Array<{ path: string; filled: number }> = [];
  for (const stored of maquettes) {
    const m = parseMaquette(Buffer.from(stored.content));
    const values = new Map<string, Map<string, string>>();
    let filled = 0;
    for (const student of m.students) {
      const row = new Map<string, string>();
      for (const column of m.columns) {
        const session = column.session === '2' ? 2 : 1;
        const grade = byKey.get(`${column.objectCode}|${session}|${student.studentNumber}`);
        const text = grade ? cellFor(column, grade) : null;
        if (text !== null) {
          row.set(column.code, text);
          filled += column.type === 'N' ? 1 : 0;
        }
      }
      if (row.size > 0) {
        values.set(student.studentNumber, row);
      }
    }
    const name = `${slug(stored.file_name.replace(/\.[^.]+$/, ''))}-notes.txt`;
    written.push({
      // Only grades of lifted assessments are filled (query above), so the named file concerns L only.
      path: await ctx.outbox.writeNamed(`${slug(ctn)}/apogee/${name}`, writeMaquette(m, values), [
        'L',
      ]),
      filled,
    });
  }
  await ctx.db.transaction((trx) =>
    appendAudit(trx, {
      actor,
      ctn,
      action: 'apogee_export',
      subject: { year, maquettes: written.length },
    }),
  );
  return written;
}
