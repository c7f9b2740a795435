// The one door to the outbox: every file the service writes goes through here, appears under its
// final name only when complete (temporary name, fsync, rename), and never lands outside the outbox.
// A file bearing identities takes its final name only once its audit entry is committed: a crash
// in between leaves an audited export and a hidden temporary (outbox-temporaries.ts),
// never an identity-bearing file nobody can account for (trial: a correspondence list unaudited).
//
// It is also where "no identity reaches an anonymous output" is enforced (design.md §7, issue 5):
// - `writeAnonymous` scans the bytes and the file name against the roster of the students the
//   file concerns (identity-scan.ts) and refuses the whole file on any hit: nothing is
//   written, not even under a temporary name; the refusal says where and what kind of identifier
//   was found (sheet and cell, property, line, file name), never the value;
// - `writeNamed` refuses outright when any assessment the file concerns is in state V;
// - `writeConfidential` is the one exception (the correspondence list), only under `confidentiel/`.
// Both of the last take the audit entry of the files they write, and release them after it.
import { chmod, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError, ERROR_MESSAGES, type ErrorCode } from '../domain/errors.js';
import { writtenOut } from '../domain/letters.js';
import type { AnonymityState } from '../domain/types.js';
import type { Roster } from './identity-roster.js';
import { outboxTemporaryName } from './outbox-temporaries.js';
import { readingsOf } from './identity-parts.js';
import {
  FILE_NAME_PART,
  scanFile,
  scanTexts,
  scanTypedName,
  type ScanHit,
} from './identity-scan.js';
import { buildReceiptWorkbook } from './receipt-xlsx.js';
import { receiptJson, type Receipt } from './receipt.js';

export type { Roster, RosterEntry, RosterLookup } from './identity-roster.js';
export { scanFile, scanForIdentities, type ScanHit } from './identity-scan.js';

/** Records, committed, the audit entry of files written: they take their final names only after it. */
export type ReleaseAudit = () => Promise<unknown>;

/** A file the gateway refused to release. */
export interface BlockedFile {
  relative: string;
  hits: ScanHit[];
}

/** Writes files into the outbox atomically, scanning anonymous ones before release. */
export class Outbox {
  /** Every path written since start, relative to the outbox (for tests and summaries). */
  readonly written: string[] = [];
  /** Every file refused since start (for tests and the operator's report). */
  readonly blocked: BlockedFile[] = [];

  constructor(readonly root: string) {}

  /** Absolute path of a relative outbox path, refusing anything that would escape the outbox. */
  resolve(relative: string): string {
    const target = path.resolve(this.root, relative);
    if (!target.startsWith(path.resolve(this.root) + path.sep)) {
      throw new Error(`outbox path escapes the outbox: ${relative}`);
    }
    return target;
  }

  /** Writes a file that must carry no identity of `roster`; refused whole (OUTPUT_IDENTITY_LEAK) on any hit. */
  async writeAnonymous(relative: string, bytes: Buffer | string, roster: Roster): Promise<string> {
    const hits = await scanFile(relative, bytes, roster);
    if (hits.length > 0) {
      this.blocked.push({ relative, hits });
      throw new AppError('OUTPUT_IDENTITY_LEAK', describeLeak(relative, hits));
    }
    return only(await this.releaseAll([[relative, bytes]]));
  }

  /** Writes all files only when none shows an identity of `roster`; else writes none and returns the hits. */
  async writeAllAnonymous(
    files: Array<[string, Buffer | string]>,
    roster: Roster,
  ): Promise<ScanHit[]> {
    const hits: ScanHit[] = [];
    for (const [relative, bytes] of files) {
      hits.push(...(await scanFile(relative, bytes, roster)));
    }
    if (hits.length > 0) {
      return hits;
    }
    await this.releaseAll(files);
    return [];
  }

