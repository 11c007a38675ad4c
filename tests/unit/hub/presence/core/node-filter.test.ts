import { describe, expect, it } from 'vitest';
import { observe, startFilter, varianceAt } from '../../../../../src/hub/presence/core/node-filter.js';

const params = { noise: 4, motion: 16 };

describe('per-node Kalman filter', () => {
  it('averages the noise of a still device', () => {
    const f = startFilter(-60, 0, { noise: 4, motion: 0.01 });
    for (let i = 1; i <= 50; i++) observe(f, i % 2 === 0 ? -56 : -64, i * 2000, { noise: 4, motion: 0.01 });
    expect(f.x).toBeCloseTo(-60, 0);
    expect(f.p).toBeLessThan(2);
  });

  it('grows its variance over a gap, so the next reading weighs more', () => {
    const a = startFilter(-60, 0, params);
    observe(a, -60, 2000, params);
    const b = { ...a };
    observe(a, -70, 4000, params); // on time
    observe(b, -70, 12_000, params); // after four dropped reports
    expect(varianceAt(b, 12_000, params)).toBeGreaterThan(0);
    expect(b.x).toBeLessThan(a.x);
    expect(a.x).toBeLessThan(-60);
  });
});
