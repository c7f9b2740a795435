// A file keyed by anonymous number for an exam under validated anonymity must not tie the numbers to
// identities: a trial returned a grade-entry workbook with « Nom » and « N° étudiant » columns added,
// and a CSV with names beside the numbers, and both were imported without a word. Those rows are
// refused, saying which kind of identifier was found where, never the value; remarks that name no
// one, and names beside the numbers of an exam whose anonymity is lifted, are still taken.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lift } from '../../src/services/anonymity.js';
import type { AppContext } from '../../src/services/context.js';
import {
  csvLines,
  drop,
  gradesOf,
  gradeTable,
  intake,
  receiptOf,
  worldFor,
} from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

async function identity(
  ctx: AppContext,
  student: string,
): Promise<{ last: string; first: string; birth: string }> {
  const row = (await ctx
    .db('student')
    .where({ student_number: student })
    .first(
      'last_name',
      'first_name',
      ctx.db.raw("to_char(birth_date, 'DD/MM/YYYY') as birth"),
    )) as {
    last_name: string;
    first_name: string;
    birth: string;
  };
  return { last: row.last_name, first: row.first_name, birth: row.birth };
}

describe.each(DATABASE_TARGETS)('identities beside anonymous numbers, on $name', (target) => {
  const world = worldFor(target, 'identities_beside');

  it('refuses a grade file under V whose added columns name the students, showing no value', async () => {
    const [a, b, c] = world().numbers.mat101;
    const who = await identity(world().ctx, b?.student ?? '');
    const lines = [
      'N° anonyme;Note;Nom;Prénom;N° étudiant',
      `${a?.number};12;;;`,
      `${b?.number};13;${who.last};${who.first};`,
      `${c?.number};14;;;${c?.student}`,
    ];
    const before = await gradeTable(world().ctx);
    await drop(world().ctx, 'A', 'notes', 'notes-MAT101-noms.csv', csvLines(lines));

    const receipt = await intake(world().ctx, 'A', 'notes-MAT101-noms.csv');

    expect(receipt.status).toBe('rejected');
    expect(receipt.errors.map((e) => [e.row, e.code, e.value])).toEqual([
      [3, 'IDENTITY_BESIDE_NUMBER', undefined],
      [4, 'IDENTITY_BESIDE_NUMBER', undefined],
    ]);
    expect(receipt.errors[0]?.message).toContain('(nom)');
    expect(receipt.errors[1]?.message).toContain('(numéro d’étudiant)');
    const shown = JSON.stringify(receipt);
    expect(shown).not.toContain(who.last);
    expect(shown).not.toContain(c?.student);
    expect(await gradeTable(world().ctx)).toEqual(before);
  });

  it('refuses an optical-reader row whose remark holds a birth date, and takes the others', async () => {
    const [a, b] = world().numbers.mat101.slice(3, 5);
    const who = await identity(world().ctx, b?.student ?? '');
    const lines = [
      'N° anonyme;Note;Remarque',
      `${a?.number};11;copie tachée, relue`,
      `${b?.number};15;né le ${who.birth}`,
    ];
    await drop(world().ctx, 'A', 'lecteur-optique', 'lot-remarques.csv', csvLines(lines));

    const receipt = await intake(world().ctx, 'A', 'lot-remarques.csv');

    expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([[3, 'IDENTITY_BESIDE_NUMBER']]);
    expect(receipt.errors[0]?.message).toContain('(date de naissance)');
    const grades = await gradesOf(world().ctx, world().assessments.mat101);
    expect([grades.get(a?.student ?? ''), grades.get(b?.student ?? '')]).toEqual([
      '11.00',
      undefined,
    ]);
  });

  it('finds a student number glued to a word or grouped by spaces, and a birth date in words', async () => {
    const [a, b, c] = world().numbers.mat101.slice(5, 8);
    const who = await identity(world().ctx, c?.student ?? '');
    const [day, month, year] = who.birth.split('/').map(Number);
    const months = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août'];
    const spaced = (a?.student ?? '').replace(/^(\d{2})(\d{3})(\d{3})$/, '$1 $2 $3');
    const lines = [
      'N° anonyme;Note;Remarque',
      `${a?.number};10;rattrapage ${spaced}`,
      `${b?.number};11;etu${b?.student}-rattrapage`,
      `${c?.number};12;né le ${day} ${[...months, 'septembre', 'octobre', 'novembre', 'décembre'][(month ?? 1) - 1]} ${year}`,
    ];
    await drop(world().ctx, 'A', 'notes', 'notes-MAT101-variantes.csv', csvLines(lines));

    const receipt = await intake(world().ctx, 'A', 'notes-MAT101-variantes.csv');

    expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'IDENTITY_BESIDE_NUMBER'],
      [3, 'IDENTITY_BESIDE_NUMBER'],
      [4, 'IDENTITY_BESIDE_NUMBER'],
    ]);
  });

  it('refuses a student number without its leading zeros, a two-digit-year birth date, and makes no annotated copy', async () => {
    // 03141222 is the only student of A with one leading zero: seven digits once Excel drops it.
    const student = world().studentsA.find((s) => /^0[1-9]/.test(s)) ?? '';
    const { number } = world().numbers.mat101.find((n) => n.student === student) ?? {};
    const bare = student.slice(1);
    const [day, month, year] = (await identity(world().ctx, student)).birth.split('/') as string[];
    const remarks = [
      bare,
      `N°${bare}`,
      bare.replace(/^(\d)(\d{3})(\d{3})$/, '$1 $2 $3'),
      student.replace(/(\d{2})(?=\d)/g, '$1 '),
      `ETU${student}`,
      `né le ${day}/${month}/${year?.slice(2)}`,
      `né le ${Number(day)}.${Number(month)}.${year?.slice(2)}`,
    ];
    const names = remarks.map((_r, i) => `notes-MAT101-fuite${i + 1}.csv`);
    const before = await gradeTable(world().ctx);
    for (const [i, remark] of remarks.entries()) {
      // A grade out of range but one: the row is refused either way, the grade is not the reason.
      const grade = i === 0 ? '14' : '25';
      const csv = `N° anonyme;Note;Remarque\r\n${number};${grade};${remark}\r\n`;
      await drop(world().ctx, 'A', 'notes', names[i] ?? '', csv);
    }

    await intake(world().ctx, 'A', names[0] ?? '');
    const receipts = await Promise.all(names.map((n) => receiptOf(world().ctx, 'A', n)));
    const dir = path.join(world().ctx.config.outbox, 'A', 'accuses', 'notes');
    const copies = (await readdir(dir)).filter((n) => /fuite\d.*\.annote\.xlsx$/.test(n));

    expect(
      receipts.map((r) => [r.status, r.errors.some((e) => e.code === 'IDENTITY_BESIDE_NUMBER')]),
    ).toEqual(remarks.map(() => ['rejected', true]));
    expect(copies).toEqual([]);
    for (const receipt of receipts) {
      expect(receipt.summary).toContain(
        "Pas de copie annotée : des lignes de ce fichier mettent une identité d'étudiant à côté d'un numéro anonyme",
      );
      expect(JSON.stringify(receipt)).not.toMatch(new RegExp(`${bare}|${day}/${month}/`));
    }
    expect(await gradeTable(world().ctx)).toEqual(before);
  });

  it('makes no annotated copy of a file whose identity sits beside a misread number or above the header', async () => {
    const student = world().studentsA.find((s) => /^0[1-9]/.test(s)) ?? '';
    const bare = student.slice(1);
    const [day, month, year] = (await identity(world().ctx, student)).birth.split('/') as string[];
    const [a, b] = world().numbers.mat101.slice(3, 5);
    // A misread number (one digit changed: no one holds it) with the remark the row check never reads.
    const misread = `${a?.number.slice(0, -1)}${a?.number.endsWith('9') ? '8' : '9'}`;
    const files = {
      'notes-MAT101-lu-de-travers.csv': [
        'N° anonyme;Note;Remarque',
        `${misread};12;${bare}`,
        `${b?.number};13;`,
      ],
      'notes-MAT101-titre.csv': [
        `Relevé pour ${bare} né le ${day}/${month}/${year?.slice(2)}`,
        'N° anonyme;Note',
        `${misread};12`,
        `${b?.number};13`,
      ],
      'notes-MAT101-inconnu-honnete.csv': [
        'N° anonyme;Note;Remarque',
        `${misread};12;relue le 05/01/26, rang 3`,
        `${b?.number};13;`,
      ],
    };
    for (const [name, lines] of Object.entries(files)) {
      await drop(world().ctx, 'A', 'notes', name, csvLines(lines));
    }

    await intake(world().ctx, 'A', 'notes-MAT101-lu-de-travers.csv');
    const receipts = await Promise.all(
      Object.keys(files).map((n) => receiptOf(world().ctx, 'A', n)),
    );
    const dir = path.join(world().ctx.config.outbox, 'A', 'accuses', 'notes');
    const copies = (await readdir(dir)).filter((n) =>
      /(travers|titre|honnete).*\.annote\.xlsx$/.test(n),
    );

    expect(receipts.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(copies.map((n) => n.replace(/-[0-9a-f]{8}.*$/, ''))).toEqual([
      'notes-MAT101-inconnu-honnete',
    ]);
    for (const receipt of receipts.slice(0, 2)) {
      expect(receipt.summary).toContain('Pas de copie annotée : elle contiendrait un identifiant');
      expect(JSON.stringify(receipt)).not.toContain(bare);
    }
  });

  it('finds a name with Œ or Æ written out, or written in where the roster writes it out, and makes no annotated copy', async () => {
    const [a, b, c] = world().numbers.mat102.slice(4, 7);
    const named = async (student: string | undefined, last: string, first: string) =>
      world().ctx.db('student').where({ student_number: student }).update({
        last_name: last,
        first_name: first,
      });
    await named(a?.student, 'ŒUVRARD', 'Anaëlle');
    await named(b?.student, 'BOEUFIER', 'Gaelle');
    const lines = [
      'N° anonyme;Note;Remarque',
      `${a?.number};4,8;Anaelle OEUVRARD`,
      `${b?.number};11;copie de Gaëlle BŒUFIER`,
      `${c?.number};13;relue deux fois`,
    ];
    await drop(world().ctx, 'A', 'lecteur-optique', 'lot-ligatures.csv', csvLines(lines));

    const receipt = await intake(world().ctx, 'A', 'lot-ligatures.csv');

    expect(receipt.errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'IDENTITY_BESIDE_NUMBER'],
      [3, 'IDENTITY_BESIDE_NUMBER'],
    ]);
    expect(receipt.errors[0]?.message).toContain('(nom)');
    const grades = await gradesOf(world().ctx, world().assessments.mat102);
    expect([a, b, c].map((n) => grades.get(n?.student ?? ''))).toEqual([
      undefined,
      undefined,
      '13.00',
    ]);
    const dir = path.join(world().ctx.config.outbox, 'A', 'accuses', 'lecteur-optique');
    expect(
      (await readdir(dir)).filter((n) => n.includes('ligatures') && n.includes('annote')),
    ).toEqual([]);
    expect(JSON.stringify(receipt)).not.toMatch(/OEUVRARD|BŒUFIER/);
  });

  it('takes grades of 12 and 15,5 and a remark dated with a two-digit year that is no one’s birth', async () => {
    const [a, b] = world().numbers.mat102.slice(0, 2);
    const lines = [
      'N° anonyme;Note;Remarque',
      `${a?.number};12;relue le 05/01/26`,
      `${b?.number};15,5;barème 12 / 15,5`,
    ];
    await drop(world().ctx, 'A', 'notes', 'notes-MAT102-honnete.csv', csvLines(lines));

    const receipt = await intake(world().ctx, 'A', 'notes-MAT102-honnete.csv');

    expect([receipt.status, receipt.errors]).toEqual(['imported', []]);
  });

  it('takes remarks whose ordinary words are also students’ last names, and refuses a name alone in a cell, initial or not', async () => {
    const [a, b, c] = world().numbers.mat101.slice(8, 11);
    const lines = [
      'N° anonyme;Note;Remarque',
      `${a?.number};10;corrigée par M. Martin, effort de Dubois à saluer`,
      `${b?.number};11;copie Bernard rendue en retard`,
    ];
    await drop(world().ctx, 'A', 'notes', 'notes-MAT101-remarques.csv', csvLines(lines));
    const ordinary = await intake(world().ctx, 'A', 'notes-MAT101-remarques.csv');
    const who = await identity(world().ctx, c?.student ?? '');
    const alone = ['N° anonyme;Note;Nom', `${c?.number};12;${who.first[0]}. ${who.last}`];
    await drop(world().ctx, 'A', 'notes', 'notes-MAT101-nom-seul.csv', alone.join('\r\n'));
    const named = await intake(world().ctx, 'A', 'notes-MAT101-nom-seul.csv');

    expect([ordinary.status, ordinary.errors]).toEqual(['imported', []]);
    expect(named.errors.map((e) => [e.row, e.code])).toEqual([[2, 'IDENTITY_BESIDE_NUMBER']]);
  });

  it('takes names beside the numbers of an exam whose anonymity is lifted', async () => {
    await lift(world().ctx, 'gest-B', { ctn: 'B', year: 2026, code: 'B-JANV' });
    const [a] = world().numbers.bio101;
    const who = await identity(world().ctx, a?.student ?? '');
    const lines = ['N° anonyme;Note;Nom', `${a?.number};16;${who.last}`];
    await drop(world().ctx, 'B', 'notes', 'notes-BIO101-noms.csv', csvLines(lines));

    const receipt = await intake(world().ctx, 'B', 'notes-BIO101-noms.csv');

    expect(receipt.status).toBe('imported');
    const grades = await gradesOf(world().ctx, world().assessments.bio101);
    expect(grades.get(a?.student ?? '')).toBe('16.00');
  });
});
