// The references of grade and anonymous_number, checked per statement (migration 007): what the
// foreign keys refused is still refused, on both sides, and nothing of the statement is written.
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openDb } from '../../src/store/db.js';
import { DATABASE_TARGETS, createTestDatabase, type TestDatabase } from '../support/postgres.js';

/** The SQLSTATE of a refused statement, or 'accepted'. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'accepted',
    (e: unknown) => String((e as { code?: string }).code ?? (e as Error).message),
  );
}

describe.each(DATABASE_TARGETS)('statement-level references on $name', ({ postgres }) => {
  let db: Knex;
  let database: TestDatabase | null = null;
  let assessment: number;
  let template: number;
  let intake: number;

  beforeAll(async () => {
    database = postgres ? await createTestDatabase('refs') : null;
    db = openDb(database ? { url: database.url } : { memory: true });
    await migrate(db);
    await db('ctn').insert({ code: 'R', label: 'CTN R' });
    await db('student').insert(
      ['00000001', '00000002', '00000003'].map((n) => ({ student_number: n, last_name: 'NOM' })),
    );
    const [object] = (await db('teaching_object')
      .insert({ ctn: 'R', kind: 'EP', code: 'OBJ', label: 'Objet' })
      .returning('id')) as Array<{ id: number }>;
    const [a] = (await db('assessment')
      .insert({ object_id: object?.id, year: 2026, session: 1, stage: 'admission' })
      .returning('id')) as Array<{ id: number }>;
    assessment = a?.id ?? 0;
    const [period] = (await db('anonymity_period')
      .insert({ ctn: 'R', year: 2026, code: 'P', label: 'Période' })
      .returning('id')) as Array<{ id: number }>;
    const [rule] = (await db('numbering_rule')
      .insert({ ctn: 'R', code: 'S', kind: 'sequential', width: 6 })
      .returning('id')) as Array<{ id: number }>;
    const [t] = (await db('anonymity_template')
      .insert({
        ctn: 'R',
        year: 2026,
        code: 'T',
        label: 'Gabarit',
        period_id: period?.id,
        rule_id: rule?.id,
        attribution: 'per_assessment',
      })
      .returning('id')) as Array<{ id: number }>;
    template = t?.id ?? 0;
    const [f] = (await db('intake_file')
      .insert({ sha256: 'x', ctn: 'R', channel: 'notes', file_name: 'f.csv', size: 1 })
      .returning('id')) as Array<{ id: number }>;
    intake = f?.id ?? 0;
  });

  beforeEach(async () => {
    await db('grade').delete();
    await db('anonymous_number').delete();
  });

  afterAll(async () => {
    await db.destroy();
    await database?.drop();
  });

  const grade = (student: string, extra: object = {}) => ({
    assessment_id: assessment,
    student_number: student,
    value: 12,
    source: 'typed',
    intake_id: intake,
    ...extra,
  });
  const number = (student: string, text: string, extra: object = {}) => ({
    year: 2026,
    number: text,
    template_id: template,
    assessment_id: assessment,
    student_number: student,
    ...extra,
  });

  it('accepts rows whose every key exists, in bulk and alone', async () => {
    expect(await outcome(db('grade').insert([grade('00000001'), grade('00000002')]))).toBe(
      'accepted',
    );
    expect(await outcome(db('anonymous_number').insert(number('00000001', '000001')))).toBe(
      'accepted',
    );
    expect(await outcome(db('grade').insert(grade('00000003', { intake_id: null })))).toBe(
      'accepted',
    );
    expect(Number((await db('grade').count({ n: '*' }))[0]?.n)).toBe(3);
  });

  it('refuses a statement naming a missing student, assessment, intake or template, writing none of it', async () => {
    const refusals = [
      await outcome(db('grade').insert([grade('00000001'), grade('99999999')])),
      await outcome(db('grade').insert(grade('00000001', { assessment_id: assessment + 100 }))),
      await outcome(db('grade').insert(grade('00000001', { intake_id: intake + 100 }))),
      await outcome(db('anonymous_number').insert(number('99999999', '000009'))),
      await outcome(
        db('anonymous_number').insert(number('00000001', '000002', { template_id: template + 9 })),
      ),
      await outcome(
        db('anonymous_number').insert(
          number('00000001', '000003', { assessment_id: assessment + 9 }),
        ),
      ),
    ];
    expect(refusals).toEqual(Array(6).fill('23503'));
    expect(Number((await db('grade').count({ n: '*' }))[0]?.n)).toBe(0);
    expect(Number((await db('anonymous_number').count({ n: '*' }))[0]?.n)).toBe(0);
  });

  it('refuses an update moving a row to a missing key, not one rewriting a value', async () => {
    await db('grade').insert([grade('00000001'), grade('00000002')]);
    expect(
      await outcome(db('grade').where({ student_number: '00000001' }).update({ value: 15 })),
    ).toBe('accepted');
    expect(
      await outcome(
        db('grade').where({ student_number: '00000001' }).update({ student_number: '99999999' }),
      ),
    ).toBe('23503');
    expect(await outcome(db('grade').update({ intake_id: intake + 100 }))).toBe('23503');
    expect(await outcome(db('grade').update({ assessment_id: assessment + 100 }))).toBe('23503');
    // Only the rows whose reference changes are checked, and one of a statement refuses it whole.
    expect(
      await outcome(
        db.raw(
          `update grade set student_number = case when student_number = '00000002'
             then '99999998' else student_number end, value = 19`,
        ),
      ),
    ).toBe('23503');
    expect(await outcome(db('grade').update({ received_at: new Date(), intake_id: null }))).toBe(
      'accepted',
    );
    expect(await outcome(db('grade').update({ intake_id: intake }))).toBe('accepted');
    const rows = (await db('grade').orderBy('student_number')) as Array<{
      student_number: string;
      value: string;
    }>;
    expect(rows.map((r) => [r.student_number, Number(r.value)])).toEqual([
      ['00000001', 15],
      ['00000002', 12],
    ]);
  });

  it('refuses deleting, re-keying or truncating a parent still referenced', async () => {
    await db('grade').insert(grade('00000001'));
    await db('anonymous_number').insert(number('00000002', '000001'));
    const refusals = [
      await outcome(db('student').where({ student_number: '00000001' }).delete()),
      await outcome(db('student').where({ student_number: '00000002' }).delete()),
      await outcome(
        db('student').where({ student_number: '00000001' }).update({ student_number: '00000009' }),
      ),
      await outcome(db('assessment').where({ id: assessment }).delete()),
      await outcome(db('intake_file').where({ id: intake }).delete()),
      await outcome(db('anonymity_template').where({ id: template }).delete()),
      await outcome(db.raw('truncate student cascade')),
      await outcome(db.raw('truncate intake_file cascade')),
    ];
    expect(refusals.slice(0, 6)).toEqual(Array(6).fill('23503'));
    // TRUNCATE … CASCADE would empty grade too: the check runs before, on the tables as they are.
    expect(refusals.slice(6)).toEqual(['23503', '23503']);
    expect(Number((await db('student').count({ n: '*' }))[0]?.n)).toBe(3);

    // Unreferenced rows go, and renaming a student nobody refers to is allowed.
    expect(await outcome(db('student').where({ student_number: '00000003' }).delete())).toBe(
      'accepted',
    );
    await db('grade').delete();
    expect(
      await outcome(
        db('student').where({ student_number: '00000001' }).update({ student_number: '00000009' }),
      ),
    ).toBe('accepted');
    expect(await outcome(db('student').update({ last_name: 'AUTRE' }))).toBe('accepted');
  });

  // Two connections and a lock wait: only a server has them.
  if (postgres) {
    it('sees a child written by a transaction still open when the parent is deleted', async () => {
      // Students 1 and 3 were renamed and deleted by the test above: 2 is left untouched.
      const writer = await db.transaction();
      try {
        await writer('grade').insert(grade('00000002'));
        let settled = false;
        const deletion = outcome(db('student').where({ student_number: '00000002' }).delete());
        void deletion.then(() => (settled = true));
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(settled).toBe(false); // waiting for the writer, not reading around it
        await writer.commit();
        expect(await deletion).toBe('23503');
      } finally {
        if (!writer.isCompleted()) {
          await writer.rollback();
        }
      }
      expect(await db('student').where({ student_number: '00000002' }).first()).toBeDefined();
    });
  }
});
