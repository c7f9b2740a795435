// Code 128 encoder (ISO/IEC 15417): text → module widths. Digits travel in set C (two per symbol),
// everything else printable in set B, so a six-digit number takes three symbols instead of six.
// The output is widths only; drawing them is the label layout's job (vector rectangles, no image).

import { AppError } from '../../domain/errors.js';

// Bar/space widths of symbol values 0..105, six elements each, always 11 modules.
const PATTERNS = (
  '212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 ' +
  '221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 ' +
  '221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 ' +
  '212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 ' +
  '231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 ' +
  '231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 ' +
  '314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 ' +
  '112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 ' +
  '111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 ' +
  '214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 ' +
  '114131 311141 411131 211412 211214 211232'
).split(' ');

// Stop pattern: seven elements, 13 modules, ending on a bar.
const STOP = '2331112';

const CODE_C = 99;
const CODE_B = 100;
const START_B = 104;
const START_C = 105;

/** Modules of quiet zone a scanner needs on each side. */
export const QUIET_MODULES = 10;

/** Symbol values of `text`: start, data (with set switches), checksum; the stop is implicit. */
export function code128Values(text: string): number[] {
  if (text === '' || !/^[\x20-\x7e]+$/.test(text)) {
    throw new AppError('INVALID_ARGUMENT', 'Code 128 : texte vide ou caractère non imprimable.');
  }

  const values: number[] = [];
  let set: 'B' | 'C' | null = null;
  let i = 0;
  while (i < text.length) {
    const digits = /^\d*/.exec(text.slice(i))?.[0].length ?? 0;
    // Set C pays off from four digits on, or two digits that end the text.
    const worthC = digits >= 4 || (digits >= 2 && digits === text.length - i && set === 'C');
    const startC = set === null && digits >= 2 && digits % 2 === 0 && digits === text.length;
    if (set === 'C' && digits >= 2) {
      values.push(Number(text.slice(i, i + 2)));
      i += 2;
    } else if ((worthC || startC) && digits % 2 === 0) {
      values.push(set === null ? START_C : CODE_C);
      set = 'C';
    } else {
      if (set !== 'B') {
        values.push(set === null ? START_B : CODE_B);
        set = 'B';
      }
      values.push(text.charCodeAt(i) - 32);
      i += 1;
    }
  }

  const checksum = values.reduce((sum, v, k) => sum + v * Math.max(k, 1), 0) % 103;
  values.push(checksum);
  return values;
}

/** Alternating bar/space widths in modules (bar first) of `text`, stop included, no quiet zone. */
export function code128Widths(text: string): number[] {
  const widths: number[] = [];
  for (const value of code128Values(text)) {
    for (const w of PATTERNS[value] ?? '') {
      widths.push(Number(w));
    }
  }
  for (const w of STOP) {
    widths.push(Number(w));
  }
  return widths;
}

/** Bars of `text` as [start, width] in modules from the left edge of the symbol. */
export function code128Bars(text: string): Array<[number, number]> {
  const bars: Array<[number, number]> = [];
  let x = 0;
  code128Widths(text).forEach((w, k) => {
    if (k % 2 === 0) {
      bars.push([x, w]);
    }
    x += w;
  });
  return bars;
}
