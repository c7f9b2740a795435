// Registers a stable inbox file as a drop: its content is identified by SHA-256 (one intake_file
// per CTN, channel and content), each physical drop gets an intake_drop row. Idempotent: the same
// file seen again while its drop is open gives back the same drop.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AppContext } from '../services/context.js';
import type { InboxFile } from './inbox.js';

/** The job payload: ids and a hash, never a name. */
export interface DropJob {
  dropId: number;
  sha256: string;
}

/** SHA-256 hex of bytes. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Records the drop of a file and returns its job payload. */
export async function registerDrop(ctx: AppContext, file: InboxFile): Promise<DropJob> {
  const bytes = await readFile(file.absolute);
  const sha256 = sha256Hex(bytes);

  return ctx.db.transaction(async (trx) => {
    await trx('intake_file')
      .insert({
        sha256,
        ctn: file.ctn,
        channel: file.channel,
        file_name: file.name,
        size: bytes.length,
      })
      .onConflict(['ctn', 'channel', 'sha256'])
      .ignore();
    const intake = (await trx('intake_file')
      .where({ ctn: file.ctn, channel: file.channel, sha256 })
      .first('id')) as { id: number };

    const open = (await trx('intake_drop')
      .where({ intake_id: intake.id, file_name: file.name, done: false })
      .first('id')) as { id: number } | undefined;
    if (open) {
      return { dropId: Number(open.id), sha256 };
    }
    const [drop] = (await trx('intake_drop')
      .insert({ intake_id: intake.id, file_name: file.name })
      .returning('id')) as Array<{ id: number }>;
    return { dropId: Number(drop?.id), sha256 };
  });
}
