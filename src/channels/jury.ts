// Jury decisions: one result code per anonymous number (or per student once the state allows),
// checked against the result codes configured and those of the imported Apogée maquettes.
import { acceptedCodesText } from '../readers/apogee-results.js';
import { ErrorList } from './rows.js';
import { keyOf } from './grade-store.js';
import { gradeColumn, readKeyedOrRefuse, visibleOnly } from './grades.js';
import { JURY_RESULT_COLUMN, noteOtherChannelColumns } from './other-channel.js';
import { assessmentNames, assessmentsSentence, settle } from './settle.js';
import { dropDuplicates, recheckResolution } from './resolve.js';
import { resultsWrittenSummary, writeResults, type ResultWrite } from './result-store.js';
import type { Workbook } from '../readers/table.js';
import type { ChannelInput, ChannelResult } from './types.js';

/** Result codes a file may give: those of the imported Apogée maquettes and those configured, sorted. */
export async function knownResultCodes(input: ChannelInput): Promise<string[]> {
  const stored = (await input.trx('result_code').select('code')) as Array<{ code: string }>;
  const codes = [...stored.map((c) => c.code), ...Object.keys(input.ctx.config.resultCodes)];
  return [...new Set(codes)].sort();
}

/** Imports a jury file. */
export async function importJuryTable(
  input: ChannelInput,
  workbook: Workbook,
): Promise<ChannelResult> {
  const errors = new ErrorList();
  const read = await readKeyedOrRefuse(input, workbook, JURY_RESULT_COLUMN, errors);
  if ('status' in read) {
    return read;
  }
  // Grades are not read here: a « Note » column beside the decisions is named on the receipt.
  noteOtherChannelColumns(read.match, gradeColumn(visibleOnly(workbook)), 'notes', errors);

  const known = await knownResultCodes(input);
  const allowed = new Set(known);
  const detail = `(${acceptedCodesText(known)}.)`;
  const writes: ResultWrite[] = [];
  for (const r of dropDuplicates(read.resolution.resolved, errors, 'N° anonyme')) {
    const code = r.row.text('result').toUpperCase();
    if (!allowed.has(code)) {
      const why = code.trim() === '' ? 'RESULT_CODE_BLANK' : 'RESULT_CODE_UNKNOWN';
      errors.add(r.row.number, 'Résultat', why, r.row.text('result'), detail);
      continue;
    }
    const { key, column } = keyOf(r.row);
    writes.push({
      assessmentId: r.assessmentId,
      studentNumber: r.studentNumber,
      result: code,
      source: { row: r.row.number, key, column },
    });
  }

  // Decided again on the states at write time: a state changed since the file was read may
  // forbid it.
  const check = await recheckResolution(input, read.resolution, errors);
  const refused = read.resolution.stateRefusal !== null || check.stateRefusal !== null;
  // A row cut by a separator was read, though nothing of it is kept.
  const lines = read.rows.length + read.split;
  const result = settle(input, lines, writes.length, errors, refused, 'décision');
  if (result.status === 'rejected') {
    return result;
  }
  const origin = { intakeId: input.intakeId, by: 'service', receivedAt: input.receivedAt };
  const written = await writeResults(input.trx, writes, origin, check.states, errors);
  // Settled again: the results a later one keeps are listed, and not counted as recorded.
  const final = settle(
    input,
    lines,
    writes.length - written.newerKept,
    errors,
    refused,
    'décision',
  );
  final.summary += assessmentsSentence(
    await assessmentNames(input.trx, [
      ...new Set(read.resolution.resolved.map((r) => r.assessmentId)),
    ]),
  );
  final.summary += resultsWrittenSummary(writes.length, written);
  return final;
}
