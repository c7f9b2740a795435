// The Apogée export after the lift, on the real maquette sample (its columns say session 0):
// absences are written so that they survive beside a jury result and come back unchanged when the
// exported file is dropped again, and lifted grades no stored maquette has a place for are told.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Session } from '../../src/domain/types.js';
import { writeMaquette } from '../../src/outputs/filled-maquette.js';
import { parseMaquette } from '../../src/readers/apogee-maquette.js';
import { lift, pose, validate } from '../../src/services/anonymity.js';
import { exportApogee, unplacedNotice } from '../../src/services/apogee-export.js';
import type { AppContext } from '../../src/services/context.js';
import { addModality, addPeriod, addRule, addTemplate } from '../../src/services/setup.js';
import { DATABASE_TARGETS } from '../support/postgres.js';
import { drop, intake } from './channels-world.js';
import {
  closeIutSite,
  importedInto,
  IUT_MANAGER as MANAGER,
  openIutSite,
  SAMPLE,
  type IutSite,
} from './iut-site.js';

const YEAR = 2026;

/** The sample as Apogée would extract it for another session: the Session field of every column. */
function forSession(session: string): Buffer {
  const lines = SAMPLE.toString('latin1').split('\r\n');
  const edited = lines.map((line) => {
    const fields = line.split('\t');
    if (!/^apoL_c\d+$/.test(fields[0] ?? '') || fields[1] !== 'ELP') {
      return line;
    }
    fields[5] = session;
    fields[9] = session;
    return fields.join('\t');
  });
  return Buffer.from(edited.join('\r\n'), 'latin1');
}

/** A maquette with values typed in: student number → column code (apoL_c0001…) → text. */
function typed(bytes: Buffer, byStudent: Record<string, Record<string, string>>): Buffer {
  const values = new Map(
    Object.entries(byStudent).map(([student, cells]) => [student, new Map(Object.entries(cells))]),
  );
  return writeMaquette(parseMaquette(bytes), values);
}

/** What a person reads on a line of 7WGA4: Note, Barème, Résultat (apoL_c0001, c0002, c0004). */
function lineOf(bytes: Buffer, student: string): string[] {
  const found = parseMaquette(bytes).students.find((s) => s.studentNumber === student);
  return ['apoL_c0001', 'apoL_c0002', 'apoL_c0004'].map((code) => found?.values[code] ?? '?');
}

