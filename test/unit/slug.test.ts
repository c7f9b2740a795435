import { describe, expect, it } from 'vitest';
import { slug } from '../../src/outputs/gateway.js';

describe('the slug of a name in the outbox', () => {
  it('keeps letters a person can read: accents dropped, ligatures written out', () => {
    expect(slug('notes Lætitia')).toBe('notes-Laetitia');
    expect(slug('ŒUVRARD — Épreuve n°2')).toBe('OEUVRARD-Epreuve-n-2');
    expect(slug('Ørsted & Łukasz')).toBe('Orsted-Lukasz');
  });

  it('never gives an empty name nor one beyond 60 characters', () => {
    expect(slug('«»—')).toBe('x');
    expect(slug('a'.repeat(80))).toHaveLength(60);
  });
});
