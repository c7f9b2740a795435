// Lift condition « no open import error »: grade, optical-reader and jury files refused or partly
// imported, and not corrected since. A file is corrected by dropping the right one under exactly
// the same name in the same folder: the latest drop under a name decides, and a drop whose bytes
// equal a file already imported whole (a `duplicate` receipt) corrects it as an import would. A
// file dropped by mistake (another exam's file, a stray PDF) is closed instead by the manager's
// audited dismissal (« classer sans suite », services/dismiss.ts): the latest drop then no longer
// counts, and a later drop under the name counts again. Only files about the assessments being
// lifted count: those it wrote to, or those its rows were matched to when it was refused for its
// grades (its import's audit entry names them). A file whose assessment cannot be told (refused
// before any row was matched: unreadable, no key column, only unknown numbers) counts for every
// template of the CTN, and the message says so.
import type { Knex } from 'knex';
import { isSafeName, printableName } from '../intake/inbox.js';
import { releasedName } from '../intake/release.js';
import { frenchDateTime } from '../outputs/french.js';
import type { LoadedTemplate, TemplateAssessment } from './lookups.js';

/** The channels whose files count for the condition. */
export const GRADE_CHANNELS = ['notes', 'lecteur-optique', 'jury'] as const;

/**
 * Audit action of a dismissal. The audit log is the record the lift reads (as the PV condition reads
 * the PV entries): append-only and chained, a dismissal can be neither altered nor withdrawn
 * unseen. A persisted name: it never changes.
 */
export const DISMISS_ACTION = 'intake_dismiss';

/** At most this many files are named in the refusal; the others are counted. */
const LISTED = 10;

/** The latest drop under one name of one grade folder, as its outcome left it. */
export interface LatestDrop {
  dropId: number;
  intakeId: number;
  sha256: string;
  channel: string;
  fileName: string;
  droppedAt: Date;
  /** The file's standing: a duplicate stands for the outcome of the file it repeats. */
  status: 'imported' | 'partial' | 'rejected';
  /** This drop's own outcome: where its file went (error/ when rejected, archive/ otherwise). */
  outcome: 'imported' | 'partial' | 'rejected' | 'duplicate';
  /** The file has left the inbox (its drop is released). */
  released: boolean;
  /** A manager closed this drop as dropped by mistake. */
  dismissed: boolean;
}

/** One file still refused or partly imported, as its latest drop left it. */
export type OpenImport = LatestDrop & {
  status: 'rejected' | 'partial';
  /** Whether the file is about the assessments lifted: true, false, or null when unknown. */
  concerned: boolean | null;
};

interface LatestRow {
  drop_id: number | string;
  intake_id: number | string;
  sha256: string;
  file_name: string;
  dropped_at: Date | string;
  channel: string;
  status: LatestDrop['status'];
  outcome: LatestDrop['outcome'];
  done: boolean;
}

/** The drops of the CTN a manager dismissed (ids). */
async function dismissedDrops(trx: Knex | Knex.Transaction, ctn: string): Promise<Set<number>> {
  const rows = (await trx('audit_log')
    .where({ ctn, action: DISMISS_ACTION })
    .select(trx.raw("subject->>'dropId' as drop_id"))) as Array<{ drop_id: string | null }>;
  return new Set(rows.map((r) => Number(r.drop_id)));
}

/**
 * The latest drop under each name of each grade folder of the CTN since `since`, with an outcome;
 * `only` narrows to one name (and folder). Two folders' files under one name are two files.
 */
