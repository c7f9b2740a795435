// The shared-string table (readers/xlsx-fast-strings.ts) holds strings as Latin-1 bytes in blocks of
// 4,096, and those beyond Latin-1 as they are: every string must come back exactly as written, on
// both sides of a block's edge, in the last, unfinished block and in a block too long for 16-bit
// ends, and an index the workbook does not have must find nothing.
import { describe, expect, it } from 'vitest';

import { XmlScanner } from '../../src/readers/xlsx-fast-scan.js';
import { SharedStrings } from '../../src/readers/xlsx-fast-strings.js';

function table(items: string[]): SharedStrings {
  const strings = new SharedStrings();
  const scanner = new XmlScanner(strings);
  scanner.feed(`<sst>${items.join('')}</sst>`);
  scanner.end();
  return strings;
}

describe('SharedStrings', () => {
  const texts = Array.from({ length: 9_000 }, (_, i) =>
    i % 997 === 0 ? `ligne ${i} : Léa & Noé ${'x'.repeat(i % 40)} 😀` : String(10_000_000 + i),
  );
  const strings = table(texts.map((text) => `<si><t>${text.replace('&', '&amp;')}</t></si>`));

  it('gives back every string, across block edges and in the last strings', () => {
    const read = texts.map((_, i) => strings.at(i));

    expect(read).toEqual(texts);
    expect([4_095, 4_096, 8_191, 8_192, 8_999].map((i) => strings.at(i))).toEqual([
      '10004095',
      '10004096',
      '10008191',
      '10008192',
      '10008999',
    ]);
  });

  it('finds nothing at an index the workbook does not have', () => {
    expect([9_000, -1, 1.5, Number.NaN].map((i) => strings.at(i))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('gives back accents, typographic quotes and ideograms as written, in full and last blocks', () => {
    const special = ['Léa Noël', 'l’épreuve', 'Œuvre cœur', '東京', '€ 12,5', 'ÿ', 'a\u00a0b', ''];
    const items = Array.from({ length: 4_100 }, (_, i) =>
      i % 512 < special.length ? (special[i % 512] ?? '') : `${20_000_000 + i}`,
    );
    const strings = table(items.map((text) => `<si><t>${text}</t></si>`));

    expect(items.map((_, i) => strings.at(i))).toEqual(items);
  });

  it('gives back strings of a block too long for 16-bit ends, and a string longer than a block', () => {
    const items = Array.from({ length: 4_097 }, (_, i) =>
      i === 4_000 ? 'é'.repeat(70_000) : `remarque ${i} ${'x'.repeat(i % 30)}`,
    );
    const strings = table(items.map((text) => `<si><t>${text}</t></si>`));

    expect(items.map((_, i) => strings.at(i))).toEqual(items);
  });

  it('keeps empty strings, rich runs joined and phonetic guides out', () => {
    const small = table([
      '<si><t/></si>',
      '<si><r><t>Note </t></r><r><t>finale</t></r></si>',
      '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>',
      '<si><t>copie_x000D_rendue</t></si>',
    ]);

    expect([0, 1, 2, 3].map((i) => small.at(i))).toEqual([
      '',
      'Note finale',
      '東京',
      'copie\rrendue',
    ]);
  });
});

describe('XmlScanner fed in pieces', () => {
  const xml = '<sst><si><t>Droit &amp; Économie &#233;t&#xE9; a&lt;b\r\nfin</t></si></sst>';

  it('decodes an entity or a line end cut by a chunk edge, wherever the cut falls', () => {
    const cuts = Array.from({ length: xml.length - 1 }, (_, i) => i + 1);
    const read = cuts.map((cut) => {
      const strings = new SharedStrings();
      const scanner = new XmlScanner(strings);
      scanner.feed(xml.slice(0, cut));
      scanner.feed(xml.slice(cut));
      scanner.end();
      return strings.at(0);
    });

    expect(new Set(read)).toEqual(new Set(['Droit & Économie été a<b\nfin']));
  });

  it('still hands over a lone ampersand that is no entity', () => {
    const strings = new SharedStrings();
    const scanner = new XmlScanner(strings);
    scanner.feed('<sst><si><t>R&D');
    scanner.feed(' 2026</t></si></sst>');
    scanner.end();

    expect(strings.at(0)).toBe('R&D 2026');
  });
});
