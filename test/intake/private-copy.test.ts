// A grade CSV is imported from the job's own copy of the bytes it hashed, read a slice at a time
// (issue 7): a file saved again in the inbox while it is imported changes nothing of what is
// imported, archived or told in its receipt, and no copy of the file is left on disk after a
// success, a refusal or a job that stopped and ran again.
import { readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copiesDir } from '../../src/intake/private-copy.js';
import { processDrop } from '../../src/intake/process-drop.js';
import { runOnce } from '../../src/intake/runner.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import { createTestDatabase, DATABASE_TARGETS, type TestDatabase } from '../support/postgres.js';
import {
  allReceipts,
  archivedShas,
  buildGradedWorld,
  dropFile,
  inboxLeft,
  openContext,
  registeredDrop,
  sha,
  tempHome,
  type GradedWorld,
} from './support.js';

const STUDENTS = 60;

describe.each(DATABASE_TARGETS)(
  'a grade CSV imported from its private copy, on $name',
  (target) => {
    let database: TestDatabase | null = null;
    let ctx: AppContext;
    let home: string;
    let world: GradedWorld;

    beforeAll(async () => {
      database = target.postgres ? await createTestDatabase('private_copy') : null;
      home = await tempHome('private-copy');
      ctx = await openContext(home, { databaseUrl: database?.url ?? null });
      world = await buildGradedWorld(ctx, STUDENTS);
    });

    afterAll(async () => {
      await closeContext(ctx);
      await database?.drop();
      await rm(home, { recursive: true, force: true });
    });

    /**
     * A grade file of every student, long enough to be read in many slices: a remark of accented
     * letters on each row (two bytes each in UTF-8, one in Windows-1252) puts characters across the
     * slices' edges. Grade of student i: `base + i / 100`.
     */
    function longCsv(base: number, encoding: 'utf8' | 'windows-1252'): Buffer {
      const remark = 'Copie relue et vérifiée, écriture très soignée. '.repeat(120);
      const lines = world.numbers.map(
        (n, i) => `${n};${(base + i / 100).toFixed(2).replace('.', ',')};${remark}`,
      );
      const text = ['N° anonyme;Note;Remarque', ...lines].join('\r\n') + '\r\n';
      return encoding === 'utf8'
        ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])
        : Buffer.from(text, 'latin1');
    }

    /** Each student's grade in the world's assessment, as stored. */
    async function grades(): Promise<string[]> {
      const rows = (await ctx
        .db('grade')
        .where({ assessment_id: world.assessmentId })
        .select('student_number', 'value')) as Array<{ student_number: string; value: string }>;
      const byStudent = new Map(rows.map((r) => [r.student_number, Number(r.value).toFixed(2)]));
      return world.students.map((s) => byStudent.get(s) ?? '-');
    }

    function expected(base: number): string[] {
      return world.students.map((_, i) => (base + i / 100).toFixed(2));
    }

    /** Names left in the folder of the private copies. */
    async function copiesLeft(): Promise<string[]> {
      return readdir(copiesDir(ctx.config.varDir)).catch(() => []);
    }

    it.each(['utf8', 'windows-1252'] as const)(
      'imports every grade of a long %s file read in slices, and leaves no copy',
      async (encoding) => {
        const base = encoding === 'utf8' ? 10 : 11;
        const bytes = longCsv(base, encoding);
        expect(bytes.length).toBeGreaterThan(256 * 1024);
        await dropFile(ctx, 'notes', `long-${encoding}.csv`, bytes);

        await runOnce(ctx, new InProcessQueue(ctx));

        const receipt = (await allReceipts(ctx)).find((r) => r.file === `long-${encoding}.csv`);
        expect([receipt?.status, receipt?.sha256, receipt?.rows]).toEqual([
          'imported',
          sha(bytes),
          { read: STUDENTS, imported: STUDENTS, rejected: 0 },
        ]);
        expect(await grades()).toEqual(expected(base));
        expect(await copiesLeft()).toEqual([]);
      },
    );

    it('imports the bytes it hashed when the inbox file is saved again during the import', async () => {
      const versionA = longCsv(12, 'utf8');
      const versionB = longCsv(13, 'utf8');
      const { file, job } = await registeredDrop(ctx, 'resaisie.csv', versionA);
      // Saved again in place (same file, new content) once the job has taken it, before its rows
      // are read: the transaction's first lock is taken after the copy, before the channel reads.
      const seenDuringImport: string[][] = [];
      let saved = false;
      const onQuery = (query: { sql: string }): void => {
        if (!saved && query.sql.includes('pg_advisory_xact_lock')) {
          saved = true;
          writeFileSync(file, versionB);
          void copiesLeft().then((names) => seenDuringImport.push(names));
        }
      };
      ctx.db.on('query', onQuery);
      const outcome = await processDrop(ctx, job).finally(() => ctx.db.off('query', onQuery));

      expect(saved).toBe(true);
      const receipt = 'receipt' in outcome ? outcome.receipt : null;
      expect([receipt?.status, receipt?.sha256]).toEqual(['imported', sha(versionA)]);
      expect(await grades()).toEqual(expected(12));
      // The archive keeps what was imported; the new save waits in the inbox for a drop of its own.
      expect(await archivedShas(ctx, 'resaisie.csv')).toEqual([sha(versionA)]);
      expect(sha(await readFile(file))).toBe(sha(versionB));
      // Nothing of the file under a name in var/, even while it was imported.
      expect(seenDuringImport).toEqual([[]]);
      expect(await copiesLeft()).toEqual([]);

      await runOnce(ctx, new InProcessQueue(ctx));

      expect(await grades()).toEqual(expected(13));
      expect(await archivedShas(ctx, 'resaisie.csv')).toEqual(
        [sha(versionA), sha(versionB)].sort(),
      );
    });

    it('leaves no copy after a refusal', async () => {
      const bytes = Buffer.from(`Numéro;Note\r\n${world.numbers[0]};12\r\n`);
      await dropFile(ctx, 'notes', 'sans-en-tete.csv', bytes);

      await runOnce(ctx, new InProcessQueue(ctx));

      const receipt = (await allReceipts(ctx)).find((r) => r.file === 'sans-en-tete.csv');
      expect(receipt?.status).toBe('rejected');
      expect(await copiesLeft()).toEqual([]);
    });

    it('leaves no copy when the job stops after its commit and runs again', async () => {
      const bytes = longCsv(14, 'windows-1252');
      const { job } = await registeredDrop(ctx, 'arret.csv', bytes);
      const spy = vi
        .spyOn(ctx.outbox, 'writeAllAnonymous')
        .mockRejectedValueOnce(new Error('stopped'));

      await expect(processDrop(ctx, job)).rejects.toThrow('stopped');
      spy.mockRestore();
      expect(await copiesLeft()).toEqual([]);
      const outcome = await processDrop(ctx, job);

      expect('receipt' in outcome && [outcome.receipt.status, outcome.receipt.sha256]).toEqual([
        'imported',
        sha(bytes),
      ]);
      expect(await grades()).toEqual(expected(14));
      expect(await archivedShas(ctx, 'arret.csv')).toEqual([sha(bytes)]);
      expect(await copiesLeft()).toEqual([]);
      expect(await inboxLeft(ctx, 'notes')).toEqual([]);
    });

    it('removes a copy name a crash left behind once it is stale, never a fresh one', async () => {
      const dir = copiesDir(ctx.config.varDir);
      const stale = path.join(dir, '.copie.0123456789ab.tmp');
      const fresh = path.join(dir, '.copie.ba9876543210.tmp');
      await writeFile(stale, 'N° anonyme;Note\r\n');
      await writeFile(fresh, 'N° anonyme;Note\r\n');
      const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
      await utimes(stale, hourAgo, hourAgo);
      await dropFile(ctx, 'notes', 'apres-arret.csv', longCsv(15, 'utf8'));

      await runOnce(ctx, new InProcessQueue(ctx));

      expect(await grades()).toEqual(expected(15));
      expect(await copiesLeft()).toEqual([path.basename(fresh)]);
      await rm(fresh);
    });
  },
);