export async function latestDrops(
  trx: Knex | Knex.Transaction,
  ctn: string,
  since: Date,
  only?: { fileName: string; channel?: string },
): Promise<LatestDrop[]> {
  // A duplicate drop brought bytes already taken in: it stands for that file's own outcome
  // (imported closes the error, partial leaves it open).
  const query = trx('intake_drop as d')
    .join('intake_file as f', 'f.id', 'd.intake_id')
    .where('f.ctn', ctn)
    .whereIn('f.channel', GRADE_CHANNELS)
    .whereNotNull('d.outcome')
    .where('d.dropped_at', '>=', since)
    .distinctOn('f.channel', 'd.file_name')
    .orderBy([
      { column: 'f.channel' },
      { column: 'd.file_name' },
      { column: 'd.dropped_at', order: 'desc' },
      { column: 'd.id', order: 'desc' },
    ])
    .select(
      'd.id as drop_id',
      'd.intake_id',
      'f.sha256',
      'd.file_name',
      'd.dropped_at',
      'f.channel',
      'd.outcome',
      'd.done',
      trx.raw("case when d.outcome = 'duplicate' then f.status else d.outcome end as status"),
    );
  const rows = (await query.modify((q) => {
    if (only) {
      q.where('d.file_name', only.fileName);
    }
    if (only?.channel) {
      q.where('f.channel', only.channel);
    }
  })) as LatestRow[];
  const dismissed = rows.length === 0 ? new Set<number>() : await dismissedDrops(trx, ctn);

  return rows
    .map((r) => ({
      dropId: Number(r.drop_id),
      intakeId: Number(r.intake_id),
      sha256: r.sha256,
      channel: r.channel,
      fileName: r.file_name,
      droppedAt: new Date(r.dropped_at),
      status: r.status,
      outcome: r.outcome,
      released: r.done,
      dismissed: dismissed.has(Number(r.drop_id)),
    }))
    .sort((a, b) => a.droppedAt.getTime() - b.droppedAt.getTime() || a.dropId - b.dropId);
}

/** True for a drop that leaves its file refused or partial. */
export function isOpen(d: LatestDrop): d is LatestDrop & { status: 'rejected' | 'partial' } {
  return d.status === 'rejected' || d.status === 'partial';
}

/** The assessments each file wrote grades or results to (none for a file refused whole). */
async function assessmentsWritten(
  trx: Knex.Transaction,
  intakeIds: number[],
): Promise<Map<number, Set<number>>> {
  const written = new Map<number, Set<number>>();
  if (intakeIds.length === 0) {
    return written;
  }
  const rows = (await trx('grade')
    .whereIn('intake_id', intakeIds)
    .distinct('intake_id', 'assessment_id')) as Array<{
    intake_id: number | string;
    assessment_id: number | string;
  }>;
  for (const r of rows) {
    const id = Number(r.intake_id);
    written.set(id, (written.get(id) ?? new Set()).add(Number(r.assessment_id)));
  }
  return written;
}

/**
 * The assessments each drop's rows were matched to, as its import's audit entry records them (a
 * file refused for its grades writes nothing, yet its channel knew which assessments it was about).
 */
async function assessmentsNamed(
  trx: Knex.Transaction,
  ctn: string,
  dropIds: number[],
): Promise<Map<number, number[]>> {
  const named = new Map<number, number[]>();
  if (dropIds.length === 0) {
    return named;
  }
  const rows = (await trx('audit_log')
    .where({ ctn, action: 'import' })
    .whereRaw("(subject->>'dropId')::bigint = any(?::bigint[])", [dropIds])
    .whereRaw("subject->'assessmentIds' is not null")
    .select(
      trx.raw("subject->>'dropId' as drop_id"),
      trx.raw("subject->'assessmentIds' as ids"),
    )) as Array<{
    drop_id: string;
    ids: number[] | string;
  }>;
  for (const r of rows) {
    const ids = typeof r.ids === 'string' ? (JSON.parse(r.ids) as number[]) : r.ids;
    named.set(Number(r.drop_id), ids.map(Number));
  }
  return named;
}

