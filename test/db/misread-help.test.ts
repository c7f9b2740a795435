// Help for misread anonymous numbers (failed check character): the receipt names the numbers one typo
// away that exist, for as many misreads as it lists; past that, a wrong file's misreads are only
// counted, without the search (issue 7: 300,000 misread rows spent 18 s looking for help no one reads).
import { describe, expect, it } from 'vitest';
import { NumberBook } from '../../src/channels/numbers.js';
import { worldFor } from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

/** The number with its first digit changed: one typo away, so its check character fails. */
function misread(real: string): string {
  return `${real[0] === '9' ? '8' : '9'}${real.slice(1)}`;
}

describe.each(DATABASE_TARGETS)('help for misread numbers on $name', (target) => {
  const world = worldFor(target, 'misread');

  async function found(numbers: string[], helped?: number) {
    return world().ctx.db.transaction(async (trx) => {
      const book = await NumberBook.load(trx, 'A', numbers, { helped });
      return numbers.map((n) => book.find(n));
    });
  }

  it('names the intended number of every misread number when the receipt lists them all', async () => {
    const real = world()
      .numbers.mat102.slice(0, 2)
      .map((n) => n.number);
    const answers = await found(real.map(misread));

    expect(answers.map((a) => ('code' in a ? a.code : 'found'))).toEqual([
      'NUMBER_CHECK_FAILED',
      'NUMBER_CHECK_FAILED',
    ]);
    answers.forEach((answer, i) => {
      expect('detail' in answer ? answer.detail : '').toContain(real[i]);
    });
  });

  it('searches help for the misreads the receipt still lists, and still refuses the others', async () => {
    const real = world()
      .numbers.mat102.slice(2, 5)
      .map((n) => n.number);
    const answers = await found(real.map(misread), 1);

    expect(answers.map((a) => ('code' in a ? a.code : 'found'))).toEqual([
      'NUMBER_CHECK_FAILED',
      'NUMBER_CHECK_FAILED',
      'NUMBER_CHECK_FAILED',
    ]);
    expect('detail' in answers[0]! ? answers[0].detail : '').toContain(real[0]);
    expect(answers.slice(1).map((a) => ('detail' in a ? a.detail : undefined))).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('still finds a held number and refuses a misread one when no help is searched', async () => {
    const real = world().numbers.mat102[5]!.number;
    const [held, misreadOne] = await found([real, misread(real)], 0);

    expect(held && 'holder' in held ? held.holder.number : null).toBe(real);
    expect(misreadOne && 'code' in misreadOne ? misreadOne.code : null).toBe('NUMBER_CHECK_FAILED');
  });

  it('says a number holding a comma may hold its grade too, as a line typed with the wrong separator', async () => {
    const real = world().numbers.mat102[0]?.number ?? '';
    const [comma, plain] = await found([`${real},12`, 'ZZ']);

    expect(comma).toEqual({
      code: 'NUMBER_UNKNOWN',
      detail:
        '(le numéro contient « , » : la note est-elle dans la même cellule ? Séparez le numéro et la note comme sur les autres lignes du fichier.)',
    });
    expect(plain).toEqual({ code: 'NUMBER_UNKNOWN', detail: undefined });
  });
});
