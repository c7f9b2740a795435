// Routes a read file to its channel, by the folder it was dropped in and by its content.
import { readWorkbook } from '../readers/index.js';
import { importGradeSource, streamSource, workbookSource } from './grade-import.js';
import { importJuryTable } from './jury.js';
import { importMaquette } from './maquette.js';
import { importOpticalTable } from './optical.js';
import { importReferentialTable } from './referential.js';
import { rejectWhole, type ChannelInput, type ChannelResult } from './types.js';
import { frenchMessage } from '../domain/errors.js';

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
    return rejectWhole(0, {
      row: null,
      column: null,
      code: 'FILE_FORMAT_UNSUPPORTED',
      message: frenchMessage(
        'FILE_FORMAT_UNSUPPORTED',
        '(une maquette Apogée se dépose dans le dossier referentiel)',
      ),
    });
  }

  if (input.channel === 'notes') {
    // Grade files can be long: a CSV is imported as it is read, a chunk of rows at a time.
    return importGradeSource(
      input,
      input.input.kind === 'rows'
        ? await streamSource(input.input.format, input.input.rows())
        : workbookSource(input.input.workbook),
    );
  }
  // The other channels take files of a few thousand rows at most, read whole.
  const workbook =
    input.input.kind === 'rows' ? await readWorkbook(input.bytes) : input.input.workbook;
  switch (input.channel) {
    case 'referentiel':
      return importReferentialTable(input, workbook);
    case 'lecteur-optique':
      return importOpticalTable(input, workbook);
    case 'jury':
      return importJuryTable(input, workbook);
  }
}
