// The streaming CSV reader must read every file exactly as the whole-file reader does: same rows,
// same row numbers, same cells, same refusals; and slices must never split a character.
import { describe, expect, it } from 'vitest';

import { bufferSource, type ByteSource } from '../../src/readers/byte-source.js';
import { readCsv } from '../../src/readers/csv.js';
import { csvRows } from '../../src/readers/csv-stream.js';
import type { Row } from '../../src/readers/table.js';

function streamed(bytes: Buffer): Row[] {
  return [...csvRows(bytes)];
}

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error: unknown) {
    return (error as { code?: string }).code;
  }
}

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
const cp1252Euro = Buffer.concat([
  latin1('Nom;Note\r\nR'),
  Buffer.from([0x80]),
  latin1(';12,5\r\n'),
]);

const files: Record<string, Buffer> = {
  'semicolon CRLF': Buffer.from('N° anonyme;Note\r\n00012;12,5\r\n00013;ABI\r\n'),
  'UTF-8 with BOM': Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from('Nom;Note\nÉlodie;12\n'),
  ]),
  'Windows-1252 with € and œ': Buffer.concat([
    cp1252Euro,
    Buffer.from([0x9c, 0x3b, 0x31, 0x0d, 0x0a]),
  ]),
  'ISO-8859-1 accents': latin1('Nom;Note\r\nHélène;12\r\n'),
  'CR only, comma': Buffer.from('a,b\r1,2\r3,4\r'),
  'tab separated, ragged rows': Buffer.from('a\tb\tc\n1\t2\n3\t4\t5\t6\n'),
  'pipe separated': Buffer.from('a|b\n1|2\n'),
  'sep= directive then blank lines': Buffer.from('sep=,\r\na,b\r\n\r\n1,2\r\n;;\r\n3,4\r\n'),
  'sep= directive after a BOM': Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from('sep=|\na|b\n1|2\n'),
  ]),
  'quoted field over two lines': Buffer.from('a;b\n"ligne 1\nligne 2";3\n4;5\n'),
  'trailing separators': Buffer.from('a;b;\n1;2;\n'),
  'no final line end': Buffer.from('a;b\n1;2'),
};

describe('csvRows (streaming) reads as readCsv does', () => {
  for (const [name, bytes] of Object.entries(files)) {
    it(name, () => {
      expect(streamed(bytes)).toEqual(readCsv(bytes).sheets[0]?.rows);
    });
  }

  it('keeps multi-byte characters whole across 1 MiB slices (3 MiB file)', () => {
    const lines = ['Nom;Note'];
    for (let i = 0; i < 150_000; i += 1) {
      lines.push(`Œuvre-éà€-${i};${i % 20},5`);
    }
    const bytes = Buffer.from(lines.join('\n'));
    const rows = streamed(bytes);
    expect(rows).toEqual(readCsv(bytes).sheets[0]?.rows);
    expect(
      rows
        .slice(1)
        .every((r) => r.cells[0]?.kind === 'text' && r.cells[0].raw.startsWith('Œuvre-éà€-')),
    ).toBe(true);
  });

  it('refuses what readCsv refuses, with the same codes', async () => {
    const broken = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from([0x41, 0xff, 0x3b, 0x31]),
    ]);
    expect(await codeOf(() => streamed(broken))).toBe('FILE_ENCODING');
    expect(await codeOf(() => streamed(Buffer.from(';;\r\n \r\n')))).toBe('FILE_NO_DATA');
    const badQuotes = Buffer.from('a;b\n"x"y;1\n');
    expect(await codeOf(() => readCsv(badQuotes))).toBe(await codeOf(() => streamed(badQuotes)));
  });

  it('names the row a quote left open starts in, past the first slices of a long file', () => {
    const lines = ['N° anonyme;Note', ...Array.from({ length: 30_000 }, (_, i) => `S${i};12`)];
    lines[25_000] = 'S25000;"12';
    const message = (): string => {
      try {
        streamed(Buffer.from(lines.join('\r\n')));
      } catch (error: unknown) {
        return error instanceof Error ? error.message : '';
      }
      return 'read';
    };

    expect(message()).toContain('(ligne 25001 : un guillemet ouvre une valeur');
  });
});

/**
 * The bytes read by position, as the intake reads its private copy on disk; the reader's buffer
 * is scribbled over before each read, so that no byte of an earlier read is used after it.
 */
function onDisk(bytes: Buffer): ByteSource {
  return {
    size: bytes.length,
    readInto: (target, at) => {
      target.fill(0xff);
      return bufferSource(bytes).readInto(target, at);
    },
  };
}

/** Lines `S<i>;12` from `Nom;Note` up to `length` bytes (padding the last line with spaces). */
function asciiUpTo(length: number): string {
  let text = 'Nom;Note\n';
  for (let i = 0; text.length + 12 < length; i += 1) {
    text += `S${String(i).padStart(5, '0')};12\n`;
  }
  return `${text}X;${' '.repeat(length - text.length - 2)}`;
}

describe('csvRows read by position from disk reads as readCsv does', () => {
  const SLICE = 64 * 1024;

  it.each([
    ['€', 1],
    ['€', 2],
    ['é', 1],
    ['𝄞', 1],
    ['𝄞', 3],
  ])(
    'takes a UTF-8 file as UTF-8 when %s straddles a slice edge (%i byte(s) before it)',
    (sign, k) => {
      const ascii = asciiUpTo(SLICE - k);
      const text = `${ascii}${sign}\n${'A;1\n'.repeat(20_000)}`;
      const bytes = Buffer.from(text);
      expect(bytes.length).toBeGreaterThan(2 * SLICE);

      const rows = [...csvRows(onDisk(bytes))];

      expect(rows).toEqual(readCsv(bytes).sheets[0]?.rows);
      expect(rows.some((r) => r.cells[1]?.kind === 'text' && r.cells[1].raw.endsWith(sign))).toBe(
        true,
      );
    },
  );

  it('takes a file as Windows-1252 when its only non-UTF-8 byte lies past its first slices', () => {
    const text = `${asciiUpTo(5 * SLICE)}\nHélène;14\n`;
    const bytes = Buffer.from(text, 'latin1');

    const rows = [...csvRows(onDisk(bytes))];

    expect(rows).toEqual(readCsv(bytes).sheets[0]?.rows);
    expect(rows.at(-1)?.cells[0]).toMatchObject({ raw: 'Hélène' });
  });
});
