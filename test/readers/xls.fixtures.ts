// A minimal Excel 97-2003 writer for the reader tests: BIFF8 records in an OLE2 compound file, built
// byte by byte so each test controls exactly what Excel would have stored (RK numbers, shared
// strings split over CONTINUE records, cached formula results, hidden rows, the 1904 system).

/** One cell as the test wants it stored. */
export type XlsCell =
  | { text: string; inline?: boolean }
  | { number: number; rk?: boolean; date?: 'builtin' | 'custom' }
  | { bool: boolean }
  | { error: number }
  | { formula: number | string | { error: number }; companion?: keyof typeof COMPANIONS };

/** Records a writer may put between a FORMULA and its STRING result (their content is not read). */
const COMPANIONS = { SHRFMLA: 0x04bc, ARRAY: 0x0221, TABLE: 0x0236 } as const;

/** One sheet: rows of cells (null = nothing stored), hidden rows/columns by 0-based index. */
export interface XlsSheet {
  name: string;
  state?: 0 | 1 | 2;
  rows: Array<Array<XlsCell | null>>;
  hiddenRows?: number[];
  hiddenColumns?: number[];
}

/** Workbook-wide options. */
export interface XlsOptions {
  date1904?: boolean;
  encrypted?: boolean;
  /** Store the last shared string split over a CONTINUE record after this many characters. */
  splitLastString?: number;
  /** Keep the Workbook stream in the mini stream (it must be under 4096 bytes). */
  mini?: boolean;
  /** BIFF version in the first BOF (0x0600 = BIFF8, 0x0500 = Excel 95). */
  version?: number;
}

const GENERAL_XF = 15;
const DATE_XF = 16;
const CUSTOM_DATE_XF = 17;

function record(type: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(type, 0);
  head.writeUInt16LE(data.length, 2);
  return Buffer.concat([head, data]);
}

function u16(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => out.writeUInt16LE(v, i * 2));
  return out;
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value >>> 0);
  return out;
}

function f64(value: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeDoubleLE(value);
  return out;
}

/** XLUnicodeString: UTF-16 when any character is outside Latin-1. */
function xlString(text: string): Buffer {
  const wide = [...text].some((char) => char.charCodeAt(0) > 0xff);
  return Buffer.concat([
    u16(text.length),
    Buffer.from([wide ? 1 : 0]),
    Buffer.from(text, wide ? 'utf16le' : 'latin1'),
  ]);
}

function bof(kind: number, version: number): Buffer {
  return record(0x0809, Buffer.concat([u16(version, kind), Buffer.alloc(12)]));
}

function globalsHead(options: XlsOptions): Buffer[] {
  const out = [bof(0x0005, options.version ?? 0x0600)];
  if (options.encrypted) {
    out.push(record(0x002f, Buffer.alloc(54)));
  }
  out.push(record(0x0022, u16(options.date1904 ? 1 : 0)));
  out.push(record(0x041e, Buffer.concat([u16(164), xlString('dd/mm/yyyy')])));
  for (let xf = 0; xf < 18; xf += 1) {
    const format = xf === DATE_XF ? 14 : xf === CUSTOM_DATE_XF ? 164 : 0;
    out.push(record(0x00e0, Buffer.concat([u16(0, format), Buffer.alloc(16)])));
  }
  return out;
}

function sst(strings: string[], splitAt?: number): Buffer {
  const head = Buffer.concat([u32(strings.length), u32(strings.length)]);
  const bodies = strings.map((s) => xlString(s));
  if (splitAt === undefined || strings.length === 0) {
    return record(0x00fc, Buffer.concat([head, ...bodies]));
  }

  // The last string: first part Latin-1 in the SST, the rest UTF-16 in a CONTINUE record.
  const last = strings[strings.length - 1] ?? '';
  const first = Buffer.concat([
    u16(last.length),
    Buffer.from([0]),
    Buffer.from(last.slice(0, splitAt), 'latin1'),
  ]);
  const rest = Buffer.concat([Buffer.from([1]), Buffer.from(last.slice(splitAt), 'utf16le')]);
  return Buffer.concat([
    record(0x00fc, Buffer.concat([head, ...bodies.slice(0, -1), first])),
    record(0x003c, rest),
  ]);
}

