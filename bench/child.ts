// A bench child process: `import <url> <home> <file> <number>` imports one grade file and prints its time
// and peak memory; `worker <url> <home> <prefix>` runs a BullMQ worker until SIGTERM; `read
// <stream|whole> <file>` only reads a grade file (streamed as the intake reads it, or whole with
// readWorkbook) and prints its time and peak memory. Modules are loaded by the mode that needs
// them, so a reading child carries the readers only.
import { readFileSync } from 'node:fs';
import type { Row } from '../src/readers/table.js';

const KB_PER_MB = 1024;

/**
 * Peak resident memory of this process, in MB. `maxRSS` alone is not that: Linux keeps in it the
 * resident size of the parent at the fork that started the child (measured: 304 MB in a child of a
 * 343 MB parent, whose own peak was 40 MB), so VmHWM, the peak since exec, is read where /proc has it.
 */
function peakMb(): number {
  try {
    const kb = /VmHWM:\s*(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) {
      return Number(kb) / KB_PER_MB;
    }
  } catch {
    // No /proc (not Linux): maxRSS is the figure there is.
  }
  return process.resourceUsage().maxRSS / KB_PER_MB;
}

async function importOne(url: string, home: string, file: string, spare: string): Promise<void> {
  // This child stands for an `anonymat run` process: its heap is sized as the command sizes it.
  (await import('../src/cli/heap.js')).tuneHeap();
  const { copyFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const { runOnce } = await import('../src/intake/runner.js');
  const { InProcessQueue } = await import('../src/jobs/queue.js');
  const { closeContext } = await import('../src/services/context.js');
  const { lastOutcome, timed } = await import('./measure.js');
  const { contextOn, CTN } = await import('./world.js');

  const { writeFile } = await import('node:fs/promises');
  const ctx = await contextOn(url, home);
  // Warmed as a running service is, by a file it took before: one grade imported (a number the
  // measured file does not hold) and one unknown number, so the first drop compiles the code the
  // measured one runs (a partial import, its annotated copy and receipt) and opens the pool; the
  // time measured is the file's, not the process start's.
  const notes = path.join(ctx.config.inbox, CTN, 'notes');
  await writeFile(
    path.join(notes, `echauffement-${process.pid}.csv`),
    `N° anonyme;Note\r\n${spare};10\r\n99999999;10\r\n`,
  );
  await runOnce(ctx, new InProcessQueue(ctx));
  const baseline = peakMb();
  await copyFile(file, path.join(notes, path.basename(file)));
  const ms = await timed(() => runOnce(ctx, new InProcessQueue(ctx)));
  const outcome = await lastOutcome(ctx);
  const peak = peakMb();
  await closeContext(ctx);
  process.stdout.write(`${JSON.stringify({ ms, peakMb: peak, baselineMb: baseline, outcome })}\n`);
}

async function work(url: string, home: string, prefix: string): Promise<void> {
  // As an `anonymat worker` process.
  (await import('../src/cli/heap.js')).tuneHeap();
  const { redisConnection, startWorker } = await import('../src/jobs/bull-queue.js');
  const { closeContext } = await import('../src/services/context.js');
  const { contextOn, REDIS_URL } = await import('./world.js');

  const ctx = await contextOn(url, home, { redisUrl: REDIS_URL, queuePrefix: prefix });
  const connection = redisConnection(REDIS_URL);
  const worker = startWorker(ctx, connection, 1);
  await worker.waitUntilReady();
  process.stdout.write('ready\n');

  process.once('SIGTERM', () => {
    void (async () => {
      await worker.close();
      connection.disconnect();
      await closeContext(ctx);
      process.exit(0);
    })();
  });
}

/** Grade columns as the bench writes them (the channel finds them by the same names). */
const GRADE_COLUMNS = [
  { key: 'number', synonyms: ['N° anonyme'], required: true },
  { key: 'grade', synonyms: ['Note'], required: true },
];

/** The readers a reading child uses, loaded once before its baseline is taken. */
async function readers() {
  return {
    ...(await import('../src/readers/columns.js')),
    ...(await import('../src/readers/sniff.js')),
    ...(await import('../src/readers/index.js')),
    ...(await import('../src/readers/csv-stream.js')),
    ...(await import('../src/readers/xlsx-stream.js')),
  };
}

/** The rows of a grade file after its header, by batch: streamed as notes/ reads them, or read whole. */
async function gradeRows(
  how: string,
  bytes: Buffer,
  use: Awaited<ReturnType<typeof readers>>,
): Promise<Iterable<readonly Row[]> | AsyncIterable<readonly Row[]>> {
  if (how === 'whole') {
    const match = use.findHeader(await use.readWorkbook(bytes), GRADE_COLUMNS);
    return [match.sheet.rows.slice(match.headerRowIndex + 1)];
  }
  if (use.sniffFormat(bytes) === 'csv') {
    return use.csvBatches(bytes);
  }
  // As channels/dispatch.ts gradeWorkbookSource opens it; the fingerprint sheet, read whole, is
  // named here rather than imported: its module loads exceljs, which reading does not need.
  const source = await use.xlsxSource(bytes, { wholeSheets: ['_anonymat'] });
  return source.rowsAfter(use.findHeader(source.head, GRADE_COLUMNS));
}

async function readOne(how: string, file: string): Promise<void> {
  // Reading happens in an `anonymat run` or `worker` process: its heap is sized as theirs.
  (await import('../src/cli/heap.js')).tuneHeap();
  const { readFile } = await import('node:fs/promises');
  const use = await readers();
  // The peak is what reading adds to a process at rest with its modules loaded.
  const baseline = peakMb();

  const start = process.hrtime.bigint();
  const bytes = await readFile(file);
  let rows = 0;
  for await (const batch of await gradeRows(how, bytes, use)) {
    rows += batch.filter((row) => row.cells.length > 0).length;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(`${JSON.stringify({ ms, peakMb: peakMb(), baselineMb: baseline, rows })}\n`);
}

const [mode, first = '', second = '', third = '', fourth = ''] = process.argv.slice(2);
const run =
  mode === 'import'
    ? importOne(first, second, third, fourth)
    : mode === 'read'
      ? readOne(first, second)
      : work(first, second, third);
run.catch((error: unknown) => {
  process.stderr.write(
    `child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
