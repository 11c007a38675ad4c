import { describe, expect, it } from 'vitest';
import { AWAY, createPresenceEngine, presenceOptions, type Reading } from '../../../../../src/hub/presence/core/engine.js';
import { type PrintStat, printScore } from '../../../../../src/hub/presence/core/fingerprints.js';

const nodes = [
  { node: 'kitchen-presence', room: 'kitchen' },
  { node: 'office-presence', room: 'office' },
  { node: 'hall-presence', room: 'hall' },
];
const devices = [{ tracker: 'phone', person: 'sam' }];
const S = 1000;

type Engine = ReturnType<typeof createPresenceEngine>;

/** Readings every 2 s from `from` to `to` (a missing node: not sent); returns the room after each update. */
function feed(engine: Engine, from: number, to: number, rssi: Record<string, number>): { t: number; room: string | null }[] {
  const rooms: { t: number; room: string | null }[] = [];
  for (let t = from; t <= to; t += 2 * S) {
    for (const [node, value] of Object.entries(rssi)) engine.ingest({ t, node, tracker: 'phone', rssi: value } satisfies Reading);
    rooms.push({ t, room: engine.update(t)[0]!.room });
    // Between reports, the hub still updates every second.
    rooms.push({ t: t + S, room: engine.update(t + S)[0]!.room });
  }
  return rooms;
}

const hmm = () => createPresenceEngine({ nodes, devices, options: { estimator: 'hmm' }, start: 0 });

