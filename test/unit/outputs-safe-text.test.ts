import { describe, expect, it } from 'vitest';

import { restoreText, safeText } from '../../src/outputs/safe-text.js';

describe('safeText', () => {
  it('prefixes an apostrophe to every text a spreadsheet would read as a formula', () => {
    for (const text of [
      '=HYPERLINK("http://x","y")',
      '+1+1',
      '-2+3',
      "-2+3+cmd|' /C calc'!A0",
      '-1E3',
      '- 1',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      '\n=1',
    ]) {
      expect(safeText(text)).toBe(`'${text}`);
    }
  });

  it('leaves ordinary text, numbers with leading zeros and inner signs untouched', () => {
    for (const text of ['00042', 'Dupont-Martin', 'Analyse 1', 'a=b', '', '12,5', 'ABI']) {
      expect(safeText(text)).toBe(text);
    }
  });

  it('writes a signed number alone as read: it can only ever be read back as that number', () => {
    for (const text of ['-1', '+2', '-0,5', '+12.25']) {
      expect(safeText(text)).toBe(text);
    }
  });

  it('is undone exactly by restoreText, even for a text that already starts with an apostrophe', () => {
    for (const text of ['=1+1', '-X', '-1', "'=1", "'quoted", 'plain', '00042']) {
      expect(restoreText(safeText(text))).toBe(text);
    }
  });
});
