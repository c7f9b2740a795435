import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  candidatesFor,
  chooseProfile,
  misreadOf,
  opticalSpecs,
} from '../../src/channels/optical.js';
import { findHeader } from '../../src/readers/columns.js';
import {
  loadColumnProfiles,
  mergeColumnProfiles,
  profileOfFolder,
} from '../../src/readers/profiles.js';
import { readCsv } from '../../src/readers/csv.js';
import type { AppContext } from '../../src/services/context.js';

const SIX = new Set([6]);

/** Just what chooseProfile reads of the context. */
function contextWith(folders: Record<string, string>): AppContext {
  return {
    config: { columnProfiles: mergeColumnProfiles('test', { folders }) },
  } as unknown as AppContext;
}

describe('misreadOf', () => {
  it('tells blank, unreadable marks and wrong length apart, and lets plausible numbers through', () => {
    expect(['', '  ', '*', '***'].map((t) => misreadOf(t, SIX))).toEqual(
      Array(4).fill('NUMBER_BLANK'),
    );
    expect(['12*456', '12 456', '12?456', '1_3456'].map((t) => misreadOf(t, SIX))).toEqual(
      Array(4).fill('OPTICAL_MARKS_UNREADABLE'),
    );
    expect(['1234567', '12345'].map((t) => misreadOf(t, SIX))).toEqual([
      'NUMBER_LENGTH',
      'NUMBER_LENGTH',
    ]);
    expect(misreadOf(' 123456 ', SIX)).toBeNull();
  });
});

describe('candidatesFor', () => {
  const known = ['123456', '128456', '654321', '12345'];

  it('lists the numbers an unreadable position could hold', () => {
    expect(candidatesFor('12*456', 'OPTICAL_MARKS_UNREADABLE', known)).toEqual([
      '123456',
      '128456',
    ]);
  });

  it('lists the numbers a double mark or a missed mark could come from', () => {
    expect(candidatesFor('1238456', 'NUMBER_LENGTH', known)).toEqual(['123456', '128456', '12345']);
    expect(candidatesFor('65421', 'NUMBER_LENGTH', known)).toEqual(['654321']);
  });

  it('lists every number not read elsewhere for a blank identifier', () => {
    expect(candidatesFor('', 'NUMBER_BLANK', known)).toEqual(known);
  });
});

describe('optical profiles', () => {
  const amc = readCsv(Buffer.from('"Copie";"A:numero";"Nom";"Note"\n"1";"123456";"?";"12"\n'));
  const omr = readCsv(
    Buffer.from('"file_id","input_path","output_path","score","Roll"\n"a","b","c","1","X"\n'),
  );
  const plain = readCsv(Buffer.from('N° anonyme;Note\n123456;12\n'));

  it('recognises AMC, OMRChecker and a generic scanner by their headings in auto mode', () => {
    const ctx = contextWith({});
    expect([amc, omr, plain].map((w) => chooseProfile({ ctx, ctn: 'A' }, w))).toEqual([
      'amc',
      'omrchecker',
      'scanner',
    ]);
  });

  it('recognises an AMC export without a copy column by its `A:` heading alone', () => {
    const ctx = contextWith({});
    const bare = readCsv(
      Buffer.from('"A:num","Nom","Note","Total","Max"\n"D4697390","","0.25","0","30"\n'),
    );
    const profile = chooseProfile({ ctx, ctn: 'A' }, bare);

    expect(profile).toBe('amc');
    expect(
      findHeader(bare, opticalSpecs(ctx.config.columnProfiles.profiles[profile], bare)).columns,
    ).toEqual({
      number: 0,
      grade: 2,
    });
  });

  it('reads the real OMRChecker sample through its profile: Roll is the identifier, score the grade', () => {
    const sample = readCsv(
      readFileSync(new URL('../fixtures/omrchecker-results.csv', import.meta.url)),
    );
    const ctx = contextWith({});
    const profile = chooseProfile({ ctx, ctn: 'A' }, sample);
    const specs = opticalSpecs(ctx.config.columnProfiles.profiles[profile], sample);

    expect(profile).toBe('omrchecker');
    expect(findHeader(sample, specs).columns).toEqual({ number: 4, grade: 3 });
  });

  it('uses the profile configured for the folder, `*` for the others', () => {
    const ctx = contextWith({ A: 'omrchecker', '*': 'scanner' });
    expect(chooseProfile({ ctx, ctn: 'A' }, amc)).toBe('omrchecker');
    expect(chooseProfile({ ctx, ctn: 'B' }, amc)).toBe('scanner');
    expect(profileOfFolder(ctx.config.columnProfiles, 'C')).toBe('scanner');
  });

  it('adds the headings of <home>/config/column-profiles.json in front of the defaults', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'anonymat-profiles-'));
    mkdirSync(path.join(home, 'config'));
    writeFileSync(
      path.join(home, 'config', 'column-profiles.json'),
      JSON.stringify({ profiles: { scanner: { number: ['Code copie'] } }, folders: { A: 'amc' } }),
    );

    const profiles = loadColumnProfiles(home);

    expect(profiles.profiles.scanner.number.slice(0, 2)).toEqual(['Code copie', 'N° anonyme']);
    expect(profiles.folders).toEqual({ '*': 'auto', A: 'amc' });
  });

  it('fails at start-up naming what it expected for an unknown profile', () => {
    expect(() => mergeColumnProfiles('f.json', { folders: { A: 'remark' } })).toThrow(
      'configuration: f.json must have folders.A among auto, amc, omrchecker, scanner, got "remark"',
    );
  });
});