  /**
   * Writes a named file, refused (OUTPUT_NAMED_UNDER_ANONYMITY) when any assessment concerned is in
   * V; it takes its final name once `audit` has committed its entry.
   */
  async writeNamed(
    relative: string,
    bytes: Buffer | string,
    states: readonly AnonymityState[],
    audit: ReleaseAudit,
  ): Promise<string> {
    return only(await this.writeAllNamed([[relative, bytes]], states, audit));
  }

  /** Writes named files as `writeNamed` does, all under one audit entry. */
  async writeAllNamed(
    files: Array<[string, Buffer | string]>,
    states: readonly AnonymityState[],
    audit: ReleaseAudit,
  ): Promise<string[]> {
    if (states.includes('V')) {
      const names = files.map(([relative]) => relative).join(', ');
      throw new AppError('OUTPUT_NAMED_UNDER_ANONYMITY', `Fichier : ${names}.`);
    }
    return this.releaseAll(files, audit);
  }

  /**
   * Writes a confidential list: the one identity-bearing file allowed under V, in `confidentiel/`,
   * under its final name once `audit` has committed its entry.
   */
  async writeConfidential(
    relative: string,
    bytes: Buffer | string,
    audit: ReleaseAudit,
  ): Promise<string> {
    if (!relative.split('/').includes('confidentiel')) {
      throw new Error(`confidential outputs go under confidentiel/: ${relative}`);
    }
    return only(await this.releaseAll([[relative, bytes]], audit));
  }

  /**
   * Writes every file under a hidden temporary name, synced, runs `audit`, then renames each into
   * place. A failure before the renames removes the temporaries: nothing was released.
   */
  private async releaseAll(
    files: Array<[string, Buffer | string]>,
    audit?: ReleaseAudit,
  ): Promise<string[]> {
    const staged: Array<{ target: string; temporary: string }> = [];
    try {
      for (const [relative, bytes] of files) {
        const target = this.resolve(relative);
        const temporary = outboxTemporaryName(target);
        staged.push({ target, temporary });
        // Readable by the service alone until released: a crash before the rename leaves a hidden
        // temporary for a while (outbox-temporaries.ts), a named one must not be open to all (trial).
        await writeSynced(temporary, bytes, OWNER_ONLY);
      }
      await audit?.();
      for (const { target, temporary } of staged) {
        await chmod(temporary, PLAIN_FILE & ~process.umask());
        await rename(temporary, target);
        this.written.push(path.relative(this.root, target));
      }
    } catch (error: unknown) {
      await Promise.all(staged.map(({ temporary }) => rm(temporary, { force: true })));
      throw error;
    }
    return staged.map(({ target }) => target);
  }
}

/** The one path written for one file. */
function only(targets: string[]): string {
  const [target] = targets;
  if (target === undefined || targets.length !== 1) {
    throw new Error(`expected one file written, got ${targets.length}`);
  }
  return target;
}

/** Mode of a file only the service's user may read. */
const OWNER_ONLY = 0o600;
/** Mode a new file gets before the umask, as any file the service writes. */
const PLAIN_FILE = 0o666;

