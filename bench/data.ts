// Grade files as the bench drops them: `N° anonyme` and `Note`, mixing numbers, text with a
// decimal comma and absence codes, with a few numbers no one holds (an optical reader's misreads).
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';

/** One generated grade line. */
export interface GradeLine {
  number: string;
  /** A number for a numeric xlsx cell, or the text typed. */
  grade: number | string;
}

/** A small deterministic generator, so two runs drop the same files. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Grade lines for the first `count` numbers; `seed` varies the grades, 0.2% numbers are unknown. */
export function gradeLines(numbers: readonly string[], count: number, seed: number): GradeLine[] {
  const next = random(seed);
  const lines: GradeLine[] = [];
  for (let i = 0; i < count; i += 1) {
    const roll = next();
    const quarter = Math.floor(next() * 81) / 4;
    const grade =
      roll < 0.6
        ? quarter
        : roll < 0.88
          ? String(quarter).replace('.', ',')
          : roll < 0.95
            ? 'ABI'
            : 'ABJ';
    const unknown = i % 500 === 499;
    lines.push({ number: unknown ? `99${String(i).padStart(6, '0')}` : (numbers[i] ?? ''), grade });
  }
  return lines;
}

/** The lines as a French Excel CSV: `;`, decimal comma, CRLF. */
export function gradeCsv(lines: readonly GradeLine[]): Buffer {
  const text = lines.map((l) => `${l.number};${String(l.grade).replace('.', ',')}`);
  return Buffer.from(['N° anonyme;Note', ...text].join('\r\n') + '\r\n', 'utf8');
}

/** The lines as an .xlsx with shared strings, as Excel saves it. */
export async function gradeXlsx(lines: readonly GradeLine[], sheetName = 'Notes'): Promise<Buffer> {
  const sink = new PassThrough();
  const parts: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => parts.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: true });
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(['N° anonyme', 'Note']).commit();
  for (const line of lines) {
    sheet.addRow([line.number, line.grade]).commit();
  }
  sheet.commit();
  await workbook.commit();
  return Buffer.concat(parts);
}
