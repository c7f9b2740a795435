// Stages a race between two transactions on Postgres. Every audited transaction updates the audit
// chain's head row last, just before it commits: a test session holding that row stops each one
// there, waits (by polling) until the sessions it started wait for a lock, then lets them go.
// Postgres only: PGlite has a single connection, where transactions never overlap.
import knexFactory, { type Knex } from 'knex';
import { vi } from 'vitest';

/** The test's own session on a test database, as the connecting user: it sees every wait. */
export class RaceStage {
  private readonly probe: Knex;

  constructor(databaseUrl: string) {
    this.probe = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 2 } });
  }

  /** Sessions of the test database waiting for a lock. */
  async waiting(): Promise<number> {
    const found = (await this.probe.raw(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`,
    )) as { rows: Array<{ n: number }> };
    return found.rows[0]?.n ?? 0;
  }

  /** Resolves once at least `count` sessions wait for a lock. */
  untilWaiting(count: number): Promise<void> {
    return vi.waitFor(
      async () => {
        if ((await this.waiting()) < count) {
          throw new Error(`fewer than ${count} session(s) waiting`);
        }
      },
      { timeout: 10_000, interval: 20 },
    );
  }

  /** Holds the audit chain's head: every audited transaction then stops just before its commit. */
  async holdAuditHead(): Promise<Knex.Transaction> {
    const holder = await this.probe.transaction();
    await holder.raw('select seq from audit_head where id = 1 for update');
    return holder;
  }

  /** Closes the session. */
  destroy(): Promise<void> {
    return this.probe.destroy();
  }
}

/** The audit log's actions among `actions`, in commit order. */
export async function auditOrder(db: Knex, actions: string[]): Promise<string[]> {
  const rows = (await db('audit_log')
    .whereIn('action', actions)
    .orderBy('seq')
    .select('action')) as Array<{ action: string }>;
  return rows.map((r) => r.action);
}
