// How a dropped file's bytes are opened once its size is checked: the format is sniffed from the
// bytes (never the extension), and each format is handed to the channels in the form they read. A
// CSV is read where its bytes lie, a slice at a time; the other formats are read whole.
import { gradeWorkbookSource } from '../channels/dispatch.js';
import type { ReadInput } from '../channels/types.js';
import { AppError } from '../domain/errors.js';
import { parseMaquette } from '../readers/apogee-maquette.js';
import { csvBatches } from '../readers/csv-stream.js';
import { readBytes, type ByteSource } from '../readers/byte-source.js';
import { readWorkbook } from '../readers/index.js';
import { SNIFF_HEAD_BYTES, sniffFormat, sniffHead } from '../readers/sniff.js';

/** A size as a person reads it: Kio under 1 Mio, Mio above, one decimal at most. */
function sizeText(bytes: number): string {
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'Kio'] : [bytes / 1024 / 1024, 'Mio'];
  return `${value.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} ${unit}`;
}

/** The refusal of a file over the size limit, both sizes told as a person reads them. */
export function tooLarge(size: number, maxBytes: number): AppError {
  return new AppError('FILE_TOO_LARGE', `(${sizeText(size)} ; maximum ${sizeText(maxBytes)})`);
}

/** A dropped file's bytes: read by position, or whole. */
export type DroppedBytes = ByteSource & { whole(): Promise<Buffer> };

/** True when the file's last byte is NUL (a text file cut off, which only its whole tells). */
function endsWithNul(file: ByteSource): boolean {
  return file.size > 0 && readBytes(file, file.size - 1, 1)[0] === 0;
}

/** Opens a dropped file's bytes as its format asks: rows, a workbook, a maquette or a source. */
export async function readInput(
  file: DroppedBytes,
  maxBytes: number,
  channel: string,
): Promise<ReadInput> {
  if (file.size > maxBytes) {
    throw tooLarge(file.size, maxBytes);
  }
  if (sniffHead(readBytes(file, 0, SNIFF_HEAD_BYTES), endsWithNul(file)) === 'csv') {
    return { kind: 'rows', format: 'csv', batches: () => csvBatches(file) };
  }

  const bytes = await file.whole();
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
