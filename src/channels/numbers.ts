// Resolves anonymous numbers read in a file to (template, assessment, student), checking the CTN,
// the template, the assessment and the check character; a misread number gets its likely
// intended numbers listed, never silently corrected (design.md §4).
// Lists of keys go as one array parameter (`= any(?::text[])`), never one bind per value: a file of
// 100,000 rows would pass Postgres' 65,535-parameter limit.
import type { Knex } from 'knex';
import { academicYearLabel } from '../outputs/french.js';
import {
  foreignCharacters,
  likelyNumbers,
  misreadRule,
  normaliseNumber,
  possibleNumbers,
  unboundSpares,
  type Candidate,
} from './number-help.js';
import type { ErrorCode } from '../domain/errors.js';
import {
  loadTemplateById,
  type LoadedTemplate,
  type TemplateAssessment,
} from '../services/lookups.js';

// Normalising lives with the help for unknown numbers; callers keep importing it from here.
export { normaliseNumber } from './number-help.js';

/** One stored number. */
export interface Holder {
  number: string;
  studentNumber: string;
  templateId: number;
  assessmentId: number | null;
  /** The academic year of the number (a number is unique within its year only). */
  year: number;
  /** True when the same number is held in another academic year too (by another student). */
  heldElsewhere: boolean;
}

/** True when `a` is to be taken over `b` for the same number (the query's order, again). */
function preferred(a: Holder, b: Holder, prefer: NumberPreference): boolean {
  const rank = (h: Holder): number[] => [
    h.templateId === prefer.templateId ? 1 : 0,
    h.year === prefer.year ? 1 : 0,
    h.year,
  ];
  const [ra, rb] = [rank(a), rank(b)];
  const at = ra.findIndex((v, i) => v !== rb[i]);
  return at < 0 || (ra[at] ?? 0) > (rb[at] ?? 0);
}

/** Templates already loaded, kept across the chunks of one file. */
export type TemplateCache = Map<number, LoadedTemplate>;

/** Which holder a number read stands for: numbers are unique within an academic year only. */
export interface NumberPreference {
  /** The template a returned workbook was made for: its holder, whatever its year. */
  templateId?: number;
  /**
   * The academic year the numbers are read for (`--year`, else the configured one): a number held
   * in other years only is refused (NUMBER_OTHER_YEAR), never given to another year's student.
   */
  year?: number;
}

/** Loads the holders of the given numbers and their templates. */
export class NumberBook {
  private constructor(
    private readonly holders: Map<string, Holder>,
    readonly templates: Map<number, LoadedTemplate>,
    private readonly ctnTemplates: LoadedTemplate[],
    /** Misread numbers (failed check character) with the existing numbers one typo away. */
    private readonly likely: ReadonlyMap<string, readonly string[]>,
    /** Digit-only numbers shorter than the CTN's, with the existing numbers they pad to. */
    private readonly padded: ReadonlyMap<string, readonly Candidate[]>,
    /** Numbers of spare labels of the CTN printed and not bound to a student yet. */
    private readonly spares: ReadonlySet<string>,
    /** Numbers held in another academic year only (with that year), and the year read for. */
    private readonly elsewhere: { years: ReadonlyMap<string, number>; year?: number },
  ) {}

  /**
   * Reads every number given in one query; templates of the CTN are loaded for check-character help,
   * given to the first `helped` misread numbers (as many as a receipt still lists errors: past that,
   * a wrong file's hundred thousand misreads would cost seconds of search for help no one reads).
   */
  static async load(
    trx: Knex.Transaction,
    ctn: string,
    numbers: string[],
    options: { cache?: TemplateCache; helped?: number; prefer?: NumberPreference } = {},
  ): Promise<NumberBook> {
    const cache: TemplateCache = options.cache ?? new Map<number, LoadedTemplate>();
    const helped = options.helped ?? Number.POSITIVE_INFINITY;
    const prefer = options.prefer ?? {};
    // One index probe per distinct number, in key order. As `number = any(…)` the planner scanned
    // the whole table once numbers outgrew shared buffers (a million numbers: 90-120 ms per chunk of
    // 5,000, against 30-50 ms probed). A number is unique within a year only: every year's holder
    // comes back (a handful at most), and the one standing for the number is chosen below; a holder
    // of another year only is kept to refuse it by name. Ordering them here, a sort per number, cost
    // a third of the query (20 against 13 ms per chunk of 5,000).
    const result = (await trx.raw(
      `select a.number, a.student_number, a.template_id, a.assessment_id, a.year
         from (select distinct k from unnest(?::text[]) as k order by k) as keys (number)
         join anonymous_number a on a.number = keys.number`,
      // Postgres text holds no NUL: a number with one is no stored number (find() says why).
      [numbers.filter((n) => !n.includes('\0'))],
    )) as {
      rows: Array<{
        number: string;
        student_number: string;
        template_id: number;
        assessment_id: number | null;
        year: number;
      }>;
    };
    // The preferred row is the number's holder; another row means another year holds it too.
    const holders = new Map<string, Holder>();
    for (const row of result.rows) {
      const holder: Holder = {
        number: row.number,
        studentNumber: row.student_number,
        templateId: row.template_id,
        assessmentId: row.assessment_id,
        year: row.year,
        heldElsewhere: false,
      };
      const other = holders.get(row.number);
      const kept = other && preferred(other, holder, prefer) ? other : holder;
      holders.set(row.number, { ...kept, heldElsewhere: other !== undefined });
    }
    // A holder of another year only stands for nothing here: its year is kept to say so.
    const otherYear = new Map<string, number>();
    for (const [number, holder] of holders) {
      const ours = holder.templateId === prefer.templateId || prefer.year === undefined;
      if (!ours && holder.year !== prefer.year) {
        otherYear.set(number, holder.year);
        holders.delete(number);
      }
    }
    const ids = new Set([...holders.values()].map((h) => h.templateId));
    const own = (await trx('anonymity_template').where({ ctn }).select('id')) as Array<{
      id: number;
    }>;
    own.forEach((t) => ids.add(t.id));
    const templates = new Map<number, LoadedTemplate>();
    for (const id of ids) {
      const template = cache.get(id) ?? (await loadTemplateById(trx, id));
      cache.set(id, template);
      templates.set(id, template);
    }
    const ctnTemplates = [...templates.values()].filter((t) => t.ctn === ctn);
    const missing = numbers.filter((n) => n !== '' && !holders.has(n));
    const { likely, padded } = await likelyNumbers(trx, ctnTemplates, missing, helped);
    const spareTemplates = ctnTemplates.filter(
      (t) => prefer.year === undefined || t.year === prefer.year,
    );
    const spares = await unboundSpares(trx, spareTemplates, missing);
    const elsewhere = { years: otherYear, year: prefer.year };
    return new NumberBook(holders, templates, ctnTemplates, likely, padded, spares, elsewhere);
  }

