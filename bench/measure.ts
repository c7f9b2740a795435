// Timing and reporting helpers: medians over repetitions, and the one result shape every case gives.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runOnce } from '../src/intake/runner.js';
import { InProcessQueue } from '../src/jobs/queue.js';
import type { AppContext } from '../src/services/context.js';
import { CTN } from './world.js';

/** One case's verdict: `ratio` = median / reference (or value / bound), lower is better, pass when ≤ goal. */
export interface CaseResult {
  median: number;
  reference: number;
  ratio: number;
  goal: number;
  /** Human note: unit, sizes, why it misses; printed in the table, never in --json. */
  note?: string;
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Milliseconds `run` takes. */
export async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A result from a measured median and its reference. */
export function result(
  medianValue: number,
  reference: number,
  goal: number,
  note?: string,
): CaseResult {
  const ratio = reference > 0 ? medianValue / reference : Number.POSITIVE_INFINITY;
  return {
    median: round(medianValue),
    reference: round(reference),
    ratio: round(ratio, 3),
    goal,
    note,
  };
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** What one drop gave: its outcome and receipt counts. */
export interface DropSummary {
  outcome: string;
  read: number;
  imported: number;
  rejected: number;
}

/** Drops a file into the notes inbox and runs the intake until it is processed; returns its outcome. */
export async function dropAndImport(
  ctx: AppContext,
  name: string,
  bytes: Buffer,
): Promise<DropSummary> {
  await writeFile(path.join(ctx.config.inbox, CTN, 'notes', name), bytes);
  await runOnce(ctx, new InProcessQueue(ctx));
  return lastOutcome(ctx);
}

/** The outcome of the latest drop. */
export async function lastOutcome(ctx: AppContext): Promise<DropSummary> {
  const drop = (await ctx.db('intake_drop').orderBy('id', 'desc').first('outcome', 'receipt')) as {
    outcome: string;
    receipt: { rows: { read: number; imported: number; rejected: number } } | string;
  };
  const receipt = (typeof drop.receipt === 'string' ? JSON.parse(drop.receipt) : drop.receipt) as {
    rows: Omit<DropSummary, 'outcome'>;
  };
  return { ...receipt.rows, outcome: drop.outcome };
}

/** Forgets every grade and grade file, so the next import starts from the same empty state. */
export async function resetGrades(ctx: AppContext): Promise<void> {
  // Emptied as a new grade table is, not deleted row by row: a million dead rows left in the
  // primary key a second earlier made the next insert pay for them (1,000,000 grades: 4.2 s after
  // a delete, 3.4 s into an emptied table), a state no live database is in. Grades first: intake
  // files are referenced from them.
  await ctx.db.raw('truncate grade');
  await ctx.db.raw('truncate intake_drop, intake_file');
}
