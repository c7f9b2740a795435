// One process at a time on an embedded database folder (store/embedded-lock.ts): a second opener
// is refused in French while the holder lives, and the lock of a holder that died is taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { isAppError } from '../../src/domain/errors.js';
import { assertUnlocked, lockEmbedded } from '../../src/store/embedded-lock.js';

function folder(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'anonymat-lock-')), 'pgdata');
}

function refusal(take: () => unknown): string {
  try {
    take();
  } catch (error: unknown) {
    return isAppError(error, 'EMBEDDED_DB_BUSY') ? error.message : `other: ${String(error)}`;
  }
  return 'taken';
}

describe('embedded database lock', () => {
  it('refuses a second opener while the first holds it, and lets one in once released', () => {
    const dir = folder();
    const release = lockEmbedded(dir);

    const second = refusal(() => lockEmbedded(dir));
    release();
    const free = refusal(() => assertUnlocked(dir));
    const third = refusal(() => lockEmbedded(dir));

    expect(second).toContain('déjà ouverte par un autre processus anonymat');
    expect(refusal(() => assertUnlocked(dir))).toContain(`supprimez le fichier ${dir}.lock`);
    expect(second).toContain(`processus ${process.pid}`);
    expect([free, third]).toEqual(['taken', 'taken']);
  });

  it('takes over the lock of a process that died, and an unreadable lock', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const dir = folder();
    writeFileSync(
      `${dir}.lock`,
      JSON.stringify({
        pid: Number(dead.stdout),
        host: os.hostname(),
        since: 'hier',
        command: 'run',
      }),
    );
    const other = folder();
    writeFileSync(`${other}.lock`, '{"pid": 12');

    const release = lockEmbedded(dir);
    const releaseOther = lockEmbedded(other);

    expect(refusal(() => lockEmbedded(dir))).toContain(`processus ${process.pid}`);
    release();
    releaseOther();
    expect([existsSync(`${dir}.lock`), existsSync(`${other}.lock`)]).toEqual([false, false]);
  });

  it('refuses a lock held on another machine: whether that process lives cannot be known here', () => {
    const dir = folder();
    writeFileSync(
      `${dir}.lock`,
      JSON.stringify({ pid: 1, host: 'poste-scolarite', since: 'ce matin', command: 'run' }),
    );

    expect(refusal(() => lockEmbedded(dir))).toContain('« anonymat run » sur poste-scolarite');
  });
});
