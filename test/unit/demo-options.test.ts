// `npm run demo` explains its options on --help, and refuses, in French and before touching
// anything, an option it does not know and a --home folder it did not make that already holds files
// (it would wipe inbox/, outbox/…).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function demo(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/demo.ts', ...args], {
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('demo options', () => {
  it('explains its options on --help, touching nothing', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'anonymat-demo-help-'));

    const run = demo('--home', home, '--help');

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage : npm run demo [-- --until V] [-- --home <dossier>]');
    expect(run.stdout).toContain('DATABASE_URL et REDIS_URL sont ignorés');
    expect(readdirSync(home)).toEqual([]);
  });

  it('refuses an option it does not know', () => {
    const run = demo('--until', 'L');

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('option de démonstration non reconnue : « --until L »');
  });

  it('leaves alone a --home folder that holds files it did not make', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'anonymat-demo-home-'));
    writeFileSync(path.join(home, 'notes-2026.xlsx'), 'pas une démonstration');

    const run = demo('--home', home);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("n'est pas vide et n'a pas été créé par la démonstration");
    expect(readdirSync(home)).toEqual(['notes-2026.xlsx']);
  });

  it('refuses a --home that is a file, not a folder', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'anonymat-demo-file-'));
    writeFileSync(path.join(home, 'notes.csv'), 'N° anonyme;Note\r\n');

    const run = demo('--home', path.join(home, 'notes.csv'));

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("notes.csv n'est pas un dossier");
  });
});
