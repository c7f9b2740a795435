// Routes a read file to its channel, by the folder it was dropped in and by its content.
import { FINGERPRINT_SHEET_NAME } from '../outputs/grade-entry-sheet.js';
import { readWorkbook } from '../readers/index.js';
import { xlsxSource } from '../readers/xlsx-stream.js';
import { importGradeSource, streamSource, workbookSource, type RowSource } from './grade-import.js';
import { importJuryTable } from './jury.js';
import { importMaquette } from './maquette.js';
import { importMaquetteGrades } from './maquette-grades.js';
import { importOpticalTable } from './optical.js';
import { importReferentialTable } from './referential.js';
import { rejectWhole, type ChannelInput, type ChannelResult, type ReadInput } from './types.js';
import { frenchMessage } from '../domain/errors.js';

/**
 * A grade workbook opened as a stream of rows: its first rows and the whole signed fingerprint of a
 * returned grade-entry workbook are read before any data row, the rows under the header as needed.
 */
export function gradeWorkbookSource(bytes: Buffer): Promise<RowSource> {
  return xlsxSource(bytes, { wholeSheets: [FINGERPRINT_SHEET_NAME] });
}

/** Grade files can be long: a CSV or an .xlsx is imported as it is read, a chunk of rows at a time. */
function gradeSource(read: Exclude<ReadInput, { kind: 'maquette' }>): RowSource {
  switch (read.kind) {
    case 'rows':
      return streamSource(read.format, read.batches());
    case 'source':
      return read.source;
    case 'table':
      return workbookSource(read.workbook);
  }
}

/** Applies one file through the channel of its folder. */
export async function dispatchChannel(input: ChannelInput): Promise<ChannelResult> {
  const ctn = (await input.trx('ctn').where({ code: input.ctn }).first('code')) as
    { code: string } | undefined;
  if (!ctn) {
    return rejectWhole(0, {
      row: null,
      column: null,
      code: 'FILE_CTN_UNKNOWN',
      message: frenchMessage('FILE_CTN_UNKNOWN', `(${input.ctn})`),
    });
  }

  if (input.input.kind === 'maquette') {
    if (input.channel === 'referentiel') {
      return importMaquette(input, input.input.maquette);
    }
    if (input.channel === 'notes') {
      return importMaquetteGrades(input, input.input.maquette);
    }
    return rejectWhole(0, {
      row: null,
      column: null,
      code: 'FILE_FORMAT_UNSUPPORTED',
      message: frenchMessage(
        'FILE_FORMAT_UNSUPPORTED',
        '(une maquette Apogée se dépose dans le dossier referentiel, ou notes si elle porte des notes)',
      ),
    });
  }

  if (input.channel === 'notes') {
    return importGradeSource(input, gradeSource(input.input));
  }
  // The other channels take files of a few thousand rows at most, read whole.
  const workbook =
    input.input.kind === 'table' ? input.input.workbook : await readWorkbook(await input.bytes());
  switch (input.channel) {
    case 'referentiel':
      return importReferentialTable(input, workbook);
    case 'lecteur-optique':
      return importOpticalTable(input, workbook);
    case 'jury':
      return importJuryTable(input, workbook);
  }
}
