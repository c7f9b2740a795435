// « Classer sans suite »: the CTN's anonymity manager closes a grade, optical-reader or jury file
// that was dropped by mistake (another exam's file, a renamed PDF, a zip bomb). Such a file is
// refused whole, so nothing tells which assessment it was about, and it would hold back the lift
// of every template of the CTN until a valid file came under its name. The dismissal is an entry
// of the append-only audit log, with the manager's reason; the lift condition reads it there
// (open-imports.ts). It closes one drop only: a later drop under the same name counts again.
import type { Knex } from 'knex';
import { AppError, isAppError } from '../domain/errors.js';
import { rolesOn } from '../domain/permissions.js';
import { printableName } from '../intake/inbox.js';
import { frenchDateTime } from '../outputs/french.js';
import { appendAudit } from '../store/audit.js';
import { auditRefusal, loadActor } from './actors.js';
import type { AppContext } from './context.js';
import {
  DISMISS_ACTION,
  GRADE_CHANNELS,
  fileLine,
  isOpen,
  latestDrops,
  type LatestDrop,
} from './open-imports.js';

/** A reason shorter than this says nothing an auditor could check (the same bar as a reveal's). */
const MIN_REASON = 10;

/**
 * What a dismissal did: the file as the lift refusal names it, whether it was done before, and how
 * many grades or results the file (partly imported) still has recorded: a dismissal removes none.
 */
export interface Dismissal {
  line: string;
  already: boolean;
  stillRecorded: number;
}

/** Grades and results still carrying the intake of the file (those it wrote and no later one replaced). */
async function stillRecorded(trx: Knex.Transaction, intakeId: number): Promise<number> {
  const found = (await trx('grade')
    .where({ intake_id: intakeId })
    .count<Array<{ n: string | number }>>({ n: '*' })) as Array<{ n: string | number }>;
  return Number(found[0]?.n ?? 0);
}

/** The file the manager named: a name in an inbox folder, or one drop's name in error/ or archive/. */
interface Named {
  fileName: string;
  channel?: string;
  dropId?: number;
}

// The name release.ts gives a processed file: `<drop id>-<8 hex of its SHA-256>-[<n>-]<name>`.
const RELEASED = /^(\d+)-([0-9a-f]{8})-/;

/** Why the file named cannot be dismissed. */
function invalid(detail: string): AppError {
  return new AppError('DISMISS_IMPOSSIBLE', `(${detail})`);
}

/** Checks the actor is the CTN's anonymity manager; audits and rethrows a refusal. */
async function requireManager(ctx: AppContext, login: string, ctn: string): Promise<void> {
  try {
    const actor = await loadActor(ctx, login);
    if (!(await ctx.db('ctn').where({ code: ctn }).first('code'))) {
      throw new AppError('CTN_UNKNOWN', `(${ctn})`);
    }
    const roles = rolesOn(actor.habilitations, login, ctn);
    if (!roles.has('manager')) {
      const detail = `Opération : classement sans suite d'un fichier refusé ou importé en partie ; CTN : ${ctn}.`;
      throw new AppError(roles.size > 0 ? 'NOT_MANAGER' : 'NOT_HABILITATED', detail);
    }
  } catch (error: unknown) {
    if (isAppError(error)) {
      await auditRefusal(ctx, login, ctn, DISMISS_ACTION, error.code);
    }
    throw error;
  }
}

/**
 * Reads what the manager typed: `x.csv`, `notes/x.csv`, `inbox/A/notes/x.csv`, or the name the
 * refusal gives in error/ or archive/ (`error/A/notes/12-ab12cd34-x.csv`, that drop exactly).
 */
async function named(trx: Knex.Transaction, ctn: string, given: string): Promise<Named> {
  const parts = given.split('/').filter((p) => p !== '' && p !== '.');
  const [base, channel, folderCtn] = parts.reverse();
  if (base === undefined) {
    throw invalid('nom de fichier vide');
  }
  if (channel !== undefined && !(GRADE_CHANNELS as readonly string[]).includes(channel)) {
    throw invalid(`dossier « ${channel} » : seuls notes, lecteur-optique et jury comptent`);
  }
  if (folderCtn !== undefined && folderCtn !== ctn) {
    throw invalid(`le fichier est dans le dossier du CTN ${folderCtn}, pas de ${ctn}`);
  }

  const released = RELEASED.exec(base);
  if (released) {
    const drop = (await trx('intake_drop as d')
      .join('intake_file as f', 'f.id', 'd.intake_id')
      .where({ 'd.id': Number(released[1]), 'f.ctn': ctn })
      .whereLike('f.sha256', `${released[2]}%`)
      .first('d.id', 'd.file_name', 'f.channel')) as
      { id: number | string; file_name: string; channel: string } | undefined;
    // A name that only looks like one of ours is an inbox name.
    if (drop && (channel === undefined || channel === drop.channel)) {
      return { fileName: drop.file_name, channel: drop.channel, dropId: Number(drop.id) };
    }
  }
  return { fileName: base, channel };
}

