import { describe, expect, it } from 'vitest';
import { prng, simulate, SCENARIOS } from '../../../../bench/lib/presence/simulate.js';
import { formatTrace } from '../../../../bench/lib/presence/trace.js';

describe('presence simulator', () => {
  it('is deterministic for a seed, and differs between seeds', () => {
    const a = formatTrace(simulate({ scenario: 'walks', seed: 3, duration: 600, reportInterval: 2 }));
    const b = formatTrace(simulate({ scenario: 'walks', seed: 3, duration: 600, reportInterval: 2 }));
    const c = formatTrace(simulate({ scenario: 'walks', seed: 4, duration: 600, reportInterval: 2 }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('reports at the interval with about 20 % dropped', () => {
    const trace = simulate({ scenario: 'walks', seed: 1, duration: 3600, reportInterval: 2 });
    // 4 nodes × 2 trackers × 1800 slots, less drops and signals below sensitivity.
    const share = trace.readings.length / (4 * 2 * 1800);
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.81);
    const kitchenPhone = trace.readings.filter((r) => r.node === 'kitchen-presence' && r.tracker === 'sam-phone');
    const gaps = kitchenPhone.slice(1).map((r, i) => r.t - kitchenPhone[i]!.t);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1999);
  });

  it('has each scenario’s features', () => {
    const offline = simulate({ scenario: 'node-offline', seed: 1, duration: 3600, reportInterval: 2 });
    const office = offline.readings.filter((r) => r.node === 'office-presence');
    expect(office.some((r) => r.rssi === null)).toBe(true);
    expect(office.filter((r) => r.t >= 31 * 60_000 && r.t < 45 * 60_000)).toEqual([]);
    const leaving = simulate({ scenario: 'leaving', seed: 1, duration: 7200, reportInterval: 2 });
    expect(leaving.truth.some((g) => g.room === 'away')).toBe(true);
    expect(SCENARIOS).toEqual(['walks', 'node-offline', 'phone-on-desk', 'leaving']);
  });

  it('prng is uniform-ish in [0, 1)', () => {
    const r = prng(42);
    const xs = Array.from({ length: 10_000 }, r);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
  });
});
