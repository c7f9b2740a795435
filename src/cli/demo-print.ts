// The printed outputs of the demo (issue 6), kept apart from the cycle in demo-run.ts: under V the
// spare labels, the PDF label sheets, the attendance sheets and the anonymous PDF PVs; after the
// lift the named PDF PVs. Each call goes through the same services as the commands.
import type { TemplateRef } from '../services/anonymity.js';
import { writeAttendance } from '../services/attendance.js';
import type { AppContext } from '../services/context.js';
import { writeLabelsPdf, writePvPdf } from '../services/pdf-reports.js';
import { createSpares } from '../services/spare-labels.js';

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
  for (const ref of refs) {
    const manager = managerOf(ref);
    await createSpares(ctx, manager, ref, 3);
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

/** PDF PVs, collective and individual: anonymous under V, named after the lift. */
export async function printPvs(
  ctx: AppContext,
  refs: readonly TemplateRef[],
  managerOf: (ref: TemplateRef) => string,
): Promise<void> {
  for (const ref of refs) {
    await writePvPdf(ctx, managerOf(ref), ref, 'collective');
    await writePvPdf(ctx, managerOf(ref), ref, 'individual');
  }
}
