// The roster the identity scan (identity-scan.ts) asks about the words of a file: the students
// whose identity must not appear in it, given as a list in memory, or as a lookup that asks
// Postgres (services/roster.ts). The scan only asks questions and reads the answers: it never
// walks the students itself.
import { unpaddedNumber, words } from './identity-parts.js';

/** One student whose identity must not appear in an anonymous file. */
export interface RosterEntry {
  studentNumber: string;
  ine?: string | null;
  lastName: string;
  firstName?: string;
  /** ISO `yyyy-mm-dd`, or null when unknown. */
  birthDate: string | null;
}

/** The words of a file, as the roster is asked about them (all in `words` form, unpadded). */
export interface RosterQuery {
  /** Distinct words (student numbers and INE are one word each). */
  words: string[];
  /**
   * Digit words that may be a student number whose leading zeros were dropped (`3324370` for
   * 03324370); asked only about texts a person typed (cells, reasons), never about outputs.
   */
  unpadded: string[];
  /** Runs of 1 to MAX_NAME_WORDS consecutive words with letters: the last names that may be there. */
  names: string[];
  /** ISO dates written in the file (separated, or as one 8-digit word). */
  dates: string[];
}

/** What the roster recognised in a query. */
export interface RosterMatch {
  /** Students of the roster whose number or INE shares a word with the file. */
  identifiers: Array<{ studentNumber: string; ine: string | null }>;
  /** Last names (`words` form, unpadded) of students of the roster among the query's names. */
  lastNames: string[];
  /** Birth dates of students of the roster among the query's dates. */
  births: string[];
}

/** A roster asked about the words of one file at a time (services/roster.ts: in Postgres). */
export interface RosterLookup {
  /** True when no student is concerned: nothing to search. */
  isEmpty(): Promise<boolean>;
  match(query: RosterQuery): Promise<RosterMatch>;
  /** The [last name, first name] pairs (`words` form) that are those of a student of the roster. */
  fullNames(pairs: Array<[string, string]>): Promise<Array<[string, string]>>;
  /** Referential texts (labels and codes the service writes) containing one of `words`. */
  referential(words: string[]): Promise<string[]>;
}

/** The students a file concerns: a list in memory, or a lookup (services/roster.ts). */
export type Roster = readonly RosterEntry[] | RosterLookup;

/** A question the scan asks its roster, and the answer it expects. */
export type Question =
  | { ask: 'match'; query: RosterQuery }
  | { ask: 'fullNames'; pairs: Array<[string, string]> }
  | { ask: 'referential'; words: string[] };
/** What the roster answers to a question. */
export type Answer = RosterMatch | Array<[string, string]> | string[];

/** Whether the roster is a list in memory (else a lookup). */
export function isList(roster: Roster): roster is readonly RosterEntry[] {
  return Array.isArray(roster);
}

/** A list of students answering the scan's questions from memory, indexed once per list. */
export class ListRoster {
  private static readonly indexed = new WeakMap<readonly RosterEntry[], ListRoster>();
  private readonly byWord = new Map<string, RosterEntry[]>();
  private readonly byUnpadded = new Map<string, RosterEntry[]>();
  private readonly lastNames = new Set<string>();
  private readonly pairs = new Set<string>();
  private readonly births = new Set<string>();

  /** The index of a list (a roster is never changed once given: it is readonly). */
  static of(entries: readonly RosterEntry[]): ListRoster {
    let list = ListRoster.indexed.get(entries);
    if (!list) {
      list = new ListRoster(entries);
      ListRoster.indexed.set(entries, list);
    }
    return list;
  }

  private constructor(entries: readonly RosterEntry[]) {
    for (const entry of entries) {
      const identifiers = `${words(entry.studentNumber)} ${words(entry.ine ?? '')}`;
      for (const word of new Set(identifiers.trim().split(/ +/))) {
        const same = this.byWord.get(word);
        if (same) {
          same.push(entry);
        } else if (word) {
          this.byWord.set(word, [entry]);
        }
      }
      const bare = unpaddedNumber(words(entry.studentNumber).trim().split(' ')[0] ?? '');
      if (bare) {
        this.byUnpadded.set(bare, [...(this.byUnpadded.get(bare) ?? []), entry]);
      }
      const last = words(entry.lastName).trim();
      const first = words(entry.firstName ?? '').trim();
      this.lastNames.add(last);
      if (first) {
        this.pairs.add(`${last}|${first}`);
      }
      if (entry.birthDate) {
        this.births.add(entry.birthDate.slice(0, 10));
      }
    }
  }

  /** The answer to one of the scan's questions; `referential` holds the referential texts. */
  answer(question: Question, referential: readonly string[]): Answer {
    switch (question.ask) {
      case 'match': {
        const { words: list, unpadded, names, dates } = question.query;
        const students = new Set([
          ...list.flatMap((w) => this.byWord.get(w) ?? []),
          ...unpadded.flatMap((w) => this.byUnpadded.get(w) ?? []),
        ]);
        return {
          identifiers: [...students].map((s) => ({
            studentNumber: s.studentNumber,
            ine: s.ine ?? null,
          })),
          lastNames: names.filter((n) => this.lastNames.has(n)),
          births: dates.filter((d) => this.births.has(d)),
        };
      }
      case 'fullNames':
        return question.pairs.filter(([last, first]) => this.pairs.has(`${last}|${first}`));
      case 'referential': {
        const asked = new Set(question.words);
        return referential.filter((t) =>
          words(t)
            .trim()
            .split(' ')
            .some((w) => asked.has(w)),
        );
      }
    }
  }
}
