// The receipt as a French workbook a person can act on: the outcome on a first sheet, then one
// row per error or notice (« avis ») with which it is, what was read, why and, where the message
// says it, what to do. Errors and notices share one sheet, in the file's row order: a notice is
// read next to the errors of the rows around it, and a filter on « Nature » sets them apart.
//
// A receipt lists up to ten thousand errors, and as many of each kind of notice. It is written by
// the lean writer (xlsx-lean-sheet.ts), without exceljs: loading exceljs cost every import worker
// ~7 MB of heap (about four times that in peak RSS during a long import), and laying a receipt out
// through it 11 to 27 ms of CPU. The items sheet is deflated as its rows are written, each item's
// row let go once written. Both sheets look as the exceljs helpers of xlsx-style.ts lay out every
// other outbox workbook: the same widths, fonts, borders, heights and print set-up.

import { setImmediate as nextTurn } from 'node:timers/promises';

import { ERROR_MESSAGES, type ErrorCode } from '../domain/errors.js';
import { frenchDateTime, frenchDateTimeSeconds } from './french.js';
import {
  receiptKind,
  receiptStatusFrench,
  type Receipt,
  type ReceiptError,
  type ReceiptKind,
} from './receipt.js';
import { type CellInput, OUTPUT_AUTHOR } from './xlsx-layout.js';
import { leanPackage, sheetPath } from './xlsx-lean-parts.js';
import { pairsSheetXml, TableSheetWriter } from './xlsx-lean-sheet.js';
import { SharedStrings } from './xlsx-lean-text.js';
import { deflatedPart, dosStamp } from './zip-write.js';

/** The first sheet, its name and title: the outcome of the file. */
const SUMMARY_SHEET = 'Accusé de réception';
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

/** The first sheet's label/value pairs: what file, what outcome, how many rows. */
function summaryPairs(r: Receipt): Array<[string, CellInput]> {
  const pairs: Array<[string, CellInput]> = [
    ['Fichier', r.file],
    ['Empreinte SHA-256', r.sha256],
    ['CTN', r.ctn],
    ['Canal', r.channel],
    ['Statut', receiptStatusFrench(r.status)],
    ...(r.savedAt === undefined
      ? []
      : [['Fichier enregistré le', frenchDateTimeSeconds(r.savedAt)] as [string, CellInput]]),
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
  return pairs;
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

/** Rows written before the event loop is given a turn: a long receipt holds up no other work. */
const ROWS_PER_TURN = 500;

/** The receipt workbook of one file: outcome sheet, then the sheet of errors and notices. */
export async function buildReceiptWorkbook(r: Receipt): Promise<Buffer> {
  const strings = new SharedStrings();
  const now = new Date();
  const stamp = dosStamp(now);
  const summary = pairsSheetXml(
    { title: SUMMARY_SHEET, widths: [22, 72], pairs: summaryPairs(r) },
    strings,
  );
  const items = new TableSheetWriter(
    {
      headers: ERROR_HEADERS,
      widths: ERROR_WIDTHS,
      orientation: 'landscape',
      fitRows: true,
      filter: true,
    },
    strings,
    sheetPath(1),
    stamp,
  );

  let written = 0;
  for (const e of r.errors) {
    items.addRow(errorCells(e));
    written += 1;
    if (written % ROWS_PER_TURN === 0) {
      await nextTurn();
    }
  }
  if (r.errors.length === 0) {
    items.addLine('Aucune erreur ni avis.');
  }

  return leanPackage({
    names: [SUMMARY_SHEET, ITEMS_SHEET],
    sheets: [deflatedPart(sheetPath(0), Buffer.from(summary, 'utf8'), stamp), items.finish()],
    strings,
    fills: [],
    printTitles: { sheet: 1, row: 1 },
    author: OUTPUT_AUTHOR,
    now,
    stamp,
  });
}
