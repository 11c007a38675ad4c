/**
 * User-reported presence cases (tests/fixtures/cases/presence-*), as the engine sees them: the
 * household from the case's hearth.yaml and devices, HA states turned into readings the way the
 * presence unit must (fromHaState: a number, `unknown` = not heard, `unavailable` = node
 * offline, anything else dropped), default tuning unless the case sets its own.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { loadHousehold } from '../../../../src/config/load.js';
import type { Household } from '../../../../src/config/household.js';
import { AWAY, createPresenceEngine, readingFromState, type PresenceEngine } from '../../../../src/hub/presence/core/engine.js';

const CASES = new URL('../../../fixtures/cases/', import.meta.url).pathname;

async function household(name: string): Promise<Household> {
  return loadHousehold({ configFile: `${CASES}${name}/hearth.yaml`, devicesDir: `${CASES}${name}/devices` });
}

/** Each case holds for both estimators (options.estimator). */
const ESTIMATORS = ['evidence', 'hmm'] as const;
let estimator: (typeof ESTIMATORS)[number] = 'evidence';

function engineFor(hh: Household, start = 0): PresenceEngine {
  const nodes = hh.devices.flatMap(({ spec }) => (spec.kind === 'presence-node' ? [{ node: spec.name, room: spec.room }] : []));
  return createPresenceEngine({
    nodes,
    devices: hh.config.trackers.map((t) => ({ tracker: t.id, person: t.person })),
    options: { ...hh.config.presence, estimator },
    start,
  });
}

/** One HA state of a node's RSSI sensor, as the presence unit must hand it over. */
function feedState(engine: PresenceEngine, node: string, tracker: string, state: string, t: number): void {
  engine.ingest(readingFromState(node, tracker, state, t));
}

describe.each(ESTIMATORS)('case presence-impossible-rssi (estimator %s)', (e) => {
  beforeEach(() => {
    estimator = e;
  });
  const bogus = ['0', '127', '31', '', '+31', '-0', 'NaN'];

  it.each(bogus)('a bedroom report of %j never moves Sam out of the kitchen, and the node is reported', async (value) => {
    const engine = engineFor(await household('presence-impossible-rssi'));
    const seen = new Set<string | null>();
    for (let t = 0; t <= 180_000; t += 1000) {
      if (t % 2000 === 0) {
        feedState(engine, 'kitchen-presence', 'sam-iphone', String(-62 + ((t / 2000) % 3) - 1), t);
        feedState(engine, 'office-presence', 'sam-iphone', '-85', t);
        feedState(engine, 'bedroom-presence', 'sam-iphone', t === 60_000 ? value : '-90', t);
      }
      const room = engine.update(t)[0]!.room;
      if (room !== null) seen.add(room);
    }
    expect([...seen]).toEqual(['kitchen']);
    expect(engine.faults()).toEqual([
      {
        node: 'bedroom-presence',
        count: 1,
        last: Number.isFinite(Number(value)) && value.trim() !== '' ? Number(value) : null,
        at: 60_000,
      },
    ]);
  });

  it('drops impossible numbers handed straight to the engine and reports the node that keeps sending them', async () => {
    const engine = engineFor(await household('presence-impossible-rssi'));
    const rooms = new Set<string | null>();
    for (let t = 0; t <= 120_000; t += 2000) {
      engine.ingest({ node: 'kitchen-presence', tracker: 'sam-iphone', rssi: -62, t });
      engine.ingest({ node: 'office-presence', tracker: 'sam-iphone', rssi: -85, t });
      // From 30 s on the bedroom node sends nothing but 0 / +127 (a broken node).
      engine.ingest({ node: 'bedroom-presence', tracker: 'sam-iphone', rssi: t < 30_000 ? -90 : t % 4000 ? 0 : 127, t });
      rooms.add(engine.update(t)[0]!.room);
    }
    expect([...rooms].filter((r) => r !== null)).toEqual(['kitchen']);
    expect(engine.faults()).toEqual([{ node: 'bedroom-presence', count: 46, last: 127, at: 120_000 }]);
  });

  it('one plausible but stray report from one node is not a move either', async () => {
    const engine = engineFor(await household('presence-impossible-rssi'));
    const rooms = new Set<string | null>();
    for (let t = 0; t <= 120_000; t += 1000) {
      if (t % 2000 === 0) {
        engine.ingest({ node: 'kitchen-presence', tracker: 'sam-iphone', rssi: -62, t });
        engine.ingest({ node: 'bedroom-presence', tracker: 'sam-iphone', rssi: t === 60_000 ? -35 : -90, t });
      }
      rooms.add(engine.update(t)[0]!.room);
    }
    expect([...rooms].filter((r) => r !== null)).toEqual(['kitchen']);
  });
});

