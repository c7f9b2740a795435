// The receipt as a French workbook a person can act on: the outcome on a first sheet, then one
// row per error or notice (« avis ») with which it is, what was read, why and, where the message
// says it, what to do. Errors and notices share one sheet, in the file's row order: a notice is
// read next to the errors of the rows around it, and a filter on « Nature » sets them apart.
//
// A receipt lists up to ten thousand errors, and as many of each kind of notice: built as an
// in-memory exceljs workbook, 10,000 bordered, wrapped rows cost 100 MB or more until the zip was
// written. The workbook is streamed instead (exceljs's WorkbookWriter), each item's row written
// and let go as soon as it is laid out. The summary sheet and the items sheet's header, a dozen
// rows, are still laid out by the shared helpers of xlsx-style.ts on a small workbook in memory,
// then copied to the writer: they look as every other outbox workbook does.

import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

import ExcelJS from 'exceljs';

import { ERROR_MESSAGES, type ErrorCode } from '../domain/errors.js';
import { frenchDateTime } from './french.js';
import {
  receiptKind,
  receiptStatusFrench,
  type Receipt,
  type ReceiptError,
  type ReceiptKind,
} from './receipt.js';
import { withNoteAuthor } from './xlsx-note-author.js';
import {
  type CellInput,
  OUTPUT_AUTHOR,
  addPairsSheet,
  addTableRow,
  addTableSheet,
  addValues,
  createWorkbook,
  fitRowHeight,
} from './xlsx-style.js';

/** The sheet of errors and notices, where a summary's « voir les avis » sends the person. */
const ITEMS_SHEET = 'Erreurs et avis';
const ERROR_HEADERS = [
  'Nature',
  'Ligne',
  'Colonne',
  'Valeur lue',
  'Code',
  'Explication',
  'Que faire',
];
const ERROR_WIDTHS = [9, 9, 16, 22, 24, 50, 50];

/** How the « Nature » column words each kind of item. */
const KIND_FRENCH: Record<ReceiptKind, string> = { error: 'Erreur', notice: 'Avis' };

// The registry's messages read "what is wrong : what to do" (French spacing around the colon).
const HINT_SEPARATOR = ' : ';

/** Splits `text` at its first separator: explanation (ending with a full stop) and advice. */
function splitAtSeparator(text: string): { explanation: string; hint: string | null } {
  const at = text.indexOf(HINT_SEPARATOR);
  if (at < 0) {
    return { explanation: text, hint: null };
  }

  const hint = text.slice(at + HINT_SEPARATOR.length).trim();

  return {
    explanation: `${text.slice(0, at).trim()}.`,
    hint: hint.charAt(0).toUpperCase() + hint.slice(1),
  };
}

/**
 * Splits a message into its explanation and, when it has one, the action it advises. Given the
 * error's code, only the code's own wording is split: the detail appended to it (« Lu : 21 ;
 * barème 20 ») stays with the explanation, whatever it contains.
 */
export function splitMessage(
  message: string,
  code?: string,
): { explanation: string; hint: string | null } {
  const base: string | undefined =
    code !== undefined && code in ERROR_MESSAGES ? ERROR_MESSAGES[code as ErrorCode] : undefined;
  if (base === undefined || !message.startsWith(base)) {
    return splitAtSeparator(message);
  }
  const detail = message.slice(base.length).trim();
  const { explanation, hint } = splitAtSeparator(base);
  return { explanation: detail === '' ? explanation : `${explanation} ${detail}`, hint };
}

/** The first sheet: what file, what outcome, how many rows. */
function writeSummarySheet(wb: ExcelJS.Workbook, r: Receipt): void {
  const pairs: Array<[string, CellInput]> = [
    ['Fichier', r.file],
    ['Empreinte SHA-256', r.sha256],
    ['CTN', r.ctn],
    ['Canal', r.channel],
    ['Statut', receiptStatusFrench(r.status)],
    ['Reçu le', frenchDateTime(r.receivedAt)],
    ['Traité le', frenchDateTime(r.processedAt)],
    ['Lignes lues', r.rows.read],
    ['Lignes importées', r.rows.imported],
    ['Lignes refusées', r.rows.rejected],
  ];
  if (r.summary !== undefined) {
    pairs.push(['Résumé', r.summary]);
  }
  if (r.errors.length > 0) {
    // Counted apart: a clean correction file lists a hundred notices and no error.
    const notices = r.errors.filter((e) => receiptKind(e) === 'notice').length;
    pairs.push(
      ['Erreurs', r.errors.length - notices],
      ['Avis', notices],
      ['Détail', `feuille « ${ITEMS_SHEET} » : une ligne par erreur ou avis listé`],
    );
  }
  addPairsSheet(
    wb,
    'Accusé de réception',
    { title: 'Accusé de réception', widths: [22, 72] },
    pairs,
  );
}