  /**
   * The object codes of the CTN's templates that `fileName` holds as words of its own (case aside,
   * between characters other than letters and digits: `ANG` is not named by `ANGLAIS`): a file named
   * after an exam says which one its grades are for. None for a typed grade (null).
   */
  codesNamedIn(fileName: string | null): string[] {
    if (fileName === null) {
      return [];
    }
    const words = new Set(fileName.toUpperCase().split(/[^\p{L}\p{N}]+/u));
    const codes = this.ctnTemplates.flatMap((t) => t.assessments.map((a) => a.info.objectCode));
    return [...new Set(codes.filter((code) => words.has(code.toUpperCase())))];
  }

  /** Students holding one of `numbers` through a per-template number (valid for every assessment). */
  perTemplateHolders(numbers: readonly string[]): string[] {
    const students = new Set<string>();
    for (const number of numbers) {
      const holder = this.holders.get(normaliseNumber(number));
      if (holder && holder.assessmentId === null) {
        students.add(holder.studentNumber);
      }
    }
    return [...students];
  }

  /**
   * The holder of a number, or why there is none: a character it cannot hold, or candidates for a
   * failed check character or for lost leading zeros (of `templateId` only, when given).
   */
  find(
    text: string,
    templateId?: number,
  ): { holder: Holder; template: LoadedTemplate } | { code: ErrorCode; detail?: string } {
    const number = normaliseNumber(text);
    if (number === '' || number === '*') {
      return { code: 'NUMBER_BLANK' };
    }
    const holder = this.holders.get(number);
    const template = holder ? this.templates.get(holder.templateId) : undefined;
    if (holder && template) {
      return { holder, template };
    }
    if (this.spares.has(number)) {
      return { code: 'NUMBER_SPARE_UNBOUND' };
    }
    const heldIn = this.elsewhere.years.get(number);
    if (heldIn !== undefined) {
      const readFor = this.elsewhere.year;
      const asked = readFor === undefined ? '' : ` ; année lue : ${academicYearLabel(readFor)}`;
      return {
        code: 'NUMBER_OTHER_YEAR',
        detail: `(attribué en ${academicYearLabel(heldIn)}${asked})`,
      };
    }
    const foreign = foreignCharacters(number, this.ctnTemplates);
    if (foreign) {
      return { code: 'NUMBER_FOREIGN_CHARACTER', detail: foreign };
    }
    // Only numbers of the template a returned workbook binds, when it binds one.
    const padded = (this.padded.get(number) ?? [])
      .filter((c) => templateId === undefined || c.templateId === templateId)
      .map((c) => c.number);
    if (padded.length > 0) {
      return { code: 'NUMBER_LEADING_ZEROS', detail: possibleNumbers(padded) };
    }
    if (!misreadRule(this.ctnTemplates, number)) {
      return { code: 'NUMBER_UNKNOWN', detail: separatorHint(number) };
    }
    const candidates = this.likely.get(number) ?? [];
    const detail =
      candidates.length > 0 ? `Numéros probables : ${candidates.join(', ')}.` : undefined;
    return { code: 'NUMBER_CHECK_FAILED', detail };
  }
}

/**
 * What a number holding a separator suggests (`S7947003,12`: a line of a `;` file typed with a
 * comma, its grade in the number's cell); undefined otherwise.
 */
