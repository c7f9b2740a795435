// Lift condition « no open import error » (--clean-imports): the refusal names the files still
// refused or partial, says how to clear one, counts only the files about the assessments lifted
// (a file whose assessment cannot be told counts everywhere, and the refusal says so), and a
// corrected file dropped under the same name clears it, even when its bytes were imported before.
// Runs on PGlite, and on Postgres too when DATABASE_URL is set.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDigit } from '../../src/domain/numbering.js';
import { lift, validate } from '../../src/services/anonymity.js';
import { requestLift, setLiftConditions } from '../../src/services/reveal.js';
import { YEAR, drop, worldFor } from '../db/channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';
import {
  AT,
  CLEAN_IMPORTS,
  csv,
  outcomes as outcomesOf,
  runIntake as runIntakeOf,
} from './lift-files.js';
import { refusal } from './world.js';

/** A number of A's rule that no template gave. */
function unknownNumber(i: number): string {
  const body = `9999${i}`;
  return `${body}${checkDigit('damm', body)}`;
}

describe.each(DATABASE_TARGETS)('the clean-imports lift condition on $name', (target) => {
  const world = worldFor(target, 'cleanimp');
  const janv = { ctn: 'A', year: YEAR, code: 'A-JANV' };
  const admi = { ctn: 'A', year: YEAR, code: 'A-ADMI' };
  const vides = Array.from({ length: 10 }, (_, i) => `vide-${String(i + 1).padStart(2, '0')}.csv`);
  let goodMat102 = '';

  const runIntake = (): Promise<void> => runIntakeOf(world().ctx);
  const outcomes = (name: string): Promise<string[]> => outcomesOf(world().ctx, name);

  beforeAll(async () => {
    await validate(world().ctx, 'gest-A', admi);
    await setLiftConditions(world().ctx, 'gest-A', janv, CLEAN_IMPORTS);
    await setLiftConditions(world().ctx, 'gest-A', admi, CLEAN_IMPORTS);
    goodMat102 = csv([
      'N° anonyme;Note',
      ...world().numbers.mat102.map((n, i) => `${n.number};${(i % 20) + 1}`),
    ]);
  });

  it('names the files, says how to clear one, and counts only those about the template lifted', async () => {
    const { ctx, numbers } = world();
    // Partly imported: one row kept, for MAT101 of A-JANV.
    await drop(
      ctx,
      'A',
      'lecteur-optique',
      'lot-mat101.csv',
      csv(['N° anonyme;Note', `${unknownNumber(1)};12`, `${numbers.mat101[0]?.number};14`]),
    );
    await runIntake();
    expect(await outcomes('lot-mat101.csv')).toEqual(['partial']);
    // Refused whole: nothing written, so nothing tells which assessment they were about.
    await drop(
      ctx,
      'A',
      'jury',
      'jury-admi.csv',
      csv(['N° anonyme;Résultat', `${numbers.admi102[0]?.number};XYZ`]),
    );
    for (const name of vides) {
      await drop(ctx, 'A', 'notes', name, '');
    }
    await runIntake();
    expect(await outcomes('jury-admi.csv')).toEqual(['rejected']);
    expect(await outcomes('vide-10.csv')).toEqual(['rejected']);

    const admiRefusal = await refusal(requestLift(ctx, 'gest-A', admi));
    const janvRefusal = await refusal(lift(ctx, 'gest-A', janv));

    expect(admiRefusal.code).toBe('LIFT_CONDITIONS_UNMET');
    expect(admiRefusal.message).toContain(
      '(11 fichier(s) de notes ou de résultats refusé(s) ou partiel(s) non corrigé(s) : ',
    );
    expect(admiRefusal.message).toMatch(
      new RegExp(`inbox/A/jury/jury-admi\\.csv \\(${AT}, refusé\\)`),
    );
    expect(admiRefusal.message).toContain(', et 1 autre(s) ;');
    expect(admiRefusal.message).toContain(
      'pour en corriger un, déposez le fichier corrigé sous exactement le même nom',
    );
    expect(admiRefusal.message).toContain(
      '11 de ces fichiers ne disent pas quelle épreuve ils concernent',
    );
    expect(admiRefusal.message).not.toContain('lot-mat101.csv');
    expect(janvRefusal.message).toContain('(12 fichier(s) de notes ou de résultats');
    expect(janvRefusal.message).toMatch(
      new RegExp(`inbox/A/lecteur-optique/lot-mat101\\.csv \\(${AT}, importé partiellement\\)`),
    );
    expect(janvRefusal.message).toContain('11 de ces fichiers ne disent pas');
  });

  it('is cleared by the right file under the same name, even when its bytes were imported before', async () => {
    const { ctx } = world();
    await drop(ctx, 'A', 'notes', 'notes-mat102.csv', goodMat102);
    await runIntake();
    await drop(
      ctx,
      'A',
      'notes',
      'notes-mat102.csv',
      csv(['N° anonyme;Note', `${world().numbers.mat102[0]?.number};25`]),
    );
    await runIntake();
    const wrong = await refusal(lift(ctx, 'gest-A', janv));
    const otherTemplate = await refusal(requestLift(ctx, 'gest-A', admi));

    // The office drops the file it had first sent: the same bytes, a `duplicate` receipt.
    await drop(ctx, 'A', 'notes', 'notes-mat102.csv', goodMat102);
    await runIntake();
    const statuses = await outcomes('notes-mat102.csv');
    const right = await refusal(lift(ctx, 'gest-A', janv));

    expect(statuses).toEqual(['imported', 'rejected', 'duplicate']);
    expect(wrong.message).toContain('(13 fichier(s) de notes ou de résultats');
    // Refused for a grade out of scale: nothing written, yet its row was matched to MAT102, so it
    // holds back A-JANV only, and is not among the files that do not say their assessment.
    expect(wrong.message).toContain('11 de ces fichiers ne disent pas');
    expect(otherTemplate.message).toContain('(11 fichier(s) de notes ou de résultats');
    expect(otherTemplate.message).not.toContain('notes-mat102.csv');
    expect(right.message).toContain('(12 fichier(s) de notes ou de résultats');
    expect(right.message).not.toContain('notes-mat102.csv');
  });

  it('lets each template lift once its own files are corrected', async () => {
    const { ctx, numbers } = world();
    await drop(
      ctx,
      'A',
      'jury',
      'jury-admi.csv',
      csv(['N° anonyme;Résultat', `${numbers.admi102[0]?.number};ADM`]),
    );
    for (const name of vides) {
      await drop(ctx, 'A', 'notes', name, goodMat102);
    }
    await runIntake();
    expect(await outcomes('jury-admi.csv')).toEqual(['rejected', 'imported']);
    expect(await outcomes('vide-10.csv')).toEqual(['rejected', 'duplicate']);

    // The partial file is about A-JANV only: A-ADMI lifts, A-JANV still waits for it.
    const admiLifted = await lift(ctx, 'gest-A', admi);
    const janvWaits = await refusal(lift(ctx, 'gest-A', janv));
    await drop(
      ctx,
      'A',
      'lecteur-optique',
      'lot-mat101.csv',
      csv(['N° anonyme;Note', `${numbers.mat101[0]?.number};14`]),
    );
    await runIntake();
    const janvLifted = await lift(ctx, 'gest-A', janv);

    expect(admiLifted).toBe(1);
    expect(janvWaits.message).toContain(
      '(1 fichier(s) de notes ou de résultats refusé(s) ou partiel(s) non corrigé(s) : ' +
        'inbox/A/lecteur-optique/lot-mat101.csv',
    );
    expect(janvWaits.message).not.toMatch(/ne di(sen)?t pas quelle épreuve/);
    expect(janvLifted).toBe(2);
  });
});
