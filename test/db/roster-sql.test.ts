// The roster as a question to the database (migration 008, services/roster.ts): the SQL twin of the
// scan's normalisation folds every letter the way the scan does, the scan columns follow every
// write, and a student is found among 200,000 under anonymity without the roster ever being read.
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/outputs/gateway.js';
import { words } from '../../src/outputs/identity-parts.js';
import { scanTexts } from '../../src/outputs/identity-scan.js';
import { rosterOfTemplate, rosterUnderAnonymity, SqlRoster } from '../../src/services/roster.js';
import { migrate, openDb } from '../../src/store/db.js';
import { DATABASE_TARGETS, createTestDatabase, type TestDatabase } from '../support/postgres.js';

const STUDENTS = 200_000;
const YEAR = 2026;

/** Every character the scan folds to a letter or a digit, and every Latin, Greek or Cyrillic one. */
function foldedCharacters(): string[] {
  const chars: string[] = [];
  for (let cp = 0x80; cp <= 0x1ffff; cp += 1) {
    const char = cp >= 0xd800 && cp <= 0xdfff ? '' : String.fromCodePoint(cp);
    if (cp <= 0x52f || /[A-Z0-9]/.test(words(char))) {
      chars.push(char);
    }
  }
  return chars;
}

const NAMES = [
  "N'DIAYE",
  'Lefèvre-de la Motte',
  'ŒUVRAY',
  'Weiß',
  'Çelik',
  'Brûlé  ',
  'e\u0301ric', // é typed as e + combining accent
  'ǅemal',
  'Ørsted',
  'Dvořák',
  'Nguyễn Thị',
  'Łukasz',
  'Åsa',
  'ﬁlon',
  '',
  '  ',
];

/** Rows fetched by every query run on `db` while `body` runs. */
async function rowsFetched(db: Knex, body: () => Promise<unknown>): Promise<number> {
  let rows = 0;
  const count = (response: unknown): void => {
    const list = (response as { rows?: unknown[] } | unknown[] | undefined) ?? [];
    rows += Array.isArray(list) ? list.length : (list.rows?.length ?? 0);
  };
  db.on('query-response', count);
  try {
    await body();
  } finally {
    db.off('query-response', count);
  }
  return rows;
}

