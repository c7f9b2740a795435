// Files the inbox never takes are listed with where they should go (intake/strays.ts): a file in the
// inbox itself, in a CTN's folder, in a mis-cased or unknown folder, in a sub-folder of a channel.
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { listInbox } from '../../src/intake/inbox.js';
import { strayFiles, strayLines } from '../../src/intake/strays.js';

async function put(root: string, relative: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), 'N° anonyme;Note\r\n');
}

describe('stray inbox files', () => {
  it('lists each file no scan takes, with where it should go, and none that a scan takes', async () => {
    const inbox = await mkdtemp(path.join(os.tmpdir(), 'anonymat-strays-'));
    for (const file of [
      'SCI/notes/bon.csv',
      'SCI/notes/~$bon.xlsx',
      'SCI/notes/Janvier groupe A/notes-a.csv',
      'SCI/Notes/majuscule.csv',
      'SCI/résultats/jury.csv',
      'SCI/perdu.csv',
      'racine.csv',
    ]) {
      await put(inbox, file);
    }

    const strays = await strayFiles(inbox);
    const taken = (await listInbox(inbox)).map((f) => path.relative(inbox, f.absolute));

    expect(taken).toEqual(['SCI/notes/bon.csv']);
    expect(strays.map((s) => s.relative)).toEqual([
      'racine.csv',
      'SCI/notes/Janvier groupe A/notes-a.csv',
      'SCI/Notes/majuscule.csv',
      'SCI/perdu.csv',
      'SCI/résultats/jury.csv',
    ]);
    expect(strayLines(strays)).toEqual([
      '5 fichier(s) de la boîte de dépôt ne seront jamais traités là où ils sont :',
      '  inbox/racine.csv : directement dans inbox/ : déposez-le dans inbox/<CTN>/<dossier>/.',
      '  inbox/SCI/notes/Janvier groupe A/notes-a.csv : dans un sous-dossier de notes/ : ' +
        'déposez-le directement dans inbox/SCI/notes/.',
      "  inbox/SCI/Notes/majuscule.csv : dossier « Notes » : il s'écrit « notes » en minuscules ; " +
        'déplacez le fichier dans inbox/SCI/notes/.',
      '  inbox/SCI/perdu.csv : dans le dossier du CTN : déposez-le dans un de ses dossiers ' +
        'referentiel/, notes/, lecteur-optique/, jury/.',
      '  inbox/SCI/résultats/jury.csv : dossier « résultats » inconnu : les dossiers de dépôt du ' +
        'CTN sont referentiel/, notes/, lecteur-optique/, jury/ ; déplacez le fichier dans celui qui convient.',
    ]);
  });

  it('lists a symbolic link and a hidden data file in a channel, not the programs’ own files', async () => {
    const inbox = await mkdtemp(path.join(os.tmpdir(), 'anonymat-strays-'));
    for (const file of [
      'SCI/notes/bon.csv',
      'SCI/notes/.cache-PHY.csv',
      'SCI/notes/.~lock.bon.xlsx#',
      'SCI/notes/.DS_Store',
      'dehors/vraies-notes.csv',
    ]) {
      await put(inbox, file);
    }
    await symlink(
      path.join(inbox, 'dehors/vraies-notes.csv'),
      path.join(inbox, 'SCI/notes/lien.csv'),
    );

    const strays = await strayFiles(inbox);
    const taken = (await listInbox(inbox)).map((f) => path.relative(inbox, f.absolute));

    expect(taken).toEqual(['SCI/notes/bon.csv']);
    expect(strays.filter((s) => s.relative.startsWith('SCI/'))).toEqual([
      {
        relative: 'SCI/notes/.cache-PHY.csv',
        why: 'fichier caché (son nom commence par un point) : renommez-le sans le point pour qu’il soit traité',
      },
      {
        relative: 'SCI/notes/lien.csv',
        why: 'lien symbolique : le service ne suit pas les liens ; déposez le fichier lui-même à sa place',
      },
    ]);
  });
});
