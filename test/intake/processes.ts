// Real processes for the pipeline tests: `anonymat worker` children run through tsx, and a private
// redis-server on a free loopback port that a test may stop and start again.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { vi } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** A running `anonymat worker` child. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
  /** Resolves once the worker said it started (it takes jobs from then on). */
  ready: Promise<void>;
  stderr(): string;
}

/** Starts `anonymat worker --concurrency n` as a child process with the given environment. */
export function spawnWorker(env: Record<string, string>, concurrency: number): WorkerProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'src/cli/main.ts'),
      'worker',
      '--concurrency',
      String(concurrency),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-4000);
  });
  const ready = new Promise<void>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Travailleur démarré')) {
        resolve();
      }
    });
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return { child, exited, ready, stderr: () => err };
}

/** A free TCP port on the loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A private redis-server (no persistence) on `port`; resolves once it answers. */
export async function startRedis(port: number, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      ...extra,
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await vi.waitFor(
      async () => {
        if (probe.status !== 'ready') {
          await probe.connect().catch(() => undefined);
        }
        if ((await probe.ping()) !== 'PONG') {
          throw new Error('redis not ready');
        }
      },
      { timeout: 10_000, interval: 100 },
    );
  } finally {
    probe.disconnect();
  }
  return child;
}

/** Stops a child process with `signal` and waits until it is gone. */
export async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await gone;
}
