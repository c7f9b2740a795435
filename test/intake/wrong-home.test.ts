// A worker started with another home than the one the files are dropped in (a second machine where
// the share is mounted elsewhere) finds every file gone: it says so, with the path it looked at,
// and says once, at error, that its inbox folder does not exist (trial: nothing was logged).
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processDrop } from '../../src/intake/process-drop.js';
import { registerDrop, type DropJob } from '../../src/intake/register.js';
import { closeContext, type AppContext } from '../../src/services/context.js';
import { CTN, declareCtn, dropFile, openContext, studentNumbers, tempHome } from './support.js';

interface LogLine {
  level: number;
  msg: string;
  file?: string;
  inbox?: string;
  inboxExists?: boolean;
}

describe('a job whose inbox file is missing', () => {
  let home: string;
  let ctx: AppContext;
  const lines: LogLine[] = [];
  const capture = pino(
    { level: 'info' },
    { write: (l: string) => void lines.push(JSON.parse(l) as LogLine) },
  );

  beforeAll(async () => {
    home = await tempHome('wrong-home');
    ctx = await openContext(home, {});
    await declareCtn(ctx, studentNumbers(2));
  });

  afterAll(async () => {
    await closeContext(ctx);
    await rm(home, { recursive: true, force: true });
  });

  async function dropped(name: string): Promise<DropJob> {
    const absolute = await dropFile(ctx, 'notes', name, 'N° anonyme;Note\r\n');
    const job = await registerDrop(ctx, { absolute, ctn: CTN, channel: 'notes', name });
    if (!job) {
      throw new Error(`${name} not registered`);
    }
    return job;
  }

  it('is logged with the path looked at, and a missing inbox folder once, at error', async () => {
    const elsewhere = path.join(home, 'ailleurs', 'inbox');
    const worker: AppContext = {
      ...ctx,
      config: { ...ctx.config, inbox: elsewhere },
      log: capture,
    };
    const jobs = [await dropped('notes-1.csv'), await dropped('notes-2.csv')];

    for (const job of jobs) {
      expect(await processDrop(worker, job)).toEqual({ skipped: 'missing' });
    }

    const warned = lines.filter((l) => l.msg === 'inbox file missing: drop closed unread');
    expect(warned.map((l) => [l.level, l.file, l.inboxExists])).toEqual([
      [40, path.join(elsewhere, CTN, 'notes', 'notes-1.csv'), false],
      [40, path.join(elsewhere, CTN, 'notes', 'notes-2.csv'), false],
    ]);
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors.map((l) => [l.msg, l.inbox])).toEqual([
      ['inbox folder not found: every file given to this process looks gone', elsewhere],
    ]);
  });

  it('is logged as well when only the file was taken away', async () => {
    const job = await dropped('notes-3.csv');
    await rm(path.join(ctx.config.inbox, CTN, 'notes', 'notes-3.csv'));
    lines.length = 0;

    expect(await processDrop({ ...ctx, log: capture }, job)).toEqual({ skipped: 'missing' });

    expect(lines.map((l) => [l.level, l.msg, l.inboxExists])).toEqual([
      [40, 'inbox file missing: drop closed unread', true],
    ]);
  });

  it('is not called missing when something else stands at its path (saved again while copied)', async () => {
    // What a job sees of a file rewritten while it copied it: a path it cannot take as it was
    // registered, though not empty. A folder stands for it here; it was said missing (trial).
    const job = await dropped('notes-4.csv');
    const at = path.join(ctx.config.inbox, CTN, 'notes', 'notes-4.csv');
    await rm(at);
    await mkdir(at);
    lines.length = 0;

    expect(await processDrop({ ...ctx, log: capture }, job)).toEqual({ skipped: 'changed' });

    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, 'inbox file changed before it was read: drop closed unread'],
    ]);
  });
});
