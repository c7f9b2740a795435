// The rosters the outbox gateway scans anonymous files against: the students a file concerns, so
// that none of their identities can reach it (issue 5 §1).
//
// A roster is a question put to Postgres, never a list held in memory: the scan sends the words of
// one file (outputs/identity-scan.ts), and the database answers with the few students of the
// roster whose student number, INE, last name, full name or birth date is among them, through the
// scan columns and indexes of migration 008. Every list goes as one array parameter.
import type { Knex } from 'knex';
import type { RosterLookup, RosterMatch, RosterQuery } from '../outputs/identity-roster.js';

type Db = Knex | Knex.Transaction;

/** Which students a roster holds: as an SQL condition on `s` (student), and the CTN it belongs to. */
interface Scope {
  /** `exists (…)` over the student `s`, with its bindings. */
  holds: [string, unknown[]];
  /** Any student at all, with its bindings. */
  any: [string, unknown[]];
  /** The CTN whose referential the file's fixed text comes from, as SQL with its bindings. */
  ctn: [string, unknown[]];
}

/** The students holding a number of the template: what its anonymous files must not show. */
export function rosterOfTemplate(db: Db, templateId: number): Promise<RosterLookup> {
  return Promise.resolve(
    new SqlRoster(db, {
      holds: [
        `coalesce((select true from anonymous_number n
                    where n.student_number = s.student_number and n.template_id = ? limit 1), false)`,
        [templateId],
      ],
      any: ['exists (select 1 from anonymous_number where template_id = ?)', [templateId]],
      ctn: ['(select ctn from anonymity_template where id = ?)', [templateId]],
    }),
  );
}

// `holds` is a scalar subquery, not EXISTS: Postgres turns an EXISTS into a semi-join and, inside a
// per-word lateral, hashed every number under anonymity again for each word (demo on PGlite: 1.7 s
// for 50 words); a scalar subquery stays one index probe per student found.
const UNDER_V = `from anonymous_number n
  join template_assessment ta on ta.template_id = n.template_id
   and (n.assessment_id is null or n.assessment_id = ta.assessment_id)
  join anonymity_template t on t.id = n.template_id
 where t.ctn = ? and ta.state = 'V'`;

/** The students holding a number for an assessment of the CTN in state V. */
export function rosterUnderAnonymity(db: Db, ctn: string): Promise<RosterLookup> {
  return Promise.resolve(
    new SqlRoster(db, {
      holds: [
        `coalesce((select true ${UNDER_V} and n.student_number = s.student_number limit 1), false)`,
        [ctn],
      ],
      any: [`exists (select 1 ${UNDER_V})`, [ctn]],
      ctn: ['?::text', [ctn]],
    }),
  );
}

type Identifier = RosterMatch['identifiers'][number];

interface MatchRow {
  kind: 'id' | 'bare' | 'last' | 'birth';
  k: string;
  a: string | null;
  b: string | null;
}

/**
 * Which of the words are a roster student's number or INE (first word), which names a roster
 * student's last name, which dates a roster student's birth date. Words are looked up one by one
 * (lateral), and a name or a date stops at its first student under anonymity (limit 1): as a
 * semi-join, the planner joined every student to every number under anonymity (1,000,000 of
 * them: 1.5 s per receipt).
 */
function matchSql(holds: string): string {
  // A word that is an anonymous number is what anonymous files are made of, even when it also
  // spells a student number (both are often eight digits): it is not looked up as an identifier.
  // A word looked up without its leading zeros comes back as `bare`, apart from the same word read
  // whole (which may name another student). The partial index of migration 016 serves it.
  return `select distinct 'id' as kind, w as k, i.student_number as a, i.ine as b
     from unnest(?::text[]) w cross join lateral (
       select s.student_number, s.ine from student s where s.scan_number = w and ${holds}
       union all
       select s.student_number, s.ine from student s where s.scan_ine = w and ${holds}
     ) i
    where not exists (select 1 from anonymous_number a where a.number = w)
   union all
   select distinct 'bare', w, i.student_number, i.ine
     from unnest(?::text[]) w cross join lateral (
       select s.student_number, s.ine from student s
        where ltrim(s.scan_number, '0') = w and s.scan_number like '0%' and ${holds}
     ) i
    where not exists (select 1 from anonymous_number a where a.number = w)
   union all
   select 'last', k, null, null from unnest(?::text[]) k
    cross join lateral (select 1 from student s where s.scan_last = k and ${holds} limit 1) x
   union all
   select 'birth', d::text, null, null from unnest(?::date[]) d
    cross join lateral (select 1 from student s where s.birth_date = d and ${holds} limit 1) x`;
}

/**
 * A roster answered by Postgres, one file's words at a time. It remembers its answers: the JSON
 * and the workbook of a receipt share their words, and are asked about once. A roster is made for
 * one drop or one output (services and intake make a new one each time), so it never grows old.
 */
