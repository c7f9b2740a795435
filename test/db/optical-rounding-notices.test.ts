// Rounding notices of an optical-reader file go through the receipt's list like every notice: a
// long OMRChecker export whose every score is rounded lists the first LISTED_ERRORS of them and
// counts the rest in its summary, instead of listing one notice per row without end.
import { rm } from 'node:fs/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LISTED_ERRORS } from '../../src/channels/rows.js';
import { buildWorld, drop, gradesOf, intake, type World } from './channels-world.js';

/** An OMRChecker CSV: every field quoted, `,`, one row per (number, score). */
function omrchecker(rows: Array<[string, string]>): string {
  const line = (fields: string[]): string => fields.map((f) => `"${f}"`).join(',');
  const header = line(['file_id', 'input_path', 'output_path', 'score', 'Roll']);
  return (
    [
      header,
      ...rows.map(([number, score], i) =>
        line([`s${i}.jpg`, `in/s${i}.jpg`, `out/s${i}.jpg`, score, number]),
      ),
    ].join('\n') + '\n'
  );
}

describe('rounding notices of a long optical-reader file', () => {
  let world: World;

  beforeAll(async () => {
    world = await buildWorld();
  });

  afterAll(async () => {
    await world?.ctx.db.destroy();
    if (world) {
      await rm(world.home, { recursive: true, force: true });
    }
  });

  it('lists the first ones and counts the others, the grades still imported', async () => {
    const numbers = world.numbers.mat101.slice(0, 4);
    const extra = 3;
    // Each copy scanned many times with the same score: one grade each, a rounding on every row.
    const rows = Array.from({ length: LISTED_ERRORS + extra }, (_, i): [string, string] => [
      numbers[i % numbers.length]?.number ?? '',
      '12.345',
    ]);
    await drop(world.ctx, 'A', 'lecteur-optique', 'omr-long.csv', omrchecker(rows));

    const receipt = await intake(world.ctx, 'A', 'omr-long.csv');

    expect(receipt.status).toBe('imported');
    expect(receipt.errors).toHaveLength(LISTED_ERRORS);
    expect(new Set(receipt.errors.map((e) => e.code))).toEqual(new Set(['GRADE_ROUNDED']));
    expect(receipt.errors[0]?.message).toContain('Lu : 12.345 ; enregistré : 12,35.');
    expect(receipt.summary).toContain(
      `${LISTED_ERRORS + extra} note(s) arrondie(s) : ${LISTED_ERRORS} listée(s) en avis, ` +
        `${extra} non détaillée(s) ici.`,
    );
    const grades = await gradesOf(world.ctx, world.assessments.mat101);
    expect(numbers.map((n) => grades.get(n.student))).toEqual(['12.35', '12.35', '12.35', '12.35']);
  });
});
