/**
 * Fingerprints (fingerprints.ts), when the forward filter learns them, and a node gone quiet
 * (hmm.ts `silentValue`): what the filter's emission is built from.
 */
import { describe, expect, it } from 'vitest';
import { createPresenceEngine } from '../../../../../src/hub/presence/core/engine.js';
import {
  commonOffset,
  learnPrint,
  MEMORY,
  MIN_SAMPLES,
  OFFSET_PRIOR,
  printScore,
  type Prints,
} from '../../../../../src/hub/presence/core/fingerprints.js';
import { seedHmm, SILENCE_GRACE, SILENCE_SLOPE, silentValue, stepHmm } from '../../../../../src/hub/presence/core/hmm.js';
import { type DeviceContext, ingestReading, type Link, newDevice } from '../../../../../src/hub/presence/core/device.js';
import { DEFAULT_PRESENCE_OPTIONS } from '../../../../../src/config/presence-options.js';

const S = 1000;

/** Samples `from`…`to − 1` of the kitchen: its node alternating −58/−62 dBm, the office node at −80. */
function learnKitchen(prints: Prints, from: number, to: number): void {
  for (let k = from; k < to; k++)
    learnPrint(
      prints,
      'kitchen',
      new Map([
        ['kitchen-presence', k % 2 ? -58 : -62],
        ['office-presence', -80],
      ]),
    );
}

describe('fingerprints', () => {
  it('learns each node’s mean and spread in a room, and uses them only after MIN_SAMPLES', () => {
    const prints: Prints = new Map();
    // The kitchen node alternates −58/−62 (mean −60, sd 2); the office node reads −80.
    learnKitchen(prints, 0, MIN_SAMPLES - 1);
    const here = new Map([
      ['kitchen-presence', -60],
      ['office-presence', -80],
    ]);
    expect(printScore(prints.get('kitchen'), here, -100)).toBeUndefined();
    learnKitchen(prints, MIN_SAMPLES - 1, 100);
    const kitchen = prints.get('kitchen')!.get('kitchen-presence')!;
    expect(kitchen.n).toBe(100);
    expect(kitchen.mean).toBeCloseTo(-60, 0);
    expect(Math.sqrt(kitchen.v)).toBeGreaterThan(1.5);
    expect(Math.sqrt(kitchen.v)).toBeLessThan(2.5);
    expect(prints.get('kitchen')!.get('office-presence')!.mean).toBeCloseTo(-80, 5);
    // Where it was learned fits (z = 0 on every node); the office's look does not.
    expect(printScore(prints.get('kitchen'), here, -100)).toBeCloseTo(0, 1);
    const office = new Map([
      ['kitchen-presence', -80],
      ['office-presence', -60],
    ]);
    expect(printScore(prints.get('kitchen'), office, -100)!).toBeLessThan(-2);
  });

  it('scores the shape, not the level: the same look 8 dB weaker (a watch, a pocket) still fits', () => {
    const stats = new Map([
      ['kitchen-presence', { n: 100, mean: -60, v: 4 }],
      ['office-presence', { n: 100, mean: -80, v: 4 }],
      ['hall-presence', { n: 100, mean: -97, v: 4 }],
    ]);
    const weaker = new Map([
      ['kitchen-presence', -68],
      ['office-presence', -88],
      ['hall-presence', -100],
    ]);
    // Two heard nodes 8 dB down: 2/3 of it is taken as common (OFFSET_PRIOR 1), 2.7 dB left each.
    expect(commonOffset(stats, weaker, -100)).toBeCloseTo(-16 / (2 + OFFSET_PRIOR), 5);
    // Scored as its level alone, 8 dB off each node would cost −0.4 (z = 8/9); the hall node,
    // not heard, is scored as it reads (z = 3/9).
    const score = printScore(stats, weaker, -100)!;
    expect(score).toBeGreaterThan(-0.1);
    // The office's look at the same level does not fit: the shape is what tells rooms apart.
    const office = new Map([
      ['kitchen-presence', -88],
      ['office-presence', -68],
      ['hall-presence', -100],
    ]);
    expect(printScore(stats, office, -100)!).toBeLessThan(-1.5);
  });

  it('follows a room whose look changed (a node moved) within its memory', () => {
    const prints: Prints = new Map();
    for (let k = 0; k < 2 * MEMORY; k++) learnPrint(prints, 'kitchen', new Map([['kitchen-presence', -60]]));
    for (let k = 0; k < 2 * MEMORY; k++) learnPrint(prints, 'kitchen', new Map([['kitchen-presence', -70]]));
    expect(prints.get('kitchen')!.get('kitchen-presence')!.mean).toBeLessThan(-68);
  });
});

