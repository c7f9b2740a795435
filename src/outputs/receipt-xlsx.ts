// The receipt as a French workbook a person can act on: the outcome on a first sheet, then one
// row per error with what was read, why it was refused and, where the message says it, what to do.

import type ExcelJS from 'exceljs';

import { ERROR_MESSAGES, type ErrorCode } from '../domain/errors.js';
import { frenchDateTime } from './french.js';
import { receiptStatusFrench, type Receipt, type ReceiptError } from './receipt.js';
import {
  type CellInput,
  addPairsSheet,
  addTableRow,
  addTableSheet,
  addValues,
  createWorkbook,
  fitRowHeight,
  workbookBytes,
} from './xlsx-style.js';

const ERROR_HEADERS = ['Ligne', 'Colonne', 'Valeur lue', 'Code', 'Explication', 'Que faire'];
const ERROR_WIDTHS = [9, 16, 22, 24, 50, 50];

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
    pairs.push(['Erreurs', `${r.errors.length} : détail dans la feuille « Erreurs »`]);
  }
  addPairsSheet(
    wb,
    'Accusé de réception',
    { title: 'Accusé de réception', widths: [22, 72] },
    pairs,
  );
}

/** One error as a row: line, column, value read, code, explanation, what to do. */
function errorCells(e: ReceiptError): CellInput[] {
  const { explanation, hint } = splitMessage(e.message, e.code);

  return [e.row ?? 'Fichier', e.column, e.value ?? null, e.code, explanation, hint];
}

/** The receipt workbook of one file: outcome sheet, then the errors sheet. */
export async function buildReceiptWorkbook(r: Receipt): Promise<Buffer> {
  const wb = createWorkbook();
  writeSummarySheet(wb, r);

  const ws = addTableSheet(wb, 'Erreurs', {
    headers: ERROR_HEADERS,
    widths: ERROR_WIDTHS,
    orientation: 'landscape',
  });
  for (const e of r.errors) {
    const row = addTableRow(ws, errorCells(e));
    row.alignment = { vertical: 'top', wrapText: true };
    fitRowHeight(ws, row);
  }

  if (r.errors.length === 0) {
    addValues(ws, ['Aucune erreur.']);
  } else {
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: ERROR_HEADERS.length } };
  }

  return workbookBytes(wb);
}