describe('presence engine, estimator hmm (forward filter over rooms)', () => {
  it('is the default and parsed from hearth.yaml', () => {
    expect(presenceOptions.parse({}).estimator).toBe('hmm');
    expect(presenceOptions.parse({ estimator: 'evidence' }).estimator).toBe('evidence');
    expect(presenceOptions.parse({ estimator: 'hmm', hmm_threshold: 4 })).toMatchObject({ estimator: 'hmm', hmm_threshold: 4 });
    expect(() => presenceOptions.parse({ estimator: 'viterbi' })).toThrow();
  });

  it('follows a clear move within 10 s and shows each room’s probability in the evidence', () => {
    const engine = hmm();
    feed(engine, 0, 60 * S, { 'kitchen-presence': -60, 'office-presence': -75, 'hall-presence': -72 });
    expect(engine.update(60 * S)[0]!.room).toBe('kitchen');
    const after = feed(engine, 62 * S, 100 * S, { 'kitchen-presence': -76, 'office-presence': -60, 'hall-presence': -72 });
    const moved = after.find((r) => r.room === 'office');
    expect(moved).toBeDefined();
    expect(moved!.t - 62 * S).toBeLessThanOrEqual(10 * S);
    const evidence = engine.update(100 * S)[0]!.evidence['phone']!;
    expect(evidence.room).toBe('office');
    expect(evidence.posterior!['office']).toBeGreaterThan(90);
    expect(evidence.posterior!['kitchen'] ?? 0).toBeLessThan(5);
  });

  it('does not move on a neighbour leading for 4 s (one body turn, a shadowing dip)', () => {
    const engine = hmm();
    feed(engine, 0, 60 * S, { 'kitchen-presence': -60, 'office-presence': -75, 'hall-presence': -72 });
    const burst = feed(engine, 62 * S, 66 * S, { 'kitchen-presence': -70, 'office-presence': -64, 'hall-presence': -72 });
    const back = feed(engine, 68 * S, 120 * S, { 'kitchen-presence': -60, 'office-presence': -75, 'hall-presence': -72 });
    expect([...burst, ...back].every((r) => r.room === 'kitchen')).toBe(true);
  });

  it('learns each room’s fingerprint while sure, and holds the room when only the strongest node says otherwise', () => {
    const kitchen = { 'kitchen-presence': -60, 'office-presence': -75, 'hall-presence': -68 };
    const hall = { 'kitchen-presence': -70, 'office-presence': -72, 'hall-presence': -55 };
    const office = { 'kitchen-presence': -76, 'office-presence': -58, 'hall-presence': -88 };
    // Still in the kitchen: its own node dips 8 dB (the body towards it) and the office node
    // gains 12 dB (shadowing) for 30 s, so the office leads the strongest-node view by 5 dB; the
    // hall node still reads the kitchen's level, and no room's fingerprint fits better.
    const dip = { 'kitchen-presence': -68, 'office-presence': -63, 'hall-presence': -68 };
    // Seconds counted as independent (hmm_correlation 0), so that only the fingerprints hold it.
    const run = (fingerprint: number): (string | null)[] => {
      const engine = createPresenceEngine({
        nodes,
        devices,
        options: { estimator: 'hmm', hmm_fingerprint: fingerprint, hmm_correlation: 0 },
        start: 0,
      });
      feed(engine, 0, 90 * S, kitchen);
      feed(engine, 92 * S, 180 * S, hall);
      feed(engine, 182 * S, 270 * S, office);
      feed(engine, 272 * S, 360 * S, kitchen);
      expect(engine.update(360 * S)[0]!.room).toBe('kitchen');
      return feed(engine, 362 * S, 392 * S, dip).map((r) => r.room);
    };
    expect(run(3).every((room) => room === 'kitchen')).toBe(true);
    // Without fingerprints, the same dip moves the device (what the fingerprints are for).
    expect(run(0)).toContain('office');
  });

  it('scores an observation against a fingerprint: near the means beats far from them; none without one', () => {
    const stats = new Map<string, PrintStat>([
      ['a', { n: 100, mean: -60, v: 4 }],
      ['b', { n: 100, mean: -80, v: 4 }],
    ]);
    const near = printScore(
      stats,
      new Map([
        ['a', -61],
        ['b', -79],
      ]),
      -100,
    )!;
    const far = printScore(
      stats,
      new Map([
        ['a', -80],
        ['b', -60],
      ]),
      -100,
    )!;
    expect(near).toBeGreaterThan(far);
    // Each node's z is clipped: one wildly odd node costs at most 4.5 (z = 3).
    expect(far).toBeGreaterThanOrEqual(-4.5);
    expect(printScore(undefined, new Map([['a', -60]]), -100)).toBeUndefined();
    // Too few samples: not used.
    expect(printScore(new Map([['a', { n: 3, mean: -60, v: 4 }]]), new Map([['a', -60]]), -100)).toBeUndefined();
  });

  it('counts a node that is up and does not hear the device as far, not as absent', () => {
    const engine = hmm();
    feed(engine, 0, 60 * S, { 'kitchen-presence': -60, 'office-presence': -85, 'hall-presence': -75 });
    // The kitchen node stops hearing the device (unknown); the office node now hears it best.
    engine.ingest({ t: 62 * S, node: 'kitchen-presence', tracker: 'phone', rssi: null, missing: 'unheard' });
    const after = feed(engine, 62 * S, 90 * S, { 'office-presence': -66, 'hall-presence': -75 });
    expect(after.at(-1)!.room).toBe('office');
  });

  it('pools the emissions of a phone and a watch carried together: both move sooner than either alone', () => {
    const two = [
      { tracker: 'phone', person: 'sam' },
      { tracker: 'watch', person: 'sam' },
    ];
    const before = { 'kitchen-presence': -60, 'office-presence': -80, 'hall-presence': -75 };
    // A modest lead (8 dB) for the office on both devices.
    const after = { 'kitchen-presence': -74, 'office-presence': -66, 'hall-presence': -75 };
    const switchTime = (pool: number): number | undefined => {
      const engine = createPresenceEngine({ nodes, devices: two, options: { estimator: 'hmm', hmm_pool: pool }, start: 0 });
      for (let t = 0; t <= 120 * S; t += S) {
        const values = t < 60 * S ? before : after;
        if (t % (2 * S) === 0) {
          for (const tracker of ['phone', 'watch'])
            for (const [node, rssi] of Object.entries(values)) engine.ingest({ t, node, tracker, rssi });
        }
        const out = engine.update(t)[0]!;
        // Both devices there (the second follows within a second: once the first has moved, it
        // is no longer a companion that holds it).
        if (t >= 60 * S && out.evidence['phone']!.room === 'office' && out.evidence['watch']!.room === 'office') {
          expect(out.room).toBe('office');
          return t - 60 * S;
        }
      }
      return undefined;
    };
    const pooled = switchTime(0.5);
    const alone = switchTime(0);
    expect(pooled).toBeDefined();
    expect(alone).toBeDefined();
    expect(pooled!).toBeLessThan(alone!);
  });

  it('does not show the room heard through the outside wall on the way out (outside is likelier)', () => {
    const run = (outside: number | null): (string | null)[] => {
      const engine = createPresenceEngine({ nodes, devices, options: { estimator: 'hmm', hmm_outside_rssi: outside }, start: 0 });
      feed(engine, 0, 60 * S, { 'hall-presence': -60, 'kitchen-presence': -82, 'office-presence': -84 });
      // Out of the front door and along the kitchen's outside wall: the hall and office nodes
      // hear nothing more (they send nothing: stale after 10 s), the kitchen node hears it weakly.
      const seen = feed(engine, 62 * S, 86 * S, { 'kitchen-presence': -90 }).map((r) => r.room);
      engine.ingest({ t: 88 * S, node: 'kitchen-presence', tracker: 'phone', rssi: null, missing: 'unheard' });
      seen.push(engine.update(130 * S)[0]!.room);
      return seen;
    };
    const withOutside = run(-85);
    expect(withOutside).not.toContain('kitchen');
    expect(withOutside.at(-1)).toBe(AWAY);
    // Without the outside state, the kitchen wins on the way out.
    expect(run(null)).toContain('kitchen');
  });

  it('coming home, a room heard only as weakly as from outside is not the first room until a node hears more', () => {
    const engine = createPresenceEngine({ nodes, devices, options: { estimator: 'hmm', away_after: 30 }, start: 0 });
    feed(engine, 0, 20 * S, { 'hall-presence': -60 });
    expect(engine.update(60 * S)[0]!.room).toBe(AWAY);
    // Walking up to the house past the kitchen's outside wall: the kitchen hears it at −90 dBm.
    const outside = feed(engine, 100 * S, 120 * S, { 'kitchen-presence': -90 });
    expect(outside.every((r) => r.room === AWAY)).toBe(true);
    // In through the front door: the hall hears it well.
    const inside = feed(engine, 122 * S, 140 * S, { 'hall-presence': -62, 'kitchen-presence': -84 });
    expect(inside.at(-1)!.room).toBe('hall');
  });
});
