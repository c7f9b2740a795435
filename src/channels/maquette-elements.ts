// The elements of an Apogée maquette dropped with grades (maquette-grades.ts): its columns grouped
// by object × year × session × stage, the cells a student line fills in each, and the assessment
// of the CTN each element names (or why it names none).
import type { ErrorCode } from '../domain/errors.js';
import type { AnonymityState } from '../domain/types.js';
import type { Maquette, MaquetteColumn, MaquetteStudent } from '../readers/apogee-maquette.js';
import type { ChannelInput } from './types.js';

/** Column types read here (Note, Barème, Résultat); other letters (J: points jury) are not kept. */
export const NOTE = 'N';
export const SCALE = 'B';
export const RESULT = 'R';

/** One element of the maquette (object × year × session × stage) with its columns. */
export interface Element {
  objectKind: string;
  objectCode: string;
  version: string;
  year: number;
  /** Session as written (`0` is Apogée's single session, read as session 1). */
  session: string;
  /** Admission (`1`) or admissibility (`0`) as written. */
  stage: string;
  columns: MaquetteColumn[];
}

/** An assessment of the CTN a maquette element may name. */
export interface AssessmentRow {
  id: number;
  object_id: number;
  year: number;
  session: number;
  stage: string;
  scale: string;
  kind: string;
  code: string;
  version: string;
  state: AnonymityState | null;
}

/** What an element resolves to: its assessment, or the error each of its filled cells gets. */
export type Target = { assessment: AssessmentRow } | { code: ErrorCode; detail: string };

/** An element of the maquette with what it resolves to. */
export interface PlannedElement {
  element: Element;
  target: Target;
}

/** A column as the receipt names it: heading, object code and column code. */
export function label(column: MaquetteColumn): string {
  return `${column.heading} ${column.objectCode} (${column.code})`;
}

/** The text a line holds in a column, trimmed. */
export function valueOf(student: MaquetteStudent, column: MaquetteColumn): string {
  return (student.values[column.code] ?? '').trim();
}

/** A Barème cell is context for the note beside it; every other column carries a value. */
export function filledCells(student: MaquetteStudent, element: Element): MaquetteColumn[] {
  return element.columns.filter((c) => c.type !== SCALE && valueOf(student, c) !== '');
}

/** The maquette's columns grouped by element; a column without a year takes `fallbackYear`. */
export function elementsOf(m: Maquette, fallbackYear: number): Element[] {
  const elements = new Map<string, Element>();
  for (const column of m.columns) {
    const year = /^\d{4}$/.test(column.year) ? Number(column.year) : fallbackYear;
    const { objectKind, objectCode, version, session, stage } = column;
    const key = [objectKind, objectCode, version, year, session, stage].join('\t');
    const found = elements.get(key);
    if (found) {
      found.columns.push(column);
    } else {
      elements.set(key, {
        objectKind,
        objectCode,
        version,
        year,
        session,
        stage,
        columns: [column],
      });
    }
  }
  return [...elements.values()];
}

/** The assessments of the CTN in the years the elements name, with their anonymity state. */
export async function assessmentsOf(
  input: ChannelInput,
  elements: Element[],
): Promise<AssessmentRow[]> {
  const years = [...new Set(elements.map((e) => e.year))];
  return (await input
    .trx('assessment as a')
    .join('teaching_object as o', 'o.id', 'a.object_id')
    .leftJoin('template_assessment as ta', 'ta.assessment_id', 'a.id')
    .where('o.ctn', input.ctn)
    .whereIn('a.year', years)
    .select('a.id', 'a.object_id', 'a.year', 'a.session', 'a.stage', 'a.scale')
    .select('o.kind', 'o.code', 'o.version', 'ta.state')) as AssessmentRow[];
}

function describeElement(e: Element, session: number): string {
  const stage = e.stage === '0' ? ', admissibilité' : '';
  return `${e.objectCode}, session ${session}${stage}, année ${e.year}`;
}

/** The session a column's text names (`0`, Apogée's single session, or `1` → 1; `2` → 2), or null. */
export function sessionOf(text: string): number | null {
  return ({ '0': 1, '1': 1, '2': 2 } as Record<string, number>)[text.trim()] ?? null;
}

/** The stage a column's admission/admissibility text names (`0` admissibility, `1` admission), or null. */
export function stageOf(text: string): 'admissibility' | 'admission' | null {
  const trimmed = text.trim();
  return trimmed === '0' ? 'admissibility' : trimmed === '1' ? 'admission' : null;
}

/** The element's assessment in the CTN: same code, year, session (`0` or `1` → 1) and stage. */
function targetOf(e: Element, assessments: AssessmentRow[]): Target {
  const session = sessionOf(e.session);
  const stage = stageOf(e.stage);
  if (session === null || stage === null) {
    const read = `session « ${e.session} », admission « ${e.stage} »`;
    return { code: 'ASSESSMENT_UNKNOWN', detail: `(${e.objectCode}\u00a0: ${read} illisibles)` };
  }
  if ([NOTE, RESULT].some((type) => e.columns.filter((c) => c.type === type).length > 1)) {
    return { code: 'COLUMN_AMBIGUOUS', detail: `(${describeElement(e, session)})` };
  }

  const same = assessments.filter(
    (a) =>
      a.code.toUpperCase() === e.objectCode.toUpperCase() &&
      a.year === e.year &&
      a.session === session &&
      a.stage === stage,
  );
  // Two objects of the CTN may share a code across kinds (a VET and an ELP): the kind decides.
  const found = same.length > 1 ? same.filter((a) => a.kind === e.objectKind) : same;
  const [only] = found;
  if (found.length !== 1 || !only) {
    const why = found.length > 1 ? 'plusieurs épreuves de ce CTN' : 'aucune épreuve de ce CTN';
    return { code: 'ASSESSMENT_UNKNOWN', detail: `(${describeElement(e, session)}\u00a0: ${why})` };
  }
  return { assessment: only };
}

/** Targets of every element; two elements filling one assessment make both ambiguous. */
export function targetsOf(elements: Element[], assessments: AssessmentRow[]): PlannedElement[] {
  const planned = elements.map((element) => ({ element, target: targetOf(element, assessments) }));
  const uses = new Map<number, number>();
  for (const { target } of planned) {
    if ('assessment' in target) {
      uses.set(target.assessment.id, (uses.get(target.assessment.id) ?? 0) + 1);
    }
  }

  return planned.map(({ element, target }) =>
    'assessment' in target && (uses.get(target.assessment.id) ?? 0) > 1
      ? {
          element,
          target: { code: 'COLUMN_AMBIGUOUS', detail: `(${element.objectCode} en double)` },
        }
      : { element, target },
  );
}
