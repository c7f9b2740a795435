// The command line as a test runs it: `anonymat` from source through tsx, in a home of its own, on
// the embedded defaults; what it printed (stdout then stderr) and its exit code.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;

/**
 * The environment of a command in `home`: embedded database, jobs in-process, and no longer wait
 * for files whose end is unfinished (a test's files are written whole).
 */
export function cliEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ANONYMAT_HOME: home,
    DATABASE_URL: '',
    REDIS_URL: '',
    ANONYMAT_UNFINISHED_STABLE_MS: '0',
  };
}

/** Runs `anonymat …args` in `home`; never throws on a refusal, returns its exit code instead. */
export async function anonymat(
  home: string,
  ...args: string[]
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [main, ...args], { env: cliEnv(home) });
    return { code: 0, out: stdout + stderr };
  } catch (error: unknown) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}
