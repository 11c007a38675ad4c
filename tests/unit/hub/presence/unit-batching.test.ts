/**
 * The presence unit updates the engine and publishes once per batch of readings (one event-loop
 * turn), not once per reading. What must not change: every reading of a batch reaches the engine,
 * a change is published by the end of its turn, and the states published are those the unit
 * published when it updated after every reading (the reference here: the same unit fed one
 * reading per turn, which is exactly that).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { householdEntities } from '../../../../src/config/entity-ids.js';
import { loadForHub } from '../../../../src/hub/config-loading.js';
import type { HaClient, StatesCallback } from '../../../../src/hub/ha/client.js';
import type { StateChange } from '../../../../src/hub/ha/state-changes.js';
import type { HubMqtt } from '../../../../src/hub/mqtt/client.js';
import type { MqttMessage } from '../../../../src/discovery/discovery.js';
import type { PresenceEngine } from '../../../../src/hub/presence/core/engine.js';
import { createPresenceUnit, readingOf, rssiSources, type PresenceUnit, type PresenceUnitDeps } from '../../../../src/hub/presence/unit.js';
import { silentLogger } from '../../../../src/log.js';

const repo = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));

const change = (entityId: string, state: string, at: number): StateChange => ({
  entityId,
  old: undefined,
  snapshot: false,
  new: { entity_id: entityId, state, attributes: {}, last_changed: new Date(at).toISOString(), last_updated: new Date(at).toISOString() },
});

/** The end of this event-loop turn: a batch's update (queued before this) has run. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const household = await loadForHub(repo('hearth.yaml'), repo('devices'), silentLogger());
const devices = householdEntities(household);
const sources = rssiSources(devices);

/** A unit on a clock of the test's own; its state callback and what it published. */
function harness() {
  const clock = { t: Date.parse('2026-11-29T08:00:00Z'), now: () => clock.t };
  let listener: StatesCallback = () => {};
  const published: MqttMessage[] = [];
  const deps: PresenceUnitDeps = {
    household,
    devices,
    ha: { state: 'connected', subscribeStates: (_ids: string[], cb: StatesCallback) => ((listener = cb), () => {}) } as unknown as HaClient,
    mqtt: { state: 'connected', publish: (m: MqttMessage) => (published.push(m), Promise.resolve()) } as unknown as HubMqtt,
    context: { prefix: 'homeassistant', baseTopic: 'hearth', version: 'test' },
    clock,
    logger: silentLogger(),
  };
  return { clock, deps, published, deliver: (c: StateChange) => listener(c) };
}

/** Counts the engine's ingest and update calls (the engine itself does the work). */
function counted(engine: PresenceEngine) {
  const calls = { ingest: 0, update: 0 };
  const spy: PresenceEngine = {
    get options() {
      return engine.options;
    },
    ingest: (r) => (calls.ingest++, engine.ingest(r)),
    unavailable: (t, nodes) => engine.unavailable(t, nodes),
    faults: () => engine.faults(),
    update: (now, withEvidence) => (calls.update++, engine.update(now, withEvidence)),
    evidence: (person, now) => engine.evidence(person, now),
  };
  return { spy, calls };
}

/** A unit whose engine is counted: made as a successor that keeps a (fresh) engine. */
function countedUnit(deps: PresenceUnitDeps): { unit: PresenceUnit; calls: { ingest: number; update: number } } {
  const carry = createPresenceUnit(deps).carry();
  const { spy, calls } = counted(carry.engine);
  return { unit: createPresenceUnit(deps, { ...carry, engine: spy }), calls };
}

/** Sam's walk, second by second: every node's RSSI of Sam's trackers (`unknown`: not heard). */
function walk(): Map<string, string>[] {
  const rooms = [...new Set(sources.map((s) => s.room))];
  const [first, second] = [rooms[0]!, rooms[1]!];
  const plan: (string | null)[] = [
    ...Array<string>(20).fill(first),
    ...Array<string>(25).fill(second),
    ...Array<null>(Math.ceil(household.config.presence?.away_after ?? 120) + 10).fill(null),
    ...Array<string>(20).fill(first),
  ];
  return plan.map((room, s) => {
    const states = new Map<string, string>();
    for (const src of sources)
      states.set(src.entityId, room === null ? 'unknown' : String(src.room === room ? -58 - (s % 3) : -84 - ((s * 7) % 5)));
    return states;
  });
}

const personTopics = (m: MqttMessage): boolean => /\/person\/[^/]+\/(room|tracker)$/.test(m.topic);

