// Notices for absence codes typed another way are capped per file: a file typing « abs » for every
// absence must still list the errors found after them.
import { describe, expect, it } from 'vitest';
import { ALIAS_NOTICES_LISTED, noteAlias } from '../../src/channels/settle.js';
import { ErrorList } from '../../src/channels/rows.js';
import { parseGrade } from '../../src/domain/grades.js';

describe('alias notices', () => {
  it('lists the first ones, counts the rest, and leaves room for the errors found after them', () => {
    const errors = new ErrorList();
    const parsed = parseGrade({ raw: 'abs' }, { scale: 20 });
    const extra = 25;
    for (let row = 2; row < 2 + ALIAS_NOTICES_LISTED + extra; row += 1) {
      noteAlias(errors, row, 'Note', parsed);
    }
    errors.add(9_999, 'Note', 'GRADE_OUT_OF_RANGE', '21');

    expect(errors.items.filter((e) => e.code === 'GRADE_ALIAS_READ')).toHaveLength(
      ALIAS_NOTICES_LISTED,
    );
    expect([errors.unlistedErrors, errors.unlistedNotices]).toEqual([0, extra]);
    expect(new Set(errors.items.slice(0, -1).map((e) => e.kind))).toEqual(new Set(['notice']));
    expect(errors.items.at(-1)).toMatchObject({ row: 9_999, code: 'GRADE_OUT_OF_RANGE' });
    expect(errors.errorCount).toBe(1);
  });

  it('counts per file: another file lists its own', () => {
    const parsed = parseGrade({ raw: 'abs' }, { scale: 20 });
    const first = new ErrorList();
    for (let row = 2; row < 2 + ALIAS_NOTICES_LISTED; row += 1) {
      noteAlias(first, row, 'Note', parsed);
    }
    const second = new ErrorList();
    noteAlias(second, 2, 'Note', parsed);

    expect(second.items).toHaveLength(1);
    expect(second.unlisted).toBe(0);
  });
});