describe('a node gone quiet (throttle_average sends nothing for an interval without a packet)', () => {
  const link = (gap: number | undefined, last: number): Link & { filter: { last: number } } => ({
    up: true,
    changed: 0,
    ...(gap === undefined ? {} : { gap }),
    filter: { x: -60, p: 4, last, count: 10 },
  });

  it('holds its value while a report is not overdue, then falls towards the floor', () => {
    const l = link(2 * S, 100 * S);
    expect(silentValue(l, -60, 100 * S + SILENCE_GRACE * 2 * S, -100)).toBe(-60);
    expect(silentValue(l, -60, 100 * S + SILENCE_GRACE * 2 * S + 2 * S, -100)).toBeCloseTo(-60 - 2 * SILENCE_SLOPE, 5);
    expect(silentValue(l, -60, 100 * S + 60 * S, -100)).toBe(-100);
    // Its usual gap not known yet (one report so far): no judgement.
    expect(silentValue(link(undefined, 100 * S), -60, 108 * S, -100)).toBe(-60);
  });

  it('lets a person who walked out of the old node’s range be seen in the next room before stale_after', () => {
    const nodes = [
      { node: 'kitchen-presence', room: 'kitchen' },
      { node: 'office-presence', room: 'office' },
      { node: 'hall-presence', room: 'hall' },
    ];
    const engine = createPresenceEngine({ nodes, devices: [{ tracker: 'phone', person: 'sam' }], options: { stale_after: 20 }, start: 0 });
    let seen: number | undefined;
    for (let t = 0; t <= 120 * S; t += S) {
      if (t % (2 * S) === 0) {
        // In the kitchen, then in the office: the kitchen node hears nothing more and sends
        // nothing; the office node hears the phone at −66, below the kitchen's last −60.
        const levels: Record<string, number> =
          t < 60 * S
            ? { 'kitchen-presence': -60, 'office-presence': -80, 'hall-presence': -75 }
            : { 'office-presence': -66, 'hall-presence': -78 };
        for (const [node, rssi] of Object.entries(levels)) engine.ingest({ t, node, tracker: 'phone', rssi });
      }
      const room = engine.update(t)[0]!.room;
      if (t === 58 * S) expect(room).toBe('kitchen');
      if (t >= 60 * S && room === 'office' && seen === undefined) seen = t - 60 * S;
    }
    expect(seen).toBeDefined();
    // Holding the kitchen's last value until stale_after (20 s) would take longer than that.
    expect(seen!).toBeLessThan(15 * S);
  });
});

describe('learning a room’s fingerprint (hmm.ts)', () => {
  const nodes: Record<string, string> = { 'kitchen-presence': 'kitchen', 'office-presence': 'office', 'hall-presence': 'hall' };
  const rooms = ['hall', 'kitchen', 'office'];
  const ctx: DeviceContext = {
    options: DEFAULT_PRESENCE_OPTIONS,
    filter: { noise: DEFAULT_PRESENCE_OPTIONS.rssi_noise, motion: DEFAULT_PRESENCE_OPTIONS.motion_noise },
    roomOf: (node) => nodes[node],
    adjacent: () => true,
    rooms,
    start: 0,
  };
  const KITCHEN = { 'kitchen-presence': -60, 'office-presence': -78, 'hall-presence': -72 };

  /** 90 s of the phone in the kitchen beside a watch whose own emission favours `watchSays`; the kitchen's samples learned. */
  const learned = (watchSays: string): number => {
    const phone = newDevice('phone', 'sam', 0);
    phone.room = 'kitchen';
    const state = seedHmm('kitchen', rooms, 0);
    const watch = seedHmm('kitchen', rooms, 0);
    watch.emission = new Map(rooms.map((r) => [r, r === watchSays ? 0 : -2]));
    for (let t = 0; t <= 90 * S; t += S) {
      if (t % (2 * S) === 0) for (const [node, rssi] of Object.entries(KITCHEN)) ingestReading(phone, node, rssi, t, ctx);
      stepHmm(state, phone, t, ctx, rooms, [{ tracker: 'watch', state: watch }]);
    }
    expect(state.room).toBe('kitchen');
    return state.prints.get('kitchen')?.get('kitchen-presence')?.n ?? 0;
  };

  it('learns while sure and settled, and the watch carried along agrees', () => {
    // From 20 s (settled) to 90 s: one sample a second.
    expect(learned('kitchen')).toBeGreaterThanOrEqual(60);
  });

  it('does not learn seconds a companion in the same room disputes (no self-confirmation)', () => {
    expect(learned('office')).toBe(0);
  });
});
