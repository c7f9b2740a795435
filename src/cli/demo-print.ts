// The printed outputs of the demo (issue 6), kept apart from the cycle in demo-run.ts: under V the
// spare labels, the PDF label sheets, the attendance sheets, a spare bound to a late student and
// its label, and the anonymous PDF PVs; after the lift the named PDF PVs. Each call goes through
// the same services as the commands.
import type { TemplateRef } from '../services/anonymity.js';
import { writeAttendance } from '../services/attendance.js';
import type { AppContext } from '../services/context.js';
import { loadTemplate, targetAssessments } from '../services/lookups.js';
import { writeLabelsPdf, writePvPdf } from '../services/pdf-reports.js';
import { writePv } from '../services/pv-report.js';
import { bindSpare, createSpares, unboundSpares } from '../services/spare-labels.js';

/** Exam date printed on the demo's labels and attendance sheets. */
const EXAM_DATE = '2027-01-12';

/** Spare labels and PDF label sheets (Code 128 for the sciences, DataMatrix for the IUT), and attendance sheets. */
export async function printBeforeExam(
  ctx: AppContext,
  refs: readonly TemplateRef[],
  managerOf: (ref: TemplateRef) => string,
  counts: Record<string, number>,
): Promise<void> {
  counts.pdfLabels = 0;
  counts.spares = 0;
  for (const ref of refs) {
    const manager = managerOf(ref);
    counts.spares += (await createSpares(ctx, manager, ref, 3)).created;
    const symbology = ref.ctn === 'IUT' ? 'datamatrix' : 'code128';
    const grid = ref.ctn === 'IUT' ? '2x7' : '3x8';
    counts.pdfLabels += (
      await writeLabelsPdf(ctx, manager, ref, { symbology, grid, examDate: EXAM_DATE })
    ).labels;
    await writeAttendance(
      ctx,
      manager,
      ref,
      ref.ctn === 'SCIENCES'
        ? {
            by: 'room',
            rooms: [
              { name: 'Amphi A', capacity: 900 },
              { name: 'Amphi B', capacity: 900 },
              { name: 'Salle C12', capacity: 900 },
            ],
            date: EXAM_DATE,
            time: '09:00',
          }
        : { by: 'assessment', date: EXAM_DATE, time: '14:00' },
    );
  }
}

/** A spare bound to a student: its number and the assessment it is for. */
export interface BoundSpare {
  number: string;
  objectCode: string;
}

/**
 * A student registered at the last minute sat `objectCode` with a spare label: the manager binds
 * that spare to them (audited) and prints the label again, now an ordinary one, for the copy.
 */
export async function bindLateStudent(
  ctx: AppContext,
  ref: TemplateRef,
  manager: string,
  studentNumber: string,
  objectCode: string,
): Promise<BoundSpare> {
  const template = await loadTemplate(ctx.db, ref.ctn, ref.year, ref.code);
  const assessmentId = targetAssessments(template, objectCode)[0]?.info.assessmentId;
  const spare = (await unboundSpares(ctx.db, template.id)).find(
    (s) => s.assessmentId === null || s.assessmentId === assessmentId,
  );
  if (!spare) {
    throw new Error(`demo: no spare label left for ${objectCode}`);
  }

  await bindSpare(ctx, manager, ref, { number: spare.number, studentNumber });
  await writeLabelsPdf(
    ctx,
    manager,
    { ...ref, objectCode },
    { only: [spare.number], symbology: 'code128', grid: '3x8', examDate: EXAM_DATE },
  );
  return { number: spare.number, objectCode };
}

/** PVs, collective and individual, spreadsheet and PDF: anonymous under V, named after the lift. */
export async function printPvs(
  ctx: AppContext,
  refs: readonly TemplateRef[],
  managerOf: (ref: TemplateRef) => string,
): Promise<void> {
  for (const ref of refs) {
    await writePv(ctx, managerOf(ref), ref, 'collective');
    await writePv(ctx, managerOf(ref), ref, 'individual');
    await writePvPdf(ctx, managerOf(ref), ref, 'collective');
    await writePvPdf(ctx, managerOf(ref), ref, 'individual');
  }
}
