import { describe, expect, it } from 'vitest';
import { AWAY, createPresenceEngine, fromHaState, type PresenceEngine } from '../../../../../src/hub/presence/core/engine.js';
import { adjacency } from '../../../../../src/hub/presence/core/first-room.js';

const S = 1000;
const nodes = [
  { node: 'hall-presence', room: 'hall' },
  { node: 'kitchen-presence', room: 'kitchen' },
  { node: 'office-presence', room: 'office' },
];
const phone = [{ tracker: 'phone', person: 'sam' }];

/** Readings every 2 s from `from` to `to` (ms); returns the rooms shown, in order. */
function walk(
  engine: PresenceEngine,
  from: number,
  to: number,
  rssi: (t: number) => Record<string, number | undefined>,
): (string | null)[] {
  const shown: (string | null)[] = [];
  for (let t = from; t <= to; t += S) {
    if (t % (2 * S) === 0)
      for (const [node, v] of Object.entries(rssi(t))) if (v !== undefined) engine.ingest({ t, node, tracker: 'phone', rssi: v });
    const room = engine.update(t)[0]!.room;
    if (shown.at(-1) !== room) shown.push(room);
  }
  return shown;
}

describe('HA states of an RSSI sensor', () => {
  it('are a reading, not heard, unavailable, or impossible', () => {
    expect(fromHaState('-71')).toEqual({ kind: 'reading', rssi: -71 });
    expect(fromHaState('-71.5')).toEqual({ kind: 'reading', rssi: -71.5 });
    expect(fromHaState('unknown')).toEqual({ kind: 'unheard' });
    expect(fromHaState('unavailable')).toEqual({ kind: 'unavailable' });
    for (const bad of ['0', '31', '127', '', ' ', '-3', '-200', 'nan', 'on'])
      expect(fromHaState(bad)).toEqual({ kind: 'impossible', state: bad });
  });
});

describe('the first room', () => {
  it('at start is the strongest evidence, not the node that spoke first', () => {
    const engine = createPresenceEngine({ nodes, devices: phone, start: 0 });
    // The office node reports first (its phase), weakly; the kitchen's strong readings follow.
    engine.ingest({ t: 0, node: 'office-presence', tracker: 'phone', rssi: -80 });
    engine.ingest({ t: 1 * S, node: 'office-presence', tracker: 'phone', rssi: -79 });
    expect(engine.update(1 * S)[0]!.room).toBeNull();
    const shown = walk(engine, 2 * S, 30 * S, (t) => ({ 'office-presence': -80 + (t % 4000 ? 1 : 0), 'kitchen-presence': -62 }));
    expect(shown.filter((r) => r !== null)).toEqual(['kitchen']);
  });

  it('coming home with the doors known is the entrance, not the room heard through the outside wall', () => {
    const doors: [string, string][] = [
      ['hall', 'kitchen'],
      ['hall', 'office'],
      ['hall', 'away'],
    ];
    const engine = createPresenceEngine({ nodes, devices: phone, start: 0, options: { doors } });
    walk(engine, 0, 20 * S, () => ({ 'hall-presence': -60, 'kitchen-presence': -75 }));
    // Out of the front door: nothing heard for away_after.
    expect(walk(engine, 22 * S, 80 * S, () => ({})).at(-1)).toBe(AWAY);
    // Back along the kitchen's outside wall for 8 s (the kitchen node hears the phone best)…
    const outside = walk(engine, 82 * S, 90 * S, () => ({ 'kitchen-presence': -78, 'hall-presence': -88 }));
    expect(outside).toEqual([AWAY]);
    // …then through the front door into the hall.
    const inside = walk(engine, 92 * S, 130 * S, () => ({ 'kitchen-presence': -80, 'hall-presence': -62 }));
    expect(inside.filter((r) => r !== AWAY)[0]).toBe('hall');
  });

  // The entrance alone (no other doors): what a user configures at least.
  const entrance = { doors: [['hall', AWAY]] as [string, string][] };

  it('coming home with only the entrance configured is the entrance, even where the kitchen node hears the door better', () => {
    const engine = createPresenceEngine({ nodes, devices: phone, start: 0, options: entrance });
    walk(engine, 0, 20 * S, () => ({ 'office-presence': -60, 'hall-presence': -75 }));
    expect(walk(engine, 22 * S, 80 * S, () => ({})).at(-1)).toBe(AWAY);
    // At the front door: the hall node is at the far end of the hall, the kitchen's is behind a wall next to it.
    const shown = walk(engine, 82 * S, 95 * S, () => ({ 'kitchen-presence': -74, 'hall-presence': -82, 'office-presence': -90 }));
    expect(shown.filter((r) => r !== AWAY)).toEqual(['hall']);
    // Then on into the kitchen: the evidence moves the person on from the entrance.
    const on = walk(engine, 96 * S, 140 * S, () => ({ 'kitchen-presence': -58, 'hall-presence': -85, 'office-presence': -90 }));
    expect(on.at(-1)).toBe('kitchen');
  });

  it('the entrance is shown once another room has heard the device at an inside level for 2 × fix_wait, if its own node hears nothing', () => {
    const engine = createPresenceEngine({ nodes, devices: phone, start: 0, options: entrance });
    walk(engine, 0, 20 * S, () => ({ 'office-presence': -60 }));
    walk(engine, 22 * S, 80 * S, () => ({}));
    const shown: { t: number; room: string | null }[] = [];
    for (let t = 82 * S; t <= 110 * S; t += S) {
      walk(engine, t, t, () => ({ 'kitchen-presence': -72 }));
      const room = engine.update(t)[0]!.room;
      if (shown.at(-1)?.room !== room) shown.push({ t, room });
    }
    expect(shown.map((c) => c.room)).toEqual([AWAY, 'hall']);
    expect(shown[1]!.t - 82 * S).toBeGreaterThanOrEqual(20 * S);
  });

  it('just in through the front door, the entrance holds a moment though the kitchen node by the door hears better', () => {
    const engine = createPresenceEngine({ nodes, devices: phone, start: 0, options: entrance });
    walk(engine, 0, 20 * S, () => ({ 'office-presence': -60, 'hall-presence': -75 }));
    walk(engine, 22 * S, 80 * S, () => ({}));
    // Shoes off by the door for 18 s: the kitchen node behind the wall leads the hall's by 14 dB.
    const door = walk(engine, 82 * S, 100 * S, () => ({ 'kitchen-presence': -70, 'hall-presence': -84, 'office-presence': -90 }));
    expect(door.filter((r) => r !== AWAY)).toEqual(['hall']);
  });

  it('a device the entrance hears only at an outside level is not home for the first minute', () => {
    const engine = createPresenceEngine({ nodes, devices: phone, start: 0, options: entrance });
    walk(engine, 0, 20 * S, () => ({ 'office-presence': -60 }));
    walk(engine, 22 * S, 80 * S, () => ({}));
    // Sitting in the car by the house: the hall node hears the phone through the front wall, weakly.
    expect(walk(engine, 82 * S, 135 * S, () => ({ 'hall-presence': -90 }))).toEqual([AWAY]);
  });

  it('coming home through a door nobody configured is shown through the entrance, then the room', () => {
    const doors: [string, string][] = [
      ['hall', 'kitchen'],
      ['hall', 'office'],
      ['hall', 'away'],
    ];
    const engine = createPresenceEngine({ nodes, devices: phone, start: 0, options: { doors } });
    walk(engine, 0, 20 * S, () => ({ 'kitchen-presence': -60 }));
    walk(engine, 22 * S, 80 * S, () => ({}));
    const shown = walk(engine, 82 * S, 150 * S, () => ({ 'kitchen-presence': -60, 'hall-presence': -80 }));
    expect(shown).toEqual([AWAY, 'hall', 'kitchen']);
  });

  it('without entrances, coming home waits for decided evidence: a room ahead by a few dB is not shown at once', () => {
    const engine = createPresenceEngine({ nodes, devices: phone, start: 0 });
    walk(engine, 0, 20 * S, () => ({ 'office-presence': -60, 'hall-presence': -80, 'kitchen-presence': -80 }));
    expect(walk(engine, 22 * S, 80 * S, () => ({})).at(-1)).toBe(AWAY);
    // Every node hears the device, the kitchen 4 dB ahead (through its outside wall): not decided.
    const early = walk(engine, 82 * S, 92 * S, () => ({ 'kitchen-presence': -80, 'hall-presence': -84, 'office-presence': -86 }));
    expect(early).toEqual([AWAY]);
    // In the hall, clearly: shown.
    const inside = walk(engine, 94 * S, 120 * S, () => ({ 'kitchen-presence': -80, 'hall-presence': -62, 'office-presence': -84 }));
    expect(inside.filter((r) => r !== AWAY)).toEqual(['hall']);
  });
});

