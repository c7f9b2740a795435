// Generated input for the demo and the end-to-end test: a referential in the Apogée extraction
// format, grade-entry workbooks filled as a department would, an optical-reader CSV, a jury file.
import { randomInt } from 'node:crypto';
import ExcelJS from 'exceljs';
import { formatGradeFrench } from '../domain/grades.js';
import type { GradeValue } from '../domain/types.js';

const LAST = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefèvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'André',
  'Lefebvre',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'François',
  'Martínez',
  "N'Diaye",
  'Le Gall',
];
const FIRST = [
  'Léa',
  'Hugo',
  'Chloé',
  'Lucas',
  'Emma',
  'Louis',
  'Inès',
  'Gabriel',
  'Jade',
  'Raphaël',
  'Zoé',
  'Arthur',
  'Manon',
  'Noé',
  'Camille',
  'Élodie',
  'Jules',
  'Maëlys',
  'Adam',
  'Anaïs',
];

/** A generated student. */
export interface DemoStudent {
  studentNumber: string;
  lastName: string;
  firstName: string;
  birthDate: string;
}

/** Students with 8-digit numbers (some with leading zeros), French names and birth dates. */
export function generateStudents(count: number, seedOffset = 0): DemoStudent[] {
  const used = new Set<string>();
  const students: DemoStudent[] = [];
  while (students.length < count) {
    const studentNumber = String(randomInt(0, 100_000_000) + seedOffset)
      .padStart(8, '0')
      .slice(-8);
    if (used.has(studentNumber)) {
      continue;
    }
    used.add(studentNumber);
    const day = String(randomInt(1, 29)).padStart(2, '0');
    const month = String(randomInt(1, 13)).padStart(2, '0');
    students.push({
      studentNumber,
      lastName:
        `${LAST[randomInt(LAST.length)] ?? 'Martin'}${students.length % 7 === 0 ? '-' + (LAST[randomInt(LAST.length)] ?? '') : ''}`.toUpperCase(),
      firstName: FIRST[randomInt(FIRST.length)] ?? 'Léa',
      birthDate: `${day}/${month}/${randomInt(2001, 2008)}`,
    });
  }
  return students;
}

/** One VET with its ELPs. */
export interface DemoVet {
  code: string;
  version: string;
  label: string;
  elps: Array<{ code: string; label: string }>;
}

/** The referential CSV as an Apogée extraction gives it: `;`, UTF-8 with BOM, one row per student and ELP. */
export function referentialCsv(students: DemoStudent[], vets: DemoVet[], year: number): Buffer {
  const lines = [
    'COD_ETU;LIB_NOM_PAT_IND;LIB_PR1_IND;DATE_NAI_IND;COD_ETP;COD_VRS_VET;COD_ANU;COD_ELP;LIB_ELP',
  ];
  students.forEach((s, i) => {
    const vet = vets[i % vets.length];
    for (const elp of vet?.elps ?? []) {
      lines.push(
        [
          s.studentNumber,
          s.lastName,
          s.firstName,
          s.birthDate,
          vet?.code,
          vet?.version,
          year,
          elp.code,
          elp.label,
        ].join(';'),
      );
    }
  });
  return Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'),
  ]);
}

/** A grade a department would type: mostly values with halves and quarters, some absences, rare blanks. */
export function randomGrade(scale: number): GradeValue {
  const roll = randomInt(100);
  if (roll < 4) {
    return { kind: 'absence', code: roll < 2 ? 'ABI' : 'ABJ' };
  }
  if (roll < 6) {
    return { kind: 'blank' };
  }
  return { kind: 'value', value: randomInt(0, scale * 4 + 1) / 4 };
}

/** Fills a grade-entry workbook from the outbox: grades typed in the grade column, as text with a comma for some. */
export async function fillWorkbook(
  bytes: Buffer,
  scale: number,
): Promise<{ bytes: Buffer; grades: Map<string, GradeValue> }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = wb.worksheets.find((s) => s.state === 'visible');
  const grades = new Map<string, GradeValue>();
  let header = 0;
  sheet?.eachRow((row, n) => {
    if (header === 0 && row.getCell(1).text === 'N° anonyme') {
      header = n;
      return;
    }
    if (header === 0) {
      return;
    }
    const number = row.getCell(1).text;
    const grade = randomGrade(scale);
    grades.set(number, grade);
    // Some teachers type "12,5" as text, most let Excel store a number.
    row.getCell(2).value =
      grade.kind === 'value'
        ? n % 5 === 0
          ? formatGradeFrench(grade)
          : grade.value
        : grade.kind === 'absence'
          ? grade.code
          : null;
  });
  return { bytes: Buffer.from(await wb.xlsx.writeBuffer()), grades };
}

/** An optical-reader CSV in the Auto Multiple Choice style (French set-up). */
export function amcCsv(
  numbers: string[],
  scale: number,
): { bytes: Buffer; grades: Map<string, GradeValue> } {
  const grades = new Map<string, GradeValue>();
  const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  const lines = [['Copie', 'A:numero', 'Nom', 'Note', 'Q1', 'Q2'].map(quote).join(';')];
  numbers.forEach((number, i) => {
    const value = randomInt(0, scale * 2 + 1) / 2;
    grades.set(number, { kind: 'value', value });
    lines.push(
      [String(i + 1), number, '?', formatGradeFrench({ kind: 'value', value }), '1', '0']
        .map(quote)
        .join(';'),
    );
  });
  return { bytes: Buffer.from(lines.join('\n') + '\n', 'utf8'), grades };
}

/** A jury file: a result code per anonymous number. */
export function juryCsv(rows: Array<{ number: string; result: string }>): Buffer {
  return Buffer.from(
    ['N° anonyme;Résultat', ...rows.map((r) => `${r.number};${r.result}`)].join('\r\n') + '\r\n',
    'utf8',
  );
}
