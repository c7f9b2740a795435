import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/domain/errors.js';
import { writeMaquette } from '../../src/outputs/filled-maquette.js';
import { parseMaquette } from '../../src/readers/apogee-maquette.js';
import { unknownResultValues } from '../../src/readers/apogee-results.js';

const SAMPLE = readFileSync(new URL('../fixtures/apogee-maquette-7W29.txt', import.meta.url));

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error: unknown) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

describe('result values of an Apogée maquette against its XX-APO_TYP_RES-XX lists', () => {
  const maquette = parseMaquette(SAMPLE);
  const write = (column: string, value: string) => (): Buffer =>
    writeMaquette(maquette, new Map([['58310472', new Map([[column, value]])]]));

  it('finds nothing to report in the untouched sample', () => {
    expect(unknownResultValues(maquette)).toEqual([]);
  });

  it('writes results and absence codes the lists hold, and decimals in grade columns', () => {
    expect(codeOf(write('apoL_c0004', 'ADM'))).toBeUndefined();
    expect(codeOf(write('apoL_c0001', 'ABJ'))).toBeUndefined();
    expect(codeOf(write('apoL_c0001', '12,5'))).toBeUndefined();
  });

  it('refuses a result or a grade-column code that no list holds, and a number as a result', () => {
    expect(codeOf(write('apoL_c0004', 'ADMIS'))).toBe('RESULT_CODE_UNKNOWN');
    expect(codeOf(write('apoL_c0001', 'ABS'))).toBe('RESULT_CODE_UNKNOWN');
    expect(codeOf(write('apoL_c0004', '12'))).toBe('RESULT_CODE_UNKNOWN');
  });

  it('reports, on reading, the values a file already carries that its lists do not hold', () => {
    const filled = SAMPLE.toString('latin1').replace(
      /^(58310472\tAAA BBB\t 19\/08\/2007\t)\t\t\t/m,
      '$1ABS\t\t\tPASSE',
    );

    expect(unknownResultValues(parseMaquette(Buffer.from(filled, 'latin1')))).toEqual([
      { studentNumber: '58310472', column: 'apoL_c0001', value: 'ABS' },
      { studentNumber: '58310472', column: 'apoL_c0004', value: 'PASSE' },
    ]);
  });
});
