// What a receipt lists of a faulty row: the value read and the detail, cut when a cell is huge.
import { describe, expect, it } from 'vitest';
import { ErrorList, LISTED_ERRORS, RowSet, shownText } from '../../src/channels/rows.js';

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

describe('rows refused', () => {
  it('counts each refused row once, in any order, however far down the file', () => {
    const rows = new RowSet();
    for (const row of [3_000_001, 2, 9, 2, 40, 9, 1_000_000, 31, 32, 33]) {
      rows.add(row);
    }

    expect(rows.size).toBe(8);
    expect([2, 9, 31, 32, 33, 40, 1_000_000, 3_000_001].every((r) => rows.has(r))).toBe(true);
    expect([1, 3, 30, 34, 999_999, 3_000_000, 9_000_000].some((r) => rows.has(r))).toBe(false);
  });

  it('counts every refused row of a wrong file while listing only the first ones', () => {
    const errors = new ErrorList();
    for (let row = 2; row < 250_002; row += 1) {
      errors.add(row, 'N° anonyme', 'NUMBER_UNKNOWN', String(row));
      errors.add(row, 'Note', 'GRADE_INVALID', 'x');
    }

    expect(errors.rows.size).toBe(250_000);
    expect(errors.errorCount).toBe(500_000);
    expect(errors.items).toHaveLength(LISTED_ERRORS);
    expect(errors.listable).toBe(0);
    expect([errors.unlistedErrors, errors.unlistedNotices]).toEqual([500_000 - LISTED_ERRORS, 0]);
  });
});
