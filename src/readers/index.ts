// The one entry point channels use to turn dropped bytes into sheets: sniff, then read.

import { AppError } from '../domain/errors.js';
import { readCsv } from './csv.js';
import { readOds } from './ods.js';
import { sniffFormat } from './sniff.js';
import type { Workbook } from './table.js';
import { readXls } from './xls.js';
import { readXlsxFast } from './xlsx-fast.js';

/** Reads any accepted spreadsheet file by content; a maquette is refused here (channels read it with parseMaquette). */
export async function readWorkbook(bytes: Buffer): Promise<Workbook> {
  const format = sniffFormat(bytes);

  switch (format) {
    case 'xlsx':
      return readXlsxFast(bytes);
    case 'csv':
      return readCsv(bytes);
    case 'ods':
      return readOds(bytes);
    case 'xls':
      return readXls(bytes);
    case 'apogee_maquette':
      // Maquettes are not sheets: channels read them with parseMaquette (readers/apogee-maquette.ts).
      throw new AppError(
        'FILE_FORMAT_UNSUPPORTED',
        '(maquette Apogée : ce dossier de dépôt ne la prend pas)',
      );
  }
}