/** The one open file the name points to; refuses, saying why, when there is none or several. */
async function openFile(trx: Knex.Transaction, ctn: string, name: Named): Promise<LatestDrop> {
  const latest = await latestDrops(trx, ctn, new Date(0), name);
  const open = latest.filter(isOpen);
  const where = name.channel
    ? `inbox/${ctn}/${name.channel}/${printableName(name.fileName)}`
    : `« ${printableName(name.fileName)} »`;

  if (name.dropId !== undefined) {
    const drop = latest.find((d) => d.dropId === name.dropId);
    const newer = latest[0];
    if (!drop && newer) {
      throw invalid(
        `un dépôt plus récent sous le même nom le remplace : ${describe(ctn, newer)} ; ` +
          'classez sans suite ce dernier si lui aussi a été déposé par erreur',
      );
    }
  }
  if (open.length > 1) {
    throw invalid(
      `plusieurs dossiers ont un fichier refusé ou partiel de ce nom (${open.map((d) => d.channel).join(', ')}) : ` +
        `précisez le dossier, par exemple ${open[0]?.channel}/${name.fileName}`,
    );
  }
  const [file] = open;
  if (!file) {
    const last = latest[0];
    throw invalid(
      last
        ? `le dernier dépôt de ${where} (reçu le ${frenchDateTime(last.droppedAt.toISOString())}) ` +
            "a été importé : il n'y a rien à classer"
        : `aucun fichier de notes ou de résultats de ce nom dans le CTN ${ctn} (${where}) : ` +
            "donnez le nom tel que le refus de levée l'affiche",
    );
  }
  return file;
}

function describe(ctn: string, d: LatestDrop): string {
  return isOpen(d)
    ? fileLine(ctn, d)
    : `inbox/${ctn}/${d.channel}/${printableName(d.fileName)} (importé)`;
}

/**
 * Waits for an import of the same inbox path still in progress (same lock key as process-drop.ts),
 * so that the file dismissed is the latest one once that import is committed, and two dismissals
 * of one file record it once.
 */
async function lockInboxPath(trx: Knex.Transaction, ctn: string, d: LatestDrop): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [
    `inbox:${ctn}/${d.channel}/${d.fileName}`,
  ]);
}

/**
 * Closes the latest drop of a grade, optical-reader or jury file still refused or partial, so
 * that it no longer holds back the lift (manager only, with a reason, audited).
 */
export async function dismissFile(
  ctx: AppContext,
  actor: string,
  ctn: string,
  given: string,
  reason: string,
): Promise<Dismissal> {
  // Who may comes first: someone else learns nothing of what a dismissal needs.
  await requireManager(ctx, actor, ctn);
  if (reason.trim().length < MIN_REASON) {
    throw new AppError(
      'DISMISS_REASON_REQUIRED',
      `(motif donné : ${reason.trim().length} caractère(s))`,
    );
  }

  return ctx.db.transaction(async (trx) => {
    const name = await named(trx, ctn, given);
    const seen = await openFile(trx, ctn, name);
    await lockInboxPath(trx, ctn, seen);
    const file = await openFile(trx, ctn, { ...name, channel: seen.channel });
    const line = fileLine(ctn, file);
    const recorded = file.status === 'partial' ? await stillRecorded(trx, file.intakeId) : 0;
    if (file.dismissed) {
      return { line, already: true, stillRecorded: recorded };
    }

    await appendAudit(trx, {
      actor,
      ctn,
      action: DISMISS_ACTION,
      subject: {
        dropId: file.dropId,
        sha256: file.sha256,
        channel: file.channel,
        status: file.status,
        reason: reason.trim(),
      },
    });
    return { line, already: false, stillRecorded: recorded };
  });
}
