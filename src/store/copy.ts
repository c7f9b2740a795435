// Bulk loading with COPY … FROM STDIN, the fastest way Postgres takes rows: on a real server through
// the pg driver's copy sub-protocol (no extra dependency), on embedded PGlite through its
// `/dev/blob` device. Rows are streamed in chunks, waiting on the socket when it is full, so a
// million rows never sit in memory as one text.
import type { Knex } from 'knex';

/** A value COPY can carry in text format. */
export type CopyValue = string | number | boolean | null;

/** Rows of text per chunk written to the server. */
const CHUNK_ROWS = 2000;
const SPECIAL = /[\\\t\n\r\0]/g;
const ANY_SPECIAL = /[\\\t\n\r\0]/;
// Postgres text holds no NUL character: one read from a file (`&#0;`, a NUL byte in a CSV) is
// stored as U+FFFD, so the row is refused for what it is (unknown number, unreadable grade) rather
// than the whole COPY failing, and the file with it, as an internal error.
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\0': '\ufffd',
};

/** The pg driver connection calls a submittable query makes (the copy sub-protocol). */
interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

interface PgClient {
  query(submittable: object): unknown;
}

/** The part of knex's client this module uses: the raw connection of the transaction or pool. */
interface ConnectionSource {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

/** What copy needs of PGlite, or of the PgliteThread standing for it in the main thread. */
interface PgliteLike {
  query(sql: string, params: unknown[], options: { blob: Blob }): Promise<unknown>;
  waitReady: Promise<void>;
}

function field(value: CopyValue): string {
  if (typeof value === 'string') {
    // Most values need no escape: tested first, they are not copied.
    return ANY_SPECIAL.test(value)
      ? value.replace(SPECIAL, (char) => ESCAPES[char] ?? char)
      : value;
  }
  if (value === null) {
    return '\\N';
  }
  return typeof value === 'boolean' ? (value ? 't' : 'f') : String(value);
}

/** Text-format COPY lines, a chunk of rows at a time, built by concatenation (no array per row). */
function* chunks(rows: Iterable<readonly CopyValue[]>): Generator<string> {
  let text = '';
  let count = 0;
  for (const row of rows) {
    let line = row.length > 0 ? field(row[0] ?? null) : '';
    for (let i = 1; i < row.length; i += 1) {
      line += '\t' + field(row[i] ?? null);
    }
    text += line + '\n';
    count += 1;
    if (count >= CHUNK_ROWS) {
      yield text;
      text = '';
      count = 0;
    }
  }
  if (count > 0) {
    yield text;
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The COPY statement for a table and columns. */
function copySql(table: string, columns: readonly string[], source: string): string {
  const list = columns.map(quoteIdent).join(', ');
  return `copy ${table.split('.').map(quoteIdent).join('.')} (${list}) from ${source}`;
}

/** Runs COPY FROM STDIN on a pg client, feeding it the rows. */
function copyWithPg(
  client: PgClient,
  sql: string,
  rows: Iterable<readonly CopyValue[]>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let copied = 0;
    let failure: Error | null = null;

    const pump = async (connection: PgConnection): Promise<void> => {
      for (const chunk of chunks(rows)) {
        connection.sendCopyFromChunk(Buffer.from(chunk, 'utf8'));
        if (connection.stream.writableNeedDrain) {
          await new Promise((drained) => connection.stream.once('drain', drained));
        }
      }
      connection.endCopyFrom();
    };

    client.query({
      submit: (connection: PgConnection) => connection.query(sql),
      handleCopyInResponse: (connection: PgConnection) => {
        pump(connection).catch((error: unknown) => {
          failure = error instanceof Error ? error : new Error(String(error));
          connection.sendCopyFail(String(error));
        });
      },
      handleCommandComplete: (message: { text?: string }) => {
        copied = Number(/\d+$/.exec(message.text ?? '')?.[0] ?? 0);
      },
      // The pg client forgets the active query when the server reports an error: the ReadyForQuery
      // that follows never reaches this object, so the failure settles here (waiting for it hung a
      // pose whose COPY met a concurrent pose's number, its transaction never rolled back). The
      // client sends nothing else on the connection until the server is ready again.
      handleError: (error: Error) => {
        failure ??= error;
        reject(failure);
      },
      handleReadyForQuery: () => (failure ? reject(failure) : resolve(copied)),
      handleRowDescription: () => undefined,
      handleDataRow: () => undefined,
      handleEmptyQuery: () => undefined,
      handlePortalSuspended: () => undefined,
      handleCopyData: () => undefined,
    });
  });
}

/**
 * Runs COPY from PGlite's blob device, the rows gathered into one Blob: PGlite takes a whole blob
 * per statement, and a Blob crosses to its worker thread (pglite-thread.ts) without being copied.
 */
async function copyWithPglite(
  pglite: PgliteLike,
  sql: string,
  rows: Iterable<readonly CopyValue[]>,
): Promise<number> {
  const parts: string[] = [...chunks(rows)];
  const result = (await pglite.query(sql, [], { blob: new Blob(parts) })) as {
    affectedRows?: number;
  };
  return result.affectedRows ?? 0;
}

function isPglite(connection: unknown): connection is PgliteLike {
  return typeof connection === 'object' && connection !== null && 'waitReady' in connection;
}

/**
 * COPYs rows into `table` on the connection of `db` (inside `trx`, in its transaction); returns the
 * number of rows copied. Values are written in COPY text format; null stays NULL.
 */
export async function copyRows(
  db: Knex | Knex.Transaction,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
): Promise<number> {
  const client = db.client as ConnectionSource;
  const connection = await client.acquireConnection();
  try {
    if (isPglite(connection)) {
      return await copyWithPglite(connection, copySql(table, columns, `'/dev/blob'`), rows);
    }
    return await copyWithPg(connection as PgClient, copySql(table, columns, 'stdin'), rows);
  } finally {
    // Inside a transaction this keeps the connection; outside it returns it to the pool.
    await client.releaseConnection(connection);
  }
}

/** A set-based upsert fed by COPY: what to write and how a conflicting row is updated. */
export interface CopyUpsert {
  table: string;
  columns: readonly string[];
  /** The unique key the rows are matched on. */
  conflict: readonly string[];
  /** `column = expression` assignments on conflict (`excluded.x` is the incoming value). */
  set: readonly string[];
  /** Rows are only rewritten when this holds (e.g. a value changed); omit to always rewrite. */
  changedWhen?: string;
}

let stagingSerial = 0;

/** COPYs rows into a new temporary table shaped like `columns` of `table`, dropped at commit. */
async function stage(
  trx: Knex.Transaction,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
): Promise<string> {
  stagingSerial += 1;
  const staging = `copy_staging_${stagingSerial}`;
  const list = columns.map(quoteIdent).join(', ');
  await trx.raw(
    `create temporary table ${staging} on commit drop as select ${list} from ${quoteIdent(table)} with no data`,
  );
  await copyRows(trx, staging, columns, rows);
  return staging;
}

/**
 * COPYs rows into a temporary table dropped at commit, then upserts them into the target in one
 * statement; returns the number of rows inserted or rewritten (unchanged rows are not touched when
 * `changedWhen` is given). Must run inside a transaction.
 */
export async function copyUpsert(
  trx: Knex.Transaction,
  spec: CopyUpsert,
  rows: ReadonlyArray<readonly CopyValue[]>,
): Promise<number> {
  // `on conflict` refused a key given twice; the update that now comes first would pick one of
  // them silently. A caller giving a key twice is refused as before.
  const keyAt = spec.conflict.map((column) => spec.columns.indexOf(column));
  const keys = new Set<string>();
  for (const row of rows) {
    const key = JSON.stringify(keyAt.map((at) => row[at] ?? null));
    if (keys.has(key)) {
      throw new Error(`copyUpsert into ${spec.table}: key ${key} given twice`);
    }
    keys.add(key);
  }
  const staging = await stage(trx, spec.table, spec.columns, rows);
  const list = spec.columns.map(quoteIdent).join(', ');

  return upsertFrom(trx, spec, `select ${list} from ${staging}`);
}

/**
 * What the caller knows of the rows to upsert, having compared them with the table under locks that
 * keep every other writer of these keys out until commit (given only then): whether some may
 * rewrite a row that exists, and whether some have no row yet. A statement that has nothing to do is not run (each
 * joins every incoming row with the table: a re-import of 100,000 unchanged grades paid two of them,
 * ~160 ms each, to write nothing).
 */
export interface UpsertKnown {
  existing: boolean;
  missing: boolean;
  /** Whether some have a row already, rewritten or not (false: the insert looks for none). */
  recorded: boolean;
}

/**
 * Upserts into `spec.table` the rows a query gives (its columns in `spec.columns` order); returns
 * the number of rows inserted or rewritten.
 *
 * As an update of the rows that exist, then an insert of the others: `insert … on conflict` costs
 * a speculative insertion per row (100,000 new grades: 590 ms against 420 ms for update + insert,
 * measured). Without `known`, a row inserted meanwhile by another transaction makes the insert fail
 * with a unique violation; it is then undone to a savepoint and the rows go through `on conflict`,
 * which waits for that transaction and updates its row.
 */
export async function upsertFrom(
  trx: Knex.Transaction,
  spec: CopyUpsert,
  select: string,
  bindings: readonly unknown[] = [],
  known?: UpsertKnown,
): Promise<number> {
  const table = quoteIdent(spec.table);
  const list = spec.columns.map(quoteIdent).join(', ');
  const keys = spec.conflict.map(quoteIdent);
  const matches = keys.map((k) => `${table}.${k} = excluded.${k}`).join(' and ');
  const changed = spec.changedWhen ? ` and ${spec.changedWhen}` : '';
  const binds = bindings as Knex.RawBinding[];
  const count = (result: unknown): number => {
    const r = result as { rowCount?: number; affectedRows?: number };
    return r.rowCount ?? r.affectedRows ?? 0;
  };

  // `excluded` names the incoming rows, as in `on conflict do update`: the same expressions serve.
  const updated =
    (known?.existing ?? true)
      ? count(
          await trx.raw(
            `update ${table} set ${spec.set.join(', ')}
           from (${select}) as excluded (${list}) where ${matches}${changed}`,
            binds,
          ),
        )
      : 0;
  if (known && !known.missing) {
    return updated;
  }
  // The insert looks for the rows already there only when some are: into a table found empty by
  // its last vacuum (a new database, or every row deleted), that look was planned as a scan of the
  // whole table for every incoming row, rows this statement had written so far included (100,000
  // grades: 70 s instead of 0.5, measured). A table holding a row is sized by its pages instead.
  const recorded =
    known?.recorded ??
    (
      (await trx.raw(
        `select exists (select 1 from (${select}) as excluded (${list}) join ${table} on ${matches}) as found`,
        binds,
      )) as { rows: Array<{ found: boolean }> }
    ).rows[0]?.found !== false;
  const unrecorded = recorded ? ` where not exists (select 1 from ${table} where ${matches})` : '';
  const insert = async (): Promise<number> =>
    count(
      await trx.raw(
        `insert into ${table} (${list}) select * from (${select}) as excluded (${list})${unrecorded}`,
        binds,
      ),
    );
  if (known) {
    // Under the caller's locks no other transaction inserts these keys: no savepoint to pay for
    // (two statements more, each waiting for its process while other writers wait for the locks).
    return updated + (await insert());
  }
  await trx.raw('savepoint upsert_insert');
  try {
    const inserted = await insert();
    await trx.raw('release savepoint upsert_insert');
    return updated + inserted;
  } catch (error: unknown) {
    if ((error as { code?: string }).code !== '23505') {
      throw error;
    }
    await trx.raw('rollback to savepoint upsert_insert');
  }
  const where = spec.changedWhen ? ` where ${spec.changedWhen}` : '';
  const upserted = count(
    await trx.raw(
      `insert into ${table} (${list}) ${select}
       on conflict (${keys.join(', ')}) do update set ${spec.set.join(', ')}${where}`,
      binds,
    ),
  );
  return updated + upserted;
}
