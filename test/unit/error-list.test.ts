// What a receipt lists of a faulty row: the value read and the detail, cut when a cell is huge.
import { describe, expect, it } from 'vitest';
import { ErrorList, shownText } from '../../src/channels/rows.js';

describe('ErrorList', () => {
  it('shows a short value whole and cuts a huge one to its start and its length', () => {
    const errors = new ErrorList();
    const huge = '9'.repeat(8_000_000);
    errors.add(2, 'Note', 'GRADE_INVALID', '12,5x', 'Lu : 12,5x.');
    errors.add(3, 'Note', 'GRADE_INVALID', huge, `Lu : ${huge}.`);

    const [short, cut] = errors.items;
    expect(short?.value).toBe('12,5x');
    expect(short?.message).toContain('Lu : 12,5x.');
    expect(cut?.value).toBe(`${'9'.repeat(120)}… (8000000 caractères)`);
    expect(cut?.message.length).toBeLessThan(1_300);
    expect(cut?.message).toContain('(8000006 caractères)');
    expect(JSON.stringify(errors.items).length).toBeLessThan(3_000);
  });

  it('leaves text at the limit untouched', () => {
    expect(shownText('x'.repeat(120))).toBe('x'.repeat(120));
    expect(shownText(undefined)).toBeUndefined();
  });
});
