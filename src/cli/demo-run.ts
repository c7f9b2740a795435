// The whole anonymity cycle on real and generated files, through the same services and intake as
// production, always on the embedded database of its own home. Used by `npm run demo` and the e2e test.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/config.js';
import type { GradeValue } from '../domain/types.js';
import { CHANNELS } from '../intake/inbox.js';
import { runOnce } from '../intake/runner.js';
import { InProcessQueue } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import { lift, pose, validate, type TemplateRef } from '../services/anonymity.js';
import { exportApogee } from '../services/apogee-export.js';
import { closeContext, createContext, type AppContext } from '../services/context.js';
import {
  addCtn,
  addModality,
  addPeriod,
  addRule,
  addTemplate,
  addUser,
  grant,
} from '../services/setup.js';
import {
  writeCorrespondence,
  writeGradeWorkbooks,
  writeLabels,
  writeModalities,
  writeProgress,
} from '../services/reports.js';
import {
  amcCsv,
  fillWorkbook,
  generateStudents,
  juryCsv,
  referentialCsv,
  type DemoVet,
} from './demo-data.js';
import { drop, registerLateStudent, revealOne } from './demo-events.js';
import { bindLateStudent, printBeforeExam, printPvs, type BoundSpare } from './demo-print.js';

/** Options of a demo run. */
export interface DemoOptions {
  home: string;
  maquette: string;
  students: number;
  until?: 'V';
  log: Logger;
  say: (line: string) => void;
}

/** What the demo did, for the summary and the end-to-end test. */
export interface DemoOutcome {
  counts: Record<string, number>;
  /** The spare label bound to a student registered at the last minute. */
  bound: BoundSpare | null;
  /** The number revealed before the lift. */
  revealed: string | null;
  expected: Map<string, GradeValue>;
  writtenUnderV: string[];
  ctx: AppContext | null;
}

const YEAR = 2026;
const VETS: DemoVet[] = [
  {
    code: 'SL1MAT',
    version: '101',
    label: 'Licence 1 Mathématiques',
    elps: [
      { code: 'MAT101', label: 'Analyse 1' },
      { code: 'MAT102', label: 'Algèbre linéaire' },
    ],
  },
  {
    code: 'SL1INF',
    version: '101',
    label: 'Licence 1 Informatique',
    elps: [
      { code: 'INF101', label: 'Programmation impérative' },
      { code: 'MAT102', label: 'Algèbre linéaire' },
    ],
  },
  {
    code: 'SL1PHY',
    version: '101',
    label: 'Licence 1 Physique',
    elps: [
      { code: 'PHY101', label: 'Mécanique du point' },
      { code: 'MAT101', label: 'Analyse 1' },
    ],
  },
];
const SCI_OBJECTS = ['MAT101', 'MAT102', 'INF101', 'PHY101'];

async function declare(ctx: AppContext, iutObjects: string[]): Promise<void> {
  await addUser(ctx, 'admin', 'admin', 'Administrateur', true);
  await addCtn(ctx, 'admin', 'IUT', 'IUT — département MMI');
  await addCtn(ctx, 'admin', 'SCIENCES', 'Faculté des sciences');
  for (const [login, name, ctn, role] of [
    ['gest-iut', 'Gestionnaire anonymat IUT', 'IUT', 'manager'],
    ['gest-sci', 'Gestionnaire anonymat Sciences', 'SCIENCES', 'manager'],
    ['scol-sci', 'Scolarité Sciences', 'SCIENCES', 'grade_office'],
    ['jury-iut', 'Président de jury IUT', 'IUT', 'jury'],
  ] as const) {
    await addUser(ctx, 'admin', login, name, false);
    await grant(ctx, 'admin', login, ctn, role);
  }
  for (const ctn of ['IUT', 'SCIENCES']) {
    for (const channel of CHANNELS) {
      await mkdir(path.join(ctx.config.inbox, ctn, channel), { recursive: true });
    }
  }
  return void iutObjects;
}

async function defineRules(ctx: AppContext): Promise<void> {
  await addRule(ctx, 'gest-iut', {
    ctn: 'IUT',
    code: 'SEQ5',
    kind: 'sequential',
    width: 5,
    prefix: '',
    check: 'damm',
    start: 1,
  });
  await addRule(ctx, 'gest-sci', {
    ctn: 'SCIENCES',
    code: 'ALEA6',
    kind: 'random',
    width: 6,
    prefix: 'S',
    check: 'verhoeff',
    start: 1,
  });
}

