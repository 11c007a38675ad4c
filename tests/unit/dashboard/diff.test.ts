import { describe, expect, it } from 'vitest';
import { canonicalJson, configHash, describeDifferences } from '../../../src/dashboard/diff.js';

describe('dashboard config comparison', () => {
  it('hashes configs independently of key order, and differently when a value changes', () => {
    const a = { title: 'Home', views: [{ path: 'x', title: 'X' }] };
    const b = { views: [{ title: 'X', path: 'x' }], title: 'Home' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash({ ...a, title: 'Home!' })).not.toBe(configHash(a));
    expect(configHash({ views: [1, 2] })).not.toBe(configHash({ views: [2, 1] }));
  });

  it('says what differs, path by path', () => {
    const before = { title: 'Home', views: [{ title: 'Kitchen', sections: [{ cards: [{ type: 'tile', name: 'Sam' }] }] }] };
    const after = {
      title: 'Home',
      views: [{ title: 'Kitchen', sections: [{ cards: [{ type: 'tile', name: 'Samantha' }] }] }, { title: 'Mine' }],
    };
    expect(describeDifferences(before, after)).toEqual([
      'views[0].sections[0].cards[0].name: "Sam" → "Samantha"',
      'views[1]: added {"title":"Mine"}',
    ]);
    expect(describeDifferences(after, before)).toContain('views[1]: removed');
    expect(describeDifferences(before, before)).toEqual([]);
  });

  it('keeps the list short', () => {
    const before = { v: Array.from({ length: 30 }, (_, i) => i) };
    const after = { v: Array.from({ length: 30 }, (_, i) => i + 1) };
    const lines = describeDifferences(before, after, 5);
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe('… and 25 more');
  });
});
