// Cases 1, 2, 3 and 9: a big grade file from drop to committed grades and receipt, against the
// floor of the same work; its re-import; the same import on embedded PGlite.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gradeCsv, gradeLines, gradeXlsx } from './data.js';
import { csvFloor, prepareFloor, xlsxFloor } from './floors.js';
import {
  dropAndImport,
  median,
  resetGrades,
  result,
  timed,
  type CaseResult,
  type DropSummary,
} from './measure.js';
import { buildWorld, type World } from './world.js';

/** Sizes and repetitions of a run. */
export interface Plan {
  quick: boolean;
  reps: number;
  /** Rows of the big import (100,000 in a full run). */
  rows: number;
}

function check(summary: DropSummary, expected: number, label: string): void {
  if (summary.read !== expected || summary.imported < expected * 0.99) {
    throw new Error(`${label}: unexpected outcome ${JSON.stringify(summary)} for ${expected} rows`);
  }
}

/** Files of `rows` rows, one per repetition, each with other grades (so each is a new drop). */
async function files(world: World, plan: Plan, kind: 'xlsx' | 'csv'): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let rep = 0; rep < plan.reps; rep += 1) {
    const lines = gradeLines(world.numbers, plan.rows, rep + 1);
    out.push(kind === 'xlsx' ? await gradeXlsx(lines) : gradeCsv(lines));
  }
  return out;
}

/** Imports each file from an empty grade table, interleaved with its floor; medians of both. */
async function importVersusFloor(
  world: World,
  plan: Plan,
  kind: 'xlsx' | 'csv',
): Promise<{ imports: number[]; floors: number[] }> {
  const bytes = await files(world, plan, kind);
  await prepareFloor(world.ctx.db);
  const imports: number[] = [];
  const floors: number[] = [];

  for (const [rep, file] of bytes.entries()) {
    await resetGrades(world.ctx);
    let summary: DropSummary | undefined;
    imports.push(
      await timed(async () => {
        summary = await dropAndImport(world.ctx, `notes-${kind}-${rep}.${kind}`, file);
      }),
    );
    check(summary as DropSummary, plan.rows, kind);
    floors.push(
      await timed(() =>
        kind === 'xlsx' ? xlsxFloor(world.ctx.db, file) : csvFloor(world.ctx.db, file),
      ),
    );
  }
  return { imports, floors };
}

/** Case 1 and 3: the workbook import, then re-imports of the same grades. */
export async function workbookCases(world: World, plan: Plan): Promise<Record<string, CaseResult>> {
  const { imports, floors } = await importVersusFloor(world, plan, 'xlsx');
  const first = median(imports);
  const out: Record<string, CaseResult> = {
    'import-xlsx': result(
      first,
      median(floors),
      1.5,
      `${plan.rows} rows, ms; reference = unzip+scan+COPY floor`,
    ),
  };

  // The same grades saved again (other bytes, so not a duplicate drop): nothing may be rewritten.
  const lines = gradeLines(world.numbers, plan.rows, plan.reps);
  const reimports: number[] = [];
  const rewritten: number[] = [];
  const confirmed: number[] = [];
  let file: Buffer = Buffer.alloc(0);
  for (let rep = 0; rep < plan.reps; rep += 1) {
    file = await gradeXlsx(lines, `Notes ${rep + 2}`);
    const before = (await world.ctx.db.raw('select now() as at')).rows?.[0]?.at as Date | undefined;
    const lastHandIn = (
      (await world.ctx.db('grade').max({ at: 'received_at' })) as Array<{ at: Date | null }>
    )[0]?.at;
    reimports.push(await timed(() => dropAndImport(world.ctx, `reimport-${rep}.xlsx`, file)));
    const changed = (await world.ctx
      .db('grade')
      .where('updated_at', '>=', before ?? new Date())
      .count({ n: '*' })) as Array<{ n: number }>;
    rewritten.push(Number(changed[0]?.n ?? 0));
    // Unchanged grades take the re-import's hand-in time (channels/grade-confirm.ts: the workbook's
    // save, before `before`): rows updated, no grade rewritten. Counted for the note.
    const dated = (await world.ctx
      .db('grade')
      .where('received_at', '>', lastHandIn ?? new Date(0))
      .count({ n: '*' })) as Array<{ n: number }>;
    confirmed.push(Number(dated[0]?.n ?? 0));
  }
  const exact = await timed(() => dropAndImport(world.ctx, 'reimport-same-bytes.xlsx', file));
  out['reimport-xlsx'] = result(
    median(reimports),
    first,
    1,
    `same grades, other bytes, ${median(confirmed)} hand-in times moved on; ` +
      `exact same bytes (duplicate) took ${exact.toFixed(0)} ms`,
  );
  out['reimport-rewritten-grades'] = {
    ...result(
      median(rewritten),
      plan.rows,
      0,
      'grades whose row was rewritten by the re-import (goal: none)',
    ),
  };
  return out;
}

