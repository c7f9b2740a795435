// Attendance sheets: identities on the sheet the students sign, numbers only on the slip that
// travels with the copies, rooms filled in name order.
import { describe, expect, it } from 'vitest';

import { scanForIdentities } from '../../src/outputs/gateway.js';
import { buildAttendanceSheet, buildCopySlip } from '../../src/outputs/pdf/attendance.js';
import { assignRooms } from '../../src/services/attendance.js';
import { TEMPLATE, assessment, numbers } from './fixtures.js';
import { pdfTextRuns } from './pdf-text.js';

const EXAM = assessment(1, 'MAT101', 'Analyse 1');
const STUDENTS = ['MARTIN', 'ÉLOI', 'DUBOIS', 'ŒUVRAY', 'BERNARD'].map((lastName, k) => ({
  lastName,
  firstName: 'Chloé',
  studentNumber: `0420000${k}`,
}));
const ROSTER = STUDENTS.map((s) => ({ ...s, birthDate: null }));

describe('attendance sheets', () => {
  it('lists identities for signing and no anonymous number', async () => {
    const pdf = await buildAttendanceSheet(
      TEMPLATE,
      [{ room: 'Amphi A', assessment: EXAM, students: STUDENTS }],
      { date: '2027-01-12', time: '09:00' },
    );
    const text = pdfTextRuns(pdf);

    expect(text).toContain('ŒUVRAY');
    expect(text.join('\n')).toContain('Salle : Amphi A · le 12/01/2027 à 09:00');
    expect(text.some((r) => /^S\d{7}$/.test(r))).toBe(false);
  });

  it('sends only numbers with the copies, in number order', async () => {
    const list = numbers(5);
    const pdf = await buildCopySlip(
      TEMPLATE,
      [{ room: 'Amphi A', assessment: EXAM, numbers: list }],
      {},
    );
    const printed = pdfTextRuns(pdf).filter((r) => /^S\d{7}$/.test(r));

    expect(printed).toEqual([...list].sort());
    expect(scanForIdentities('slip.pdf', pdf, ROSTER)).toEqual([]);
  });

  it('fills rooms in name order up to their capacity and refuses rooms too small', () => {
    const groups = assignRooms(STUDENTS, [
      { name: 'A', capacity: 2 },
      { name: 'B', capacity: 10 },
    ]);

    expect(groups.map((g) => [g.room, g.students.map((s) => s.lastName)])).toEqual([
      ['A', ['BERNARD', 'DUBOIS']],
      ['B', ['ÉLOI', 'MARTIN', 'ŒUVRAY']],
    ]);
    expect(() => assignRooms(STUDENTS, [{ name: 'A', capacity: 4 }])).toThrow(/trop petites/);
  });
});
