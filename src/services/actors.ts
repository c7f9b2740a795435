// Who is acting: every command names its user, checked against the habilitations on the CTN.
// Refusals are explicit, in French, and audited.
import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError, isAppError } from '../domain/errors.js';
import { requireHabilitation, type Habilitation } from '../domain/permissions.js';
import type { Operation } from '../domain/states.js';
import type { Role } from '../domain/types.js';
import { appendAudit } from '../store/audit.js';
import type { AppContext } from './context.js';

/** The acting user as loaded from the database. */
export interface Actor {
  login: string;
  isAdmin: boolean;
  habilitations: Habilitation[];
}

/** Loads a user and their habilitations; USER_UNKNOWN when absent. */
export async function loadActor(ctx: AppContext, login: string): Promise<Actor> {
  const user = (await ctx.db('app_user').where({ login }).first()) as
    { login: string; is_admin: boolean } | undefined;
  if (!user) {
    throw new AppError('USER_UNKNOWN', `« ${login} »`);
  }
  const rows = (await ctx.db('habilitation').where({ login })) as Array<{
    login: string;
    ctn: string;
    role: Role;
  }>;
  return { login, isAdmin: user.is_admin, habilitations: rows };
}

/** Records a refusal in the audit log, in its own transaction so it survives the caller's rollback. */
export async function auditRefusal(
  ctx: AppContext,
  login: string,
  ctn: string | null,
  action: string,
  code: string,
): Promise<void> {
  await ctx.db.transaction((trx) =>
    appendAudit(trx, {
      actor: login,
      ctn,
      action: 'refused',
      subject: { operation: action, code },
    }),
  );
}

/** Login under which the service acts on its own (nightly reconciliation), as the audit log shows it. */
export const SYSTEM_ACTOR = 'systeme';

// Open only inside asSystem(): a login typed on the command line never carries the system rights.
const systemScope = new AsyncLocalStorage<string>();

/** Runs `body` as the service itself, for `reason`: authorise gives SYSTEM_ACTOR manager rights there, audited. */
export function asSystem<T>(reason: string, body: () => Promise<T>): Promise<T> {
  return systemScope.run(reason, body);
}

/** Checks the actor may perform `op` on `ctn`; audits and rethrows a refusal. */
export async function authorise(
  ctx: AppContext,
  login: string,
  ctn: string,
  op: Operation,
): Promise<{ isManager: boolean }> {
  const reason = login === SYSTEM_ACTOR ? systemScope.getStore() : undefined;
  if (reason !== undefined) {
    await ctx.db.transaction((trx) =>
      appendAudit(trx, {
        actor: SYSTEM_ACTOR,
        ctn,
        action: 'system',
        subject: { operation: op, reason },
      }),
    );
    return { isManager: true };
  }
  try {
    const actor = await loadActor(ctx, login);
    if (!(await ctx.db('ctn').where({ code: ctn }).first('code'))) {
      throw new AppError('CTN_UNKNOWN', `(${ctn})`);
    }
    return requireHabilitation(actor.habilitations, login, ctn, op);
  } catch (error: unknown) {
    if (isAppError(error)) {
      await auditRefusal(ctx, login, ctn, op, error.code);
    }
    throw error;
  }
}

/** Checks the actor holds any habilitation on the CTN (definitions: periods, modalities, templates). */
export async function requireAnyRole(
  ctx: AppContext,
  login: string,
  ctn: string,
  action: string,
): Promise<void> {
  const actor = await loadActor(ctx, login);
  const roles = actor.habilitations.filter((h) => h.ctn === ctn && h.role !== 'reader');
  if (roles.length === 0 && !actor.isAdmin) {
    await auditRefusal(ctx, login, ctn, action, 'NOT_HABILITATED');
    throw new AppError('NOT_HABILITATED', `(${login} sur le CTN ${ctn})`);
  }
}

/** Checks the actor is an administrator, except while no user exists yet (first set-up). */
export async function requireAdmin(ctx: AppContext, login: string, action: string): Promise<void> {
  const count = await ctx.db('app_user').count<{ n: number | string }[]>({ n: '*' });
  if (Number(count[0]?.n ?? 0) === 0) {
    return;
  }
  const actor = await loadActor(ctx, login);
  if (!actor.isAdmin) {
    await auditRefusal(ctx, login, null, action, 'NOT_ADMIN');
    throw new AppError('NOT_ADMIN');
  }
}
