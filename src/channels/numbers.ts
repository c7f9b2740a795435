// Resolves anonymous numbers read in a file to (template, assessment, student), checking the CTN,
// the template, the assessment and the check character; a misread number gets its likely
// intended numbers listed, never silently corrected (design.md §4).
// Lists of keys go as one array parameter (`= any(?::text[])`), never one bind per value: a file of
// 100,000 rows would pass Postgres' 65,535-parameter limit.
import type { Knex } from 'knex';
import { likelyIntended, parseNumber } from '../domain/numbering.js';
import type { ErrorCode } from '../domain/errors.js';
import type { NumberingRule } from '../domain/types.js';
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
    /** Misread numbers (failed check character) with the existing numbers one typo away. */
    private readonly likely: ReadonlyMap<string, readonly string[]>,
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
    cache: TemplateCache = new Map(),
    helped = Number.POSITIVE_INFINITY,
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
    const likely = await likelyNumbers(trx, ctnTemplates, missing, helped);
    return new NumberBook(holders, templates, ctnTemplates, likely);
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
    if (!misreadRule(this.ctnTemplates, number)) {
      return { code: 'NUMBER_UNKNOWN' };
    }
    const candidates = this.likely.get(number) ?? [];
    const detail =
      candidates.length > 0 ? `Numéros probables : ${candidates.join(', ')}.` : undefined;
    return { code: 'NUMBER_CHECK_FAILED', detail };
  }
}

/** The rule of the first CTN template whose check character the number fails, if any. */
function misreadRule(templates: readonly LoadedTemplate[], number: string): NumberingRule | null {
  for (const t of templates) {
    const parsed = parseNumber(t.rule, number);
    if (!parsed.ok && parsed.code === 'NUMBER_CHECK_FAILED') {
      return t.rule;
    }
  }
  return null;
}

/**
 * For the first `helped` misread numbers (failed check character), the numbers one typo away that
 * exist in the CTN's templates: one query over every candidate, never a load of the CTN's numbers.
 */
async function likelyNumbers(
  trx: Knex.Transaction,
  templates: readonly LoadedTemplate[],
  missing: readonly string[],
  helped: number,
): Promise<Map<string, string[]>> {
  const typos = new Map<string, string[]>();
  for (const number of new Set(missing.map(normaliseNumber))) {
    if (typos.size >= helped) {
      break;
    }
    const rule = misreadRule(templates, number);
    if (rule) {
      typos.set(
        number,
        likelyIntended(rule, number, () => true),
      );
    }
  }
  const candidates = [...new Set([...typos.values()].flat())];
  if (candidates.length === 0) {
    return new Map();
  }
  // Probed one by one in key order, as `load` does: `number = any(…)` over tens of thousands of
  // candidates made the planner scan the whole table for every chunk of a misread file.
  const found = (await trx.raw(
    `select keys.number
       from (select distinct k from unnest(?::text[]) as k order by k) as keys (number)
      where exists (select 1 from anonymous_number a
                     where a.number = keys.number and a.template_id = any(?::int[]))`,
    [candidates, templates.map((t) => t.id)],
  )) as { rows: Array<{ number: string }> };
  const existing = new Set(found.rows.map((r) => r.number));
  return new Map([...typos].map(([number, near]) => [number, near.filter((n) => existing.has(n))]));
}

/**
 * The assessment a number's grade is for, given what the file (or the command line, `fileName`
 * null) says; or why it cannot be told.
 */
export function assessmentFor(
  template: LoadedTemplate,
  holder: Holder,
  hint: { assessmentId?: number; objectCode?: string; session?: number; fileName: string | null },
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
    return own;
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
    return candidates[0];
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
