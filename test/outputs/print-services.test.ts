// The print services on a small world (PGlite, through the real intake): PDF labels with spares,
// binding a spare (audited), PDF PVs and attendance sheets, each under the state table's rules.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TemplateRef } from '../../src/services/anonymity.js';
import { writeAttendance } from '../../src/services/attendance.js';
import { closeContext } from '../../src/services/context.js';
import { writeLabelsPdf, writePvPdf } from '../../src/services/pdf-reports.js';
import { writePv } from '../../src/services/pv-report.js';
import { revealStudent } from '../../src/services/reveal.js';
import { bindSpare, createSpares } from '../../src/services/spare-labels.js';
import { YEAR, buildWorld, drop, intake, type World } from '../db/channels-world.js';
import { pdfTextRuns } from './pdf-text.js';

const A_JANV: TemplateRef = { ctn: 'A', year: YEAR, code: 'A-JANV' };
const REFERENTIAL_HEADER =
  'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP;LIB_ELP';

describe('print services', () => {
  let world: World;

  beforeAll(async () => {
    world = await buildWorld();
  });

  afterAll(async () => {
    await closeContext(world.ctx);
  });

  it('prints one label per number and assessment, then the spares, marked', async () => {
    const spares = await createSpares(world.ctx, 'gest-A', A_JANV, 2);
    const out = await writeLabelsPdf(world.ctx, 'gest-A', A_JANV, { grid: '3x7' });
    const runs = pdfTextRuns(await readFile(out.path));
    const given = world.numbers.mat101.length + world.numbers.mat102.length;

    expect(spares.created).toBe(4);
    expect(out).toMatchObject({ labels: given + 4, spares: 4 });
    expect(path.basename(out.path)).toBe('etiquettes-A-JANV-2026-3x7.pdf');
    expect(runs.filter((r) => r === 'RÉSERVE')).toHaveLength(4);
    for (const n of world.numbers.mat101) {
      expect(runs).toContain(n.number);
    }
  });

  it('refuses the grade of a spare not bound yet, saying to bind it first', async () => {
    const spare = (await world.ctx
      .db('spare_label')
      .whereNull('bound_student')
      .first('number')) as { number: string };
    await drop(
      world.ctx,
      'A',
      'notes',
      'notes-reserve-MAT101.csv',
      `N° anonyme;Note\r\n${spare.number};14\r\n`,
    );

    const receipt = await intake(world.ctx, 'A', 'notes-reserve-MAT101.csv');

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => [e.code, e.value])).toEqual([
      ['NUMBER_SPARE_UNBOUND', spare.number],
    ]);
    expect(receipt.errors[0]?.message).toContain('spare-bind');
  });

  it('binds a spare to a late student once, and records it in the audit log', async () => {
    const spare = (await world.ctx
      .db('spare_label')
      .whereNull('bound_student')
      .first('number')) as { number: string };
    // Registered at the last minute: the referential brings the student in before the binding.
    const late = '77000001';
    await drop(
      world.ctx,
      'A',
      'referentiel',
      'inscription-tardive.csv',
      `${REFERENTIAL_HEADER}\r\n${late};TARDIF;Inès;03/03/2005;SL1MAT;101;${YEAR};MAT101;Analyse 1\r\n` +
        `${late};TARDIF;Inès;03/03/2005;SL1MAT;101;${YEAR};MAT102;Algèbre linéaire\r\n`,
    );
    expect((await intake(world.ctx, 'A', 'inscription-tardive.csv')).status).toBe('imported');
    // A student of CTN B, enrolled in nothing of A: a number typed wrong, refused.
    await expect(
      bindSpare(world.ctx, 'gest-A', A_JANV, { number: spare.number, studentNumber: '99000001' }),
    ).rejects.toMatchObject({ code: 'SPARE_STUDENT_NOT_ENROLLED' });

    await bindSpare(world.ctx, 'gest-A', A_JANV, { number: spare.number, studentNumber: late });

    const holder = (await world.ctx
      .db('anonymous_number')
      .where({ number: spare.number })
      .first('student_number')) as { student_number: string };
    expect(holder.student_number).toBe(late);
    await expect(
      bindSpare(world.ctx, 'gest-A', A_JANV, { number: spare.number, studentNumber: late }),
    ).rejects.toMatchObject({ code: 'SPARE_ALREADY_BOUND' });
    await expect(
      bindSpare(world.ctx, 'gest-A', A_JANV, { number: 'S9999999', studentNumber: late }),
    ).rejects.toMatchObject({ code: 'SPARE_UNKNOWN' });
    const audit = (await world.ctx
      .db('audit_log')
      .where({ action: 'spare_bind' })
      .select('subject')) as Array<{ subject: Record<string, unknown> }>;
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]?.subject)).not.toContain(late);
  });

  it('reprints the label of a spare just bound, as an ordinary label, in a file of its own', async () => {
    const bound = (await world.ctx
      .db('spare_label')
      .whereNotNull('bound_student')
      .first('number')) as { number: string };

    const out = await writeLabelsPdf(world.ctx, 'gest-A', A_JANV, {
      grid: '2x7',
      only: [bound.number],
    });
    const runs = pdfTextRuns(await readFile(out.path));

    expect(out).toMatchObject({ labels: 1, spares: 0 });
    expect(path.basename(out.path)).toBe(
      `etiquettes-A-JANV-2026-reimpression-${bound.number}-2x7.pdf`,
    );
    expect(runs.filter((r) => r === bound.number)).toHaveLength(1);
    expect(runs).not.toContain('RÉSERVE');
  });

  it('refuses binding to someone who is not the manager', async () => {
    const spare = (await world.ctx
      .db('spare_label')
      .whereNull('bound_student')
      .first('number')) as { number: string };

    await expect(
      bindSpare(world.ctx, 'gest-B', A_JANV, { number: spare.number, studentNumber: '99000002' }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^NOT_/) as unknown });
  });

  it('never prints again, nor binds, a spare whose number was handed out since', async () => {
    const spare = (await world.ctx
      .db('spare_label')
      .whereNull('bound_student')
      .first('number', 'assessment_id', 'template_id', 'year')) as {
      number: string;
      assessment_id: number | null;
      template_id: number;
      year: number;
    };
    // What pose() does today for a newcomer (it does not see spare numbers yet).
    await world.ctx.db('anonymous_number').insert({
      year: spare.year,
      number: spare.number,
      template_id: spare.template_id,
      assessment_id: spare.assessment_id,
      student_number: '99000003',
    });

    const out = await writeLabelsPdf(world.ctx, 'gest-A', A_JANV, { grid: '3x8' });
    const runs = pdfTextRuns(await readFile(out.path));
    expect(runs.filter((r) => r === spare.number)).toHaveLength(1);
    await expect(
      bindSpare(world.ctx, 'gest-A', A_JANV, { number: spare.number, studentNumber: '99000004' }),
    ).rejects.toMatchObject({ code: 'SPARE_NUMBER_TAKEN' });
  });

  it('writes the anonymous PDF PV under V with its fingerprint in the audit log', async () => {
    const out = await writePvPdf(world.ctx, 'gest-A', A_JANV, 'collective');
    const audit = (await world.ctx
      .db('audit_log')
      .where({ action: 'pv_pdf' })
      .orderBy('seq', 'desc')
      .first('subject')) as { subject: { fingerprint: string } };

    expect(out.anonymous).toBe(true);
    expect(path.basename(out.path)).toBe('pv-anonyme-A-JANV-2026.pdf');
    expect(audit.subject.fingerprint).toBe(out.fingerprint);
  });

  it('lists a reveal in both anonymous PVs, spreadsheet and PDF, with one fingerprint', async () => {
    const number = world.numbers.mat101[0]?.number ?? '-';
    await revealStudent(
      world.ctx,
      'gest-A',
      A_JANV,
      number,
      'copie égarée, recherche pour recours',
    );

    const xlsx = await writePv(world.ctx, 'gest-A', A_JANV, 'collective');
    const individual = await writePv(world.ctx, 'gest-A', A_JANV, 'individual');
    const pdf = await writePvPdf(world.ctx, 'gest-A', A_JANV, 'collective');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(xlsx.path)) as unknown as ArrayBuffer);
    const runs = pdfTextRuns(await readFile(pdf.path));

    expect(path.basename(individual.path)).toBe('pv-individuels-anonyme-A-JANV-2026.xlsx');
    expect(wb.getWorksheet('Levées individuelles')?.getRow(2).getCell(1).value).toBe(number);
    expect(runs).toContain('Levées individuelles d’anonymat — PV anonyme');
    expect(runs).toContain(number);
    expect(new Set([xlsx.fingerprint, individual.fingerprint, pdf.fingerprint]).size).toBe(1);
  });

  it('splits attendance into an identity sheet (confidential) and a numbers-only slip', async () => {
    const out = await writeAttendance(world.ctx, 'gest-A', A_JANV, {
      by: 'room',
      rooms: [
        { name: 'Amphi A', capacity: 20 },
        { name: 'B12', capacity: 20 },
      ],
      date: '2027-01-12',
    });
    const slip = pdfTextRuns(await readFile(out.slip)).join('\n');
    const sheet = pdfTextRuns(await readFile(out.sheet)).join('\n');
    const someNumber = world.numbers.mat101[0]?.number ?? '-';

    expect(out.sheet).toContain(`${path.sep}confidentiel${path.sep}`);
    expect(slip).toContain(someNumber);
    expect(sheet).not.toContain(someNumber);
    expect(sheet).toContain(world.studentsA[0] ?? '-');
    expect(slip).not.toContain(world.studentsA[0] ?? '-');
  });
});
