// A CSV whose header was saved in UTF-8 and whose rows in Windows-1252 is read as Windows-1252 as a
// whole: « N° anonyme » becomes « NÂ° anonyme ». The refusal must say so, not only « colonne absente ».
import { describe, expect, it } from 'vitest';
import { drop, intake, worldFor } from './channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';

describe.each(DATABASE_TARGETS)('a grade CSV mixing two encodings, on $name', (target) => {
  const world = worldFor(target, 'mixed_encoding');

  it.each(['notes', 'lecteur-optique'])(
    'is refused in %s/ naming the garbled heading',
    async (channel) => {
      const n = world().numbers.mat101.slice(0, 2);
      const bytes = Buffer.concat([
        Buffer.from('N° anonyme;Note;Appréciation\r\n', 'utf8'),
        Buffer.from(n.map((x) => `${x.number};12;Très bien\r\n`).join(''), 'latin1'),
      ]);
      await drop(world().ctx, 'A', channel, `melange-${channel}.csv`, bytes);

      const receipt = await intake(world().ctx, 'A', `melange-${channel}.csv`);

      expect(receipt.status).toBe('rejected');
      const message = receipt.errors.map((e) => `${e.code} ${e.message}`).join(' | ');
      expect(message).toContain('COLUMN_MISSING');
      expect(message).toContain(
        'en-têtes lus ligne 1 : « NÂ° anonyme », « Note », « ApprÃ©ciation »',
      );
      expect(message).toContain('le fichier mêle deux encodages');
    },
  );
});