async function defineCycle(ctx: AppContext, iutObjects: string[]): Promise<TemplateRef[]> {
  await addPeriod(ctx, 'gest-iut', {
    ctn: 'IUT',
    year: YEAR,
    code: 'S4',
    label: 'Semestre 4 — juin',
  });
  await addPeriod(ctx, 'gest-sci', {
    ctn: 'SCIENCES',
    year: YEAR,
    code: 'JANV',
    label: 'Examens de janvier',
  });
  for (const objectCode of iutObjects) {
    await addModality(ctx, 'gest-iut', {
      ctn: 'IUT',
      year: YEAR,
      period: 'S4',
      objectCode,
      session: 1,
      stage: 'admission',
      scale: 20,
    });
  }
  for (const objectCode of SCI_OBJECTS) {
    await addModality(ctx, 'scol-sci', {
      ctn: 'SCIENCES',
      year: YEAR,
      period: 'JANV',
      objectCode,
      session: 1,
      stage: 'admission',
      scale: 20,
    });
  }
  await defineRules(ctx);
  const refs: Array<[string, number]> = [
    ['IUT', 0],
    ['SCIENCES', 1],
  ];
  await addTemplate(ctx, 'gest-iut', {
    ctn: 'IUT',
    year: YEAR,
    code: 'MMI-S4',
    label: 'MMI semestre 4',
    period: 'S4',
    rule: 'SEQ5',
    attribution: 'per_template',
    autoNewcomers: false,
    assessments: iutObjects.map((objectCode) => ({ objectCode, session: 1, stage: 'admission' })),
  });
  await addTemplate(ctx, 'scol-sci', {
    ctn: 'SCIENCES',
    year: YEAR,
    code: 'L1-JANV',
    label: 'Licence 1 — janvier',
    period: 'JANV',
    rule: 'ALEA6',
    attribution: 'per_assessment',
    autoNewcomers: false,
    assessments: SCI_OBJECTS.map((objectCode) => ({ objectCode, session: 1, stage: 'admission' })),
  });
  return refs.map(([ctn]) => ({ ctn, year: YEAR, code: ctn === 'IUT' ? 'MMI-S4' : 'L1-JANV' }));
}

function managerOf(ref: TemplateRef): string {
  return ref.ctn === 'IUT' ? 'gest-iut' : 'gest-sci';
}

/** Fills the workbooks (one assessment of SCIENCES goes through the optical reader instead) and drops them. */
async function collectGrades(
  ctx: AppContext,
  books: Array<{ ref: TemplateRef; path: string; rows: number }>,
  expected: Map<string, GradeValue>,
  bound: BoundSpare,
): Promise<number> {
  let files = 0;
  for (const book of books) {
    const original = await readFile(book.path);
    const name = path.basename(book.path);
    if (book.ref.ctn === 'SCIENCES' && name.includes('PHY101')) {
      // The late student's copy carries the spare label: the optical reader reads it like any other.
      const numbers = [...(await numbersInWorkbook(original)), bound.number];
      const amc = amcCsv(numbers, 20);
      amc.grades.forEach((g, n) => expected.set(`PHY101|${n}`, g));
      await drop(ctx, 'SCIENCES', 'lecteur-optique', 'amc-export-PHY101.csv', amc.bytes);
    } else {
      const filled = await fillWorkbook(original, 20);
      const object = /-(?:\d{4})-([A-Z0-9]+)-s\d+\.xlsx$/.exec(name)?.[1] ?? '';
      filled.grades.forEach((g, n) => expected.set(`${object}|${n}`, g));
      await drop(
        ctx,
        book.ref.ctn,
        'notes',
        name.replace('bordereau', 'notes-saisies'),
        filled.bytes,
      );
    }
    files += 1;
  }
  return files;
}

async function numbersInWorkbook(bytes: Buffer): Promise<string[]> {
  const { readWorkbook } = await import('../readers/index.js');
  const wb = await readWorkbook(bytes);
  const sheet = wb.sheets.find((s) => s.state === 'visible');
  const start =
    sheet?.rows.findIndex((r) => r.cells[0]?.kind === 'text' && r.cells[0].raw === 'N° anonyme') ??
    -1;
  return (sheet?.rows.slice(start + 1) ?? [])
    .map((r) => (r.cells[0]?.kind === 'text' ? r.cells[0].raw : ''))
    .filter((n) => n !== '');
}

