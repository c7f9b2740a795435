// A number as read from a file, normalised; and help for a number no one holds in the year read:
// the likely intended numbers of a misread one, the zeros a spreadsheet took away, a spare label not
// bound yet, a character that only looks like a digit. Asked for the unknown numbers only, never
// by loading the CTN's numbers.
import type { Knex } from 'knex';
import { likelyIntended, parseNumber } from '../domain/numbering.js';
import type { NumberingRule } from '../domain/types.js';
import type { LoadedTemplate } from '../services/lookups.js';

/**
 * Characters nothing shows, pasted in with a number (zero-width space and joiners, word joiner; the
 * byte order mark is a space to `\s`). Removed: what is left is what the person sees and checks.
 */
const INVISIBLE = /[\u200b-\u200d\u2060]/g;
/** A number as typed with nothing to remove or unwrap, in upper case already. */
const PLAIN = /^[0-9A-Z]*$/;
/** `="000123"`: the CSV idiom that keeps a number's zeros in Excel, which shows the text inside. */
const TEXT_FORMULA = /^="([^"]*)"$/;

/**
 * Normalises a number as typed: spaces and invisible characters removed, upper case, and the
 * spreadsheet's ways of keeping a number as text unwrapped (`="S9017066"`, a leading apostrophe).
 * Neither can stand for another number: they only wrap the characters a spreadsheet shows.
 */
export function normaliseNumber(text: string): string {
  // Nearly every number read is already plain: one test spares it three passes (issue 7).
  if (PLAIN.test(text)) {
    return text;
  }
  const compact = text.replace(INVISIBLE, '').replace(/\s+/g, '');
  const unwrapped = TEXT_FORMULA.exec(compact)?.[1] ?? compact;
  return (unwrapped.startsWith("'") ? unwrapped.slice(1) : unwrapped).toUpperCase();
}

/**
 * The characters of a number that are neither printable ASCII nor in a prefix of the CTN's numbers
 * (`Ｓ`, `Ś`, a soft hyphen), as a receipt names them; undefined when there is none.
 */
export function foreignCharacters(
  number: string,
  templates: readonly LoadedTemplate[],
): string | undefined {
  const prefixes = templates.map((t) => t.rule.prefix.toUpperCase()).join('');
  const found = number.match(/[^\x21-\x7e]/gu) ?? [];
  const foreign = [...new Set(found.filter((char) => !prefixes.includes(char)))];
  if (foreign.length === 0) {
    return undefined;
  }
  const named = foreign.map((char) => {
    const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return /[\p{C}\p{Z}]/u.test(char) ? `caractère invisible ${code}` : `« ${char} » (${code})`;
  });
  return `(${named.join(', ')})`;
}

/** `Numéros possibles : …` for a receipt, at most ten of them. */
export function possibleNumbers(candidates: readonly string[]): string {
  const more = candidates.length > MAX_SHOWN ? ` (et ${candidates.length - MAX_SHOWN} autres)` : '';
  return `Numéros possibles : ${candidates.slice(0, MAX_SHOWN).join(', ')}${more}.`;
}

/** Candidates shown next to a number refused with its leading zeros lost. */
const MAX_SHOWN = 10;

/**
 * Of the numbers no one holds, those of a spare label of the CTN not bound yet: a late student sat
 * with it, and the manager has still to say who (one query, for unknown numbers only).
 */
export async function unboundSpares(
  trx: Knex.Transaction,
  templates: readonly LoadedTemplate[],
  missing: readonly string[],
): Promise<Set<string>> {
  const asked = missing.filter((n) => !n.includes('\0'));
  if (asked.length === 0 || templates.length === 0) {
    return new Set();
  }
  const rows = (await trx('spare_label')
    .whereNull('bound_student')
    .whereRaw('number = any(?::text[])', [asked])
    .whereRaw('template_id = any(?::int[])', [templates.map((t) => t.id)])
    .select('number')) as Array<{ number: string }>;
  return new Set(rows.map((r) => r.number));
}

/** The rule of the first CTN template whose check character the number fails, if any. */
export function misreadRule(
  templates: readonly LoadedTemplate[],
  number: string,
): NumberingRule | null {
  for (const t of templates) {
    const parsed = parseNumber(t.rule, number);
    if (!parsed.ok && parsed.code === 'NUMBER_CHECK_FAILED') {
      return t.rule;
    }
  }
  return null;
}

/** An existing number a refused one may have been meant as, with its template. */
export interface Candidate {
  number: string;
  templateId: number;
}

/**
 * A digit-only number shorter than a CTN template's numbers (no prefix), padded with zeros to
 * their length: what a spreadsheet reading `000021` as a number left as `21`.
 */
function zeroPadded(templates: readonly LoadedTemplate[], number: string): string[] {
  if (!/^\d+$/.test(number)) {
    return [];
  }
  const lengths = templates
    .filter((t) => t.rule.prefix === '')
    .map((t) => t.rule.width + (t.rule.check === 'none' ? 0 : 1));
  return [...new Set(lengths.filter((l) => l > number.length))].map((l) => number.padStart(l, '0'));
}

/**
 * For the first `helped` unknown numbers, the existing numbers of the CTN's templates they may have
 * been meant as: one typo away for a misread number (failed check character), its zeros restored
 * for a number a spreadsheet shortened. One query over every candidate, never a load of the CTN's
 * numbers.
 */
export async function likelyNumbers(
  trx: Knex.Transaction,
  templates: readonly LoadedTemplate[],
  missing: readonly string[],
  helped: number,
): Promise<{ likely: Map<string, string[]>; padded: Map<string, Candidate[]> }> {
  const typos = new Map<string, string[]>();
  const zeros = new Map<string, string[]>();
  for (const number of new Set(missing.map(normaliseNumber))) {
    if (typos.size + zeros.size >= helped) {
      break;
    }
    const rule = misreadRule(templates, number);
    if (rule) {
      typos.set(
        number,
        likelyIntended(rule, number, () => true),
      );
    }
    const padded = zeroPadded(templates, number);
    if (padded.length > 0) {
      zeros.set(number, padded);
    }
  }
  const candidates = [...new Set([...typos.values(), ...zeros.values()].flat())];
  if (candidates.length === 0) {
    return { likely: new Map(), padded: new Map() };
  }
  // Probed one by one in key order, as `load` does: `number = any(…)` over tens of thousands of
  // candidates made the planner scan the whole table for every chunk of a misread file.
  const found = (await trx.raw(
    `select keys.number, t.template_id
       from (select distinct k from unnest(?::text[]) as k order by k) as keys (number)
       cross join lateral (select a.template_id from anonymous_number a
                     where a.number = keys.number and a.template_id = any(?::int[])
                     limit 1) as t`,
    [candidates.filter((n) => !n.includes('\0')), templates.map((t) => t.id)],
  )) as { rows: Array<{ number: string; template_id: number }> };
  const existing = new Map(found.rows.map((r) => [r.number, r.template_id]));
  const known = (near: string[]): Candidate[] =>
    near.flatMap((n) => {
      const templateId = existing.get(n);
      return templateId === undefined ? [] : [{ number: n, templateId }];
    });
  return {
    likely: new Map([...typos].map(([number, near]) => [number, known(near).map((c) => c.number)])),
    padded: new Map([...zeros].map(([number, near]) => [number, known(near)])),
  };
}
