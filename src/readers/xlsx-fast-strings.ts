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

/** Shared strings in order, scanned as a stream like a sheet. */
export class SharedStrings implements XmlHandler {
  readonly strings: string[] = [];
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
      this.strings.push(detached(decodeEscapes(this.current?.join('') ?? '')));
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
}