describe.each(DATABASE_TARGETS)('the roster in SQL on $name', ({ postgres }) => {
  let db: Knex;
  let database: TestDatabase | null = null;
  let templateId: number;
  let otherTemplateId: number;

  beforeAll(async () => {
    database = postgres ? await createTestDatabase('roster') : null;
    db = openDb(database ? { url: database.url } : { memory: true });
    await migrate(db);
    await db('ctn').insert([
      { code: 'M', label: 'Faculté des langues' },
      { code: 'N', label: 'Faculté voisine' },
    ]);
    await db.raw(
      `insert into student (student_number, ine, last_name, first_name, birth_date)
       select lpad(g::text, 8, '0'), lpad((g * 7)::text, 10, '0') || 'k',
              'NOM' || chr(65 + g % 26) || chr(65 + (g / 26) % 26) || chr(65 + (g / 676) % 26),
              'Prénom', date '1990-01-01' + (g % 5000)
         from generate_series(3, ?) g`,
      [STUDENTS],
    );
    await db('student').insert([
      { student_number: '00000001', last_name: 'ALLEMAND', first_name: 'Paul' },
      { student_number: '00000002', last_name: 'Li', first_name: 'Wei', birth_date: '1990-01-01' },
      { student_number: '99999999', last_name: 'HORSROSTER', first_name: 'Anne' },
    ]);
    const object = async (ctn: string, code: string, label: string): Promise<number> =>
      (
        (await db('teaching_object')
          .insert({ ctn, kind: 'ELP', code, label })
          .returning('id')) as Array<{ id: number }>
      )[0]?.id ?? 0;
    const template = async (ctn: string, objectId: number): Promise<number> => {
      const [a] = (await db('assessment')
        .insert({ object_id: objectId, year: YEAR, session: 1, stage: 'admission' })
        .returning('id')) as Array<{ id: number }>;
      const [p] = (await db('anonymity_period')
        .insert({ ctn, year: YEAR, code: 'JANV', label: 'Janvier' })
        .returning('id')) as Array<{ id: number }>;
      const [r] = (await db('numbering_rule')
        .insert({ ctn, code: 'R8', kind: 'random', width: 8 })
        .returning('id')) as Array<{ id: number }>;
      const [t] = (await db('anonymity_template')
        .insert({
          ctn,
          year: YEAR,
          code: 'T',
          label: 'Maquette de janvier',
          period_id: p?.id,
          rule_id: r?.id,
          attribution: 'per_template',
        })
        .returning('id')) as Array<{ id: number }>;
      await db('template_assessment').insert({
        template_id: t?.id,
        assessment_id: a?.id,
        state: 'V',
      });
      return t?.id ?? 0;
    };
    templateId = await template('M', await object('M', 'ALL2', 'Allemand LV2'));
    otherTemplateId = await template('N', await object('N', 'ESP1', 'Espagnol'));
    await db.raw(
      `insert into anonymous_number (year, number, template_id, student_number)
       select ?, 'A' || student_number, ?, student_number from student where student_number <> '99999999'`,
      [YEAR, templateId],
    );
    await db.raw('analyze');
  }, 600_000);

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('folds every letter in SQL exactly as the scan does in JavaScript', async () => {
    const texts = [...foldedCharacters().map((c) => `x${c}y ${c}`), ...NAMES];
    const { rows } = (await db.raw('select anonymat_scan_words(t) as w from unnest(?::text[]) t', [
      texts,
    ])) as { rows: Array<{ w: string }> };

    expect(texts.length).toBeGreaterThan(1_400);
    expect(rows.map((r) => r.w)).toEqual(texts.map((t) => words(t).trim()));
  });

  it('keeps the scan columns right on insert and on update, whatever writes the row', async () => {
    await db('student').insert({ student_number: 'x1', ine: '12 ab', last_name: 'Dvořák' });
    const read = async () =>
      (await db('student')
        .where({ student_number: 'x1' })
        .first('scan_last', 'scan_number', 'scan_ine')) as Record<string, unknown>;
    expect(await read()).toEqual({
      scan_last: 'DVORAK',
      scan_number: 'X1',
      scan_ine: '12',
    });

    await db.raw(
      `update student set last_name = 'Çelik', first_name = 'Ayşe' where student_number = 'x1'`,
    );

    expect(await read()).toMatchObject({ scan_last: 'CELIK' });
    await db('student').where({ student_number: 'x1' }).delete();
  });

  it(`finds one student among ${STUDENTS} under anonymity, reading a handful of rows`, async () => {
    const roster = (await rosterUnderAnonymity(db, 'M')) as SqlRoster;
    const receipt = JSON.stringify({
      file: 'notes.csv',
      errors: [
        { row: 2, value: '00123457', message: 'Numéro anonyme inconnu' },
        { row: 3, value: '12,5', message: 'Note refusée' },
      ],
    });

    let hits: Awaited<ReturnType<typeof scanFile>> = [];
    const fetched = await rowsFetched(db, async () => {
      hits = await scanFile('M/accuses/notes/notes.receipt.json', receipt, roster);
    });

    expect(hits).toEqual([
      { part: 'contenu', kind: 'student_number', places: ['champ errors[0].value'] },
    ]);
    // The roster holds 200,000 students: what crossed from the database is a few rows.
    console.info('rows', roster.rowsRead, fetched);
    expect(roster.rowsRead).toBeLessThan(10);
    expect(fetched).toBeLessThan(10);
  });

  it('does not take an anonymous number for the student number it happens to spell', async () => {
    const [row] = (await db('student')
      .whereNot({ student_number: '99999999' })
      .orderBy('student_number')
      .offset(500)
      .limit(1)
      .select('student_number')) as Array<{ student_number: string }>;
    const spelled = row?.student_number ?? '';
    const roster = await rosterUnderAnonymity(db, 'M');
    const receipt = (value: string) =>
      JSON.stringify({ errors: [{ row: 2, value, message: 'Note remplacée' }] });
    // Before: the value is a student number under anonymity.
    expect((await scanFile('a.receipt.json', receipt(spelled), roster)).map((h) => h.kind)).toEqual(
      ['student_number'],
    );

    // Another CTN's numbering drew the same eight digits as an anonymous number.
    await db('anonymous_number').insert({
      year: YEAR,
      number: spelled,
      template_id: otherTemplateId,
      student_number: spelled,
    });
    const fresh = await rosterUnderAnonymity(db, 'M');
    expect(await scanFile('b.receipt.json', receipt(spelled), fresh)).toEqual([]);
    await db('anonymous_number').where({ number: spelled }).delete();
  });

  it('finds in typed text a number without its leading zeros, never a short one nor an anonymous number', async () => {
    const roster = (await rosterUnderAnonymity(db, 'M')) as SqlRoster;
    const typed = async (text: string) =>
      (await scanTexts([{ place: '2', texts: [text] }], roster)).map((h) => h.kind);
    await db('anonymous_number').insert({
      year: YEAR,
      number: '123458',
      template_id: otherTemplateId,
      student_number: '00123458',
    });

    expect(await typed('recours 123457')).toEqual(['student_number']);
    expect(await typed('note 12 sur 20, 15,5 au rattrapage, rang 1457')).toEqual([]);
    expect(await typed('copie 123458')).toEqual([]);
    // The service's own outputs are not searched for it.
    expect(await scanFile('x.csv', 'recours 123457', roster)).toEqual([]);
    expect(roster.rowsRead).toBeLessThan(10);
    await db('anonymous_number').where({ number: '123458' }).delete();
  });

  it('finds a student by INE, by birth date, and by name with the first name beside it', async () => {
    const roster = await rosterUnderAnonymity(db, 'M');
    const kinds = async (text: string) =>
      (await scanFile('x.csv', text, roster)).map((h) => h.kind).sort();

    expect(await kinds('INE : 0000000175K')).toEqual(['ine']);
    expect(await kinds('né le 01/01/1990')).toEqual(['birth_date']);
    expect(await kinds('copie de Wei LI')).toEqual(['last_name']);
    expect(await kinds('copie de LI')).toEqual([]);
    expect(await kinds('copie de HORSROSTER Anne, 99999999')).toEqual([]);
  });

  it('excuses a last name inside a label of the CTN, and only there', async () => {
    const roster = await rosterUnderAnonymity(db, 'M');
    const scan = (text: string) => scanFile('M/deliberation/pv.csv', text, roster);

    expect(await scan('Épreuve ALL2 — Allemand LV2 · Session 1\nS0001;12,5')).toEqual([]);
    expect(await scan('Allemand LV2\nS0001;ALLEMAND absent')).toEqual([
      { part: 'contenu', kind: 'last_name', places: ['ligne 2'] },
    ]);
    expect(await scan('Allemand LV2 : copie de Paul ALLEMAND')).toEqual([
      { part: 'contenu', kind: 'last_name', places: ['ligne 1'] },
    ]);
    // The same label belongs to no object of CTN N: there, nothing excuses it.
    const other = await rosterUnderAnonymity(db, 'N');
    await db('anonymous_number').insert({
      year: YEAR,
      number: 'N00000001',
      template_id: otherTemplateId,
      student_number: '00000001',
    });
    expect(await scanFile('N/pv.csv', 'Épreuve — Allemand LV2', other)).toHaveLength(1);
  });

  it('scopes a template roster to the template holders', async () => {
    const inTemplate = await rosterOfTemplate(db, templateId);
    const inOther = await rosterOfTemplate(db, otherTemplateId);

    expect(await scanFile('x.csv', '00000005', inTemplate)).toHaveLength(1);
    expect(await scanFile('x.csv', '00000005', inOther)).toEqual([]);
    expect(await scanFile('x.csv', '99999999', inTemplate)).toEqual([]);
  });
});
