// An Apogée grade maquette dropped in referentiel/: its students become students with an IA on the
// étape and an IP on each of its objects (a student already known keeps the stored identity: a
// maquette's names may be placeholders, see channels/student-identities.ts); its result codes are
// recorded; its bytes are kept, once per maquette, so that it can be filled with grades after the
// lift (services/apogee-export). A value the file's own XX-APO_TYP_RES-XX lists do not hold would be
// refused by Apogée on upload, so the file is refused here, row by row, before anything is kept.
import type { ObjectKind } from '../domain/types.js';
import { maquetteObjects, type Maquette } from '../readers/apogee-maquette.js';
import { allowedCodes, unknownResultValues } from '../readers/apogee-results.js';
import { standingOf } from './maquette-stored.js';
import { emptyCollected, objectKey, storeReferential } from './referential.js';
import { ErrorList } from './rows.js';
import type { ChannelInput, ChannelResult } from './types.js';

/** Academic year of a maquette (`apoC_annee` = `2026/2027` → 2026), or the default. */
export function maquetteYear(m: Maquette, fallback: number): number {
  const match = /^(\d{4})/.exec(m.titles.apoC_annee ?? '');
  return match ? Number(match[1]) : fallback;
}

/** The object kind of a maquette column; Apogée's other kinds (EPR…) are handled as ELP. */
function kindOf(kind: string): ObjectKind {
  return (['VDI', 'VET', 'ELP', 'EP'] as const).find((k) => k === kind) ?? 'ELP';
}

/**
 * Records the maquette's result codes and its bytes (for the filled export after the lift), once
 * per maquette (channels/maquette-stored.ts). Returns the codes and the summary's sentence on a
 * maquette already stored ('' when there is none).
 */
async function keepMaquette(
  input: ChannelInput,
  m: Maquette,
  year: number,
): Promise<{ codes: unknown[]; stored: string }> {
  const codes = Object.entries(m.resultCodeLabels).map(([code, label]) => ({
    code,
    label,
    passing: input.ctx.config.passingResultCodes.includes(code),
  }));
  if (codes.length > 0) {
    await input.trx('result_code').insert(codes).onConflict('code').ignore();
  }

  const standing = await standingOf(input.trx, input.ctn, year, m);
  const kept = { sha256: input.sha256, file_name: input.fileName, content: await input.bytes() };
  switch (standing.kind) {
    case 'held':
      return {
        codes,
        stored:
          ` La maquette « ${standing.fileName} », déjà enregistrée, a les mêmes enseignements et` +
          " ces étudiants : elle reste celle que l'export Apogée remplira.",
      };
    case 'replaces': {
      const [first, ...others] = standing.ids;
      await input.trx('apogee_maquette').where({ id: first }).update(kept);
      await input.trx('apogee_maquette').whereIn('id', others).delete();
      return {
        codes,
        stored:
          ` Elle remplace la maquette « ${standing.fileName} » (mêmes enseignements, des` +
          " étudiants en plus) pour l'export Apogée.",
      };
    }
    case 'new':
      break;
  }
  await input
    .trx('apogee_maquette')
    .insert({ ctn: input.ctn, year, ...kept })
    .onConflict('sha256')
    .ignore();
  return { codes, stored: '' };
}

/** Lists each value no result-code list of the maquette holds, on the file line carrying it. */
function checkResultValues(m: Maquette, errors: ErrorList): void {
  const unknown = unknownResultValues(m);
  if (unknown.length === 0) {
    return;
  }

  const allowed = allowedCodes(m).join(', ');
  const lines = new Map(m.students.map((s) => [s.studentNumber, s.lineIndex + 1]));
  const columns = new Map(m.columns.map((c) => [c.code, c]));
  for (const found of unknown) {
    const column = columns.get(found.column);
    const where = column
      ? `${column.heading} ${column.objectCode} (${found.column})`
      : found.column;
    const expected = column?.type === 'R' ? 'codes admis' : 'une note (12,5) ou un code parmi';
    // A no-break space before the colon, as French spacing wants: the receipt workbook splits
    // messages on the first plain ` : ` into what is wrong and what to do.
    const detail =
      `(« ${found.value} » ne figure dans aucune liste XX-APO_TYP_RES-XX de la maquette ; ` +
      `${expected}\u00a0: ${allowed}.)`;
    errors.add(
      lines.get(found.studentNumber) ?? null,
      where,
      'RESULT_CODE_UNKNOWN',
      found.value,
      detail,
    );
  }
}

/** Imports an Apogée maquette as referential data. */
export async function importMaquette(input: ChannelInput, m: Maquette): Promise<ChannelResult> {
  const errors = new ErrorList();
  checkResultValues(m, errors);
  const year = maquetteYear(m, input.ctx.config.defaultYear);
  const collected = emptyCollected();
  const vet = m.titles.apoC_cod_dip ?? '';
  const vetVersion = m.titles.apoC_cod_vdi ?? '';
  if (vet) {
    collected.objects.set(objectKey('VET', vet, vetVersion), {
      kind: 'VET',
      code: vet,
      version: vetVersion,
      label: m.titles.apoC_lib_dip ?? vet,
    });
  }
  const objects = maquetteObjects(m);
  for (const o of objects) {
    const kind = kindOf(o.kind);
    collected.objects.set(objectKey(kind, o.code, o.version), {
      kind,
      code: o.code,
      version: o.version,
      label: o.label || o.code,
    });
  }

  for (const s of m.students) {
    collected.students.set(s.studentNumber, {
      student_number: s.studentNumber,
      last_name: s.lastName,
      first_name: s.firstName,
      birth_date: s.birthDate,
      ine: null,
    });
    collected.firstRows.set(
      s.studentNumber,
      collected.firstRows.get(s.studentNumber) ?? s.lineIndex + 1,
    );
    if (vet) {
      collected.ia.push({
        student: s.studentNumber,
        vet: objectKey('VET', vet, vetVersion),
        year,
        good: true,
      });
    }
    for (const o of objects) {
      const kind = kindOf(o.kind);
      collected.ip.push({
        student: s.studentNumber,
        objectKey: objectKey(kind, o.code, o.version),
        year,
      });
    }
  }

  const corrections =
    errors.errorCount === 0 ? await storeReferential(input, collected, errors, 'stored') : '';
  if (errors.errorCount > 0) {
    return {
      status: 'rejected',
      rows: { read: m.students.length, imported: 0, rejected: m.students.length },
      errors: errors.items,
      summary:
        'Maquette refusée : rien n’a été enregistré. ' +
        'Corrigez les lignes listées puis déposez-la à nouveau.',
    };
  }

  const { codes, stored } = await keepMaquette(input, m, year);

  const read = m.students.length;
  const summary =
    `Maquette Apogée : ${read} étudiants, ${objects.length} enseignements, ` +
    `${codes.length} codes résultat enregistrés.${corrections}${stored}`;
  return {
    status: 'imported',
    rows: { read, imported: read, rejected: 0 },
    errors: errors.items,
    summary,
  };
}