function separatorHint(number: string): string | undefined {
  const separator = /[,;|\t]/.exec(number)?.[0];
  if (separator === undefined) {
    return undefined;
  }
  const shown = separator === '\t' ? 'une tabulation' : `« ${separator} »`;
  return (
    `(le numéro contient ${shown} : la note est-elle dans la même cellule ? ` +
    'Séparez le numéro et la note comme sur les autres lignes du fichier.)'
  );
}

/** What a file or a command says of the assessment a number's grade is for. */
export interface AssessmentHint {
  /** The assessment a returned grade-entry workbook was made for. */
  assessmentId?: number;
  /** A « Code épreuve » cell, or the command line's --object. */
  objectCode?: string;
  session?: number;
  /** The file's name; null for a typed grade. */
  fileName: string | null;
  /** The object codes of the CTN the file's name holds (NumberBook.codesNamedIn). */
  namedCodes?: readonly string[];
}

/**
 * Refuses a number whose assessments (`own`: the one it was given for, or those of its template)
 * are none of those the file's name designates: a file named after one exam does not write the
 * grades of another (`notes-MAT102.csv` holding INF101 numbers rewrote INF101 grades, a trial),
 * as a « Code épreuve » column saying MAT102 would not. Null when the name designates no exam of
 * the CTN, or one of `own`.
 */
function namedOtherwise(
  own: readonly TemplateAssessment[],
  hint: AssessmentHint,
): { code: ErrorCode; detail: string } | null {
  const named = (hint.namedCodes ?? []).map((code) => code.toUpperCase());
  if (named.length === 0 || own.some((a) => named.includes(a.info.objectCode.toUpperCase()))) {
    return null;
  }
  const codes = [...new Set(own.map((a) => a.info.objectCode))];
  const of = codes.length > 1 ? 'des épreuves' : "de l'épreuve";
  return {
    code: 'NUMBER_OTHER_ASSESSMENT',
    detail: `(numéro ${of} ${codes.join(', ')}, fichier nommé pour ${(hint.namedCodes ?? []).join(', ')})`,
  };
}

/**
 * The assessment a number's grade is for, given what the file (or the command line, `fileName`
 * null) says; or why it cannot be told.
 */
export function assessmentFor(
  template: LoadedTemplate,
  holder: Holder,
  hint: AssessmentHint,
): TemplateAssessment | { code: ErrorCode; detail?: string } {
  const byId = (id: number): TemplateAssessment | undefined =>
    template.assessments.find((a) => a.info.assessmentId === id);

  if (hint.assessmentId !== undefined) {
    const bound = template.assessments.find((a) => a.info.assessmentId === hint.assessmentId);
    if (!bound) {
      return { code: 'NUMBER_OTHER_TEMPLATE' };
    }
    if (holder.assessmentId !== null && holder.assessmentId !== hint.assessmentId) {
      return { code: 'NUMBER_OTHER_ASSESSMENT' };
    }
    return bound;
  }
  if (holder.assessmentId !== null) {
    const own = byId(holder.assessmentId);
    if (!own) {
      return { code: 'ASSESSMENT_UNKNOWN' };
    }
    // A number valid for one assessment, said to be for another (a « Code épreuve » cell, the
    // command line's --object): one of the two is wrong, and the grade must not go either way.
    if (hint.objectCode && own.info.objectCode.toUpperCase() !== hint.objectCode.toUpperCase()) {
      return {
        code: 'NUMBER_OTHER_ASSESSMENT',
        detail: `(numéro de l'épreuve ${own.info.objectCode}, donné pour ${hint.objectCode})`,
      };
    }
    return hint.objectCode ? own : (namedOtherwise([own], hint) ?? own);
  }

  let candidates = template.assessments;
  if (hint.objectCode) {
    candidates = candidates.filter(
      (a) => a.info.objectCode.toUpperCase() === hint.objectCode?.toUpperCase(),
    );
  } else if (candidates.length > 1 && hint.fileName !== null) {
    const upperName = hint.fileName.toUpperCase();
    candidates = candidates.filter((a) => upperName.includes(a.info.objectCode.toUpperCase()));
  }
  if (hint.session !== undefined) {
    candidates = candidates.filter((a) => a.info.session === hint.session);
  }
  if (candidates.length === 1 && candidates[0]) {
    return hint.objectCode ? candidates[0] : (namedOtherwise(candidates, hint) ?? candidates[0]);
  }
  const refused = hint.objectCode ? null : namedOtherwise(template.assessments, hint);
  if (refused) {
    return refused;
  }
  const codes = template.assessments.map((a) => a.info.objectCode).join(', ');
  const how =
    hint.fileName === null
      ? 'option --object <code>'
      : 'colonne « Code épreuve » (ou « Code élément »), ou code dans le nom du fichier';
  // Named, the assessment is not one of the template's; not named, the number serves several.
  return {
    code: hint.objectCode ? 'ASSESSMENT_UNKNOWN' : 'ASSESSMENT_AMBIGUOUS',
    detail: `(${how}, parmi ${codes})`,
  };
}
