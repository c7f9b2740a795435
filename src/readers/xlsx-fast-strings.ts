// Text as workbooks store it: the shared-string table most writers use, and the `_xHHHH_` escapes
// OOXML uses for characters XML cannot carry (Excel writes a carriage return typed in a cell as
// `_x000D_`). Phonetic guides (`rPh`, Japanese readings) are not part of the text a person sees.

import { detached, type XmlHandler } from './xlsx-fast-scan.js';

const ESCAPE = /_x([0-9A-Fa-f]{4})_/g;

/** Decodes OOXML `_xHHHH_` escapes; `_x005F_` escapes the underscore that starts one. */
export function decodeEscapes(text: string): string {
  return text.includes('_x')
    ? text.replace(ESCAPE, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    : text;
}

/** The shared strings of a workbook, by index. */
export interface StringTable {
  /** The string at `index`; undefined when the workbook has no such string. */
  at(index: number): string | undefined;
}

/** Strings joined into one block: few large strings instead of one object each. */
const STRINGS_PER_BLOCK = 4096;

/**
 * Shared strings in order, scanned as a stream like a sheet, held as blocks of joined text and the
 * end of each string in its block; a string is cut out when a cell asks for it. A grade workbook
 * has one shared string per row (its anonymous number): a million of them take 12 MB this way
 * instead of some 35 MB of separate strings, and streaming its rows peaks at 129 MB instead of
 * 148 (measured; a whole read, whose cells then hold their own copies, at 396 MB instead of 383).
 */
export class SharedStrings implements XmlHandler, StringTable {
  private readonly blocks: string[] = [];
  private pieces: string[] = [];
  private ends = new Uint32Array(STRINGS_PER_BLOCK);
  private count = 0;
  private blockLength = 0;
  private current: string[] | null = null;
  private inText = false;
  private phonetic = 0;

  open(name: string): void {
    if (name === 'si') {
      this.current = [];
    } else if (name === 'rPh') {
      this.phonetic += 1;
    } else if (name === 't') {
      this.inText = this.phonetic === 0;
    }
  }

  close(name: string): void {
    if (name === 'si') {
      this.add(decodeEscapes(this.current?.join('') ?? ''));
      this.current = null;
    } else if (name === 'rPh') {
      this.phonetic -= 1;
    } else if (name === 't') {
      this.inText = false;
    }
  }

  text(value: string): void {
    if (this.inText) {
      this.current?.push(value);
    }
  }

  at(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      return undefined;
    }
    const block = this.blocks[Math.floor(index / STRINGS_PER_BLOCK)];
    if (block === undefined) {
      // The last strings, fewer than a block, are kept as they are.
      return this.pieces[index % STRINGS_PER_BLOCK];
    }
    const start = index % STRINGS_PER_BLOCK === 0 ? 0 : (this.ends[index - 1] ?? 0);
    return block.slice(start, this.ends[index]);
  }

  private add(text: string): void {
    if (this.count === this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.blockLength += text.length;
    this.ends[this.count] = this.blockLength;
    // Until its block is joined, a string must not keep the chunk of XML it was cut from alive.
    this.pieces.push(detached(text));
    this.count += 1;
    if (this.pieces.length === STRINGS_PER_BLOCK) {
      this.blocks.push(this.pieces.join(''));
      this.pieces = [];
      this.blockLength = 0;
    }
  }
}
