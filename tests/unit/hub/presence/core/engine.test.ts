import { describe, expect, it } from 'vitest';
import {
  AWAY,
  createPresenceEngine,
  DEFAULT_PRESENCE_OPTIONS,
  presenceOptions,
  type Reading,
} from '../../../../../src/hub/presence/core/engine.js';

const nodes = [
  { node: 'kitchen-presence', room: 'kitchen' },
  { node: 'office-presence', room: 'office' },
  { node: 'bedroom-presence', room: 'bedroom', rssi_offset: 6 },
];
const devices = [
  { tracker: 'phone', person: 'sam' },
  { tracker: 'watch', person: 'sam' },
];

/** Feeds readings every `every` ms from `from` to `to`, updating after each; returns the last output. */
function feed(
  engine: ReturnType<typeof createPresenceEngine>,
  from: number,
  to: number,
  rssi: Record<string, Record<string, number | undefined>>,
  every = 2000,
) {
  let out = engine.update(from);
  for (let t = from; t <= to; t += every) {
    for (const [tracker, byNode] of Object.entries(rssi)) {
      for (const [node, value] of Object.entries(byNode)) {
        if (value !== undefined) engine.ingest({ t, node, tracker, rssi: value } satisfies Reading);
      }
    }
    out = engine.update(t);
  }
  return out[0]!;
}

const S = 1000;

