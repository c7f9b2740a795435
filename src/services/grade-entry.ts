// Individual entry of one grade by anonymous number from the command line: the same checks as a
// file (number, state, scale), one audited write.
import type { Knex } from 'knex';
import { AppError } from '../domain/errors.js';
import { aliasOf, gradeToStorage, parseGrade } from '../domain/grades.js';
import { assertAllowed } from '../domain/states.js';
import { exactInstant, statesAtWrite, writeGrades } from '../channels/grade-store.js';
import { confirmUnchangedGrades } from '../channels/grade-confirm.js';
import { assessmentFor, NumberBook, normaliseNumber } from '../channels/numbers.js';
import { appendAudit } from '../store/audit.js';

import { authorise } from './actors.js';
import type { AppContext } from './context.js';

/** A stored grade as a person reads it: « 12,50 », or the absence code. */
function frenchGrade(stored: string): string {
  return stored.replace('.', ',');
}

/** The grade recorded for a student in an assessment (value or absence code), null when none. */
async function previousGrade(
  trx: Knex.Transaction,
  assessmentId: number,
  studentNumber: string,
): Promise<string | null> {
  const row = (await trx('grade')
    .where({ assessment_id: assessmentId, student_number: studentNumber })
    .first('value', 'absence')) as { value: string | null; absence: string | null } | undefined;
  return row ? (row.value ?? row.absence) : null;
}

/**
 * When a typed grade is handed in: now, on the database's clock, read once the assessment's write
 * lock is held (statesAtWrite), so that it is later than every file drop committed before it.
 */
async function handedInNow(trx: Knex.Transaction): Promise<string> {
  const found = (await trx.raw(`select ${exactInstant('clock_timestamp()')} as at`)) as {
    rows: Array<{ at: string }>;
  };
  return found.rows[0]?.at ?? new Date().toISOString();
}

/** What one entry did: the assessment, the grade stored, and the grade it replaced, if any. */
export interface GradeEntry {
  objectCode: string;
  grade: string;
  /** The grade there was before (value or absence code), when this entry changed it. */
  replaced: string | null;
  /** True when the same grade was already recorded: nothing was written. */
  unchanged: boolean;
  /** The grade as typed when it was another spelling of the absence code stored (`abs` for ABI). */
  alias: ReturnType<typeof aliasOf>;
}

/** A grade typed at the command line. */
export interface TypedGrade {
  ctn: string;
  number: string;
  grade: string;
  objectCode?: string;
  replace?: boolean;
  /** The academic year named by the person (`--year`; else the configured one): only its numbers count. */
  year?: number;
}

/**
 * Records one grade for an anonymous number; `objectCode` names the assessment when the number does
 * not. A different grade already recorded is only replaced when `replace` says so: a number typed
 * wrongly must not silently overwrite another copy's grade.
 */
export async function enterGrade(
  ctx: AppContext,
  actor: string,
  e: TypedGrade,
): Promise<GradeEntry> {
  await authorise(ctx, actor, e.ctn, 'import_by_number');
  return ctx.db.transaction(async (trx) => {
    const prefer = { year: e.year ?? ctx.config.defaultYear };
    const book = await NumberBook.load(trx, e.ctn, [normaliseNumber(e.number)], { prefer });
    const found = book.find(e.number);
    if ('code' in found) {
      throw new AppError(found.code, found.detail);
    }
    if (found.template.ctn !== e.ctn) {
      throw new AppError('NUMBER_OTHER_CTN');
    }
    const target = assessmentFor(found.template, found.holder, {
      objectCode: e.objectCode,
      fileName: null,
    });
    if ('code' in target) {
      throw new AppError(target.code, target.detail);
    }
    // Read again under the lock every state change and every write to the assessment wait for:
    // the grade found below is then the one this entry replaces, whatever commits meanwhile.
    const states = await statesAtWrite(trx, [target.info.assessmentId]);
    const state = states.get(target.info.assessmentId) ?? target.state;
    assertAllowed('import_by_number', state, { isManager: false });
    const parsed = parseGrade({ raw: e.grade }, { scale: target.info.scale });
    if (!parsed.ok) {
      throw new AppError(parsed.code, parsed.detail);
    }
    if (parsed.grade.kind === 'blank') {
      throw new AppError('CELL_REQUIRED', '(note)');
    }
    const stored = gradeToStorage(parsed.grade);
    const alias = aliasOf(parsed);
    const grade = {
      assessmentId: target.info.assessmentId,
      studentNumber: found.holder.studentNumber,
    };
    const previous = await previousGrade(trx, grade.assessmentId, grade.studentNumber);
    const current = stored.value ?? stored.absence ?? '';
    if (previous === current) {
      // Typed again as it is: nothing changes, but a file dropped before now and imported later
      // must not replace it (grade-confirm.ts).
      await confirmUnchangedGrades(trx, [{ ...grade, ...stored }], await handedInNow(trx));
      return {
        objectCode: target.info.objectCode,
        grade: current,
        replaced: null,
        unchanged: true,
        alias,
      };
    }
    if (previous !== null && !e.replace) {
      throw new AppError('GRADE_ALREADY_ENTERED', `(note enregistrée : ${frenchGrade(previous)})`);
    }
    await writeGrades(
      trx,
      [{ ...grade, ...stored }],
      { source: 'saisie', intakeId: null, by: actor, receivedAt: await handedInNow(trx) },
      states,
    );
    await appendAudit(trx, {
      actor,
      ctn: e.ctn,
      action: 'grade_entry',
      subject: {
        assessmentId: target.info.assessmentId,
        number: found.holder.number,
        replaced: previous !== null,
      },
    });
    return {
      objectCode: target.info.objectCode,
      grade: current,
      replaced: previous,
      unchanged: false,
      alias,
    };
  });
}