/** Writes `bytes` (or its chunks, in order) to a new file, synced to disk, creating its folder. */
export async function writeSynced(
  file: string,
  bytes: Buffer | string | AsyncIterable<Buffer>,
  mode = PLAIN_FILE,
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'wx', mode);
  try {
    await writeFile(handle, bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const KIND_LABELS: Record<ScanHit['kind'], string> = {
  student_number: 'numéro d’étudiant',
  ine: 'INE',
  last_name: 'nom de famille',
  birth_date: 'date de naissance',
};

/** Places shown per kind of identifier; the rest are counted. */
const PLACES_SHOWN = 5;

/** Where each kind of identifier was found, in French, never the value: « nom de famille (ligne 4) ». */
export function describeHits(hits: readonly ScanHit[]): string {
  const byKind = new Map<ScanHit['kind'], Set<string>>();
  for (const hit of hits) {
    const places = byKind.get(hit.kind) ?? new Set<string>();
    hit.places.forEach((p) => places.add(p));
    byKind.set(hit.kind, places);
  }
  return [...byKind]
    .map(([kind, places]) => {
      const list = [...places];
      const more = list.length - PLACES_SHOWN;
      const shown = list.slice(0, PLACES_SHOWN).join(' ; ');
      return `${KIND_LABELS[kind]} (${shown}${more > 0 ? ` ; et ${more} autre(s) endroit(s)` : ''})`;
    })
    .join(', ');
}

/** The detail of OUTPUT_IDENTITY_LEAK: the file (its name masked when the name is the leak) and where. */
function describeLeak(relative: string, hits: readonly ScanHit[]): string {
  const named = hits.some((h) => h.part === FILE_NAME_PART);
  const shown = named ? path.join(path.dirname(relative), MASKED_FILE_NAME) : relative;
  return `Fichier : ${shown}. Trouvé : ${describeHits(hits)}.`;
}

/** What a receipt shows in place of a dropped file's name that names a student under anonymity. */
export const MASKED_FILE_NAME = '[nom de fichier masqué]';

/** The JSON and French workbook of a receipt, under `stem`. */
async function receiptFiles(r: Receipt, stem: string): Promise<Array<[string, Buffer | string]>> {
  return [
    [`${stem}.receipt.json`, receiptJson(r)],
    [`${stem}.accuse.xlsx`, await buildReceiptWorkbook(r)],
  ];
}

/** Where a receipt gives the dropped file's name (receiptHits tells it as such). */
const FILE_FIELD = 'champ file';

/**
 * What a receipt repeats of the dropped file (its name, the values and column names read) is text
 * a person typed: it is searched as such (readingsOf: a number without its leading zeros, digits
 * grouped by dots, dashes or no-break spaces, a date in words), as the row check and the annotated
 * copy search the file's own cells. The scan of outputs looks for fewer forms, the service's own
 * numbers reading as such forms (trial M: « 21.004.567 » and « 3324370 » kept the copy from being
 * written, and were printed in the receipt).
 */
async function typedInReceipt(receipt: Receipt, roster: Roster): Promise<ScanHit[]> {
  const groups: Array<{ place: string; texts: string[] }> = [];
  receipt.errors.forEach((e, i) => {
    for (const [field, text] of [
      ['value', e.value],
      ['column', e.column],
    ] as const) {
      if (text) {
        groups.push({ place: `champ errors[${i}].${field}`, texts: readingsOf([text]) });
      }
    }
  });
  const named = await scanTypedName(receipt.file, FILE_FIELD, roster);
  return groups.length > 0 ? [...named, ...(await scanTexts(groups, roster, 'whole-text'))] : named;
}

/**
 * Writes a receipt (JSON and French workbook) through the scan. A receipt that would show a student
 * under anonymity is written masked instead, the person who dropped the file still learning what
 * went wrong, and the file still leaving the inbox:
 * - when only the dropped file's name names the student, that name alone is masked (in the receipt
 *   and in the receipt's own file name); summary and errors are kept;
 * - otherwise nothing read from the file is kept (name, cell values, message details), and the
 *   summary says which kind of identifier was found where, never the value.
 * What the receipt repeats of the file is searched first as typed text (typedInReceipt), then the
 * files as written.
 */
export async function writeReceipt(
  outbox: Outbox,
  base: string,
  receipt: Receipt,
  roster: Roster,
): Promise<void> {
  const typed = await typedInReceipt(receipt, roster);
  // Both are scanned before either is written, so a leak never leaves half a receipt behind.
  const hits =
    typed.length > 0
      ? typed
      : await outbox.writeAllAnonymous(await receiptFiles(receipt, base), roster);
  if (hits.length === 0) {
    return;
  }
  outbox.blocked.push({ relative: `${base} (accusé masqué)`, hits });
  const sha = receipt.sha256.slice(0, 12);
  const inRows = typed.filter((h) => h.places.some((p) => p !== FILE_FIELD));
  let left = inRows;
  if (inRows.length === 0) {
    const renamed = { ...receipt, file: MASKED_FILE_NAME };
    const renamedStem = path.join(
      path.dirname(base),
      `nom-masque-${sha}${receiptSuffix(base, receipt)}`,
    );
    left = await outbox.writeAllAnonymous(await receiptFiles(renamed, renamedStem), roster);
    if (left.length === 0) {
      return;
    }
  }
  const stem = path.join(path.dirname(base), `accuse-masque-${sha}`);
  let redacted = redactReceipt(receipt, inRows.length > 0 ? typed : left);
  if ((await outbox.writeAllAnonymous(await receiptFiles(redacted, stem), roster)).length > 0) {
    // A column name of the file was the leak: the columns go too.
    redacted = { ...redacted, errors: redacted.errors.map((e) => ({ ...e, column: null })) };
    for (const [name, bytes] of await receiptFiles(redacted, stem)) {
      await outbox.writeAnonymous(name, bytes, roster);
    }
  }
}

/** What follows `-<sha8>` in a receipt's stem (`-doublon-12`, `-depot-3`), kept by the masked name. */
function receiptSuffix(base: string, receipt: Receipt): string {
  const name = path.basename(base);
  const at = name.lastIndexOf(`-${receipt.sha256.slice(0, 8)}`);
  return at < 0 ? '' : name.slice(at + 9);
}

/** The receipt without anything read from the file: its name, cell values and message details. */
function redactReceipt(receipt: Receipt, hits: readonly ScanHit[]): Receipt {
  return {
    ...receipt,
    file: `fichier ${receipt.sha256.slice(0, 12)} (nom masqué : épreuve sous anonymat)`,
    errors: receipt.errors.map((e) => ({
      row: e.row,
      column: e.column,
      code: e.code,
      message: e.code in ERROR_MESSAGES ? ERROR_MESSAGES[e.code as ErrorCode] : e.code,
      ...(e.kind === undefined ? {} : { kind: e.kind }),
    })),
    summary:
      'Accusé masqué : le fichier mentionnait un étudiant d’une épreuve sous anonymat ' +
      `(${describeHits(receiptHits(receipt, hits))}).`,
  };
}

const FIELD_LABELS: Record<string, string> = {
  value: 'valeur lue',
  column: 'nom de colonne',
  message: 'message',
};

/** Hits of a receipt's JSON told as the dropped file's rows; its workbook's hits are the same ones. */
function receiptHits(receipt: Receipt, hits: readonly ScanHit[]): ScanHit[] {
  const told = (place: string): string => {
    const error = /^champ errors\[(\d+)\]\.(\w+)$/.exec(place);
    if (error) {
      const row = receipt.errors[Number(error[1])]?.row;
      const field = FIELD_LABELS[error[2] ?? ''] ?? error[2] ?? '';
      return row === null || row === undefined
        ? `erreur sur le fichier, ${field}`
        : `ligne ${row}, ${field}`;
    }
    if (place === 'champ summary') {
      return 'résumé';
    }
    return place === FILE_FIELD || place === FILE_NAME_PART ? 'nom du fichier déposé' : place;
  };
  const fromJson = hits.filter((h) => h.part === 'contenu' || h.part === FILE_NAME_PART);
  return (fromJson.length > 0 ? fromJson : hits).map((h) => ({ ...h, places: h.places.map(told) }));
}

/**
 * A file-name-safe slug of a code or label (ASCII letters, digits, dash): accents dropped, and
 * « æ », « œ », « ø »… written out (« Lætitia » gave « L-titia »).
 */
export function slug(text: string): string {
  return (
    writtenOut(text)
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'x'
  );
}

/**
 * A template's part of its outputs' names: its code and academic year (« T1-2026 »). Codes come
 * back every year, so without the year one year's workbook or list replaced the other's.
 */
export function templateSlug(template: { code: string; year: number }): string {
  return `${slug(template.code)}-${template.year}`;
}

/** Where a file of a CTN goes in the outbox: `<CTN slug>/<folder>/<file>`. */
export function ctnPath(ctn: string, folder: string, file: string): string {
  return `${slug(ctn)}/${folder}/${file}`;
}