describe('the floor plan', () => {
  it('doors: [[hall, away]] alone names the entrance and leaves every room next to every other', () => {
    const next = adjacency([['hall', AWAY]]);
    expect(next('kitchen', 'office')).toBe(true);
    expect(next('hall', AWAY)).toBe(true);
    expect(next('kitchen', AWAY)).toBe(false);
    const plan = adjacency([
      ['hall', 'kitchen'],
      ['hall', AWAY],
    ]);
    expect(plan('kitchen', 'office')).toBe(false);
    expect(plan('kitchen', 'hall')).toBe(true);
    expect(plan(AWAY, 'hall')).toBe(true);
    const inside = adjacency([['hall', 'kitchen']]);
    expect(inside('kitchen', AWAY)).toBe(true);
    expect(adjacency([])('kitchen', 'office')).toBe(true);
  });
});

describe('seconds-long noise', () => {
  it('a neighbour lifted 8 dB above the room for 6 s (the body turned, shadowing) is not a move', () => {
    const engine = createPresenceEngine({ nodes, devices: phone, start: 0 });
    walk(engine, 0, 60 * S, () => ({ 'kitchen-presence': -64, 'office-presence': -74 }));
    const shown = walk(engine, 62 * S, 67 * S, () => ({ 'kitchen-presence': -72, 'office-presence': -64 }));
    shown.push(...walk(engine, 68 * S, 120 * S, () => ({ 'kitchen-presence': -64, 'office-presence': -74 })));
    expect(shown.filter((r) => r !== 'kitchen')).toEqual([]);
  });

  it('a real move (old room −20 dB, new room +15 dB) is seen within 10 s', () => {
    const engine = createPresenceEngine({ nodes, devices: phone, start: 0 });
    walk(engine, 0, 60 * S, () => ({ 'kitchen-presence': -64, 'office-presence': -80 }));
    let seen: number | undefined;
    for (let t = 62 * S; t <= 90 * S && seen === undefined; t += S) {
      walk(engine, t, t, () => ({ 'kitchen-presence': -84, 'office-presence': -65 }));
      if (engine.update(t)[0]!.room === 'office') seen = t;
    }
    expect(seen! - 62 * S).toBeLessThanOrEqual(10 * S);
  });
});
