// How much of a file's faults a receipt lists: errors and each kind of notice up to their own
// limit, so that thousands of bad rows never hide a grade the file replaced.
import { describe, expect, it } from 'vitest';

import { ErrorList, LISTED_ERRORS, LISTED_NOTICES } from '../../src/channels/rows.js';

describe('ErrorList limits', () => {
  it('still lists the grades a file replaced after more errors than a receipt lists', () => {
    const errors = new ErrorList();
    for (let row = 2; row < LISTED_ERRORS + 12; row += 1) {
      errors.add(row, 'N° anonyme', 'NUMBER_UNKNOWN', String(row));
    }
    errors.note(
      20_000,
      'N° anonyme',
      'GRADE_REPLACED',
      'K1',
      'Avant : 12,00 ; maintenant : 14,50.',
    );

    expect(errors.items).toHaveLength(LISTED_ERRORS + 1);
    expect(errors.items.at(-1)).toMatchObject({
      row: 20_000,
      code: 'GRADE_REPLACED',
      value: 'K1',
      kind: 'notice',
    });
    expect(errors.items[0]).toMatchObject({ code: 'NUMBER_UNKNOWN', kind: 'error' });
    expect([errors.unlistedErrors, errors.unlistedNotices]).toEqual([10, 0]);
    expect(errors.errorCount).toBe(LISTED_ERRORS + 10);
    expect(errors.listable).toBe(0);
    expect(errors.noticesListable('GRADE_REPLACED')).toBe(LISTED_NOTICES - 1);
  });

  it('lists each kind of notice up to its own limit and counts the rest', () => {
    const errors = new ErrorList();
    for (let row = 2; row < LISTED_NOTICES + 5; row += 1) {
      errors.note(row, 'Note', 'GRADE_ROUNDED', '12.345');
    }
    errors.note(3, 'N° anonyme', 'GRADE_REPLACED', 'K1');
    errors.add(4, 'Note', 'GRADE_INVALID', 'x');

    const codes = errors.items.map((e) => e.code);
    expect(codes.filter((c) => c === 'GRADE_ROUNDED')).toHaveLength(LISTED_NOTICES);
    expect(codes.slice(-2)).toEqual(['GRADE_REPLACED', 'GRADE_INVALID']);
    expect([errors.unlistedErrors, errors.unlistedNotices]).toEqual([0, 3]);
    expect(errors.noticesListable('GRADE_ROUNDED')).toBe(0);
    expect(errors.listable).toBe(LISTED_ERRORS - 1);
  });

  it('counts apart the notices a caller found beyond what it listed, and the errors', () => {
    const errors = new ErrorList();
    for (let row = 2; row < LISTED_ERRORS + 9; row += 1) {
      errors.add(row, 'Note', 'GRADE_INVALID', 'x');
    }
    errors.countUnlistedNotices(4);
    errors.countUnlistedNotices(2);

    expect([errors.unlistedErrors, errors.unlistedNotices]).toEqual([7, 6]);
    expect(errors.unlisted).toBe(13);
  });
});
