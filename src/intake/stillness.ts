// How long each inbox file has held still, remembered from one scan to the next by the process
// that scans. A scan waits ANONYMAT_STABLE_MS; a file whose end is not written yet (a text cut in
// the middle of a row, a zip without its end record: sniff.ts, looksUnfinished) must hold still
// for ANONYMAT_UNFINISHED_STABLE_MS, far longer than a scan should wait: a writer that keeps the
// file open and stalls (a network copy) got half its file imported (trial). Measured on this
// process's clock rather than the file's times: a share whose clock runs behind would make a
// stalled copy look old enough at once.
import { END_PROBE, looksUnfinished } from '../readers/sniff.js';
import { readEnds } from './inbox.js';

interface Still {
  signature: string;
  /** When this process first saw the file with that signature. */
  since: number;
  /** Whether its end looked unfinished with that signature; null until looked at. */
  unfinished: boolean | null;
}

/** What scans remember of the files they saw hold still; one per watcher or run. */
export class Stillness {
  private readonly seen = new Map<string, Still>();

  /** `unfinishedMs`: how long a file whose end is unfinished must hold still. */
  constructor(private readonly unfinishedMs: number) {}

  /**
   * How long a file that held `signature` from `firstLook` until now must still wait before it is
   * taken: 0 for a file whose end is written, else what is left of the longer delay, counted from
   * when a scan first saw it so. Its ends are read once per signature.
   */
  async waitLeft(absolute: string, signature: string, firstLook: number): Promise<number> {
    let still = this.seen.get(absolute);
    if (still?.signature !== signature) {
      still = { signature, since: firstLook, unfinished: null };
      this.seen.set(absolute, still);
    }
    if (still.unfinished === null) {
      const ends = await readEnds(absolute, END_PROBE.headBytes, END_PROBE.tailBytes);
      if (!ends || ends.signature !== signature) {
        // Written to (or gone) since it was looked at: it is not still, the next scan sees it anew.
        this.seen.delete(absolute);
        return 1;
      }
      still.unfinished = looksUnfinished(ends.head, ends.tail);
    }
    return still.unfinished ? Math.max(0, still.since + this.unfinishedMs - Date.now()) : 0;
  }

  /** Forgets every file but those of the last scan that held still: the others start over. */
  keepOnly(kept: ReadonlySet<string>): void {
    for (const absolute of this.seen.keys()) {
      if (!kept.has(absolute)) {
        this.seen.delete(absolute);
      }
    }
  }
}
