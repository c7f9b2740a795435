// Identity-bearing outputs and their audit entries, on a small world (PGlite, through the real
// services): the file takes its name only once its entry is committed, so an audit append that
// fails (a crash, a lost connection) leaves no list of identities nobody can account for (trial).
import { readdir } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import type { TemplateRef } from '../../src/services/anonymity.js';
import { writeAttendance } from '../../src/services/attendance.js';
import type { AppContext } from '../../src/services/context.js';
import { writeCorrespondence } from '../../src/services/reports.js';
import { YEAR, worldFor } from '../db/channels-world.js';

const A_JANV: TemplateRef = { ctn: 'A', year: YEAR, code: 'A-JANV' };

/** Every name in CTN A's confidentiel folder, hidden ones included. */
async function confidentialFiles(ctx: AppContext): Promise<string[]> {
  const folder = path.join(ctx.config.outbox, 'A', 'confidentiel');
  return (await readdir(folder).catch(() => [] as string[])).sort();
}

async function auditCount(ctx: AppContext, action: string): Promise<number> {
  const rows = (await ctx.db('audit_log').where({ action }).count({ n: '*' })) as Array<{
    n: number | string;
  }>;
  return Number(rows[0]?.n ?? 0);
}

/** Makes every append of `action` to the audit log fail, as a crash before its commit would. */
async function failingAudit(ctx: AppContext, action: string): Promise<() => Promise<void>> {
  // One statement per call: the embedded driver prepares each.
  await ctx.db.raw(`create function test_refuse_audit() returns trigger language plpgsql as $$
    begin
      if new.action = '${action}' then raise exception 'audit append lost'; end if;
      return new;
    end $$`);
  await ctx.db.raw(`create trigger test_refuse_audit before insert on audit_log
    for each row execute function test_refuse_audit()`);
  return async () => {
    await ctx.db.raw('drop trigger test_refuse_audit on audit_log');
    await ctx.db.raw('drop function test_refuse_audit()');
  };
}

describe('identity-bearing outputs and their audit entries', () => {
  const world = worldFor({ postgres: false }, 'audited_outputs');

  it.each([
    ['correspondence list', 'correspondence_export', writeCorrespondence],
    ['signing sheet', 'attendance', writeAttendance],
  ] as const)('leaves no %s when its audit entry is not committed', async (_, action, write) => {
    const { ctx } = world();
    const restore = await failingAudit(ctx, action);

    const error = await write(ctx, 'gest-A', A_JANV).catch((e: unknown) => e);
    await restore();

    expect((error as Error).message).toContain('audit append lost');
    expect(await confidentialFiles(ctx)).toEqual([]);
    expect(await auditCount(ctx, action)).toBe(0);
  });

  it('writes the correspondence list and the signing sheet with one audit entry each', async () => {
    const { ctx } = world();

    const list = await writeCorrespondence(ctx, 'gest-A', A_JANV);
    const sheet = await writeAttendance(ctx, 'gest-A', A_JANV);

    expect(path.basename(list.path)).toBe('correspondance-A-JANV-2026.xlsx');
    expect(await confidentialFiles(ctx)).toEqual([
      'correspondance-A-JANV-2026.xlsx',
      path.basename(sheet.sheet),
    ]);
    expect(await auditCount(ctx, 'correspondence_export')).toBe(1);
    expect(await auditCount(ctx, 'attendance')).toBe(1);
  });
});
