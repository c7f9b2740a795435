// Strings of BIFF8 records. A shared-string table longer than one record runs over CONTINUE
// records, and a string cut by that boundary restates its width (Latin-1 or UTF-16) in a flag byte
// at the start of the next record: reading it as one buffer would garble every string after it.
import { AppError } from '../domain/errors.js';

/** Reads strings that may run over CONTINUE records, where each continued run restates its width. */
export class StringReader {
  private part = 0;
  private at = 0;

  constructor(private readonly parts: Buffer[]) {}

  private get current(): Buffer {
    return this.parts[this.part] ?? Buffer.alloc(0);
  }

  private ensure(): void {
    while (this.at >= this.current.length && this.part < this.parts.length - 1) {
      this.part += 1;
      this.at = 0;
    }
  }

  bytes(count: number): Buffer {
    const out: Buffer[] = [];
    let left = count;
    while (left > 0) {
      this.ensure();
      const take = this.current.subarray(this.at, this.at + left);
      if (take.length === 0) {
        throw new AppError('FILE_CORRUPT', '(classeur .xls : chaîne tronquée)');
      }
      out.push(take);
      this.at += take.length;
      left -= take.length;
    }
    return Buffer.concat(out);
  }

  u8(): number {
    return this.bytes(1).readUInt8(0);
  }

  u16(): number {
    return this.bytes(2).readUInt16LE(0);
  }

  u32(): number {
    return this.bytes(4).readUInt32LE(0);
  }

  /** Characters of a string; a CONTINUE boundary inside them starts with a fresh width flag. */
  chars(count: number, wide: boolean): string {
    let text = '';
    let left = count;
    let isWide = wide;
    while (left > 0) {
      if (this.at >= this.current.length) {
        this.ensure();
        isWide = (this.u8() & 0x01) === 1;
      }
      const fit = Math.min(left, Math.floor((this.current.length - this.at) / (isWide ? 2 : 1)));
      if (fit <= 0) {
        throw new AppError('FILE_CORRUPT', '(classeur .xls : chaîne tronquée)');
      }
      const raw = this.bytes(fit * (isWide ? 2 : 1));
      text += raw.toString(isWide ? 'utf16le' : 'latin1');
      left -= fit;
    }
    return text;
  }

  /** XLUnicodeRichExtendedString (SST entries). */
  richString(): string {
    const count = this.u16();
    const flags = this.u8();
    const runs = flags & 0x08 ? this.u16() : 0;
    const ext = flags & 0x04 ? this.u32() : 0;
    const text = this.chars(count, (flags & 0x01) === 1);
    this.bytes(runs * 4 + ext);
    return text;
  }
}

/** XLUnicodeString of a LABEL, STRING or FORMAT record at an offset. */
export function unicodeString(data: Buffer, at: number): string {
  return new StringReader([data.subarray(at)]).richString();
}