describe.each(ESTIMATORS)('case presence-stuck-old-room-silent (estimator %s)', (e) => {
  beforeEach(() => {
    estimator = e;
  });
  // The bedroom node hears Sam only in the bedroom; the kitchen node everywhere, weakly from
  // upstairs. Kitchen 0–60 s, bedroom 60–120 s, then the kitchen for good.
  for (const unknownAt of [undefined, 150_000]) {
    it(`is back in the kitchen well within 20 s (${unknownAt === undefined ? 'bedroom node silent' : 'bedroom says unknown at 150 s'})`, async () => {
      const engine = engineFor(await household('presence-stuck-old-room-silent'));
      const changes: [number, string | null][] = [];
      for (let t = 0; t <= 900_000; t += 1000) {
        const where = t < 60_000 ? 'kitchen' : t < 120_000 ? 'bedroom' : 'kitchen';
        if (t % 2000 === 0) {
          const n = ((t / 2000) % 3) - 1;
          if (where === 'kitchen') feedState(engine, 'kitchen-presence', 'sam-iphone', String(-60 + n), t);
          else {
            feedState(engine, 'bedroom-presence', 'sam-iphone', String(-55 + n), t);
            feedState(engine, 'kitchen-presence', 'sam-iphone', String(-82 + n), t);
          }
        }
        if (t === unknownAt) feedState(engine, 'bedroom-presence', 'sam-iphone', 'unknown', t);
        const room = engine.update(t)[0]!.room;
        if (changes.at(-1)?.[1] !== room) changes.push([t, room]);
      }
      const bedroom = changes.find(([, r]) => r === 'bedroom');
      expect(bedroom![0]).toBeLessThan(80_000);
      const back = changes.find(([t, r]) => t >= 120_000 && r === 'kitchen');
      expect(back).toBeDefined();
      expect(back![0] - 120_000).toBeLessThan(20_000);
      expect(changes.at(-1)![1]).toBe('kitchen');
    });
  }
});

describe.each(ESTIMATORS)('case presence-no-data-is-not-away (estimator %s)', (e) => {
  beforeEach(() => {
    estimator = e;
  });
  const tracker = 'sam-iphone';
  const heard = (engine: PresenceEngine, from: number, to: number): void => {
    for (let t = from; t <= to; t += 500) {
      feedState(engine, 'kitchen-presence', tracker, String(-60 - ((t / 500) % 3)), t);
      feedState(engine, 'office-presence', tracker, String(-85 - ((t / 500) % 2)), t);
      engine.update(t);
    }
  };

  it('publishes no room (unknown, not away) before the first readings, however long they take', async () => {
    const hh = await household('presence-no-data-is-not-away');
    expect(hh.config.presence).toMatchObject({ away_after: 4 });
    const engine = engineFor(hh, 1_000);
    for (let t = 1_000; t <= 60_000; t += 500) expect(engine.update(t)[0]!.room).toBeNull();
    heard(engine, 60_500, 66_000);
    expect(engine.update(66_000)[0]!.room).toBe('kitchen');
  });

  it('holds the kitchen while HA is down and while every node is unavailable, then goes on', async () => {
    const engine = engineFor(await household('presence-no-data-is-not-away'));
    heard(engine, 0, 3_000);
    expect(engine.update(3_000)[0]!.room).toBe('kitchen');
    // HA drops: the unit tells the engine nothing is known (6 s, beyond away_after = 4 s).
    engine.unavailable(3_000);
    for (let t = 3_000; t <= 9_000; t += 100) expect(engine.update(t)[0]!.room).toBe('kitchen');
    // HA back, its RSSI sensors `unavailable` for 3 s (the ESPHome nodes not reconnected yet).
    feedState(engine, 'kitchen-presence', tracker, 'unavailable', 9_000);
    feedState(engine, 'office-presence', tracker, 'unavailable', 9_000);
    for (let t = 9_000; t <= 12_000; t += 100) expect(engine.update(t)[0]!.room).toBe('kitchen');
    heard(engine, 12_000, 15_000);
    const out = engine.update(15_000)[0]!;
    expect(out.room).toBe('kitchen');
    expect(out.evidence[tracker]).toMatchObject({ room: 'kitchen', unavailable: [], unheard: [] });
  });

  it('is away only when nodes that are up stop hearing every device', async () => {
    const engine = engineFor(await household('presence-no-data-is-not-away'));
    heard(engine, 0, 3_000);
    // The office node goes offline, the kitchen node is up and stops hearing the phone.
    feedState(engine, 'office-presence', tracker, 'unavailable', 3_500);
    feedState(engine, 'kitchen-presence', tracker, 'unknown', 3_500);
    expect(engine.update(6_000)[0]!.room).toBe('kitchen');
    const out = engine.update(7_500)[0]!;
    expect(out.room).toBe(AWAY);
    expect(out.evidence[tracker]).toMatchObject({ unheard: ['kitchen-presence'], unavailable: ['office-presence'] });
  });
});
