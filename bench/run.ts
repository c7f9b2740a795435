// `npm run bench [-- --quick] [-- --json] [-- --reps=N] [-- --only=import,csv,…]`: generates its own data in its
// own database, runs every case several times and prints each median with its ratio to a
// reference measured in the same run. Needs Postgres (BENCH_ADMIN_URL, default the local trust
// server) and, for the scale-out case, Redis (REDIS_URL, default the local server).
import { labelsCase, poseCase } from './cases-other.js';
import { csvCase, pgliteCases, workbookCases, type Plan } from './cases-import.js';
import { linearAndMemoryCases, readMemoryCases, scaleOutCase } from './cases-children.js';
import type { CaseResult } from './measure.js';
import { buildWorld, type World } from './world.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const json = args.includes('--json');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');

const wanted = (name: string): boolean => !only || only.includes(name);
const say = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

const repsArg = Number(args.find((a) => a.startsWith('--reps='))?.slice('--reps='.length));
const plan: Plan = {
  quick,
  reps: Number.isInteger(repsArg) && repsArg > 0 ? repsArg : quick ? 3 : 5,
  rows: quick ? 20_000 : 100_000,
};
/** Sizes of the linearity case; the largest also gives the memory peak. */
const sizes = quick ? [5_000, 20_000, 50_000] : [10_000, 100_000, 1_000_000];
/** Students of the world: enough for the largest file of the selected cases. */
const students = ['linear', 'scaleout'].some(wanted) ? Math.max(...sizes) : plan.rows;

function table(cases: Record<string, CaseResult>): string {
  const lines = [
    `mode: ${quick ? 'quick' : 'full'}`,
    'case                        median   reference   ratio   goal  verdict  note',
  ];
  for (const [name, c] of Object.entries(cases)) {
    const verdict = c.note?.startsWith('SKIPPED') ? 'skip' : c.ratio <= c.goal ? 'ok' : 'MISS';
    lines.push(
      `${name.padEnd(26)} ${String(c.median).padStart(9)} ${String(c.reference).padStart(11)} ${String(c.ratio).padStart(7)} ${String(c.goal).padStart(6)}  ${verdict.padEnd(7)}  ${c.note ?? ''}`,
    );
  }
  return lines.join('\n');
}

/** The cases that need a world of students, in the order they run. */
function worldSteps(world: World): Array<[string, () => Promise<Record<string, CaseResult>>]> {
  return [
    ['import', () => workbookCases(world, plan)],
    ['csv', () => csvCase(world, plan)],
    ['pose', () => poseCase(world, plan.rows, plan.reps)],
    ['linear', () => linearAndMemoryCases(world, sizes, quick ? 1 : 2)],
    [
      'scaleout',
      () =>
        scaleOutCase(
          world,
          quick ? { files: 20, rows: 2_500 } : { files: 200, rows: 5_000 },
          quick ? 1 : 3,
        ),
    ],
    ['pglite', () => pgliteCases(world, plan, students)],
  ];
}

async function runStep(
  cases: Record<string, CaseResult>,
  name: string,
  step: () => Promise<Record<string, CaseResult>>,
): Promise<void> {
  say(`case ${name}…`);
  const found = await step();
  Object.assign(cases, found);
  say(table(found));
}

async function main(): Promise<void> {
  const cases: Record<string, CaseResult> = {};
  // Labels need no database: they run first, and alone with --only=labels.
  if (wanted('labels')) {
    await runStep(cases, 'labels', () => labelsCase(quick ? 5_000 : 20_000, plan.reps));
  }
  // Reading a file needs no database either.
  if (wanted('readmem')) {
    const readSizes = quick ? { small: 20_000, big: 100_000 } : { small: 100_000, big: 1_000_000 };
    await runStep(cases, 'readmem', () => readMemoryCases(readSizes, quick ? 1 : 2));
  }

  const needWorld = ['import', 'csv', 'pose', 'linear', 'scaleout', 'pglite'].some(wanted);
  if (needWorld) {
    say(`building a world of ${students} students on Postgres…`);
    const world = await buildWorld(students);
    try {
      for (const [name, step] of worldSteps(world).filter(([name]) => wanted(name))) {
        await runStep(cases, name, step);
      }
    } finally {
      await world.close();
    }
  }

  if (json) {
    const bare = Object.fromEntries(
      Object.entries(cases).map(([name, c]) => [
        name,
        { median: c.median, reference: c.reference, ratio: c.ratio, goal: c.goal },
      ]),
    );
    process.stdout.write(`${JSON.stringify({ cases: bare })}\n`);
  } else {
    process.stdout.write(`${table(cases)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
