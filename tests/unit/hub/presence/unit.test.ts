/**
 * The presence unit: an RSSI sensor's state change walks one way (state change → Reading →
 * engine → the person's room published), and a successor made by a reload that does not change
 * the engine's inputs keeps the engine: the person's room entity does not change.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { householdEntities } from '../../../../src/config/entity-ids.js';
import { loadForHub } from '../../../../src/hub/config-loading.js';
import type { HaClient, StatesCallback } from '../../../../src/hub/ha/client.js';
import type { StateChange } from '../../../../src/hub/ha/state-changes.js';
import type { HubMqtt } from '../../../../src/hub/mqtt/client.js';
import type { MqttMessage } from '../../../../src/discovery/discovery.js';
import { presenceUnit, readingOf, rssiSources } from '../../../../src/hub/presence/unit.js';
import type { Store } from '../../../../src/hub/store/store.js';
import type { UnitDeps } from '../../../../src/hub/unit.js';
import { silentLogger } from '../../../../src/log.js';

const repo = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));

const change = (entityId: string, state: string, at: number): StateChange => ({
  entityId,
  old: undefined,
  snapshot: false,
  new: { entity_id: entityId, state, attributes: {}, last_changed: new Date(at).toISOString(), last_updated: new Date(at).toISOString() },
});

async function setup() {
  const household = await loadForHub(repo('hearth.yaml'), repo('devices'), silentLogger());
  const devices = householdEntities(household);
  let now = Date.parse('2026-11-29T08:00:00Z');
  const listeners: StatesCallback[] = [];
  const published: MqttMessage[] = [];
  const deps: UnitDeps = {
    household,
    devices,
    ha: {
      state: 'connected',
      subscribeStates: (_ids: string[], cb: StatesCallback) => (listeners.push(cb), () => listeners.splice(listeners.indexOf(cb), 1)),
    } as unknown as HaClient,
    mqtt: { state: 'connected', publish: (m: MqttMessage) => (published.push(m), Promise.resolve()) } as unknown as HubMqtt,
    store: {} as Store,
    context: { prefix: 'homeassistant', baseTopic: 'hearth', version: 'test' },
    clock: { now: () => now },
    logger: silentLogger(),
  };
  const sources = rssiSources(devices);
  const feed = (room: string, rssi: number, seconds: number): void => {
    for (let i = 0; i < seconds; i++) {
      now += 1000;
      for (const s of sources) for (const l of listeners) l(change(s.entityId, String(s.room === room ? rssi : -95), now));
    }
  };
  return { household, deps, published, feed, sources };
}

describe('presence unit', () => {
  it('turns an RSSI state change into the engine reading: dBm, unheard (unknown) vs offline (unavailable), never later than now', () => {
    const source = {
      entityId: 'sensor.kitchen_presence_sam_iphone_rssi',
      device: 'kitchen-presence',
      room: 'kitchen',
      tracker: 'sam-iphone',
    };
    const now = Date.parse('2026-11-29T08:00:00Z');
    expect(readingOf(change(source.entityId, '-61', now - 500), source, now)).toEqual({
      node: 'kitchen-presence',
      tracker: 'sam-iphone',
      rssi: -61,
      t: now - 500,
    });
    expect(readingOf(change(source.entityId, 'unavailable', now + 9000), source, now)).toEqual({
      node: 'kitchen-presence',
      tracker: 'sam-iphone',
      rssi: null,
      missing: 'unavailable',
      t: now,
    });
    expect(readingOf(change(source.entityId, 'unknown', now), source, now)).toEqual({
      node: 'kitchen-presence',
      tracker: 'sam-iphone',
      rssi: null,
      missing: 'unheard',
      t: now,
    });
    expect(readingOf(change(source.entityId, '-61', now), undefined, now)).toBeUndefined();
  });

  it('a reload that leaves nodes, trackers and options alone keeps the engine: the room does not change', async () => {
    const { deps, published, feed, sources } = await setup();
    expect(sources.length).toBeGreaterThan(1);
    const first = presenceUnit.create(deps, undefined);
    first.start();
    const room = sources[0]!.room;
    feed(room, -55, 30);
    const before = first.list();
    expect(before.some((p) => p.room === room)).toBe(true);
    first.stop();
    const count = published.length;
    const second = presenceUnit.create(deps, first);
    second.start();
    // Nothing republished on start (the discovery republish after a reload is the one repeat) and
    // the same room, where a fresh engine would know nothing until new readings come in.
    expect(published.length).toBe(count);
    expect(second.list().map((p) => p.room)).toEqual(before.map((p) => p.room));
    second.stop();
  });

  it('a reload that changes the presence options starts a fresh engine (nothing known yet: no room, not away)', async () => {
    const { deps, feed, sources, household } = await setup();
    const first = presenceUnit.create(deps, undefined);
    first.start();
    feed(sources[0]!.room, -55, 30);
    first.stop();
    const changed = { ...household, config: { ...household.config, presence: { ...household.config.presence, away_after: 99 } } };
    const second = presenceUnit.create({ ...deps, household: changed as typeof household }, first);
    second.start();
    expect(second.list().every((p) => p.room === null && p.home === null)).toBe(true);
    second.stop();
  });
});
