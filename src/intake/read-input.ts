// How a dropped file's bytes are opened once its size is checked: the format is sniffed from the
// bytes (never the extension), and each format is handed to the channels in the form they read.
import { gradeWorkbookSource } from '../channels/dispatch.js';
import type { ReadInput } from '../channels/types.js';
import { AppError } from '../domain/errors.js';
import { parseMaquette } from '../readers/apogee-maquette.js';
import { csvBatches } from '../readers/csv-stream.js';
import { readWorkbook } from '../readers/index.js';
import { sniffFormat } from '../readers/sniff.js';

/** A size as a person reads it: Kio under 1 Mio, Mio above, one decimal at most. */
function sizeText(bytes: number): string {
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'Kio'] : [bytes / 1024 / 1024, 'Mio'];
  return `${value.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} ${unit}`;
}

/** The refusal of a file over the size limit, both sizes told as a person reads them. */
export function tooLarge(size: number, maxBytes: number): AppError {
  return new AppError('FILE_TOO_LARGE', `(${sizeText(size)} ; maximum ${sizeText(maxBytes)})`);
}

/** Opens a dropped file's bytes as its format asks: rows, a workbook, a maquette or a source. */
export async function readInput(
  bytes: Buffer,
  maxBytes: number,
  channel: string,
): Promise<ReadInput> {
  if (bytes.length > maxBytes) {
    throw tooLarge(bytes.length, maxBytes);
  }
  const format = sniffFormat(bytes);
  if (format === 'apogee_maquette') {
    return { kind: 'maquette', maquette: parseMaquette(bytes) };
  }
  if (format === 'csv') {
    return { kind: 'rows', format, batches: () => csvBatches(bytes) };
  }
  if (format === 'xlsx' && channel === 'notes') {
    // Vetted and opened here, as a whole read would be; its rows are streamed by the channel.
    return { kind: 'source', source: await gradeWorkbookSource(bytes) };
  }
  return { kind: 'table', workbook: await readWorkbook(bytes) };
}
