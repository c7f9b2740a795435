// How the service's processes size their heap. An import keeps a small live set (~25 MB: one chunk
// of rows in flight, the receipt's first errors) but allocates a great deal around it; V8's default
// lets the heap grow up to four times the live set after each full collection, and a long import
// kept raising it: a 1,000,000-row file peaked 50 MB above a 100,000-row one for the same live set.
// A smaller growing factor collects sooner instead. It is a factor, not a limit: a file that needs
// a big heap (a large .ods read whole) still gets it.
//
// How small is a trade: each full collection marks the whole live heap (the loaded service included)
// on the main thread and V8's helper threads. At a fifth, a worker importing 200 files of 5,000 rows
// spent 35 s of CPU where it spends 24.5 s at twice the live set (bench, scale-out case, CPU time
// of the worker's threads), and four workers on two cores ran out of cores collecting; the peak of
// a 1,000,000-row import rose only from 149 to 161–166 MB (memory-flat 1.09 → 1.12–1.13, bound 1.2).
import { setFlagsFromString } from 'node:v8';

/** The heap grows by as much as a full collection leaves (to twice the live set), not four times it. */
export const HEAP_GROWING_PERCENT = 100;

/** Applies the service's heap sizing to this process (read by V8 at each full collection). */
export function tuneHeap(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
