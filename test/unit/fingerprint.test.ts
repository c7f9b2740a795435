import { describe, it, expect } from 'vitest';

import {
  numbersDigest,
  signFingerprint,
  verifyFingerprint,
  type WorkbookFingerprint,
} from '../../src/domain/fingerprint.js';

const key = 'clé-de-test-du-service';
const numbers = ['000123', '000045', '000078'];
const fp: WorkbookFingerprint = {
  format: 'anonymat-bordereau/1',
  ctn: 'SCI',
  year: 2026,
  templateId: 7,
  templateCode: 'JANV-L1',
  assessmentId: 42,
  numbersDigest: numbersDigest(numbers),
};

describe('numbersDigest', () => {
  it('does not depend on the order of the rows', () => {
    expect(numbersDigest(['000078', '000123', '000045'])).toBe(fp.numbersDigest);
  });

  it('changes when a number is added, removed or altered, leading zeros included', () => {
    expect(numbersDigest([...numbers, '000200'])).not.toBe(fp.numbersDigest);
    expect(numbersDigest(numbers.slice(1))).not.toBe(fp.numbersDigest);
    expect(numbersDigest(['123', '000045', '000078'])).not.toBe(fp.numbersDigest);
  });

  it('is the sha256 hex of the sorted numbers, one per line', () => {
    // printf 'a\nb' | sha256sum
    expect(numbersDigest(['b', 'a'])).toBe(
      '7e18f737311b2dc3b2f269dd78396b0351f14fb66efa879f768cb23181883c78',
    );
    expect(numbersDigest([])).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});

describe('signFingerprint and verifyFingerprint', () => {
  const mac = signFingerprint(fp, key);

  it('recognises a returned workbook', () => {
    expect(mac).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyFingerprint(fp, mac, key)).toBe(true);
    expect(verifyFingerprint(fp, mac.toUpperCase(), key)).toBe(true);
  });

  it('does not depend on the key order of the fingerprint', () => {
    const reordered = Object.fromEntries(Object.entries(fp).reverse()) as WorkbookFingerprint;
    expect(signFingerprint(reordered, key)).toBe(mac);
  });

  it('refuses a workbook moved to another assessment, CTN or year', () => {
    expect(verifyFingerprint({ ...fp, assessmentId: 43 }, mac, key)).toBe(false);
    expect(verifyFingerprint({ ...fp, ctn: 'LET' }, mac, key)).toBe(false);
    expect(verifyFingerprint({ ...fp, year: 2025 }, mac, key)).toBe(false);
  });

  it('refuses a workbook whose numbers were changed', () => {
    const altered = { ...fp, numbersDigest: numbersDigest([...numbers, '000999']) };
    expect(verifyFingerprint(altered, mac, key)).toBe(false);
  });

  it('refuses a signature made with another key', () => {
    expect(verifyFingerprint(fp, signFingerprint(fp, 'autre-clé'), key)).toBe(false);
  });

  it('refuses a malformed signature without throwing', () => {
    expect(verifyFingerprint(fp, '', key)).toBe(false);
    expect(verifyFingerprint(fp, mac.slice(2), key)).toBe(false);
    expect(verifyFingerprint(fp, `${mac.slice(0, 63)}z`, key)).toBe(false);
  });

  it('refuses to sign with an empty key', () => {
    expect(() => signFingerprint(fp, '')).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
