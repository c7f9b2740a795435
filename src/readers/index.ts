// The one entry point channels use to turn dropped bytes into sheets: sniff, then read.

import { AppError } from '../domain/errors.js';
import { readCsv } from './csv.js';
import { sniffFormat } from './sniff.js';
import type { Workbook } from './table.js';
import { readXlsx } from './xlsx.js';

/** Reads any accepted spreadsheet file by content; maquettes, .ods and .xls are refused as FILE_FORMAT_UNSUPPORTED. */
export async function readWorkbook(bytes: Buffer): Promise<Workbook> {
  const format = sniffFormat(bytes);

  switch (format) {
    case 'xlsx':
      return readXlsx(bytes);
    case 'csv':
      return readCsv(bytes);
    case 'ods':
    case 'xls':
      // TODO: accept .ods and .xls once readers/ods.ts and readers/xls.ts exist; until then: re-save as .xlsx.
      throw new AppError(
        'FILE_FORMAT_UNSUPPORTED',
        `(${format === 'ods' ? 'tableur OpenDocument' : 'ancien format Excel .xls'})`,
      );
    case 'apogee_maquette':
      // Maquettes are not sheets: channels read them with parseMaquette (readers/apogee-maquette.ts).
      throw new AppError(
        'FILE_FORMAT_UNSUPPORTED',
        '(maquette Apogée : ce dossier de dépôt ne la prend pas)',
      );
  }
}
