// One whole cycle on real files: the grades in the database are exactly those written in the
// dropped files, and no file written while anonymity was validated carries an identity.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { runDemo, type DemoOutcome } from '../../src/cli/demo-run.js';
import { listZipEntries, readZipEntry } from '../../src/readers/zip-guard.js';

const maquette = new URL('../fixtures/apogee-maquette-7W29.txt', import.meta.url).pathname;

/** Every text inside a file: the XML parts of a workbook, or the bytes of anything else. */
/** What a PDF shows: its dictionaries (metadata) and the strings of its inflated content streams. */
function pdfText(bytes: Buffer): string {
  const raw = bytes.toString('latin1');
  // Stream bodies are compressed bytes and the xref table is zero-padded offsets: either may hold
  // any run of digits by chance, so they are read decoded or not at all.
  const dictionaries = raw
    .replace(/stream\r?\n[\s\S]*?endstream/g, ' ')
    .replace(/xref[\s\S]*?trailer/g, ' ');
  const shown: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)endstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(m[1] ?? '', 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    // Text operators: `[<hex> kern <hex>] TJ` or `<hex> Tj` (pdfkit writes WinAnsi codes as hex).
    for (const op of content.matchAll(
      /\[([^\]]*)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj|\(((?:\\.|[^\\)])*)\)\s*Tj/g,
    )) {
      const hexes =
        op[1] !== undefined
          ? [...op[1].matchAll(/<([0-9A-Fa-f]*)>/g)].map((h) => h[1] ?? '')
          : [op[2] ?? ''];
      shown.push(
        hexes.map((h) => Buffer.from(h, 'hex').toString('latin1')).join('') + (op[3] ?? ''),
      );
    }
  }
  return `${dictionaries}\n${shown.join('\n')}`;
}

async function textOf(file: string): Promise<string> {
  const bytes = await readFile(file);
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    return pdfText(bytes);
  }
  if (bytes.subarray(0, 2).toString() !== 'PK') {
    return bytes.toString('latin1');
  }
  return listZipEntries(bytes)
    .map((entry) => readZipEntry(bytes, entry).toString('utf8'))
    .join('\n');
}

describe('the whole anonymity cycle on the embedded defaults', () => {
  let home: string;
  let outcome: DemoOutcome;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'anonymat-e2e-'));
    outcome = await runDemo({
      home,
      maquette,
      students: 300,
      log: pino({ level: 'silent' }),
      say: () => undefined,
    });
  });

  afterAll(async () => {
    await outcome.ctx?.db.destroy();
    await rm(home, { recursive: true, force: true });
  });

  it('stores exactly the grades written in the dropped files', async () => {
    const db = outcome.ctx!.db;
    const rows = (await db('grade as g')
      .join('assessment as a', 'a.id', 'g.assessment_id')
      .join('teaching_object as o', 'o.id', 'a.object_id')
      .join('anonymous_number as n', function () {
        this.on('n.student_number', 'g.student_number').andOn(
          db.raw('(n.assessment_id = a.id or n.assessment_id is null)'),
        );
      })
      .where((q) => {
        void q.whereNotNull('g.value').orWhereNotNull('g.absence');
      })
      .select('o.code', 'n.number', 'g.value', 'g.absence')) as Array<{
      code: string;
      number: string;
      value: string | null;
      absence: string | null;
    }>;
    const stored = new Map(
      rows.map((r) => [`${r.code}|${r.number}`, r.absence ?? Number(r.value).toFixed(2)]),
    );
    const expected = new Map(
      [...outcome.expected.entries()]
        .filter(([, g]) => g.kind !== 'blank')
        .map(([key, g]) => [
          key,
          g.kind === 'value' ? g.value.toFixed(2) : g.kind === 'absence' ? g.code : '',
        ]),
    );

    expect(expected.size).toBeGreaterThan(500);
    expect(stored).toEqual(expected);
  });

  it('writes no name, student number or birth date into any file produced under V', async () => {
    const db = outcome.ctx!.db;
    const students = (await db('student').select(
      'student_number',
      'last_name',
      'birth_date',
    )) as Array<{ student_number: string; last_name: string; birth_date: string | Date | null }>;
    const files = outcome.writtenUnderV.filter((f) => !f.includes('confidentiel'));
    expect(files.some((f) => f.includes('pv-anonyme'))).toBe(true);
    expect(files.some((f) => f.includes('bordereau'))).toBe(true);

    const hits: string[] = [];
    for (const file of files) {
      const text = await textOf(path.join(outcome.ctx!.config.outbox, file));
      for (const s of students) {
        if (text.includes(s.student_number) || text.includes(s.last_name)) {
          hits.push(`${file}: ${s.student_number}`);
        }
      }
    }
    expect(hits).toEqual([]);

    // The reading above must see what a PDF shows, or it would pass on anything.
    const pdf = files.find((f) => f.endsWith('.pdf') && f.includes('pv-anonyme'));
    const numbers = (await db('anonymous_number').select('number')) as Array<{ number: string }>;
    expect(pdf).toBeDefined();
    const shown = await textOf(path.join(outcome.ctx!.config.outbox, pdf ?? ''));
    expect(shown).toContain('Procès-verbal');
    expect(numbers.filter((n) => shown.includes(n.number)).length).toBeGreaterThan(10);
  });

  it('fills the Apogée maquette after the lift, keeping ISO-8859-1 and CRLF', async () => {
    const file = path.join(
      outcome.ctx!.config.outbox,
      'IUT',
      'apogee',
      'apogee-maquette-7W29-notes.txt',
    );
    const bytes = await readFile(file);
    const original = await readFile(maquette);

    // Absences fill the Note column too (the Résultat column is the jury's).
    const iutGrades = [...outcome.expected.entries()].filter(
      ([key, g]) => key.startsWith('7WG') && g.kind !== 'blank',
    );
    expect(outcome.counts.apogeeFilled).toBe(iutGrades.length);
    expect(outcome.counts.apogeeUnplaced).toBe(0);
    expect(bytes.subarray(0, 200)).toEqual(original.subarray(0, 200));
    expect(bytes.toString('latin1')).toMatch(/\r\n58310472\tAAA BBB\t 19\/08\/2007\t/);
    expect(bytes.toString('latin1')).toMatch(/\t\d{1,2}(,\d{1,2})?\t20\t/);
    expect(bytes.includes(Buffer.from('Ã'))).toBe(false);
  });

  it('keeps an unbroken audit chain', async () => {
    const { verifyAudit } = await import('../../src/store/audit.js');
    const result = await verifyAudit(outcome.ctx!.db);
    expect(result.ok).toBe(true);
  });
});