describe('presence unit: one update per batch of readings', () => {
  it('ingests every reading of a batch and updates once, at the end of the turn', async () => {
    const { deps, deliver, clock } = harness();
    const { unit, calls } = countedUnit(deps);
    unit.start();
    const atStart = calls.update;
    for (const s of sources) deliver(change(s.entityId, '-60', clock.t));
    // Every reading ingested now; the update waits for the end of the turn.
    expect(calls.ingest).toBe(sources.length);
    expect(calls.update).toBe(atStart);
    await turn();
    expect(calls.update).toBe(atStart + 1);
    // Each node's reading is in the evidence of each tracker it heard.
    const evidence = unit.list().flatMap((p) => Object.values(p.evidence.devices as Record<string, { rssi: Record<string, number> }>));
    for (const e of evidence) expect(Object.keys(e.rssi).sort()).toEqual([...new Set(sources.map((s) => s.device))].sort());
    unit.stop();
  });

  it("publishes the rooms of the engine driven as the benches drive it (an instant's readings, then one update)", async () => {
    const h = harness();
    const unit = createPresenceUnit(h.deps);
    // The reference: a fresh engine with the unit's inputs, driven by hand like bench/lib/presence/evaluate.ts.
    const engine = createPresenceUnit(h.deps).carry().engine;
    const bySensor = new Map(sources.map((s) => [s.entityId, s]));
    unit.start();
    engine.update(h.clock.t);
    const expected: string[] = [];
    const shown: string[] = [];
    let room: string | null = null;
    for (const [s, states] of walk().entries()) {
      h.clock.t += 1000;
      for (const [entityId, state] of states) {
        const c = change(entityId, state, h.clock.t);
        h.deliver(c);
        engine.ingest(readingOf(c, bySensor.get(entityId), h.clock.t)!);
      }
      const now = engine.update(h.clock.t)[0]!.room;
      if (now !== room && now !== null) expected.push(`${s}: ${now}`);
      room = now;
      await turn();
      shown.push(
        ...h.published
          .splice(0)
          .filter((m) => m.topic.endsWith('/room'))
          .map((m) => `${s}: ${m.payload}`),
      );
      // What each node said of each tracker (filtered RSSI, unheard): every reading counted.
      const devices = unit.list()[0]!.evidence.devices as Record<string, { rssi: unknown; unheard: unknown }>;
      const reference = engine.update(h.clock.t)[0]!.evidence;
      for (const [tracker, e] of Object.entries(reference)) expect(devices[tracker]).toMatchObject({ rssi: e.rssi, unheard: e.unheard });
    }
    unit.stop();
    // The walk was seen: both rooms, away and back.
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect(expected.some((l) => l.endsWith('away'))).toBe(true);
    expect(shown).toEqual(expected);
  });

  it('shows the rooms an update after every reading showed, in the same order and at most a second apart', async () => {
    const batched = harness();
    const each = harness();
    const a = createPresenceUnit(batched.deps);
    const b = createPresenceUnit(each.deps);
    a.start();
    b.start();
    const shown = { batched: [] as [number, string][], each: [] as [number, string][] };
    const take = (from: MqttMessage[], s: number): [number, string][] =>
      from
        .splice(0)
        .filter((m) => m.topic.endsWith('/room'))
        .map((m) => [s, m.payload]);
    for (const [s, states] of walk().entries()) {
      batched.clock.t += 1000;
      each.clock.t += 1000;
      // The batch: the second's readings in one turn, as HA's frames bring them.
      for (const [entityId, state] of states) batched.deliver(change(entityId, state, batched.clock.t));
      await turn();
      // As before batching: one reading per turn, so an update after each.
      for (const [entityId, state] of states) {
        each.deliver(change(entityId, state, each.clock.t));
        await turn();
      }
      shown.batched.push(...take(batched.published, s));
      shown.each.push(...take(each.published, s));
    }
    a.stop();
    b.stop();
    expect(shown.each.length).toBeGreaterThanOrEqual(4);
    expect(shown.batched.map(([, r]) => r)).toEqual(shown.each.map(([, r]) => r));
    for (const [i, [s]] of shown.batched.entries()) expect(Math.abs(s - shown.each[i]![0])).toBeLessThanOrEqual(1);
  });

  it('a batch spans at most a second of the clock: a later reading brings the engine up to date first', async () => {
    const { deps, deliver, clock } = harness();
    const { unit, calls } = countedUnit(deps);
    unit.start();
    const atStart = calls.update;
    for (let s = 0; s < 5; s++) {
      clock.t += 1000;
      for (const src of sources) deliver(change(src.entityId, '-60', clock.t));
    }
    // Five seconds of readings in one turn (a stepped clock): four updates before the turn ends.
    expect(calls.update).toBe(atStart + 4);
    await turn();
    expect(calls.update).toBe(atStart + 5);
    expect(calls.ingest).toBe(5 * sources.length);
    unit.stop();
  });

  it('publishes a pending batch when stopped, and nothing after', async () => {
    const room = sources[0]!.room;
    const feed = (h: ReturnType<typeof harness>): void => {
      h.clock.t += 1000;
      for (const src of sources) h.deliver(change(src.entityId, String(src.room === room ? -55 : -90), h.clock.t));
    };
    // First run: the second whose batch publishes the first room.
    const first = harness();
    const a = createPresenceUnit(first.deps);
    a.start();
    let due = -1;
    for (let s = 0; s < 60 && due < 0; s++) {
      feed(first);
      await turn();
      if (first.published.some(personTopics)) due = s;
    }
    a.stop();
    expect(due).toBeGreaterThan(0);
    // Second run, the same readings: stopped with that second's batch still pending.
    const second = harness();
    const b = createPresenceUnit(second.deps);
    b.start();
    for (let s = 0; s <= due; s++) {
      feed(second);
      if (s < due) await turn();
    }
    expect(second.published.some(personTopics)).toBe(false);
    b.stop();
    const shown = (ms: MqttMessage[]) => ms.filter(personTopics).map((m) => `${m.topic}=${m.payload}`);
    expect(shown(second.published)).toEqual(shown(first.published));
    expect(shown(second.published)).toContain(`hearth/person/sam/room=${room}`);
    const atStop = second.published.length;
    await turn();
    expect(second.published.length).toBe(atStop);
  });
});