function rk(value: number): number {
  return Number.isInteger(value) ? ((value << 2) | 0x02) >>> 0 : 0;
}

function cellRecords(row: number, col: number, cell: XlsCell, strings: string[]): Buffer[] {
  const at = (xf: number): Buffer => u16(row, col, xf);
  if ('text' in cell) {
    if (cell.inline) {
      return [record(0x0204, Buffer.concat([at(GENERAL_XF), xlString(cell.text)]))];
    }
    strings.push(cell.text);
    return [record(0x00fd, Buffer.concat([at(GENERAL_XF), u32(strings.length - 1)]))];
  }
  if ('number' in cell) {
    const xf = cell.date === 'builtin' ? DATE_XF : cell.date === 'custom' ? CUSTOM_DATE_XF : 15;
    return cell.rk
      ? [record(0x027e, Buffer.concat([at(xf), u32(rk(cell.number))]))]
      : [record(0x0203, Buffer.concat([at(xf), f64(cell.number)]))];
  }
  if ('bool' in cell) {
    return [record(0x0205, Buffer.concat([at(GENERAL_XF), Buffer.from([cell.bool ? 1 : 0, 0])]))];
  }
  if ('error' in cell) {
    return [record(0x0205, Buffer.concat([at(GENERAL_XF), Buffer.from([cell.error, 1])]))];
  }
  const companion = cell.companion ? [record(COMPANIONS[cell.companion], Buffer.alloc(16))] : [];
  return formulaRecords(at(GENERAL_XF), cell.formula, companion);
}

function formulaRecords(
  at: Buffer,
  result: number | string | { error: number },
  companion: Buffer[],
): Buffer[] {
  const tail = Buffer.concat([u16(0), u32(0), u16(0)]);
  if (typeof result === 'number') {
    return [record(0x0006, Buffer.concat([at, f64(result), tail])), ...companion];
  }
  const value = Buffer.from([0, 0, 0, 0, 0, 0, 0xff, 0xff]);
  if (typeof result === 'string') {
    const formula = record(0x0006, Buffer.concat([at, value, tail]));
    return [formula, ...companion, record(0x0207, xlString(result))];
  }
  value[0] = 2;
  value[2] = result.error;
  return [record(0x0006, Buffer.concat([at, value, tail])), ...companion];
}

function sheetStream(sheet: XlsSheet, strings: string[]): Buffer {
  const out = [bof(0x0010, 0x0600)];
  for (const row of sheet.hiddenRows ?? []) {
    out.push(record(0x0208, Buffer.concat([u16(row, 0, 10, 255, 0, 0), u32(0x120)])));
  }
  for (const col of sheet.hiddenColumns ?? []) {
    out.push(record(0x007d, u16(col, col, 2000, GENERAL_XF, 1, 0)));
  }
  sheet.rows.forEach((cells, row) =>
    cells.forEach((cell, col) => {
      if (cell) {
        out.push(...cellRecords(row, col, cell, strings));
      }
    }),
  );
  out.push(record(0x000a, Buffer.alloc(0)));
  return Buffer.concat(out);
}

/** The BIFF8 `Workbook` stream of the sheets. */
export function biffStream(sheets: XlsSheet[], options: XlsOptions = {}): Buffer {
  const strings: string[] = [];
  const bodies = sheets.map((sheet) => sheetStream(sheet, strings));
  const head = Buffer.concat(globalsHead(options));
  const sheetRecords = (offsets: number[]): Buffer[] =>
    sheets.map((sheet, i) =>
      record(
        0x0085,
        Buffer.concat([
          u32(offsets[i] ?? 0),
          Buffer.from([sheet.state ?? 0, 0, sheet.name.length, 0]),
          Buffer.from(sheet.name, 'latin1'),
        ]),
      ),
    );
  const tail = Buffer.concat([
    sst(strings, options.splitLastString),
    record(0x000a, Buffer.alloc(0)),
  ]);

  const globalsLength = head.length + Buffer.concat(sheetRecords([])).length + tail.length;
  const offsets: number[] = [];
  let at = globalsLength;
  for (const body of bodies) {
    offsets.push(at);
    at += body.length;
  }
  return Buffer.concat([head, ...sheetRecords(offsets), tail, ...bodies]);
}

