// The referential channel: students, IA, IP and teaching objects from Apogée extractions (CSV or
// XLSX) or from an Apogée maquette. A file is imported whole or not at all.
import type { Knex } from 'knex';
import { factKey } from '../domain/identity.js';
import type { ObjectKind } from '../domain/types.js';
import type { ReceiptError } from '../outputs/receipt.js';
import type { Workbook } from '../readers/table.js';
import { insertIgnore, upsert } from '../store/bulk.js';
import { referentialRows } from './referential-columns.js';
import { birthDateOf, ErrorList, type KeyedRow } from './rows.js';
import {
  noteCorrections,
  reviewStudents,
  type IdentitySource,
  type StudentRow,
} from './student-identities.js';
import { rejectWhole, type ChannelInput, type ChannelResult } from './types.js';

interface Collected {
  students: Map<string, StudentRow>;
  /** The row where each student's identity was first read. */
  firstRows: Map<string, number>;
  objects: Map<string, { kind: ObjectKind; code: string; version: string; label: string }>;
  ia: Array<{ student: string; vet: string; year: number; good: boolean }>;
  ip: Array<{ student: string; objectKey: string; year: number }>;
}

const objectKey = (kind: string, code: string, version: string): string =>
  `${kind}|${code}|${version}`;

function yearOf(row: KeyedRow, fallback: number, errors: ErrorList): number {
  const text = row.text('year').slice(0, 4);
  if (text === '') {
    return fallback;
  }
  if (!/^\d{4}$/.test(text)) {
    errors.add(row.number, 'COD_ANU', 'YEAR_INVALID', row.text('year'));
  }
  return Number(text);
}

function collectStudent(row: KeyedRow, student: string, into: Collected, errors: ErrorList): void {
  if (!row.has('lastName')) {
    return;
  }
  const birth = birthDateOf(row.get('birthDate'));
  if (birth === 'invalid') {
    errors.add(row.number, 'DATE_NAI_IND', 'DATE_INVALID', row.text('birthDate'));
  }
  const identity: StudentRow = {
    student_number: student,
    last_name: row.text('lastName'),
    first_name: row.text('firstName'),
    birth_date: birth === 'invalid' ? null : birth,
    // Stored as written on a student card, whatever the file's case and spaces.
    ine: factKey(row.text('ine')) || null,
  };
  const first = into.students.get(student);
  if (first && !sameIdentity(first, identity)) {
    // One student number for two people: keeping either would give one of them the other's grades.
    // The identities are not repeated on the receipt, the rows are.
    const where = into.firstRows.get(student) ?? 0;
    errors.add(row.number, 'COD_ETU', 'STUDENT_IDENTITY_CONFLICT', student, `(ligne ${where})`);
    return;
  }
  into.firstRows.set(student, into.firstRows.get(student) ?? row.number);
  into.students.set(student, identity);
}

/**
 * Whether two rows may give the same person: every field both give is the same, without case or
 * surrounding spaces (a row leaving the INE or birth date empty does not contradict one that has it).
 */
function sameIdentity(a: StudentRow, b: StudentRow): boolean {
  const same = (key: keyof StudentRow): boolean => {
    const [x, y] = [a[key], b[key]].map((v) =>
      typeof v === 'string' ? v.trim().toUpperCase() : '',
    );
    return x === '' || y === '' || x === y;
  };
  return (['last_name', 'first_name', 'birth_date', 'ine'] as const).every(same);
}

function collectRow(row: KeyedRow, defaultYear: number, into: Collected, errors: ErrorList): void {
  if (row.has('kind') && row.has('code') && !row.has('student')) {
    const kind = row.text('kind').toUpperCase();
    if (!['VDI', 'VET', 'ELP', 'EP'].includes(kind)) {
      errors.add(row.number, 'TYP_OBJ', 'OBJECT_KIND_INVALID', row.text('kind'));
      return;
    }
    const version = row.text('vetVersion');
    into.objects.set(objectKey(kind, row.text('code'), version), {
      kind: kind as ObjectKind,
      code: row.text('code'),
      version,
      label: row.text('label') || row.text('code'),
    });
    return;
  }

  const student = row.text('student');
  if (!/^[0-9A-Za-z]{1,20}$/.test(student)) {
    errors.add(row.number, 'COD_ETU', 'STUDENT_NUMBER_INVALID', student);
    return;
  }
  collectStudent(row, student, into, errors);
  const year = yearOf(row, defaultYear, errors);

  const vet = row.text('vet');
  if (vet) {
    const version = row.text('vetVersion');
    into.objects.set(objectKey('VET', vet, version), {
      kind: 'VET',
      code: vet,
      version,
      label: row.text('vetLabel') || vet,
    });
    const standing = row.text('standing').toUpperCase();
    into.ia.push({
      student,
      vet: objectKey('VET', vet, version),
      year,
      good: !['N', 'NON', 'A', 'ANNULEE', 'ANNULÉE'].includes(standing),
    });
  }
  const elp = row.text('elp');
  if (elp) {
    into.objects.set(objectKey('ELP', elp, ''), {
      kind: 'ELP',
      code: elp,
      version: '',
      label: row.text('elpLabel') || elp,
    });
    into.ip.push({ student, objectKey: objectKey('ELP', elp, ''), year });
  }
}

