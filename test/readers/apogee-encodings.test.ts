// The Apogée maquette as each writer leaves it: the Windows client in Windows-1252 (œ, ’ in
// labels), the portal in UTF-8 with or without a BOM, line ends changed by a mail client, blank
// lines added by hand. Each is read with the exact values and written back byte for byte.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { writeMaquette } from '../../src/outputs/filled-maquette.js';
import { parseMaquette } from '../../src/readers/apogee-maquette.js';
import { sniffFormat } from '../../src/readers/sniff.js';

const SAMPLE = readFileSync(new URL('../fixtures/apogee-maquette-7W29.txt', import.meta.url));
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const NO_VALUES = new Map<string, Map<string, string>>();

/** The sample with Windows-1252 letters (œ = 0x9C, ’ = 0x92) in a result label and an object label. */
function windows1252(): Buffer {
  const text = SAMPLE.toString('latin1')
    .replaceAll('ADM : Admis\t', 'ADM : Admis d\x92office\t')
    .replace('7WGE4 - Entreprendre un projet S4', '7WGE4 - C\x9cur de m\xe9tier S4');
  return Buffer.from(text, 'latin1');
}

describe('an Apogée maquette in each encoding', () => {
  it('reads Windows-1252 letters of the client (œ, ’) and writes the same bytes back', () => {
    const bytes = windows1252();

    const maquette = parseMaquette(bytes);

    expect(maquette.encoding).toBe('latin1');
    expect(maquette.resultCodeLabels['ADM']).toBe('Admis d’office');
    expect(maquette.columns[16]?.label).toBe('7WGE4 - Cœur de métier S4');
    expect(writeMaquette(maquette, NO_VALUES).equals(bytes)).toBe(true);
    expect(sniffFormat(bytes)).toBe('apogee_maquette');
  });

  it('writes values into a Windows-1252 maquette without touching its other bytes', () => {
    const bytes = windows1252();
    const values = new Map([['58310472', new Map([['apoL_c0001', '12,5']])]]);

    const written = writeMaquette(parseMaquette(bytes), values);

    expect(written.length).toBe(bytes.length + '12,5'.length);
    expect(written.includes(Buffer.from('C\x9cur de m\xe9tier', 'latin1'))).toBe(true);
    expect(parseMaquette(written).students[0]?.values['apoL_c0001']).toBe('12,5');
  });

  it('reads the portal’s UTF-8 with a BOM like the ISO-8859-1 original, and keeps the BOM', () => {
    const utf8 = Buffer.concat([BOM, Buffer.from(SAMPLE.toString('latin1'), 'utf8')]);
    const original = parseMaquette(SAMPLE);

    const maquette = parseMaquette(utf8);

    expect(maquette.encoding).toBe('utf8');
    expect(maquette.titles['apoC_lib_dip']).toBe('DUT MMI - CRÉATION NUMÉRI');
    expect(maquette.titles['apoC_annee']).toBe('2026/2027');
    expect(maquette.resultCodeLists).toEqual(original.resultCodeLists);
    expect(maquette.students).toEqual(original.students);
    expect(writeMaquette(maquette, NO_VALUES).equals(utf8)).toBe(true);
  });

  it('reads LF-only and CR-only line ends and keeps them on writing', () => {
    for (const end of ['\n', '\r']) {
      const bytes = Buffer.from(SAMPLE.toString('latin1').replace(/\r\n/g, end), 'latin1');

      const maquette = parseMaquette(bytes);

      expect(sniffFormat(bytes)).toBe('apogee_maquette');
      expect(maquette.students).toHaveLength(25);
      expect(maquette.students[24]?.studentNumber).toBe('83729165');
      expect(writeMaquette(maquette, NO_VALUES).equals(bytes)).toBe(true);
    }
  });

  it('skips blank lines added between students and sections, keeping them on writing', () => {
    const text = SAMPLE.toString('latin1')
      .replace('91736205\t', '\r\n\t\t\r\n91736205\t')
      .replace('XX-APO_COLONNES-XX', '\r\nXX-APO_COLONNES-XX');
    const bytes = Buffer.from(text, 'latin1');
    const values = new Map([['91736205', new Map([['apoL_c0004', 'ADM']])]]);

    const maquette = parseMaquette(bytes);
    const written = writeMaquette(maquette, values);

    expect(maquette.students.map((s) => s.studentNumber).slice(0, 3)).toEqual([
      '58310472',
      '91736205',
      '24681953',
    ]);
    expect(maquette.students[1]?.lineIndex).toBe(55);
    expect(written.length).toBe(bytes.length + 'ADM'.length);
    expect(written.toString('latin1').split('\r\n')[55]?.split('\t').slice(0, 7)).toEqual([
      '91736205',
      'AAA BBB',
      ' 31/03/2007',
      '',
      '',
      '',
      'ADM',
    ]);
  });
});
