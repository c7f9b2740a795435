// The one door to the outbox: every file the service writes goes through here, appears under its
// final name only when complete (temporary name, fsync, rename), and never lands outside the outbox.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Writes files into the outbox atomically. */
export class Outbox {
  /** Every path written since start, relative to the outbox (for tests and summaries). */
  readonly written: string[] = [];

  constructor(readonly root: string) {}

  /** Absolute path of a relative outbox path, refusing anything that would escape the outbox. */
  resolve(relative: string): string {
    const target = path.resolve(this.root, relative);
    if (!target.startsWith(path.resolve(this.root) + path.sep)) {
      throw new Error(`outbox path escapes the outbox: ${relative}`);
    }
    return target;
  }

  /** Writes bytes under `relative`, atomically; returns the absolute path. */
  async write(relative: string, bytes: Buffer | string): Promise<string> {
    const target = this.resolve(relative);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;

    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, target);
    } catch (error: unknown) {
      await rm(temporary, { force: true });
      throw error;
    }

    this.written.push(path.relative(this.root, target));
    return target;
  }
}

/** A file-name-safe slug of a code or label (ASCII letters, digits, dash). */
export function slug(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'x'
  );
}
