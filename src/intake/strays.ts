// Files the inbox never takes: dropped in the inbox itself, in a CTN's folder, in a folder that is
// no channel (`Notes/` with a capital, `résultats/`) or in a sub-folder of a channel. They get no
// drop and no receipt; left unsaid, the person waits for a receipt that never comes (trial). They
// are listed, with where they should have gone, by `run --once`, `reconcile` and the watcher's log.
import { readdir } from 'node:fs/promises';
import path from 'node:path';

import { CHANNELS, channelOf, isIgnoredName } from './inbox.js';

/** A file the inbox will never take, and why, in French. */
export interface StrayFile {
  /** Path under the inbox, `/`-separated. */
  relative: string;
  why: string;
}

/** Deepest folder looked into, and most files listed: a stray tree is pointed at, not inventoried. */
const MAX_DEPTH = 4;
const MAX_LISTED = 200;

const FOLDERS = CHANNELS.map((c) => `${c}/`).join(', ');

const LINK_WHY =
  'lien symbolique : le service ne suit pas les liens ; déposez le fichier lui-même à sa place';
const HIDDEN_WHY =
  'fichier caché (son nom commence par un point) : renommez-le sans le point pour qu’il soit traité';

/** A hidden file named like a grade or referential file: a person's file, not a program's. */
const HIDDEN_DATA = /^\.(?!~lock).+\.(csv|txt|xlsx|xlsm|xls|ods)$/i;

/**
 * An entry of a folder: a file or folder the scan may take, or one it never takes though a person
 * may have put it there (`skipped` says why): a symbolic link, which the inbox does not follow, or a
 * data file hidden by a leading dot. Both were left in place without a word (trial).
 */
interface Entry {
  name: string;
  folder: boolean;
  skipped?: string;
}

async function entries(dir: string): Promise<Entry[]> {
  try {
    const found = await readdir(dir, { withFileTypes: true });
    return found
      .map((e): Entry | null =>
        e.isSymbolicLink()
          ? { name: e.name, folder: false, skipped: LINK_WHY }
          : HIDDEN_DATA.test(e.name) && e.isFile()
            ? { name: e.name, folder: false, skipped: HIDDEN_WHY }
            : (e.isFile() || e.isDirectory()) && !isIgnoredName(e.name)
              ? { name: e.name, folder: e.isDirectory() }
              : null,
      )
      .filter((e): e is Entry => e !== null)
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    // Gone or unreadable meanwhile: nothing to point at there.
    return [];
  }
}

/** Why a folder below a CTN's folder takes no file, or null for a channel folder. */
function folderWhy(ctn: string, folder: string): string | null {
  if (channelOf(folder)) {
    return null;
  }
  const channel = channelOf(folder.toLowerCase());
  return channel
    ? `dossier « ${folder} » : il s'écrit « ${channel} » en minuscules ; déplacez le fichier dans inbox/${ctn}/${channel}/`
    : `dossier « ${folder} » inconnu : les dossiers de dépôt du CTN sont ${FOLDERS} ; déplacez le fichier dans celui qui convient`;
}

/** Every file below `dir` (down to MAX_DEPTH), as paths relative to `root`. */
async function filesBelow(root: string, dir: string, depth: number, into: string[]): Promise<void> {
  for (const entry of await entries(dir)) {
    if (into.length >= MAX_LISTED) {
      return;
    }
    const absolute = path.join(dir, entry.name);
    if (!entry.folder) {
      into.push(path.relative(root, absolute).split(path.sep).join('/'));
    } else if (depth < MAX_DEPTH) {
      await filesBelow(root, absolute, depth + 1, into);
    }
  }
}

/** The files of the inbox no scan will take, with where they should go; at most MAX_LISTED. */
export async function strayFiles(inbox: string): Promise<StrayFile[]> {
  const strays: StrayFile[] = [];
  const add = (relative: string, why: string): void => {
    if (strays.length < MAX_LISTED) {
      strays.push({ relative, why });
    }
  };
  for (const top of await entries(inbox)) {
    if (!top.folder) {
      add(top.name, 'directement dans inbox/ : déposez-le dans inbox/<CTN>/<dossier>/');
      continue;
    }
    for (const entry of await entries(path.join(inbox, top.name))) {
      const below = path.join(inbox, top.name, entry.name);
      if (!entry.folder) {
        add(
          `${top.name}/${entry.name}`,
          `dans le dossier du CTN : déposez-le dans un de ses dossiers ${FOLDERS}`,
        );
        continue;
      }
      const files: string[] = [];
      const why = folderWhy(top.name, entry.name);
      if (why !== null) {
        await filesBelow(inbox, below, 1, files);
        files.forEach((file) => add(file, why));
        continue;
      }
      for (const inner of await entries(below)) {
        if (inner.skipped !== undefined) {
          add(`${top.name}/${entry.name}/${inner.name}`, inner.skipped);
        } else if (inner.folder) {
          await filesBelow(inbox, path.join(below, inner.name), 1, files);
        }
      }
      const direct = `dans un sous-dossier de ${entry.name}/ : déposez-le directement dans inbox/${top.name}/${entry.name}/`;
      files.forEach((file) => add(file, direct));
    }
  }
  return strays;
}

/** Lines a person reads about stray files; none when there is none. */
export function strayLines(strays: readonly StrayFile[], shown = 20): string[] {
  if (strays.length === 0) {
    return [];
  }
  const more = strays.length > shown ? [`  … et ${strays.length - shown} autre(s).`] : [];
  return [
    `${strays.length} fichier(s) de la boîte de dépôt ne seront jamais traités là où ils sont :`,
    ...strays.slice(0, shown).map((s) => `  inbox/${s.relative} : ${s.why}.`),
    ...more,
  ];
}
