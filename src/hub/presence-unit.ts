/**
 * Person presence: the I/O around the pure presence engine (src/hub/presence/). Subscribes
 * to every presence node's RSSI sensors, feeds the readings to the engine with the clock,
 * and publishes per person `sensor.<person>_room` (room or `away`, evidence in attributes)
 * and a BLE `device_tracker` (home / not_home) through MQTT.
 */
import type { Household } from '../config/household.js';
import type { DeviceEntities } from '../esphome/entity-ids.js';
import type { Logger } from '../log.js';
import { MAX_TIMER_MS, type Clock } from './clock.js';
import type { HaClient, Unsubscribe } from './ha/client.js';
import type { StateChange } from './ha/entities.js';
import type { Metrics } from './metrics.js';
import type { HubMqtt } from './mqtt/client.js';
import {
  personAttributesTopic,
  personRoomTopic,
  personTrackerTopic,
  stateMessage,
  type DiscoveryContext,
} from './mqtt/discovery.js';
import { createPresenceEngineAdapter, type PersonRoom } from './presence-adapter.js';
import { readingFromState } from './presence/engine.js';

export interface PresenceUnitDeps {
  household: Household;
  devices: DeviceEntities[];
  ha: HaClient;
  mqtt: HubMqtt;
  context: DiscoveryContext;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
}

export interface PresenceUnit {
  start(): void;
  stop(): void;
  list(): PersonRoom[];
  /** Publishes every person's state; the hub calls it after discovery (each MQTT connect). */
  publishAll(): void;
}

/** RSSI sensor entity → the node's room and the tracker. */
export interface RssiSource {
  entityId: string;
  device: string;
  room: string;
  tracker: string;
}

export function rssiSources(devices: readonly DeviceEntities[]): RssiSource[] {
  return devices.flatMap((d) =>
    d.kind === 'presence-node' && d.room
      ? d.entities
          .filter((e) => e.role === 'rssi' && e.tracker)
          .map((e) => ({ entityId: e.entityId, device: d.device, room: d.room!, tracker: e.tracker! }))
      : [],
  );
}

export function createPresenceUnit(deps: PresenceUnitDeps): PresenceUnit {
  const log = deps.logger.child({ unit: 'presence' });
  const sources = new Map(rssiSources(deps.devices).map((s) => [s.entityId, s]));
  const engine = createPresenceEngineAdapter(deps.household, deps.devices, deps.clock.now(), deps.household.config.presence);
  const published = new Map<string, string>();
  const unsubs: Unsubscribe[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;

  const publishPerson = (p: PersonRoom, force = false): void => {
    // Nothing known yet: publish nothing (HA keeps the retained state), never `away`.
    if (p.room === null) return;
    const key = JSON.stringify([p.room, p.home]);
    if (!force && published.get(p.person) === key) return;
    if (deps.mqtt.state !== 'connected') return;
    published.set(p.person, key);
    const ctx = deps.context;
    void deps.mqtt.publish(stateMessage(personAttributesTopic(ctx, p.person), { room: p.room, ...p.evidence })).catch(() => {});
    void deps.mqtt.publish(stateMessage(personRoomTopic(ctx, p.person), p.room)).catch(() => {});
    void deps.mqtt.publish(stateMessage(personTrackerTopic(ctx, p.person), p.home ? 'home' : 'not_home')).catch(() => {});
  };

  const update = (force = false): void => {
    // HA down: nothing is known from any node (rooms are held, nobody goes away for it).
    if (deps.ha.state !== 'connected') engine.unavailable(deps.clock.now());
    for (const p of engine.rooms(deps.clock.now())) {
      const before = published.get(p.person);
      publishPerson(p, force);
      if (before !== published.get(p.person)) log.info({ person: p.person, room: p.room }, 'room');
    }
  };

  const schedule = (): void => {
    clearTimeout(timer);
    if (stopped) return;
    const now = deps.clock.now();
    const at = engine.nextWakeup(now);
    timer = setTimeout(() => {
      update();
      schedule();
    }, Math.min(MAX_TIMER_MS, Math.max(250, (at ?? now + 5000) - now)));
  };

  const onRssi = (change: StateChange): void => {
    const source = sources.get(change.entityId);
    if (!source) return;
    const parsed = change.new ? Date.parse(change.new.last_updated) : NaN;
    const at = Number.isFinite(parsed) ? Math.min(parsed, deps.clock.now()) : deps.clock.now();
    // A number, `unknown` (not heard), `unavailable` (node offline; also a removed entity), or
    // impossible (dropped and counted by the engine): presence/reading.ts.
    const r = readingFromState(source.device, source.tracker, change.new?.state ?? 'unavailable', at);
    engine.reading({ node: source.device, room: source.room, tracker: source.tracker, rssi: r.rssi ?? undefined, ...(r.missing ? { missing: r.missing } : {}), at });
    update();
    schedule();
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      if (sources.size) unsubs.push(deps.ha.subscribeStates([...sources.keys()], onRssi));
      update(true);
      schedule();
      log.info({ sensors: sources.size, people: deps.household.config.people.length }, 'presence started');
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      for (const u of unsubs.splice(0)) u();
    },
    list: () => engine.rooms(deps.clock.now()),
    publishAll: () => update(true),
  };
}
