// Settings shared by the tests' services.
import type { Config } from '../../src/config/config.js';

/**
 * No stability waits, neither the usual one nor the longer one of a file whose end is unfinished:
 * a test writes its files whole before a run looks at them (tests of the waits set their own).
 */
export const NO_WAITS: Pick<Config, 'stableMs' | 'unfinishedStableMs'> = {
  stableMs: 0,
  unfinishedStableMs: 0,
};