/** Poses and validates every template, then writes what a department needs under V. */
async function poseAndValidate(
  ctx: AppContext,
  refs: TemplateRef[],
  counts: Record<string, number>,
): Promise<{ underV: number; books: Array<{ ref: TemplateRef; path: string; rows: number }> }> {
  counts.numbers = 0;
  counts.labels = 0;
  for (const ref of refs) {
    counts.numbers += (await pose(ctx, managerOf(ref), ref)).numbered;
    await writeCorrespondence(ctx, managerOf(ref), ref);
    await validate(ctx, managerOf(ref), ref);
  }
  const underV = ctx.outbox.written.length;
  const books: Array<{ ref: TemplateRef; path: string; rows: number }> = [];
  for (const ref of refs) {
    counts.labels += (await writeLabels(ctx, managerOf(ref), ref)).labels;
    (await writeGradeWorkbooks(ctx, managerOf(ref), ref)).forEach((b) => books.push({ ref, ...b }));
    await writeProgress(ctx, managerOf(ref), ref);
    await writeModalities(ctx, managerOf(ref), ref.ctn, YEAR);
  }
  return { underV, books };
}

/** Grades recorded: values and absence codes. */
async function countGrades(ctx: AppContext): Promise<number> {
  const rows = await ctx
    .db('grade')
    .whereNotNull('value')
    .orWhereNotNull('absence')
    .count<{ n: number }[]>({ n: '*' });
  return Number(rows[0]?.n ?? 0);
}

/** Runs the demo; returns counts and expectations. */
export async function runDemo(o: DemoOptions): Promise<DemoOutcome> {
  const config = loadConfig(undefined, {
    home: o.home,
    databaseUrl: null,
    redisUrl: null,
    stableMs: 0,
    unfinishedStableMs: 0,
  });
  const ctx = await createContext(config, o.log);
  const counts: Record<string, number> = {};
  const expected = new Map<string, GradeValue>();
  const maquette = await readFile(o.maquette);

  await declare(ctx, []);
  await drop(ctx, 'IUT', 'referentiel', path.basename(o.maquette), maquette);
  const students = generateStudents(o.students);
  await drop(
    ctx,
    'SCIENCES',
    'referentiel',
    'extraction-apogee-L1.csv',
    referentialCsv(students, VETS, YEAR),
  );
  counts.referentialFiles = await runOnce(ctx, new InProcessQueue(ctx));
  counts.students = Number((await ctx.db('student').count<{ n: number }[]>({ n: '*' }))[0]?.n ?? 0);
  const iutObjects = (
    (await ctx
      .db('teaching_object')
      .where({ ctn: 'IUT', kind: 'ELP' })
      .orderBy('code')
      .select('code')) as Array<{ code: string }>
  ).map((r) => r.code);

  const refs = await defineCycle(ctx, iutObjects);
  counts.assessments = iutObjects.length + SCI_OBJECTS.length;
  const { underV, books } = await poseAndValidate(ctx, refs, counts);
  counts.workbooks = books.length;
  await printBeforeExam(ctx, refs, managerOf, counts); // issue 6: printed outputs
  const sciences = refs[1] ?? refs[0]!;
  const late = await registerLateStudent(ctx, 'SCIENCES', VETS[2]!, YEAR);
  const bound = await bindLateStudent(ctx, sciences, managerOf(sciences), late, 'PHY101');
  if (o.until === 'V') {
    const writtenUnderV = ctx.outbox.written.slice(underV);
    return { counts, bound, revealed: null, expected, writtenUnderV, ctx };
  }

  counts.gradeFiles = await collectGrades(ctx, books, expected, bound);
  const juryRows = [...expected.entries()]
    .filter(([key]) => key.startsWith(iutObjects[0] ?? '-'))
    .slice(0, 25)
    .map(([key, g]) => ({
      number: key.split('|')[1] ?? '',
      result: g.kind === 'value' && g.value >= 10 ? 'ADM' : 'AJ',
    }));
  await drop(ctx, 'IUT', 'jury', `decisions-${iutObjects[0] ?? ''}.csv`, juryCsv(juryRows));
  counts.juryDecisions = juryRows.length;
  counts.processed = await runOnce(ctx, new InProcessQueue(ctx));
  counts.grades = await countGrades(ctx);
  const revealed = [...expected.keys()].find((k) => k.startsWith('MAT101|'))?.split('|')[1] ?? '';
  await revealOne(ctx, sciences, managerOf(sciences), revealed);
  await printPvs(ctx, refs, managerOf); // anonymous PVs, spreadsheet and PDF
  const writtenUnderV = ctx.outbox.written.slice(underV);

  for (const ref of refs) {
    await lift(ctx, managerOf(ref), ref);
  }
  await printPvs(ctx, refs, managerOf); // named PVs, spreadsheet and PDF
  const exported = await exportApogee(ctx, 'gest-iut', 'IUT', YEAR);
  counts.apogeeFilled = exported.maquettes.reduce((n, w) => n + w.filled, 0);
  counts.apogeeUnplaced = exported.unplaced.reduce((n, u) => n + u.count, 0);
  return { counts, bound, revealed, expected, writtenUnderV, ctx };
}

export { closeContext };
