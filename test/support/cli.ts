// The command line as a test runs it: `anonymat` from source through tsx, in a home of its own, on
// the embedded defaults; what it printed (stdout then stderr) and its exit code.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;

/** Runs `anonymat …args` in `home`; never throws on a refusal, returns its exit code instead. */
export async function anonymat(
  home: string,
  ...args: string[]
): Promise<{ code: number; out: string }> {
  const env = { ...process.env, ANONYMAT_HOME: home, DATABASE_URL: '', REDIS_URL: '' };
  try {
    const { stdout, stderr } = await run(tsx, [main, ...args], { env });
    return { code: 0, out: stdout + stderr };
  } catch (error: unknown) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}
