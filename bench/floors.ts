// The floors the import cases are measured against: the bare minimum of the same work, with no
// checks at all. For a workbook: unzip, scan the sheet XML for the values, COPY them into an
// unlogged table. For a CSV: split lines and fields, COPY.
import type { Knex } from 'knex';
import { listZipEntries, readZipEntry } from '../src/readers/zip-guard.js';
import { copyRows } from '../src/store/copy.js';

const FLOOR_TABLE = 'bench_floor';
const CELL = /<c ([^>]*?)\/?>(?:<v>([^<]*)<\/v>)?/g;
const SHARED = /<t[^>]*>([^<]*)<\/t>/g;

/** Creates the unlogged table the floors COPY into. */
export async function prepareFloor(db: Knex): Promise<void> {
  await db.raw(`create unlogged table if not exists ${FLOOR_TABLE} (number text, grade text)`);
}

async function copyFloor(db: Knex, rows: string[][]): Promise<void> {
  await db.raw(`truncate ${FLOOR_TABLE}`);
  await copyRows(db, FLOOR_TABLE, ['number', 'grade'], rows);
}

function part(bytes: Buffer, name: string): string {
  const entry = listZipEntries(bytes).find((e) => e.name === name);
  return entry ? readZipEntry(bytes, entry).toString('utf8') : '';
}

/** Unzip, scan, COPY a two-column grade workbook; returns the rows copied. */
export async function xlsxFloor(db: Knex, bytes: Buffer): Promise<number> {
  const shared = [...part(bytes, 'xl/sharedStrings.xml').matchAll(SHARED)].map((m) => m[1] ?? '');
  const sheet = part(bytes, 'xl/worksheets/sheet1.xml');

  const rows: string[][] = [];
  let current: string[] = [];
  for (const match of sheet.matchAll(CELL)) {
    const value = match[2] ?? '';
    current.push(match[1]?.includes('t="s"') ? (shared[Number(value)] ?? '') : value);
    if (current.length === 2) {
      rows.push(current);
      current = [];
    }
  }

  await copyFloor(db, rows);
  return rows.length;
}

/** Split, COPY a `;` CSV; returns the rows copied. */
export async function csvFloor(db: Knex, bytes: Buffer): Promise<number> {
  const rows = bytes
    .toString('utf8')
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => line.split(';'));
  await copyFloor(db, rows);
  return rows.length;
}