/** One error or notice as a row: kind, line, column, value read, code, explanation, what to do. */
function errorCells(e: ReceiptError): CellInput[] {
  const { explanation, hint } = splitMessage(e.message, e.code);

  return [
    KIND_FRENCH[receiptKind(e)],
    e.row ?? 'Fichier',
    e.column,
    e.value ?? null,
    e.code,
    explanation,
    hint,
  ];
}

/** Error rows written before the zip is given a turn to compress them (and the memory let go). */
const ROWS_PER_TURN = 500;

/**
 * A streaming workbook whose zip is kept in memory: the gateway scans a receipt's bytes before it
 * releases them, so they are needed whole, but they are a few hundred kilobytes where the
 * in-memory workbook that made them took a hundred megabytes and more.
 */
function streamingWorkbook(): { wb: ExcelJS.stream.xlsx.WorkbookWriter; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: sink,
    useStyles: true,
    // Shared strings, as the other outbox workbooks: the identity scan names a cell of a string
    // it finds there, and the distinct texts of a receipt hold little.
    useSharedStrings: true,
    // Deflate's fastest level, as workbookBytes uses for the same reason.
    zip: { zlib: { level: 1 } },
  });
  wb.creator = OUTPUT_AUTHOR;
  wb.lastModifiedBy = OUTPUT_AUTHOR;

  return { wb, bytes: () => Buffer.concat(chunks) };
}

/** What a row's own style holds, as exceljs names it. */
const ROW_STYLES = ['numFmt', 'font', 'alignment', 'protection', 'border', 'fill'] as const;

/**
 * A sheet laid out in memory, copied to the streaming writer as it is: print settings, frozen
 * panes, column widths, merged cells, and every cell's value and style and every row's height.
 * Its rows are not committed, so that rows added after them still follow.
 */
function copySheet(
  from: ExcelJS.Worksheet,
  to: ExcelJS.stream.xlsx.WorkbookWriter,
): ExcelJS.Worksheet {
  // The writer writes the sheet's opening (frozen panes, « fit to page ») as the sheet is added.
  const ws = to.addWorksheet(from.name, {
    views: from.views,
    pageSetup: from.pageSetup,
    headerFooter: from.headerFooter,
    properties: from.properties,
  });
  // Without its defaults mixed in, as the layout set it.
  ws.pageSetup = from.pageSetup;
  from.columns.forEach((column, i) => {
    ws.getColumn(i + 1).width = column.width;
  });

  // Merged first: a merge gives its other cells the first one's style, and each cell's own style,
  // copied next, must be the one kept.
  from.model.merges.forEach((range) => ws.mergeCells(range));
  from.eachRow({ includeEmpty: true }, (row, number) => {
    const copy = ws.getRow(number);
    for (const key of ROW_STYLES) {
      if (row[key] !== undefined) {
        // Through the row's setter, which styles the row as a whole (the header's bold font).
        Object.assign(copy, { [key]: row[key] });
      }
    }
    if (row.height !== undefined) {
      copy.height = row.height;
    }
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      const target = copy.getCell(column);
      if (cell.master === cell) {
        target.value = cell.value;
      }
      target.style = { ...cell.style };
    });
  });

  return ws;
}

/** The receipt workbook of one file: outcome sheet, then the sheet of errors and notices. */
export async function buildReceiptWorkbook(r: Receipt): Promise<Buffer> {
  const layout = createWorkbook();
  writeSummarySheet(layout, r);
  const errorsSheet = addTableSheet(layout, ITEMS_SHEET, {
    headers: ERROR_HEADERS,
    widths: ERROR_WIDTHS,
    orientation: 'landscape',
  });

  const { wb, bytes } = streamingWorkbook();
  layout.worksheets
    .filter((sheet) => sheet !== errorsSheet)
    .forEach((sheet) => copySheet(sheet, wb).commit());
  const ws = copySheet(errorsSheet, wb);

  let written = 0;
  for (const e of r.errors) {
    const row = addTableRow(ws, errorCells(e));
    row.alignment = { vertical: 'top', wrapText: true };
    fitRowHeight(ws, row);
    row.commit();
    written += 1;
    if (written % ROWS_PER_TURN === 0) {
      await nextTurn();
    }
  }

  if (r.errors.length === 0) {
    addValues(ws, ['Aucune erreur ni avis.']).commit();
  } else {
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: ERROR_HEADERS.length } };
  }
  ws.commit();
  await wb.commit();

  // Cell notes name the service, as workbookBytes makes them (a receipt has none today).
  return withNoteAuthor(bytes(), OUTPUT_AUTHOR);
}