/** Creates missing objects in the file's CTN; returns ids by key, erroring on objects of another CTN. */
async function ensureObjects(
  trx: Knex.Transaction,
  ctn: string,
  objects: Collected['objects'],
  errors: ErrorList,
): Promise<Map<string, number>> {
  const rows = [...objects.values()].map((o) => ({ ...o, ctn }));
  await insertIgnore(trx, 'teaching_object', rows, ['kind', 'code', 'version']);
  const stored = (await trx('teaching_object').whereIn('code', [
    ...new Set(rows.map((r) => r.code)),
  ])) as Array<{
    id: number;
    kind: string;
    code: string;
    version: string;
    ctn: string;
  }>;
  const ids = new Map<string, number>();
  for (const o of stored) {
    const key = objectKey(o.kind, o.code, o.version);
    if (!objects.has(key)) {
      continue;
    }
    if (o.ctn !== ctn) {
      errors.add(null, null, 'OBJECT_OTHER_CTN', o.code, `(${o.code} appartient au CTN ${o.ctn})`);
    }
    ids.set(key, o.id);
  }
  return ids;
}

/**
 * Writes what was collected, set-based. Returns the receipt summary's sentence on the stored
 * identities the file corrected or, from a maquette (`identities` 'stored'), kept (listed as
 * notices), '' when there is none or the file is refused.
 */
async function store(
  input: ChannelInput,
  c: Collected,
  errors: ErrorList,
  identities: IdentitySource = 'file',
): Promise<string> {
  const { trx, ctn } = input;
  const review = await reviewStudents(trx, c.students, c.firstRows, errors, identities);
  await upsert(
    trx,
    'student',
    review.rows,
    ['student_number'],
    ['last_name', 'first_name', 'birth_date', 'ine'],
  );
  const ids = await ensureObjects(trx, ctn, c.objects, errors);

  const referenced = [...new Set([...c.ia.map((r) => r.student), ...c.ip.map((r) => r.student)])];
  const known = new Set(
    (
      (await trx('student')
        .whereRaw('student_number = any(?::text[])', [referenced])
        .select('student_number')) as Array<{ student_number: string }>
    ).map((r) => r.student_number),
  );
  for (const missing of referenced.filter((s) => !known.has(s))) {
    errors.add(null, 'COD_ETU', 'STUDENT_UNKNOWN', missing);
  }
  if (errors.errorCount > 0) {
    return '';
  }

  // A file lists a student once per element: one IA per (student, VET, year) is kept, the last seen.
  const ia = [
    ...new Map(
      c.ia.map((r) => [
        `${r.student}|${r.vet}|${r.year}`,
        {
          student_number: r.student,
          vet_id: ids.get(r.vet),
          year: r.year,
          in_good_standing: r.good,
        },
      ]),
    ).values(),
  ];
  await upsert(
    trx,
    'admin_enrolment',
    ia,
    ['student_number', 'vet_id', 'year'],
    ['in_good_standing'],
  );
  const ip = c.ip.map((r) => ({
    student_number: r.student,
    object_id: ids.get(r.objectKey),
    year: r.year,
  }));
  await insertIgnore(trx, 'pedagogic_enrolment', ip, ['student_number', 'object_id', 'year']);
  return noteCorrections(review, errors);
}

function emptyCollected(): Collected {
  return { students: new Map(), firstRows: new Map(), objects: new Map(), ia: [], ip: [] };
}

/** Imports a referential table (students, IA, IP, objects). */
export async function importReferentialTable(
  input: ChannelInput,
  workbook: Workbook,
): Promise<ChannelResult> {
  const errors = new ErrorList();
  const found = referentialRows(workbook);
  if ('refusal' in found) {
    errors.addError(null, null, found.refusal);
    return rejectWhole(found.read, errors.items[0] as ReceiptError, found.refusal.message);
  }

  const { rows } = found;
  const collected = emptyCollected();
  rows.forEach((row) => collectRow(row, input.ctx.config.defaultYear, collected, errors));
  const corrections = errors.errorCount === 0 ? await store(input, collected, errors) : '';

  const read = rows.length;
  if (errors.errorCount > 0) {
    return {
      status: 'rejected',
      rows: { read, imported: 0, rejected: Math.max(errors.rows.size, 1) },
      errors: errors.items,
      summary:
        'Fichier refusé : aucune ligne importée. Corrigez les erreurs listées puis déposez-le à nouveau.',
    };
  }
  return {
    status: 'imported',
    rows: { read, imported: read, rejected: 0 },
    errors: errors.items,
    summary: summaryOf(collected) + corrections,
  };
}

/** `n` followed by the singular or plural French noun. */
function counted(n: number, singular: string, plural: string): string {
  return `${n} ${n > 1 ? plural : singular}`;
}

/**
 * The French outcome of an imported file. A student row repeats its VET (étape) on every line, so
 * the VET is counted as an étape, not among the teaching objects the person listed; enrolments are
 * counted once per stored key, as the store deduplicates them.
 */
function summaryOf(c: Collected): string {
  const objects = [...c.objects.values()];
  const stages = objects.filter((o) => o.kind === 'VET').length;
  const ia = new Set(c.ia.map((r) => `${r.student}|${r.vet}|${r.year}`)).size;
  const ip = new Set(c.ip.map((r) => `${r.student}|${r.objectKey}|${r.year}`)).size;

  return (
    `${counted(c.students.size, 'étudiant', 'étudiants')}, ${counted(stages, 'étape', 'étapes')}, ` +
    `${counted(objects.length - stages, 'enseignement', 'enseignements')}, ` +
    `${counted(ia, 'inscription administrative', 'inscriptions administratives')} et ` +
    `${counted(ip, 'inscription pédagogique', 'inscriptions pédagogiques')} importés.`
  );
}

export { emptyCollected, objectKey, store as storeReferential };
