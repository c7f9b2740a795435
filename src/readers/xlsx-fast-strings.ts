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

/** Strings of one block: a string's block is found by division. */
const STRINGS_PER_BLOCK = 4096;
/** Longest block whose ends fit in 16 bits: 16 bytes a string on average. */
const SHORT_BLOCK = 0xffff;
/** First size of the buffer a block is written into; it doubles as needed. */
const FIRST_BLOCK_BYTES = 64 * 1024;
/** A character that one Latin-1 byte cannot carry. */
const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/**
 * Shared strings in order, scanned as a stream like a sheet. A string is held as its Latin-1 bytes
 * in a block of 4,096, outside the V8 heap, and decoded when a cell asks for it. A grade workbook
 * has one shared string per row (its anonymous number): held as joined JS strings, a million of
 * them kept 8 MB in the old generation, which V8 let grow to twice that with garbage before
 * collecting; as bytes, old space peaks at 11 MB instead of 20 and streaming the rows at 117 MB
 * instead of 124 (measured). Ends are kept in 16 bits when a block is short enough, as one of
 * anonymous numbers is. A string with a character beyond Latin-1 (`œ`, `’`, `東`) is kept as it is.
 */
export class SharedStrings implements XmlHandler, StringTable {
  private readonly blocks: Buffer[] = [];
  private readonly blockEnds: Array<Uint16Array | Uint32Array> = [];
  /** Per block, its strings beyond Latin-1 by slot; mostly none. */
  private readonly wide: Array<Map<number, string> | undefined> = [];
  /** The block being filled: its bytes and the end of each of its strings. */
  private bytes = Buffer.allocUnsafeSlow(FIRST_BLOCK_BYTES);
  private readonly ends = new Uint32Array(STRINGS_PER_BLOCK);
  private filled = 0;
  private slot = 0;
  private count = 0;
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
    const block = Math.floor(index / STRINGS_PER_BLOCK);
    const slot = index % STRINGS_PER_BLOCK;
    const wide = this.wide[block]?.get(slot);
    if (wide !== undefined) {
      return wide;
    }
    // The last strings, fewer than a block, are read from the block being filled.
    const bytes = this.blocks[block] ?? this.bytes;
    const ends = this.blockEnds[block] ?? this.ends;
    return bytes.toString('latin1', slot === 0 ? 0 : ends[slot - 1], ends[slot]);
  }

  private add(text: string): void {
    if (BEYOND_LATIN1.test(text)) {
      const block = Math.floor(this.count / STRINGS_PER_BLOCK);
      // Until its block is done, a string must not keep the chunk of XML it was cut from alive.
      (this.wide[block] ??= new Map()).set(this.slot, detached(text));
    } else {
      this.reserve(text.length);
      this.filled += this.bytes.write(text, this.filled, 'latin1');
    }
    this.ends[this.slot] = this.filled;
    this.slot += 1;
    this.count += 1;
    if (this.slot === STRINGS_PER_BLOCK) {
      this.closeBlock();
    }
  }

  /** Grows the block being filled so that `length` more bytes fit. */
  private reserve(length: number): void {
    if (this.filled + length <= this.bytes.length) {
      return;
    }
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.bytes.length, this.filled + length));
    this.bytes.copy(grown, 0, 0, this.filled);
    this.bytes = grown;
  }

  /** Keeps a full block at its exact size, its ends in 16 bits when they fit. */
  private closeBlock(): void {
    const bytes = Buffer.allocUnsafeSlow(this.filled);
    this.bytes.copy(bytes, 0, 0, this.filled);
    this.blocks.push(bytes);
    this.blockEnds.push(
      this.filled <= SHORT_BLOCK ? Uint16Array.from(this.ends) : this.ends.slice(),
    );
    this.filled = 0;
    this.slot = 0;
  }
}
