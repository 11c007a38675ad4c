/**
 * The nodes' part of a device's evidence (rssi / unheard / unavailable) depends only on what the
 * nodes said and on the time, never on how often `update` ran: the engine keeps it between
 * updates (engine.ts `linkView`), and this checks that a kept view is never stale. Two engines
 * get the same random readings (numbers, `unknown`, `unavailable`, gaps longer than
 * `stale_after`, the data source down); one is updated after every reading, the other only at
 * the checkpoints, where both must show the same nodes' evidence.
 */
import { describe, expect, it } from 'vitest';
import { createPresenceEngine, type Reading } from '../../../../../src/hub/presence/core/engine.js';

const nodes = ['a', 'b', 'c', 'd'].map((n) => ({ node: `${n}-presence`, room: `room-${n}` }));
const devices = [
  { tracker: 'phone', person: 'sam' },
  { tracker: 'watch', person: 'sam' },
  { tracker: 'tag', person: 'alex' },
];

/** Deterministic pseudo-random numbers in [0, 1) (Park–Miller). */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

const nodesView = (people: ReturnType<ReturnType<typeof createPresenceEngine>['update']>) =>
  people.map((p) =>
    Object.fromEntries(
      Object.entries(p.evidence).map(([tracker, e]) => [tracker, { rssi: e.rssi, unheard: e.unheard, unavailable: e.unavailable }]),
    ),
  );

describe('presence engine: the nodes part of the evidence', () => {
  for (const seed of [1, 7, 42, 1234]) {
    it(`is the same however often update runs (seed ${seed})`, () => {
      const rnd = random(seed);
      const options = { stale_after: 5 };
      const often = createPresenceEngine({ nodes, devices, options, start: 0 });
      const seldom = createPresenceEngine({ nodes, devices, options, start: 0 });
      let t = 0;
      for (let step = 0; step < 2000; step++) {
        // Mostly short steps; now and then a gap past stale_after.
        t += rnd() < 0.05 ? 4000 + rnd() * 4000 : rnd() * 400;
        const roll = rnd();
        if (roll < 0.01) {
          often.unavailable(t);
          seldom.unavailable(t);
        } else {
          const reading: Reading = {
            node: nodes[Math.floor(rnd() * nodes.length)]!.node,
            tracker: devices[Math.floor(rnd() * devices.length)]!.tracker,
            rssi: roll < 0.08 ? null : Math.round(-50 - rnd() * 45),
            t,
          };
          if (reading.rssi === null) reading.missing = roll < 0.05 ? 'unheard' : 'unavailable';
          often.ingest(reading);
          seldom.ingest(reading);
        }
        often.update(t);
        if (step % 25 === 24) {
          // Also a later time with no reading in between (nodes going stale meanwhile).
          const at = t + rnd() * 7000;
          expect(nodesView(often.update(at))).toEqual(nodesView(seldom.update(at)));
          t = at;
        }
      }
    });
  }

  it('evidence(person, now) after an update without evidence is what update(now) returns (seed 3)', () => {
    const rnd = random(3);
    const options = { stale_after: 5 };
    const full = createPresenceEngine({ nodes, devices, options, start: 0 });
    const lean = createPresenceEngine({ nodes, devices, options, start: 0 });
    let t = 0;
    let compared = 0;
    for (let step = 0; step < 1500; step++) {
      t += rnd() < 0.05 ? 4000 + rnd() * 4000 : rnd() * 400;
      const roll = rnd();
      const reading: Reading = {
        node: nodes[Math.floor(rnd() * nodes.length)]!.node,
        tracker: devices[Math.floor(rnd() * devices.length)]!.tracker,
        rssi: roll < 0.08 ? null : Math.round(-50 - rnd() * 45),
        t,
      };
      if (reading.rssi === null) reading.missing = roll < 0.05 ? 'unheard' : 'unavailable';
      full.ingest(reading);
      lean.ingest(reading);
      const people = full.update(t);
      const rooms = lean.update(t, false);
      expect(rooms.map((p) => [p.person, p.room, p.since, p.from, p.evidence])).toEqual(
        people.map((p) => [p.person, p.room, p.since, p.from, {}]),
      );
      for (const p of people) {
        expect(lean.evidence(p.person, t)).toEqual(p.evidence);
        compared++;
      }
    }
    expect(compared).toBe(1500 * 2);
    expect(lean.evidence('nobody', t)).toEqual({});
  });

  it('gives each caller its own objects', () => {
    const engine = createPresenceEngine({ nodes, devices, start: 0 });
    engine.ingest({ node: 'a-presence', tracker: 'phone', rssi: -60, t: 1000 });
    const first = engine.update(1000)[1]!.evidence.phone!;
    first.rssi['a-presence'] = 0;
    first.unheard.push('x');
    const second = engine.update(1000)[1]!.evidence.phone!;
    expect(second.rssi).toEqual({ 'a-presence': -60 });
    expect(second.unheard).toEqual([]);
  });
});
