// Routes a read file to its channel, by the folder it was dropped in and by its content.
import { importGradeTable } from './grades.js';
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

  const workbook = input.input.workbook;
  switch (input.channel) {
    case 'referentiel':
      return importReferentialTable(input, workbook);
    case 'notes':
      return importGradeTable(input, workbook);
    case 'lecteur-optique':
      return importOpticalTable(input, workbook);
    case 'jury':
      return importJuryTable(input, workbook);
  }
}
