// Lift condition « no open import error »: grade, optical-reader and jury files refused or partly
// imported, and not corrected since. A file is corrected by dropping the right one under exactly
// the same name: the latest drop under a name decides, and a drop whose bytes equal a file
// already imported whole (a `duplicate` receipt) corrects it as an import would. Only files about
// the assessments being lifted count; a file whose assessment cannot be told (refused whole,
// nothing written) counts for every template of the CTN, and the message says so.
import type { Knex } from 'knex';
import { printableName } from '../intake/inbox.js';
import { frenchDateTime } from '../outputs/french.js';
import type { LoadedTemplate, TemplateAssessment } from './lookups.js';

const GRADE_CHANNELS = ['notes', 'lecteur-optique', 'jury'];

/** At most this many files are named in the refusal; the others are counted. */
const LISTED = 10;

/** One file still refused or partly imported, as its latest drop left it. */
interface OpenImport {
  channel: string;
  fileName: string;
  droppedAt: Date;
  status: 'rejected' | 'partial';
  /** Whether the file is about the assessments lifted: true, false, or null when unknown. */
  concerned: boolean | null;
}

/** The latest drop under each file name of the CTN's grade channels since `since`, still open. */
async function latestOpenDrops(
  trx: Knex.Transaction,
  ctn: string,
  since: Date,
): Promise<Array<Omit<OpenImport, 'concerned'> & { intakeId: number }>> {
  // A duplicate drop brought bytes already taken in: it stands for that file's own outcome
  // (imported closes the error, partial leaves it open).
  const latest = trx('intake_drop as d')
    .join('intake_file as f', 'f.id', 'd.intake_id')
    .where('f.ctn', ctn)
    .whereIn('f.channel', GRADE_CHANNELS)
    .whereNotNull('d.outcome')
    .where('d.dropped_at', '>=', since)
    .distinctOn('d.file_name')
    .orderBy([
      { column: 'd.file_name' },
      { column: 'd.dropped_at', order: 'desc' },
      { column: 'd.id', order: 'desc' },
    ])
    .select(
      'd.file_name',
      'd.dropped_at',
      'f.channel',
      'f.id as intake_id',
      trx.raw("case when d.outcome = 'duplicate' then f.status else d.outcome end as status"),
    )
    .as('latest');
  const rows = (await trx
    .from(latest)
    .whereIn('status', ['rejected', 'partial'])
    .orderBy([{ column: 'dropped_at' }, { column: 'file_name' }])
    .select('*')) as Array<{
    file_name: string;
    dropped_at: Date | string;
    channel: string;
    intake_id: number | string;
    status: 'rejected' | 'partial';
  }>;
  return rows.map((r) => ({
    channel: r.channel,
    fileName: r.file_name,
    droppedAt: new Date(r.dropped_at),
    status: r.status,
    intakeId: Number(r.intake_id),
  }));
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

/** The grade files of the CTN still refused or partial since `since`, that concern `targets`. */
export async function openImportErrors(
  trx: Knex.Transaction,
  t: LoadedTemplate,
  targets: TemplateAssessment[],
  since: Date,
): Promise<OpenImport[]> {
  const drops = await latestOpenDrops(trx, t.ctn, since);
  const written = await assessmentsWritten(
    trx,
    drops.map((d) => d.intakeId),
  );
  const lifted = new Set(targets.map((a) => a.info.assessmentId));

  return drops
    .map(({ intakeId, ...drop }) => {
      const touched = [...(written.get(intakeId) ?? [])];
      const concerned = touched.length === 0 ? null : touched.some((id) => lifted.has(id));
      return { ...drop, concerned };
    })
    .filter((d) => d.concerned !== false);
}

function fileLine(ctn: string, f: OpenImport): string {
  const outcome = f.status === 'partial' ? 'importé partiellement' : 'refusé';
  const at = frenchDateTime(f.droppedAt.toISOString());
  return `inbox/${ctn}/${f.channel}/${printableName(f.fileName)} (reçu le ${at}, ${outcome})`;
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
      : ` ; ${unknown} de ces fichiers ne disent pas quelle épreuve ils concernent (rien n'en a ` +
        'été importé) : ils comptent pour toutes les maquettes du CTN';
  return (
    `${files.length} fichier(s) de notes ou de résultats refusé(s) ou partiel(s) non corrigé(s) : ` +
    `${listed.join(', ')} ; pour en corriger un, déposez le fichier corrigé sous exactement ` +
    `le même nom${scope}`
  );
}