/** The grade files of the CTN still refused or partial since `since`, that concern `targets`. */
export async function openImportErrors(
  trx: Knex.Transaction,
  t: LoadedTemplate,
  targets: TemplateAssessment[],
  since: Date,
): Promise<OpenImport[]> {
  const drops = (await latestDrops(trx, t.ctn, since)).filter(isOpen).filter((d) => !d.dismissed);
  const written = await assessmentsWritten(
    trx,
    drops.map((d) => d.intakeId),
  );
  const named = await assessmentsNamed(
    trx,
    t.ctn,
    drops.map((d) => d.dropId),
  );
  const lifted = new Set(targets.map((a) => a.info.assessmentId));

  return drops
    .map((drop) => {
      const touched = [...(written.get(drop.intakeId) ?? []), ...(named.get(drop.dropId) ?? [])];
      const concerned = touched.length === 0 ? null : touched.some((id) => lifted.has(id));
      return { ...drop, concerned };
    })
    .filter((d) => d.concerned !== false);
}

/**
 * Where the file of a drop is now, as a path under the service's home: still in inbox/ until its
 * drop is released, then in error/ (refused) or archive/ under the name release.ts gives it.
 */
export function whereNow(ctn: string, d: LatestDrop): string {
  if (!d.released) {
    return `inbox/${ctn}/${d.channel}/${printableName(d.fileName)}`;
  }
  const folder = d.outcome === 'rejected' ? 'error' : 'archive';
  const moved = {
    id: d.dropId,
    intake_id: d.intakeId,
    file_name: d.fileName,
    ctn,
    channel: d.channel,
    sha256: d.sha256,
  };
  // The name given there is safe (an unsafe one was slugged): printable as it is.
  return `${folder}/${releasedName(moved)}`;
}

/**
 * « inbox/A/notes/x.csv (reçu le …, refusé), rangé à l’import dans error/A/notes/12-ab12cd34-x.csv »: the
 * name to drop a correction under first, then where the file went.
 */
export function fileLine(ctn: string, f: LatestDrop): string {
  const outcome = f.status === 'partial' ? 'importé partiellement' : 'refusé';
  const at = frenchDateTime(f.droppedAt.toISOString());
  const dropped = `inbox/${ctn}/${f.channel}/${printableName(f.fileName)} (reçu le ${at}, ${outcome})`;
  return f.released ? `${dropped}, rangé à l’import dans ${whereNow(ctn, f)}` : dropped;
}

/** The unmet condition in French: which files, how to clear one, and what counts without scope. */
export function openImportsText(ctn: string, files: OpenImport[]): string {
  const listed = files.slice(0, LISTED).map((f) => fileLine(ctn, f));
  if (files.length > LISTED) {
    listed.push(`et ${files.length - LISTED} autre(s)`);
  }
  const unknown = files.filter((f) => f.concerned === null).length;
  const scope =
    unknown === 0
      ? ''
      : unknown === 1
        ? " ; 1 de ces fichiers ne dit pas quelle épreuve il concerne (rien n'en a été importé) : " +
          'il compte pour toutes les maquettes du CTN'
        : ` ; ${unknown} de ces fichiers ne disent pas quelle épreuve ils concernent (rien n'en a ` +
          'été importé) : ils comptent pour toutes les maquettes du CTN';
  // A name the inbox refuses cannot take a corrected file: that file is dismissed by its path.
  const badName = files.some(
    (f) => !isSafeName(f.fileName) || printableName(f.fileName) !== f.fileName,
  )
    ? ' ; un fichier dont le nom est refusé (caractères interdits, montrés « ? ») ne peut pas être ' +
      'redéposé sous ce nom : classez-le sans suite en donnant son chemin dans error/, puis déposez ' +
      'le fichier corrigé sous un nom simple'
    : '';
  return (
    `${files.length} fichier(s) de notes ou de résultats refusé(s) ou partiel(s) non corrigé(s) : ` +
    `${listed.join(', ')} ; pour en corriger un, déposez le fichier corrigé sous exactement ` +
    `le même nom dans la boîte de dépôt ; pour classer sans suite un fichier déposé par erreur, ` +
    `le gestionnaire de l'anonymat lance anonymat intake dismiss <fichier> --ctn ${ctn} ` +
    `--reason "<motif>" --as <identifiant>${badName}${scope}`
  );
}