function cfbHeader(miniFat: boolean): Buffer {
  const header = Buffer.alloc(512, 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c);
  header.writeUInt32LE(1, 0x30);
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(miniFat ? 2 : 0xfffffffe, 0x3c);
  header.writeUInt32LE(miniFat ? 1 : 0, 0x40);
  header.writeUInt32LE(0xfffffffe, 0x44);
  for (let i = 0; i < 109; i += 1) {
    header.writeUInt32LE(i === 0 ? 0 : 0xffffffff, 0x4c + i * 4);
  }
  return header;
}

function directoryOf(entries: Array<[string, number, number, number]>): Buffer {
  const directory = Buffer.alloc(512, 0);
  entries.forEach(([name, type, start, size], at) => {
    const base = at * 128;
    Buffer.from(`${name}\u0000`, 'utf16le').copy(directory, base);
    directory.writeUInt16LE((name.length + 1) * 2, base + 64);
    directory.writeUInt8(type, base + 66);
    directory.writeUInt32LE(0xffffffff, base + 68);
    directory.writeUInt32LE(0xffffffff, base + 72);
    directory.writeUInt32LE(type === 5 ? 1 : 0xffffffff, base + 76);
    directory.writeUInt32LE(start, base + 116);
    directory.writeUInt32LE(size, base + 120);
  });
  return directory;
}

/** FAT of sector 0 (the FAT), 1 (directory), then chains of the given lengths one after the other. */
function fatOf(chains: number[]): Buffer {
  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0);
  fat.writeUInt32LE(0xfffffffe, 4);
  let at = 2;
  for (const length of chains) {
    for (let i = 0; i < length; i += 1, at += 1) {
      fat.writeUInt32LE(i === length - 1 ? 0xfffffffe : at + 1, at * 4);
    }
  }
  return fat;
}

function sectorsOf(content: Buffer, size: number): Buffer {
  const count = Math.max(1, Math.ceil(content.length / size));
  return Buffer.concat([content, Buffer.alloc(count * size - content.length)]);
}

/**
 * An OLE2 compound file holding one stream at its root (512-byte sectors). `mini` keeps a stream
 * under 4096 bytes in the root's mini stream, as Excel does for small streams.
 */
export function compoundFile(streamName: string, content: Buffer, mini = false): Buffer {
  if (mini) {
    const miniSectors = Math.ceil(content.length / 64);
    const miniFat = Buffer.alloc(512, 0xff);
    for (let i = 0; i < miniSectors; i += 1) {
      miniFat.writeUInt32LE(i === miniSectors - 1 ? 0xfffffffe : i + 1, i * 4);
    }
    const container = sectorsOf(content, 512);
    return Buffer.concat([
      cfbHeader(true),
      fatOf([1, container.length / 512]),
      directoryOf([
        ['Root Entry', 5, 3, miniSectors * 64],
        [streamName, 2, 0, content.length],
      ]),
      miniFat,
      container,
    ]);
  }

  const padded = Buffer.concat([content, Buffer.alloc(Math.max(0, 4096 - content.length))]);
  const body = sectorsOf(padded, 512);
  return Buffer.concat([
    cfbHeader(false),
    fatOf([body.length / 512]),
    directoryOf([
      ['Root Entry', 5, 0xfffffffe, 0],
      [streamName, 2, 2, padded.length],
    ]),
    body,
  ]);
}

/** An .xls file of the sheets. */
export function xlsOf(sheets: XlsSheet[], options: XlsOptions = {}): Buffer {
  const stream = biffStream(sheets, options);
  const name = options.version === 0x0500 ? 'Book' : 'Workbook';
  return compoundFile(name, stream, options.mini === true && stream.length < 4096);
}