export class SqlRoster implements RosterLookup {
  /** Rows read from the database since this roster was made (tests: never the whole roster). */
  rowsRead = 0;
  private readonly identifiers = new Map<string, Identifier[]>();
  private readonly unpadded = new Map<string, Identifier[]>();
  private readonly lastNames = new Map<string, boolean>();
  private readonly births = new Map<string, boolean>();

  constructor(
    private readonly db: Db,
    private readonly scope: Scope,
  ) {}

  private async rows<T>(sql: string, bindings: unknown[], db: Db = this.db): Promise<T[]> {
    const result = (await db.raw(sql, bindings as Knex.RawBinding[])) as { rows: T[] };
    this.rowsRead += result.rows.length;
    return result.rows;
  }

  async isEmpty(): Promise<boolean> {
    const [sql, bindings] = this.scope.any;
    const [row] = await this.rows<{ found: boolean }>(`select ${sql} as found`, bindings);
    return !row?.found;
  }

  /** Students by identifier, last names present, birth dates present. */
  async match(query: RosterQuery): Promise<RosterMatch> {
    const asked: RosterQuery = {
      words: query.words.filter((w) => !this.identifiers.has(w)),
      unpadded: query.unpadded.filter((w) => !this.unpadded.has(w)),
      names: query.names.filter((n) => !this.lastNames.has(n)),
      dates: query.dates.filter((d) => !this.births.has(d)),
    };
    const lists = [asked.words, asked.unpadded, asked.names, asked.dates];
    if (lists.some((list) => list.length > 0)) {
      await this.ask(asked);
    }
    const found = new Map<string, Identifier>();
    const known = [
      ...query.words.flatMap((w) => this.identifiers.get(w) ?? []),
      ...query.unpadded.flatMap((w) => this.unpadded.get(w) ?? []),
    ];
    known.forEach((i) => found.set(i.studentNumber, i));
    return {
      identifiers: [...found.values()],
      lastNames: query.names.filter((n) => this.lastNames.get(n)),
      births: query.dates.filter((d) => this.births.get(d)),
    };
  }

  /** One round trip for the words (whole and unpadded), names and dates not asked about yet. */
  private async ask({ words, unpadded, names, dates }: RosterQuery): Promise<void> {
    const [holds, scoped] = this.scope.holds;
    // Thousands of tokens make the plan costly enough for Postgres to compile it (JIT): 250 ms
    // spent compiling a 40 ms query. This one is never compiled.
    const rows = await this.db.transaction(async (trx) => {
      await trx.raw('set local jit = off');
      return this.rows<MatchRow>(
        matchSql(holds),
        [words, ...scoped, ...scoped, unpadded, ...scoped, names, ...scoped, dates, ...scoped],
        trx,
      );
    });
    words.forEach((w) => this.identifiers.set(w, []));
    unpadded.forEach((w) => this.unpadded.set(w, []));
    names.forEach((n) => this.lastNames.set(n, false));
    dates.forEach((d) => this.births.set(d, false));
    for (const r of rows) {
      if (r.kind === 'id' || r.kind === 'bare') {
        const map = r.kind === 'id' ? this.identifiers : this.unpadded;
        map.get(r.k)?.push({ studentNumber: r.a ?? '', ine: r.b });
      } else {
        (r.kind === 'last' ? this.lastNames : this.births).set(
          r.k.slice(0, r.kind === 'birth' ? 10 : undefined),
          true,
        );
      }
    }
  }

  async fullNames(pairs: Array<[string, string]>): Promise<Array<[string, string]>> {
    const [holds, scoped] = this.scope.holds;
    const rows = await this.rows<{ l: string; f: string }>(
      `select p.l, p.f from unnest(?::text[], ?::text[]) as p(l, f)
        cross join lateral (select 1 from student s
                             where s.scan_last = p.l and s.scan_first = p.f and ${holds}
                             limit 1) x`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1]), ...scoped],
    );
    return rows.map((r) => [r.l, r.f]);
  }

  /** Labels and codes of the CTN's referential: objects and VET, periods, templates, CTN, rules, results. */
  async referential(words: string[]): Promise<string[]> {
    const [ctn, bindings] = this.scope.ctn;
    const rows = await this.rows<{ text: string }>(
      `with c as (select ${ctn} as code)
       select distinct r.text from (
         select o.code as text from teaching_object o, c where o.ctn = c.code
         union all select o.label from teaching_object o, c where o.ctn = c.code
         union all select p.code from anonymity_period p, c where p.ctn = c.code
         union all select p.label from anonymity_period p, c where p.ctn = c.code
         union all select t.code from anonymity_template t, c where t.ctn = c.code
         union all select t.label from anonymity_template t, c where t.ctn = c.code
         union all select x.code from ctn x, c where x.code = c.code
         union all select x.label from ctn x, c where x.code = c.code
         union all select u.code from numbering_rule u, c where u.ctn = c.code
         union all select code from result_code
         union all select label from result_code
       ) r
       where string_to_array(anonymat_scan_words(r.text), ' ') && ?::text[]`,
      [...bindings, words],
    );
    return rows.map((r) => r.text);
  }
}
