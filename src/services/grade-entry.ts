// Individual entry of one grade by anonymous number from the command line: the same checks as a
// file (number, state, scale), one audited write.
import { AppError } from '../domain/errors.js';
import { gradeToStorage, parseGrade } from '../domain/grades.js';
import { assertAllowed } from '../domain/states.js';
import { writeGrades } from '../channels/grade-store.js';
import { assessmentFor, NumberBook, normaliseNumber } from '../channels/numbers.js';
import { appendAudit } from '../store/audit.js';
import { authorise } from './actors.js';
import type { AppContext } from './context.js';

/** Records one grade for an anonymous number; `objectCode` names the assessment when the number does not. */
export async function enterGrade(
  ctx: AppContext,
  actor: string,
  e: { ctn: string; number: string; grade: string; objectCode?: string },
): Promise<{ objectCode: string; grade: string }> {
  await authorise(ctx, actor, e.ctn, 'import_by_number');
  return ctx.db.transaction(async (trx) => {
    const book = await NumberBook.load(trx, e.ctn, [normaliseNumber(e.number)]);
    const found = book.find(e.number);
    if ('code' in found) {
      throw new AppError(found.code, found.detail);
    }
    if (found.template.ctn !== e.ctn) {
      throw new AppError('NUMBER_OTHER_CTN');
    }
    const target = assessmentFor(found.template, found.holder, {
      objectCode: e.objectCode,
      fileName: '',
    });
    if ('code' in target) {
      throw new AppError(target.code, target.detail);
    }
    assertAllowed('import_by_number', target.state, { isManager: false });
    const parsed = parseGrade({ raw: e.grade }, { scale: target.info.scale });
    if (!parsed.ok) {
      throw new AppError(parsed.code, parsed.detail);
    }
    if (parsed.grade.kind === 'blank') {
      throw new AppError('CELL_REQUIRED', '(note)');
    }
    const stored = gradeToStorage(parsed.grade);
    await writeGrades(
      trx,
      [
        {
          assessmentId: target.info.assessmentId,
          studentNumber: found.holder.studentNumber,
          ...stored,
          afterLift: target.state === 'L',
        },
      ],
      'saisie',
      null,
      actor,
    );
    await appendAudit(trx, {
      actor,
      ctn: e.ctn,
      action: 'grade_entry',
      subject: { assessmentId: target.info.assessmentId, number: found.holder.number },
    });
    return { objectCode: target.info.objectCode, grade: stored.value ?? stored.absence ?? '' };
  });
}