describe.each(DATABASE_TARGETS)('the Apogée export after the lift, on $name', (target) => {
  let site: IutSite | undefined;
  let ctx: AppContext;

  /** Object, session, student, value or absence, result of every grade, in a stable order. */
  async function grades(): Promise<string[]> {
    const rows = (await ctx
      .db('grade as g')
      .join('assessment as a', 'a.id', 'g.assessment_id')
      .join('teaching_object as o', 'o.id', 'a.object_id')
      .orderBy(['o.code', 'a.session', 'g.student_number'])
      .select(
        'o.code',
        'a.session',
        'g.student_number',
        'g.value',
        'g.absence',
        'g.result',
      )) as Array<{
      code: string;
      session: number;
      student_number: string;
      value: string | null;
      absence: string | null;
      result: string | null;
    }>;
    return rows.map((g) =>
      [
        g.code,
        `s${g.session}`,
        g.student_number,
        g.value ?? g.absence ?? '-',
        g.result ?? '-',
      ].join(' '),
    );
  }

  function imported(channel: string, name: string, bytes: Buffer): Promise<void> {
    return importedInto(ctx, channel, name, bytes);
  }

  async function liftedTemplate(code: string, session: Session, period: string): Promise<void> {
    await addTemplate(ctx, MANAGER, {
      ctn: 'IUT',
      year: YEAR,
      code,
      label: code,
      period,
      rule: 'SEQ5',
      attribution: 'per_template',
      autoNewcomers: false,
      assessments: [{ objectCode: '7WGA4', session, stage: 'admission' }],
    });
    const ref = { ctn: 'IUT', year: YEAR, code };
    await pose(ctx, MANAGER, ref);
    await validate(ctx, MANAGER, ref);
    await lift(ctx, MANAGER, ref);
  }

  beforeAll(async () => {
    site = await openIutSite(target, 'apogee_export');
    ctx = site.ctx;

    await addPeriod(ctx, MANAGER, { ctn: 'IUT', year: YEAR, code: 'S4', label: 'Semestre 4' });
    await addPeriod(ctx, MANAGER, { ctn: 'IUT', year: YEAR, code: 'R4', label: 'Rattrapage' });
    for (const [session, period] of [
      [1, 'S4'],
      [2, 'R4'],
    ] as const) {
      await addModality(ctx, MANAGER, {
        ...{ ctn: 'IUT', year: YEAR, period, objectCode: '7WGA4', session },
        ...{ stage: 'admission', scale: 20 },
      });
    }
    await addRule(ctx, MANAGER, {
      ...{ ctn: 'IUT', code: 'SEQ5', kind: 'sequential', width: 5 },
      ...{ prefix: '', check: 'damm', start: 1 },
    });

    // Session 1 lifted, then its grades and jury results typed into the maquette (7WGA4: Note
    // apoL_c0001, Barème apoL_c0002, Résultat apoL_c0004).
    await liftedTemplate('T-S1', 1, 'S4');
    const session1 = typed(SAMPLE, {
      '58310472': { apoL_c0001: 'ABI', apoL_c0004: 'AJ' },
      '91736205': { apoL_c0001: 'ABJ' },
      '24681953': { apoL_c0001: '12,50', apoL_c0002: '20', apoL_c0004: 'ADM' },
      '73045186': { apoL_c0001: '8', apoL_c0002: '20', apoL_c0004: 'AJ' },
    });
    await imported('notes', 'notes-session-1.txt', session1);

    // Session 2: the two students adjourned resit; their grades come in a session-2 maquette.
    await liftedTemplate('T-S2', 2, 'R4');
    const session2 = typed(forSession('2'), {
      '58310472': { apoL_c0001: '11', apoL_c0002: '20', apoL_c0004: 'ADM' },
      '73045186': { apoL_c0001: 'DEF', apoL_c0004: 'AJ' },
    });
    await imported('notes', 'notes-session-2.txt', session2);
  });

  afterAll(async () => {
    await closeIutSite(site);
  });

  it('writes an absence in the Note column, beside the jury result or alone', async () => {
    const { maquettes } = await exportApogee(ctx, MANAGER, 'IUT', YEAR);

    expect(maquettes.map((m) => [path.basename(m.path), m.filled])).toEqual([
      ['apogee-maquette-7W29-notes.txt', 4],
    ]);
    const bytes = await readFile(maquettes[0]?.path ?? '');
    expect(lineOf(bytes, '58310472')).toEqual(['ABI', '', 'AJ']);
    expect(lineOf(bytes, '91736205')).toEqual(['ABJ', '', '']);
    expect(lineOf(bytes, '24681953')).toEqual(['12,5', '20', 'ADM']);
  });

  it('tells which lifted grades no stored maquette has columns for', async () => {
    const { unplaced } = await exportApogee(ctx, MANAGER, 'IUT', YEAR);

    expect(unplaced).toEqual([
      { objectCode: '7WGA4', session: 2, stage: 'admission', count: 2, columnFound: false },
    ]);
    const notice = unplacedNotice(unplaced) ?? '';
    expect(notice).toContain('[APOGEE_GRADES_UNPLACED]');
    expect(notice).toContain(
      '(2 note(s) non exportée(s)\u00a0: 7WGA4 session 2\u00a0: 2 (aucune colonne))',
    );
    expect(notice).toContain('Déposez dans inbox/<CTN>/referentiel/');
  });

  it('gives back the same grades, absences and results from its own export dropped in notes/', async () => {
    const before = await grades();
    const { maquettes } = await exportApogee(ctx, MANAGER, 'IUT', YEAR);
    const exported = await readFile(maquettes[0]?.path ?? '');
    // Blank cells leave grades as they are: only on a site without them does the file alone count.
    const session1 = ctx.db('assessment').where({ session: 1 }).select('id');
    await ctx.db('grade').whereIn('assessment_id', session1).delete();

    await drop(ctx, 'IUT', 'notes', 'maquette-exportee.txt', exported);
    const receipt = await intake(ctx, 'IUT', 'maquette-exportee.txt');

    expect([receipt.status, receipt.errors]).toEqual(['imported', []]);
    expect(await grades()).toEqual(before);
    expect(before).toEqual([
      '7WGA4 s1 24681953 12.50 ADM',
      '7WGA4 s1 58310472 ABI AJ',
      '7WGA4 s1 73045186 8.00 AJ',
      '7WGA4 s1 91736205 ABJ -',
      '7WGA4 s2 58310472 11.00 ADM',
      '7WGA4 s2 73045186 DEF AJ',
    ]);
  });

  it('places each session in the maquette of its session, 0 and 1 alike for session 1', async () => {
    await imported('referentiel', 'maquette-session-1.txt', forSession('1'));
    await imported('referentiel', 'maquette-session-2.txt', forSession('2'));

    const { maquettes, unplaced } = await exportApogee(ctx, MANAGER, 'IUT', YEAR);

    expect(unplaced).toEqual([]);
    expect(unplacedNotice(unplaced)).toBeNull();
    expect(maquettes.map((m) => [path.basename(m.path), m.filled])).toEqual([
      ['apogee-maquette-7W29-notes.txt', 4],
      ['maquette-session-1-notes.txt', 4],
      ['maquette-session-2-notes.txt', 2],
    ]);
    const [session0, session1, session2] = await Promise.all(
      maquettes.map((m) => readFile(m.path)),
    );
    for (const bytes of [session0, session1]) {
      expect(lineOf(bytes ?? Buffer.alloc(0), '58310472')).toEqual(['ABI', '', 'AJ']);
    }
    expect(lineOf(session2 ?? Buffer.alloc(0), '58310472')).toEqual(['11', '20', 'ADM']);
    expect(lineOf(session2 ?? Buffer.alloc(0), '73045186')).toEqual(['DEF', '', 'AJ']);
    expect(lineOf(session2 ?? Buffer.alloc(0), '91736205')).toEqual(['', '', '']);
  });
});
