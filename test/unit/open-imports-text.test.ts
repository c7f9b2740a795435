// The lift refusal's sentence on files still refused: how to correct one, and what to do with a
// file whose very name the inbox refuses (a corrected file cannot come under it).
import { describe, expect, it } from 'vitest';
import { openImportsText, type OpenImport } from '../../src/services/open-imports.js';

function refused(fileName: string): OpenImport {
  return {
    dropId: 12,
    intakeId: 7,
    sha256: 'ab12cd34'.padEnd(64, '0'),
    channel: 'notes',
    fileName,
    droppedAt: new Date('2026-12-05T09:30:00Z'),
    status: 'rejected',
    outcome: 'rejected',
    released: true,
    dismissed: false,
    concerned: true,
  };
}

describe('openImportsText', () => {
  it('asks for the corrected file under the same name, and says nothing of names otherwise', () => {
    const text = openImportsText('A', [refused('notes-MAT101.csv')]);

    expect(text).toContain('inbox/A/notes/notes-MAT101.csv (reçu le ');
    expect(text).toContain(', rangé à l’import dans error/A/notes/12-ab12cd34-notes-MAT101.csv');
    expect(text).toContain('déposez le fichier corrigé sous exactement le même nom');
    expect(text).not.toContain('nom est refusé');
  });

  it('tells to dismiss by its error/ path a file whose name is refused, never printing its marks', () => {
    const text = openImportsText('A', [refused('notes\u202egpj.exe\n.csv')]);

    expect(text).toContain('inbox/A/notes/notes?gpj.exe?.csv');
    expect(text).not.toMatch(/[\u202e\n]/);
    expect(text).toContain(
      'un fichier dont le nom est refusé (caractères interdits, montrés « ? ») ne peut pas être ' +
        'redéposé sous ce nom : classez-le sans suite en donnant son chemin dans error/',
    );
  });
});
