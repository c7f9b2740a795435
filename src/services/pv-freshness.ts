// Whether the anonymous PV de délibération still shows the grades and jury decisions stored (lift
// condition « PV anonyme »). Every anonymous PV records in its audit entry, per assessment, a
// digest of the graded rows it shows; the lift recomputes the digests from the stored rows in its
// own transaction and compares. Contents are compared, not times: the audit entry carries the
// service's clock and a grade the database's transaction start, so a grade import still open
// while the PV was read commits grades stamped before the PV. A file dropped again with the same
// grades rewrites nothing the PV shows, and leaves the PV current.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { canonicalJson } from '../domain/audit-chain.js';
import { frenchDateTime } from '../outputs/french.js';
import type { AnonymousGradeRow, PvSection } from '../outputs/types.js';
import { anonymousRows } from './holders.js';
import type { LoadedTemplate, TemplateAssessment } from './lookups.js';

/** Digests of the grades an anonymous PV shows, by assessment id (audit field `shownGrades`). */
export type ShownGrades = Record<string, string>;

/** sha256 hex of the graded rows of an anonymous section: number, grade and result. */
function shownDigest(rows: readonly AnonymousGradeRow[]): string {
  // Rows without grade or result are left out: a number given to a newcomer adds nothing graded.
  // Grades are hashed as values, not as the PV words them, so that a change of wording does not
  // make every PV already edited stale.
  const shown = rows
    .filter((r) => r.grade !== null || r.result !== null)
    .map((r) => ({ number: r.number, grade: r.grade, result: r.result }))
    .sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));

  return createHash('sha256').update(canonicalJson(shown)).digest('hex');
}

/** What the audit entry of an anonymous PV records of the grades it shows. */
export function shownGrades(sections: ReadonlyArray<PvSection<AnonymousGradeRow>>): ShownGrades {
  return Object.fromEntries(
    sections.map((s) => [String(s.assessment.assessmentId), shownDigest(s.rows)]),
  );
}

/** One anonymous PV de délibération edited for a template, as its audit entry records it. */
interface EditedPv {
  seq: number;
  at: string;
  pdf: boolean;
  /** Null for a PV edited before the digests were recorded: what it showed is unknown. */
  shown: ShownGrades | null;
}

/** The anonymous PV de délibération edited for a template (spreadsheet or PDF), newest first. */
async function editedPvs(trx: Knex.Transaction, t: LoadedTemplate): Promise<EditedPv[]> {
  // The PV individuel is left out: the jury deliberates on the collective PV.
  const rows = (await trx('audit_log')
    .whereIn('action', ['pv', 'pv_pdf'])
    .where({ ctn: t.ctn })
    .whereRaw("subject->>'templateId' = ?", [String(t.id)])
    .whereRaw("subject->>'anonymous' = 'true'")
    .whereRaw("subject->>'kind' = 'collective'")
    .orderBy('seq', 'desc')
    .select('seq', 'at', 'action', 'subject')) as Array<{
    seq: number | string;
    at: string;
    action: string;
    subject: Record<string, unknown> | string;
  }>;

  return rows.map((r) => {
    const subject = (typeof r.subject === 'string' ? JSON.parse(r.subject) : r.subject) as {
      shownGrades?: ShownGrades;
    };
    return {
      seq: Number(r.seq),
      at: r.at,
      pdf: r.action === 'pv_pdf',
      shown: subject.shownGrades ?? null,
    };
  });
}

/** « le PV anonyme … est périmé : pourquoi, et quoi faire », one unmet condition. */
function staleLine(t: LoadedTemplate, pv: EditedPv, objectCodes: string[]): string {
  const which =
    `le PV anonyme de délibération édité le ${frenchDateTime(pv.at)} ` +
    `(${pv.pdf ? 'PDF' : 'tableur'}, n° ${pv.seq} du journal d'audit) est périmé`;
  const why =
    pv.shown === null
      ? "il a été édité par une version antérieure du service, qui ne gardait pas trace des notes qu'il montre"
      : `des notes ou décisions du jury de ${objectCodes.join(', ')} ont changé depuis`;

  return (
    `${which} : ${why}, régénérez le PV anonyme de la maquette ${t.code} ` +
    `(anonymat pv ${t.code}), faites-le vérifier par le jury, puis relancez la levée`
  );
}

/**
 * The « PV anonyme » lift condition, unmet items in French: for each assessment lifted, the last
 * anonymous PV de délibération showing it must show the grades and jury decisions stored now.
 */
export async function anonymousPvUnmet(
  trx: Knex.Transaction,
  t: LoadedTemplate,
  targets: TemplateAssessment[],
): Promise<string[]> {
  const pvs = await editedPvs(trx, t);
  if (pvs.length === 0) {
    return ['PV anonyme non édité'];
  }

  const missing: string[] = [];
  const stale = new Map<EditedPv, string[]>();
  for (const a of targets) {
    const id = String(a.info.assessmentId);
    const last = pvs.find((pv) => pv.shown === null || Object.hasOwn(pv.shown, id));
    if (!last) {
      missing.push(a.info.objectCode);
      continue;
    }
    if (last.shown?.[id] !== shownDigest(await anonymousRows(trx, t, a))) {
      stale.set(last, [...(stale.get(last) ?? []), a.info.objectCode]);
    }
  }

  const unmet = [...stale].map(([pv, objectCodes]) => staleLine(t, pv, objectCodes));
  return missing.length > 0 ? [`PV anonyme non édité pour ${missing.join(', ')}`, ...unmet] : unmet;
}
