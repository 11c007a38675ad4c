/**
 * The forward filter's evidence model for errors correlated in time (hmm.ts `evidenceWeights`,
 * option `hmm_correlation`) and the companion that holds a device (a person's other device,
 * carried along, that still favours the room). Deterministic traces: readings every 2 s, the
 * hub's update every second.
 */
import { describe, expect, it } from 'vitest';
import { createPresenceEngine, type PresenceOptions } from '../../../../../src/hub/presence/core/engine.js';
import { evidenceWeights } from '../../../../../src/hub/presence/core/hmm.js';

const nodes = [
  { node: 'kitchen-presence', room: 'kitchen' },
  { node: 'office-presence', room: 'office' },
  { node: 'hall-presence', room: 'hall' },
];
const S = 1000;
type Levels = Record<string, number>;
const KITCHEN: Levels = { 'kitchen-presence': -62, 'office-presence': -76, 'hall-presence': -74 };
const OFFICE: Levels = { 'kitchen-presence': -80, 'office-presence': -60, 'hall-presence': -76 };

/**
 * Runs `phases` (seconds, per tracker levels) back to back; returns the person's room each
 * second and the time of each change.
 */
function run(
  options: Partial<PresenceOptions>,
  trackers: string[],
  phases: { seconds: number; levels: Record<string, Levels> }[],
): { t: number; room: string | null }[] {
  const engine = createPresenceEngine({ nodes, devices: trackers.map((tracker) => ({ tracker, person: 'sam' })), options, start: 0 });
  const out: { t: number; room: string | null }[] = [];
  let t = 0;
  for (const phase of phases) {
    for (let k = 0; k < phase.seconds; k++, t += S) {
      if (t % (2 * S) === 0)
        for (const [tracker, levels] of Object.entries(phase.levels))
          for (const [node, rssi] of Object.entries(levels)) engine.ingest({ t, node, tracker, rssi });
      out.push({ t, room: engine.update(t)[0]!.room });
    }
  }
  return out;
}

describe('presence hmm: evidence under errors correlated in time', () => {
  it('weighs a second by the correlation time: independent at 0, a sum of changes for long correlation', () => {
    expect(evidenceWeights(0)).toEqual({ level: 1, change: 0 });
    const one = evidenceWeights(1);
    const a = Math.exp(-1);
    expect(one.level).toBeCloseTo((1 - a) / (1 + a), 10);
    expect(one.change).toBeCloseTo(a / (1 + a), 10);
    // Long correlation: ≈ 1/(2τ) of each second's level, ½ of each change.
    const long = evidenceWeights(60);
    expect(long.level).toBeCloseTo(1 / 120, 3);
    expect(long.change).toBeCloseTo(0.5, 2);
    // The longer the correlation, the less a held offset counts.
    expect(evidenceWeights(3).level).toBeLessThan(one.level);
  });

  const spell: Levels = { 'kitchen-presence': -70, 'office-presence': -60, 'hall-presence': -74 };
  const trip = (correlation: number) =>
    run(
      { hmm_correlation: correlation },
      ['phone'],
      [
        { seconds: 120, levels: { phone: KITCHEN } },
        // 15 s: the body blocks the kitchen node (−8 dB) and shadowing lifts the office's (+16 dB):
        // the office leads by 10 dB.
        { seconds: 15, levels: { phone: spell } },
        { seconds: 60, levels: { phone: KITCHEN } },
      ],
    );

  it('does not move a person on a 15 s spell of −8 dB on the room’s own node (correlated, not new evidence)', () => {
    const rooms = trip(1);
    expect(rooms.filter((r) => r.t >= 20 * S).every((r) => r.room === 'kitchen')).toBe(true);
    // Counting each second of the same offset as independent evidence, the spell is a trip to the office.
    expect(trip(0).some((r) => r.room === 'office')).toBe(true);
  });

  it('sees a real move within 10 s', () => {
    const rooms = run(
      {},
      ['phone'],
      [
        { seconds: 120, levels: { phone: KITCHEN } },
        { seconds: 60, levels: { phone: OFFICE } },
      ],
    );
    const seen = rooms.find((r) => r.t >= 120 * S && r.room === 'office');
    expect(seen).toBeDefined();
    expect(seen!.t - 120 * S).toBeLessThanOrEqual(10 * S);
    expect(rooms.at(-1)!.room).toBe('office');
  });

  const WRIST: Levels = { 'kitchen-presence': -85, 'office-presence': -55, 'hall-presence': -76 };
  it('holds a watch whose readings alone point elsewhere while the phone carried along still favours the room', () => {
    const watchOnly = (pool: number) =>
      run(
        { hmm_pool: pool },
        ['phone', 'watch'],
        [
          { seconds: 120, levels: { phone: KITCHEN, watch: KITCHEN } },
          // 9 s: the watch's wrist against the office wall (its node 21 dB up, the kitchen's
          // 23 dB down); the phone still reads the kitchen.
          { seconds: 9, levels: { phone: KITCHEN, watch: WRIST } },
          { seconds: 60, levels: { phone: KITCHEN, watch: KITCHEN } },
        ],
      );
    expect(
      watchOnly(0.5)
        .filter((r) => r.t >= 20 * S)
        .every((r) => r.room === 'kitchen'),
    ).toBe(true);
    // Each device alone: the watch moves, and the person follows the last mover. (Pooled
    // evidence alone does not hold it either: the phone's sureness does.)
    expect(watchOnly(0).some((r) => r.room === 'office')).toBe(true);
  });

  it('still follows the watch when the phone stays behind (on the desk) for longer than hmm_pool_hold', () => {
    const rooms = run(
      {},
      ['phone', 'watch'],
      [
        { seconds: 120, levels: { phone: KITCHEN, watch: KITCHEN } },
        { seconds: 60, levels: { phone: KITCHEN, watch: OFFICE } },
      ],
    );
    const seen = rooms.find((r) => r.t >= 120 * S && r.room === 'office');
    expect(seen).toBeDefined();
    expect(seen!.t - 120 * S).toBeLessThanOrEqual(30 * S);
  });
});