/**
 * Case 2: the CSV import against its floor. Then the same import into a grade table a vacuum found
 * empty, as autovacuum leaves one whose grades were all deleted (or `vacuum analyze` a new
 * database): planned on those statistics, the first import of 100,000 grades took 70 s.
 */
export async function csvCase(world: World, plan: Plan): Promise<Record<string, CaseResult>> {
  const { imports, floors } = await importVersusFloor(world, plan, 'csv');
  const lines = gradeLines(world.numbers, plan.rows, 1);
  await resetGrades(world.ctx);
  await world.ctx.db.raw('vacuum analyze grade');
  let summary: DropSummary | undefined;
  const vacuumed = await timed(async () => {
    summary = await dropAndImport(world.ctx, 'notes-csv-vacuumed.csv', gradeCsv(lines));
  });
  check(summary as DropSummary, plan.rows, 'csv after vacuum');
  return {
    'import-csv': result(
      median(imports),
      median(floors),
      1.5,
      `${plan.rows} rows, ms; reference = split+COPY floor`,
    ),
    'import-after-vacuum': result(
      vacuumed,
      median(imports),
      1.25,
      `${plan.rows} rows, ms, into a grade table a vacuum found empty; reference = import-csv`,
    ),
  };
}

/** Largest event-loop stall (ms) while `run` runs. */
async function withStallWatch(run: () => Promise<unknown>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  await run();
  histogram.disable();
  return histogram.max / 1e6;
}

/** Case 9: the workbook import on PGlite against the Postgres figure, and the stalls of both. */
export async function pgliteCases(
  postgres: World,
  plan: Plan,
  students: number,
): Promise<Record<string, CaseResult>> {
  const bytes = await files(postgres, plan, 'xlsx');
  const onPostgres: number[] = [];
  const stallsPostgres: number[] = [];
  for (const [rep, file] of bytes.entries()) {
    await resetGrades(postgres.ctx);
    stallsPostgres.push(
      await withStallWatch(async () =>
        onPostgres.push(await timed(() => dropAndImport(postgres.ctx, `pg-${rep}.xlsx`, file))),
      ),
    );
  }

  const world = await buildWorld(students, true);
  const onPglite: number[] = [];
  const stalls: number[] = [];
  try {
    // PGlite drew its own numbers: the files are rebuilt on them with the same seeds.
    const own = await files(world, plan, 'xlsx');
    for (const [rep, file] of own.entries()) {
      await resetGrades(world.ctx);
      let summary: DropSummary | undefined;
      stalls.push(
        await withStallWatch(async () => {
          onPglite.push(
            await timed(async () => {
              summary = await dropAndImport(world.ctx, `pglite-${rep}.xlsx`, file);
            }),
          );
        }),
      );
      check(summary as DropSummary, plan.rows, 'pglite');
    }
  } finally {
    await world.close();
  }

  return {
    'pglite-vs-postgres': result(
      median(onPglite),
      median(onPostgres),
      2,
      `${plan.rows}-row xlsx import, ms`,
    ),
    'pglite-event-loop-stall': result(
      Math.max(...stalls),
      200,
      1,
      `largest stall during the PGlite import, ms (Postgres: ${Math.max(...stallsPostgres).toFixed(0)} ms)`,
    ),
  };
}
