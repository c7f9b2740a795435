// Resolves anonymous numbers read in a file to (template, assessment, student), checking the CTN,
// the template, the assessment and the check character; a misread number gets its likely
// intended numbers listed, never silently corrected (design.md §4).
// Lists of keys go as one array parameter (`= any(?::text[])`), never one bind per value: a file of
// 100,000 rows would pass Postgres' 65,535-parameter limit.
import type { Knex } from 'knex';
import { likelyIntended, parseNumber } from '../domain/numbering.js';
import type { ErrorCode } from '../domain/errors.js';
import {
  loadTemplateById,
  type LoadedTemplate,
  type TemplateAssessment,
} from '../services/lookups.js';

/** One stored number. */
export interface Holder {
  number: string;
  studentNumber: string;
  templateId: number;
  assessmentId: number | null;
}

/** Normalises a number as typed: spaces removed, upper case. */
export function normaliseNumber(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/** Templates already loaded, kept across the chunks of one file. */
export type TemplateCache = Map<number, LoadedTemplate>;

/** Loads the holders of the given numbers and their templates. */
export class NumberBook {
  private constructor(
    private readonly holders: Map<string, Holder>,
    readonly templates: Map<number, LoadedTemplate>,
    private readonly ctnTemplates: LoadedTemplate[],
    private readonly intended: ReadonlySet<string>,
  ) {}

  /** Reads every number given in one query; templates of the CTN are loaded for check-character help. */
  static async load(
    trx: Knex.Transaction,
    ctn: string,
    numbers: string[],
    cache: TemplateCache = new Map(),
  ): Promise<NumberBook> {
    // One index probe per distinct number, in key order, the latest year first. As `number = any(…)`
    // the planner scanned the whole table once numbers outgrew shared buffers (a million numbers:
    // 90-120 ms per chunk of 5,000, against 30-50 ms probed).
    const result = (await trx.raw(
      `select n.number, n.student_number, n.template_id, n.assessment_id
         from (select distinct k from unnest(?::text[]) as k order by k) as keys (number)
         cross join lateral (
           select a.number, a.student_number, a.template_id, a.assessment_id
             from anonymous_number a
            where a.number = keys.number
            order by a.year desc
            limit 1) as n`,
      [numbers],
    )) as {
      rows: Array<{
        number: string;
        student_number: string;
        template_id: number;
        assessment_id: number | null;
      }>;
    };
    const holders = new Map<string, Holder>();
    for (const row of result.rows) {
      holders.set(row.number, {
        number: row.number,
        studentNumber: row.student_number,
        templateId: row.template_id,
        assessmentId: row.assessment_id,
      });
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
    const intended = await existingCandidates(trx, ctnTemplates, missing);
    return new NumberBook(holders, templates, ctnTemplates, intended);
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

  /** The holder of a number, or why there is none (with candidates for a failed check character). */
  find(
    text: string,
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
    for (const t of this.ctnTemplates) {
      const parsed = parseNumber(t.rule, number);
      if (!parsed.ok && parsed.code === 'NUMBER_CHECK_FAILED') {
        const candidates = likelyIntended(t.rule, number, (n) => this.intended.has(n));
        const detail =
          candidates.length > 0 ? `Numéros probables : ${candidates.join(', ')}.` : undefined;
        return { code: 'NUMBER_CHECK_FAILED', detail };
      }
    }
    return { code: 'NUMBER_UNKNOWN' };
  }
}

/**
 * Of the numbers one typo away from each misread number (failed check character), those that exist
 * in the CTN's templates: one query over the candidates, never a load of every number of the CTN.
 */
async function existingCandidates(
  trx: Knex.Transaction,
  templates: readonly LoadedTemplate[],
  missing: readonly string[],
): Promise<Set<string>> {
  const candidates = new Set<string>();
  for (const number of new Set(missing.map(normaliseNumber))) {
    for (const t of templates) {
      const parsed = parseNumber(t.rule, number);
      if (!parsed.ok && parsed.code === 'NUMBER_CHECK_FAILED') {
        likelyIntended(t.rule, number, () => true).forEach((c) => candidates.add(c));
      }
    }
  }
  if (candidates.size === 0) {
    return candidates;
  }
  const found = (await trx('anonymous_number')
    .whereIn(
      'template_id',
      templates.map((t) => t.id),
    )
    .whereRaw('number = any(?::text[])', [[...candidates]])
    .select('number')) as Array<{ number: string }>;
  return new Set(found.map((r) => r.number));
}

/** The assessment a number's grade is for, given what the file says; or why it cannot be told. */
export function assessmentFor(
  template: LoadedTemplate,
  holder: Holder,
  hint: { assessmentId?: number; objectCode?: string; session?: number; fileName: string },
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
    return byId(holder.assessmentId) ?? { code: 'ASSESSMENT_UNKNOWN' };
  }

  let candidates = template.assessments;
  if (hint.objectCode) {
    candidates = candidates.filter(
      (a) => a.info.objectCode.toUpperCase() === hint.objectCode?.toUpperCase(),
    );
  } else if (candidates.length > 1) {
    const upperName = hint.fileName.toUpperCase();
    candidates = candidates.filter((a) => upperName.includes(a.info.objectCode.toUpperCase()));
  }
  if (hint.session !== undefined) {
    candidates = candidates.filter((a) => a.info.session === hint.session);
  }
  if (candidates.length === 1 && candidates[0]) {
    return candidates[0];
  }
  const codes = template.assessments.map((a) => a.info.objectCode).join(', ');
  return {
    code: 'ASSESSMENT_UNKNOWN',
    detail: `(précisez l'épreuve : colonne « Code épreuve » ou code dans le nom du fichier, parmi ${codes})`,
  };
}
