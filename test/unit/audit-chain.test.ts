import { describe, it, expect } from 'vitest';

import {
  GENESIS_HASH,
  canonicalJson,
  chainHash,
  verifyChain,
  type AuditEntry,
  type ChainedAuditEntry,
} from '../../src/domain/audit-chain.js';

/** A chain of `count` entries, hashed as the store would write them. */
function buildChain(count: number): ChainedAuditEntry[] {
  const rows: ChainedAuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const entry: AuditEntry = {
      seq,
      at: `2026-06-0${seq}T10:00:00.000Z`,
      actor: 'amartin',
      ctn: seq === 1 ? null : 'SCI',
      action: seq % 2 === 0 ? 'state.validate' : 'numbers.generate',
      subject: { templateId: 7, assessmentIds: [seq, seq + 1], count: 120 },
    };
    const hash = chainHash(prevHash, entry);
    rows.push({ ...entry, prevHash, hash });
    prevHash = hash;
  }
  return rows;
}

describe('canonicalJson', () => {
  it('sorts keys at every level so equal data gives equal text', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('writes values the way JSON does', () => {
    expect(canonicalJson({ s: 'é"\n', n: 12.5, t: true, z: null })).toBe(
      '{"n":12.5,"s":"é\\"\\n","t":true,"z":null}',
    );
    expect(canonicalJson({ gone: undefined, kept: 0 })).toBe('{"kept":0}');
    expect(canonicalJson([undefined, Number.NaN])).toBe('[null,null]');
    expect(canonicalJson(new Date('2026-06-01T10:00:00Z'))).toBe('"2026-06-01T10:00:00.000Z"');
  });
});

describe('chainHash', () => {
  it('is a sha256 hex digest that depends on the previous hash and on every field', () => {
    const [row] = buildChain(1);
    const hash = chainHash(GENESIS_HASH, row!);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash('f'.repeat(64), row!)).not.toBe(hash);
    expect(chainHash(GENESIS_HASH, { ...row!, actor: 'bdurand' })).not.toBe(hash);
    expect(chainHash(GENESIS_HASH, { ...row!, subject: { templateId: 8 } })).not.toBe(hash);
  });

  it('ignores the stored link fields and the key order of the subject', () => {
    const [row] = buildChain(1);
    const reordered = { ...row!, subject: { count: 120, assessmentIds: [1, 2], templateId: 7 } };
    expect(chainHash(GENESIS_HASH, reordered)).toBe(row!.hash);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and counts it', () => {
    expect(verifyChain(buildChain(5))).toEqual({ ok: true, count: 5 });
  });

  it('accepts an empty log', () => {
    expect(verifyChain([])).toEqual({ ok: true, count: 0 });
  });

  it('detects an edited entry', () => {
    const rows = buildChain(5);
    rows[2] = { ...rows[2]!, subject: { ...rows[2]!.subject, count: 121 } };
    expect(verifyChain(rows)).toEqual({ ok: false, brokenAtSeq: 3 });
  });

  it('detects an edited entry whose own hash was recomputed', () => {
    const rows = buildChain(5);
    const forged = { ...rows[2]!, actor: 'intrus' };
    rows[2] = { ...forged, hash: chainHash(forged.prevHash, forged) };
    expect(verifyChain(rows)).toEqual({ ok: false, brokenAtSeq: 4 });
  });

  it('detects an entry deleted in the middle', () => {
    const rows = buildChain(5);
    rows.splice(1, 1);
    expect(verifyChain(rows)).toEqual({ ok: false, brokenAtSeq: 3 });
  });

  it('detects a deleted entry even when the seq numbers were rewritten', () => {
    const rows = buildChain(5);
    rows.splice(1, 1);
    const renumbered = rows.map((row, i) => ({ ...row, seq: i + 1 }));
    expect(verifyChain(renumbered)).toEqual({ ok: false, brokenAtSeq: 2 });
  });

  it('detects a deleted first entry', () => {
    expect(verifyChain(buildChain(5).slice(1))).toEqual({ ok: false, brokenAtSeq: 2 });
  });

  it('detects reordered entries', () => {
    const rows = buildChain(5);
    [rows[1], rows[2]] = [rows[2]!, rows[1]!];
    expect(verifyChain(rows)).toEqual({ ok: false, brokenAtSeq: 3 });
  });
});
