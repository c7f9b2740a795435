// Cases that need their own processes: memory peaks and time per row of CSV imports of growing
// size (4 and 7), 1 vs 4 BullMQ workers on one Postgres and Redis (8), and the memory of reading a
// grade file as the intake does, CSV and .xlsx, at two sizes (issue 4).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOnce } from '../src/intake/runner.js';
import { BullQueue, redisConnection } from '../src/jobs/bull-queue.js';
import { gradeCsv, gradeLines, gradeXlsx } from './data.js';
import { median, resetGrades, result, timed, type CaseResult } from './measure.js';
import { CTN, REDIS_URL, type World } from './world.js';

// `npm run bench` runs the compiled bench (dist-bench/): children run plain JavaScript, as the
// service does in production; run from source with tsx, they go through tsx too.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const CHILD = fileURLToPath(new URL(FROM_SOURCE ? './child.ts' : './child.js', import.meta.url));

function spawnChild(args: string[]): ChildProcess {
  // Node's default heap limits, as the service runs (a bigger one would only let garbage pile up);
  // the child sizes its heap's growth as the `anonymat` command does (src/cli/heap.ts).
  return spawn(process.execPath, [...(FROM_SOURCE ? ['--import', 'tsx'] : []), CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** The first line a child prints (or rejects when it exits first). */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end >= 0) {
        resolve(text.slice(0, end));
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before answering`)));
  });
}

interface ImportRun {
  ms: number;
  peakMb: number;
  baselineMb: number;
}

async function importInChild(world: World, file: string, spare: string): Promise<ImportRun> {
  await resetGrades(world.ctx);
  const child = spawnChild(['import', world.url ?? '', world.home, file, spare]);
  const line = await firstLine(child);
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.parse(line) as ImportRun;
}

/** Cases 4 and 7: CSV imports of each size in a fresh child process, `reps` times each. */
export async function linearAndMemoryCases(
  world: World,
  sizes: readonly number[],
  reps: number,
): Promise<Record<string, CaseResult>> {
  const dir = path.join(world.home, 'bench-files');
  await mkdir(dir, { recursive: true });
  const perRow: number[] = [];
  const peaks: number[] = [];
  let baseline = 0;
  // The child's warm-up grade: a number of the world none of the measured files holds.
  const spare = world.numbers.at(-1) ?? '';

  for (const size of sizes) {
    const file = path.join(dir, `grades-${size}.csv`);
    const lines = gradeLines(world.numbers, size, size);
    if (spare === '' || lines.some((line) => line.number === spare)) {
      throw new Error(`no warm-up number outside the ${size}-row file`);
    }
    await writeFile(file, gradeCsv(lines));
    const runs: ImportRun[] = [];
    for (let rep = 0; rep < reps; rep += 1) {
      runs.push(await importInChild(world, file, spare));
    }
    perRow.push(median(runs.map((r) => r.ms)) / size);
    peaks.push(Math.max(...runs.map((r) => r.peakMb)));
    baseline = Math.max(baseline, ...runs.map((r) => r.baselineMb));
  }

  const [small, big] = [sizes[sizes.length - 2] ?? 0, sizes[sizes.length - 1] ?? 0];
  const [smallPeak, bigPeak] = [peaks[peaks.length - 2] ?? 0, peaks[peaks.length - 1] ?? 0];
  const perRowText = sizes
    .map((s, i) => `${s}: ${((perRow[i] ?? 0) * 1000).toFixed(1)} µs`)
    .join(', ');
  return {
    'memory-peak-csv': result(
      bigPeak,
      250,
      1,
      `peak RSS MB of a ${big}-row CSV import (child at rest: ${baseline.toFixed(0)} MB)`,
    ),
    'memory-flat': result(bigPeak, smallPeak, 1.2, `peak RSS MB ${big} rows vs ${small} rows`),
    'linear-time-per-row': result(
      Math.max(...perRow),
      Math.min(...perRow),
      1.25,
      `time per row, ms (${perRowText})`,
    ),
  };
}

/** A checksum of the whole grade table, to prove two runs ended identical. */
async function gradeChecksum(world: World): Promise<string> {
  const rows = (await world.ctx.db.raw(
    `select count(*)::int as n, md5(coalesce(string_agg(assessment_id || ':' || student_number || ':' ||
       coalesce(value::text, '') || ':' || coalesce(absence, ''), ',' order by assessment_id, student_number), '')) as sum
     from grade`,
  )) as { rows: Array<{ n: number; sum: string }> };
  return `${rows.rows[0]?.n}:${rows.rows[0]?.sum}`;
}

/** Drops the files, lets `workers` processes import them through BullMQ; ms from submit to last done. */
async function runWorkers(
  world: World,
  files: Buffer[],
  workers: number,
): Promise<{ ms: number; sum: string }> {
  await resetGrades(world.ctx);
  const prefix = `anonymat-bench-${process.pid}-${Date.now()}`;
  const children = Array.from({ length: workers }, () =>
    spawnChild(['worker', world.url ?? '', world.home, prefix]),
  );
  await Promise.all(children.map((child) => firstLine(child)));

  const inbox = path.join(world.ctx.config.inbox, CTN, 'notes');
  for (const [i, bytes] of files.entries()) {
    await writeFile(path.join(inbox, `lot-${String(i).padStart(3, '0')}.csv`), bytes);
  }
  const connection = redisConnection(REDIS_URL);
  const queue = new BullQueue(connection, prefix);
  const ms = await timed(async () => {
    await runOnce(world.ctx, queue);
    await queue.drain();
  });

  await queue.close();
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  await connection.del(...(await connection.keys(`${prefix}:*`)));
  connection.disconnect();
  return { ms, sum: await gradeChecksum(world) };
}

/**
 * Case 8: 4 workers vs 1 on the same files, `reps` times each, alternated (1, 4, 1, 4…) so that a
 * slow spell of the machine weighs on both; every run must end with the same grade table.
 */
export async function scaleOutCase(
  world: World,
  size: { files: number; rows: number },
  reps: number,
): Promise<Record<string, CaseResult>> {
  const files = Array.from({ length: size.files }, (_, f) => {
    const numbers = world.numbers.slice(f * size.rows, (f + 1) * size.rows);
    return gradeCsv(gradeLines(numbers, size.rows, f + 1));
  });
  const ones: number[] = [];
  const fours: number[] = [];
  const sums = new Set<string>();
  for (let rep = 0; rep < reps; rep += 1) {
    for (const [workers, times] of [
      [1, ones],
      [4, fours],
    ] as const) {
      const run = await runWorkers(world, files, workers);
      times.push(run.ms);
      sums.add(run.sum);
    }
  }
  const same = sums.size === 1;
  const runs = (times: number[]): string => times.map((t) => (t / 1000).toFixed(1)).join(', ');
  return {
    'scale-out-4w-vs-1w': result(
      median(fours),
      median(ones),
      same ? 0.67 : 0,
      `${size.files} files × ${size.rows} rows, ms (1 worker: ${runs(ones)} s; 4: ${runs(fours)} s); ` +
        `results ${same ? 'identical' : 'DIFFERENT'}`,
    ),
  };
}

/** What a reading child prints. */
interface ReadRun {
  ms: number;
  peakMb: number;
  baselineMb: number;
  rows: number;
}

async function readInChild(how: 'stream' | 'whole', file: string): Promise<ReadRun> {
  const child = spawnChild(['read', how, file]);
  const line = await firstLine(child);
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.parse(line) as ReadRun;
}

/** The highest peak and the median time of `reps` reads, each in a fresh child. */
async function readRuns(
  how: 'stream' | 'whole',
  file: string,
  reps: number,
): Promise<{ peak: number; ms: number; baseline: number; rows: number }> {
  const runs: ReadRun[] = [];
  for (let rep = 0; rep < reps; rep += 1) {
    runs.push(await readInChild(how, file));
  }
  return {
    peak: Math.max(...runs.map((r) => r.peakMb)),
    ms: median(runs.map((r) => r.ms)),
    baseline: Math.max(...runs.map((r) => r.baselineMb)),
    rows: runs[0]?.rows ?? 0,
  };
}

/**
 * Reading memory (issue 4): peak RSS of a child that only reads a grade file of `small` then `big`
 * rows as notes/ reads it (CSV through csvBatches, .xlsx through xlsxSource), and of readWorkbook on
 * the same .xlsx for comparison. No database: the files hold any 8-digit numbers.
 */
export async function readMemoryCases(
  sizes: { small: number; big: number },
  reps: number,
): Promise<Record<string, CaseResult>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'anonymat-readmem-'));
  try {
    const files: Record<string, { csv: string; xlsx: string }> = {};
    /** File sizes in MB: the intake holds a file's bytes while it is read. */
    const megabytes: Record<string, { csv: string; xlsx: string }> = {};
    for (const size of [sizes.small, sizes.big]) {
      const numbers = Array.from({ length: size }, (_, i) => String(10_000_000 + i));
      const lines = gradeLines(numbers, size, size);
      const csvBytes = gradeCsv(lines);
      const xlsxBytes = await gradeXlsx(lines);
      files[size] = {
        csv: path.join(dir, `notes-${size}.csv`),
        xlsx: path.join(dir, `notes-${size}.xlsx`),
      };
      megabytes[size] = {
        csv: (csvBytes.length / 1024 / 1024).toFixed(1),
        xlsx: (xlsxBytes.length / 1024 / 1024).toFixed(1),
      };
      await writeFile(files[size].csv, csvBytes);
      await writeFile(files[size].xlsx, xlsxBytes);
    }
    const at = (size: number): { csv: string; xlsx: string } => files[size]!;

    const csv = [
      await readRuns('stream', at(sizes.small).csv, reps),
      await readRuns('stream', at(sizes.big).csv, reps),
    ];
    const xlsx = [
      await readRuns('stream', at(sizes.small).xlsx, reps),
      await readRuns('stream', at(sizes.big).xlsx, reps),
    ];
    const whole = [
      await readRuns('whole', at(sizes.small).xlsx, reps),
      await readRuns('whole', at(sizes.big).xlsx, reps),
    ];
    // csvBatches hands over the header row too; the workbook readers give the rows under it.
    for (const [runs, what, header] of [
      [csv, 'CSV', 1],
      [xlsx, 'xlsx streamed', 0],
      [whole, 'xlsx read whole', 0],
    ] as const) {
      if (runs[0]?.rows !== sizes.small + header || runs[1]?.rows !== sizes.big + header) {
        throw new Error(`${what}: ${runs.map((r) => r.rows).join(', ')} rows read`);
      }
    }
    const [small, big] = [sizes.small, sizes.big].map((n) => n.toLocaleString('en'));
    const rest = (runs: Array<{ baseline: number }>, format: 'csv' | 'xlsx'): string =>
      `child at rest ${Math.max(...runs.map((r) => r.baseline)).toFixed(0)} MB, files ` +
      `${megabytes[sizes.small]?.[format]} and ${megabytes[sizes.big]?.[format]} MB`;
    return {
      'read-memory-flat-csv': result(
        csv[1]!.peak,
        csv[0]!.peak,
        1.2,
        `peak RSS MB reading ${big} vs ${small} CSV rows (csvBatches; ${rest(csv, 'csv')})`,
      ),
      'read-memory-flat-xlsx': result(
        xlsx[1]!.peak,
        xlsx[0]!.peak,
        1.2,
        `peak RSS MB reading ${big} vs ${small} xlsx rows (xlsxSource; readWorkbook: ` +
          `${whole[1]!.peak.toFixed(0)} vs ${whole[0]!.peak.toFixed(0)} MB; ${rest(xlsx, 'xlsx')})`,
      ),
      'read-time-xlsx-stream': result(
        xlsx[1]!.ms,
        whole[1]!.ms,
        1.5,
        `ms reading ${big} xlsx rows, xlsxSource vs readWorkbook (${small} rows: ` +
          `${xlsx[0]!.ms.toFixed(0)} vs ${whole[0]!.ms.toFixed(0)} ms)`,
      ),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