describe('presence engine', () => {
  it('has sensible defaults, parseable from hearth.yaml durations', () => {
    expect(presenceOptions.parse({})).toEqual(DEFAULT_PRESENCE_OPTIONS);
    expect(presenceOptions.parse({ away_after: '2m', switch_margin: 6 })).toMatchObject({ away_after: 120, switch_margin: 6 });
    expect(() => presenceOptions.parse({ away_after: 'soon' })).toThrow();
  });

  it('places a device in the room of its strongest node, with evidence', () => {
    const engine = createPresenceEngine({ nodes, devices: [devices[0]!], start: 0 });
    const out = feed(engine, 0, 10 * S, { phone: { 'kitchen-presence': -60, 'office-presence': -80 } });
    expect(out).toMatchObject({ person: 'sam', room: 'kitchen', from: 'phone' });
    expect(out.evidence['phone']).toMatchObject({ room: 'kitchen', rssi: { 'kitchen-presence': -60, 'office-presence': -80 } });
  });

  it('does not flap between two rooms at equal RSSI (hysteresis), even with noise', () => {
    const engine = createPresenceEngine({ nodes, devices: [devices[0]!], start: 0 });
    feed(engine, 0, 10 * S, { phone: { 'kitchen-presence': -60, 'office-presence': -75 } });
    let t = 12 * S;
    const seen = new Set<string | null>();
    // ±3 dB alternating noise around equal levels for ten minutes.
    for (let i = 0; i < 300; i++, t += 2 * S) {
      const jitter = i % 2 === 0 ? 3 : -3;
      engine.ingest({ t, node: 'kitchen-presence', tracker: 'phone', rssi: -70 + jitter });
      engine.ingest({ t, node: 'office-presence', tracker: 'phone', rssi: -70 - jitter });
      seen.add(engine.update(t)[0]!.room);
    }
    expect([...seen]).toEqual(['kitchen']);
  });

  it('switches when a challenger clearly leads, within a few seconds', () => {
    const engine = createPresenceEngine({ nodes, devices: [devices[0]!], start: 0 });
    feed(engine, 0, 20 * S, { phone: { 'kitchen-presence': -60, 'office-presence': -80 } });
    let switchedAt: number | undefined;
    for (let t = 22 * S; t <= 60 * S && switchedAt === undefined; t += 2 * S) {
      engine.ingest({ t, node: 'kitchen-presence', tracker: 'phone', rssi: -80 });
      engine.ingest({ t, node: 'office-presence', tracker: 'phone', rssi: -58 });
      if (engine.update(t)[0]!.room === 'office') switchedAt = t;
    }
    expect(switchedAt).toBeDefined();
    expect(switchedAt! - 22 * S).toBeLessThanOrEqual(10 * S);
  });

  it('applies per-node rssi offsets', () => {
    const engine = createPresenceEngine({ nodes, devices: [devices[0]!], start: 0 });
    // The bedroom node reads 6 dB low (offset +6): -66 raw is -60, stronger than the kitchen's -63.
    const out = feed(engine, 0, 10 * S, { phone: { 'kitchen-presence': -63, 'bedroom-presence': -66 } });
    expect(out.room).toBe('bedroom');
    expect(out.evidence['phone']!.rssi['bedroom-presence']).toBe(-60);
  });

  it('a node that is up and stops hearing the device counts against its room (not as offline)', () => {
    const engine = createPresenceEngine({ nodes, devices: [devices[0]!], start: 0 });
    feed(engine, 0, 10 * S, { phone: { 'kitchen-presence': -60, 'office-presence': -70 } });
    // Kitchen goes silent (ESPHome sends nothing for an interval without packets) while the
    // office keeps hearing the phone: it walked out of the kitchen's range.
    const out = feed(engine, 12 * S, 40 * S, { phone: { 'office-presence': -70 } });
    expect(out.evidence['phone']).toMatchObject({ rssi: { 'office-presence': -70 }, unheard: ['kitchen-presence'], unavailable: [] });
    expect(out.room).toBe('office');
  });

  it('holds the room when its node goes offline and the others show no movement', () => {
    const engine = createPresenceEngine({ nodes, devices: [devices[0]!], start: 0 });
    feed(engine, 0, 10 * S, { phone: { 'kitchen-presence': -60, 'office-presence': -72 } });
    engine.ingest({ t: 11 * S, node: 'kitchen-presence', tracker: 'phone', rssi: null, missing: 'unavailable' });
    const out = feed(engine, 12 * S, 300 * S, { phone: { 'office-presence': -72 } });
    expect(out.room).toBe('kitchen');
    expect(out.evidence['phone']).toMatchObject({ rssi: { 'office-presence': -72 }, unavailable: ['kitchen-presence'] });
    // Then the office signal rises clearly: the device moved.
    expect(feed(engine, 302 * S, 320 * S, { phone: { 'office-presence': -58 } }).room).toBe('office');
  });

  it('is away when no node has heard the device for away_after, and back on the next readings', () => {
    const engine = createPresenceEngine({ nodes, devices: [devices[0]!], start: 0, options: { away_after: 40 } });
    feed(engine, 0, 10 * S, { phone: { 'kitchen-presence': -60 } });
    expect(engine.update(49 * S)[0]!.room).toBe('kitchen');
    expect(engine.update(50 * S)[0]).toMatchObject({ room: AWAY, since: 50 * S });
    // One stray packet is not a homecoming; readings that decide the evidence are (seconds later).
    engine.ingest({ t: 60 * S, node: 'kitchen-presence', tracker: 'phone', rssi: -80 });
    expect(engine.update(60 * S)[0]!.room).toBe(AWAY);
    engine.ingest({ t: 62 * S, node: 'kitchen-presence', tracker: 'phone', rssi: -75 });
    expect(engine.update(62 * S)[0]!.room).toBe(AWAY);
    for (let t = 64 * S; t <= 70 * S; t += 2 * S) engine.ingest({ t, node: 'kitchen-presence', tracker: 'phone', rssi: -75 });
    expect(engine.update(70 * S)[0]!.room).toBe('kitchen');
  });

  it('a device never heard from is unknown while no node is up, and away after away_after of up nodes not hearing it', () => {
    const engine = createPresenceEngine({ nodes, devices: [devices[0]!], start: 1000 * S, options: { away_after: 30 } });
    expect(engine.update(1010 * S)[0]!.room).toBeNull();
    expect(engine.update(2000 * S)[0]!.room).toBeNull();
    engine.ingest({ t: 2000 * S, node: 'kitchen-presence', tracker: 'phone', rssi: null, missing: 'unheard' });
    expect(engine.update(2029 * S)[0]!.room).toBeNull();
    expect(engine.update(2030 * S)[0]!.room).toBe(AWAY);
  });

  it('follows the watch when the phone is left on a desk', () => {
    const engine = createPresenceEngine({ nodes, devices, start: 0 });
    // Both in the office.
    let out = feed(engine, 0, 20 * S, {
      phone: { 'office-presence': -58, 'kitchen-presence': -78 },
      watch: { 'office-presence': -62, 'kitchen-presence': -80 },
    });
    expect(out.room).toBe('office');
    // The phone stays on the desk; the watch walks to the kitchen.
    out = feed(engine, 22 * S, 60 * S, {
      phone: { 'office-presence': -58, 'kitchen-presence': -78 },
      watch: { 'office-presence': -80, 'kitchen-presence': -60 },
    });
    expect(out).toMatchObject({ room: 'kitchen', from: 'watch' });
    expect(out.evidence['phone']!.room).toBe('office');
    // Back to the office, then to the bedroom: still the watch.
    out = feed(engine, 62 * S, 100 * S, {
      phone: { 'office-presence': -58, 'kitchen-presence': -78 },
      watch: { 'office-presence': -60, 'kitchen-presence': -80 },
    });
    expect(out.room).toBe('office');
    out = feed(engine, 102 * S, 140 * S, {
      phone: { 'office-presence': -58, 'kitchen-presence': -78 },
      watch: { 'office-presence': -80, 'bedroom-presence': -66 },
    });
    expect(out).toMatchObject({ room: 'bedroom', from: 'watch' });
  });

  it('pools the evidence of a phone and a watch carried together: both move at once (estimator evidence)', () => {
    const pooled = createPresenceEngine({ nodes, devices, start: 0, options: { estimator: 'evidence' } });
    const alone = createPresenceEngine({ nodes, devices, start: 0, options: { estimator: 'evidence', group_evidence: 0 } });
    const before = {
      phone: { 'kitchen-presence': -60, 'office-presence': -80 },
      watch: { 'kitchen-presence': -62, 'office-presence': -82 },
    };
    // A modest lead (5 dB) for the office on both devices.
    const after = {
      phone: { 'kitchen-presence': -72, 'office-presence': -67 },
      watch: { 'kitchen-presence': -74, 'office-presence': -69 },
    };
    const switchTime = (engine: ReturnType<typeof createPresenceEngine>): number | undefined => {
      feed(engine, 0, 20 * S, before);
      for (let t = 22 * S; t <= 80 * S; t += 2 * S) {
        const out = feed(engine, t, t, after);
        if (out.room === 'office') {
          expect(out.evidence['phone']!.room).toBe('office');
          expect(out.evidence['watch']!.room).toBe('office');
          return t - 22 * S;
        }
      }
      return undefined;
    };
    const fast = switchTime(pooled);
    const slow = switchTime(alone);
    expect(fast).toBeDefined();
    expect(slow).toBeDefined();
    expect(fast!).toBeLessThan(slow!);
  });

  it('a watch walking back to the room it just left, with the phone now on the desk, is a move', () => {
    const engine = createPresenceEngine({ nodes, devices, start: 0 });
    const kitchen = { 'kitchen-presence': -60, 'office-presence': -80 };
    const office = { 'office-presence': -58, 'kitchen-presence': -78 };
    feed(engine, 0, 30 * S, { phone: kitchen, watch: kitchen });
    // Into the office with both; the phone is put down there.
    expect(feed(engine, 32 * S, 62 * S, { phone: office, watch: office }).room).toBe('office');
    // Back to the kitchen with the watch only, 30 s later.
    const out = feed(engine, 64 * S, 100 * S, { phone: office, watch: kitchen });
    expect(out).toMatchObject({ room: 'kitchen', from: 'watch' });
  });

  it('follows the phone out of the house while the watch charges at home', () => {
    const engine = createPresenceEngine({ nodes, devices, start: 0, options: { away_after: 40 } });
    feed(engine, 0, 20 * S, {
      phone: { 'kitchen-presence': -60 },
      watch: { 'kitchen-presence': -62 },
    });
    // The watch is put on its charger in the bedroom.
    const charging = { 'bedroom-presence': -66, 'kitchen-presence': -85 };
    let out = feed(engine, 22 * S, 60 * S, { phone: { 'kitchen-presence': -60 }, watch: charging });
    expect(out.room).toBe('bedroom');
    // The person walks off with the phone.
    out = feed(engine, 62 * S, 200 * S, { watch: charging });
    expect(out).toMatchObject({ room: AWAY, from: 'phone' });
  });
});
