// Attendance sheets for the day of the exam. Two files, so that no page ties a number to a person:
// the sheet the students sign (identities, no number) stays with the exam office, under
// confidentiel/ like every identity-bearing file written while numbers are live; the slip that
// travels with the copies (numbers only) goes through the gateway's identity scan.
import { AppError } from '../domain/errors.js';
import { assertAllowed } from '../domain/states.js';
import { slug, templateSlug } from '../outputs/gateway.js';
import {
  buildAttendanceSheet,
  buildCopySlip,
  type AttendanceGroup,
  type CopySlipGroup,
  type ExamDay,
} from '../outputs/pdf/attendance.js';
import { compareNames } from '../outputs/order.js';
import { commitAudit } from '../store/audit.js';
import { authorise } from './actors.js';
import { rosterOfTemplate, type TemplateRef } from './anonymity.js';
import type { AppContext } from './context.js';
import { holdersQuery } from './holders.js';
import {
  loadTemplate,
  targetAssessments,
  type LoadedTemplate,
  type TemplateAssessment,
} from './lookups.js';
import { printSettingsOf } from './pdf-reports.js';

/** A room and how many students it seats. */
export interface Room {
  name: string;
  capacity: number;
}

/** Options of the attendance sheets; `by` defaults to the configured print setting. */
export interface AttendanceOptions extends ExamDay {
  by?: 'room' | 'assessment';
  /** Rooms filled in name order, needed when `by` is "room". */
  rooms?: readonly Room[];
}

/** A holder of a number for one assessment, with identity: kept inside this module. */
interface Seat {
  number: string;
  studentNumber: string;
  lastName: string;
  firstName: string;
}

async function seatsOf(
  ctx: AppContext,
  template: LoadedTemplate,
  a: TemplateAssessment,
): Promise<Seat[]> {
  const rows = (await holdersQuery(ctx.db, template, a)
    .join('student as s', 's.student_number', 'n.student_number')
    .select('n.number', 's.student_number', 's.last_name', 's.first_name')) as Array<{
    number: string;
    student_number: string;
    last_name: string;
    first_name: string;
  }>;
  return rows.map((r) => ({
    number: r.number,
    studentNumber: r.student_number,
    lastName: r.last_name,
    firstName: r.first_name,
  }));
}

/** Splits an assessment's students into rooms in name order; refused when the rooms are too small. */
export function assignRooms<T extends Omit<Seat, 'number'>>(
  students: readonly T[],
  rooms: readonly Room[],
): Array<{ room: string; students: T[] }> {
  const seats = rooms.reduce((n, r) => n + r.capacity, 0);
  if (seats < students.length) {
    throw new AppError(
      'INVALID_ARGUMENT',
      `Salles trop petites : ${seats} place(s) pour ${students.length} étudiant(s).`,
    );
  }

  const sorted = [...students].sort(compareNames);
  const groups: Array<{ room: string; students: T[] }> = [];
  let next = 0;
  for (const room of rooms) {
    const taken = sorted.slice(next, next + room.capacity);
    next += taken.length;
    if (taken.length > 0) {
      groups.push({ room: room.name, students: taken });
    }
  }
  return groups;
}

/** Writes the attendance sheet and the copy slip of a template (or one assessment of it). */
export async function writeAttendance(
  ctx: AppContext,
  actor: string,
  ref: TemplateRef,
  options: AttendanceOptions = {},
): Promise<{ sheet: string; slip: string; groups: number; students: number }> {
  const rights = await authorise(ctx, actor, ref.ctn, 'labels');
  const template = await loadTemplate(ctx.db, ref.ctn, ref.year, ref.code);
  const targets = targetAssessments(template, ref.objectCode);
  targets.forEach((a) => assertAllowed('labels', a.state, rights));
  const by = options.by ?? printSettingsOf(ctx.config).attendanceBy;
  if (by === 'room' && (options.rooms ?? []).length === 0) {
    throw new AppError(
      'INVALID_ARGUMENT',
      'Émargement par salle : indiquez les salles et leur capacité.',
    );
  }

  const sheetGroups: AttendanceGroup[] = [];
  const slipGroups: CopySlipGroup[] = [];
  let students = 0;
  for (const a of targets) {
    const seats = await seatsOf(ctx, template, a);
    students += seats.length;
    const split =
      by === 'room'
        ? assignRooms(seats, options.rooms ?? [])
        : [{ room: 'toutes salles', students: seats }];
    for (const group of split) {
      // The identity part keeps names only; the slip keeps numbers only.
      sheetGroups.push({
        room: group.room,
        assessment: a.info,
        students: group.students.map(({ lastName, firstName, studentNumber }) => ({
          lastName,
          firstName,
          studentNumber,
        })),
      });
      slipGroups.push({
        room: group.room,
        assessment: a.info,
        numbers: group.students.map((s) => s.number),
      });
    }
  }

  const day: ExamDay = { date: options.date, time: options.time };
  const stem = `${templateSlug(template)}${ref.objectCode ? `-${slug(ref.objectCode)}` : ''}`;
  // The slip first: it bears no identity, and a slip refused by the scan leaves no sheet behind.
  const slip = await ctx.outbox.writeAnonymous(
    `${slug(template.ctn)}/emargement/bordereau-copies-${stem}.pdf`,
    await buildCopySlip(template.info, slipGroups, day),
    await rosterOfTemplate(ctx.db, template.id),
  );
  const sheet = await ctx.outbox.writeConfidential(
    `${slug(template.ctn)}/confidentiel/emargement-${stem}.pdf`,
    await buildAttendanceSheet(template.info, sheetGroups, day),
    () =>
      commitAudit(ctx.db, {
        actor,
        ctn: template.ctn,
        action: 'attendance',
        subject: { templateId: template.id, groups: sheetGroups.length, students, by },
      }),
  );
  return { sheet, slip, groups: sheetGroups.length, students };
}
