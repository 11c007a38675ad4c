/**
 * Person presence: the I/O around the pure presence engine (core/engine.ts). A reading walks
 * one way: an RSSI sensor's state change (HA) → `readingOf` turns it into the engine's
 * Reading → the engine ingests it → once the turn's readings are in (a batch), the engine is
 * brought up to now and the rooms per person are published through MQTT (`sensor.<person>_room`,
 * room or `away`, evidence in attributes; a BLE `device_tracker`, home / not_home), each only
 * when it changed. While nothing is known (at start, HA down, every node unavailable) nothing is
 * published: HA keeps the last retained state, never a made-up `away`.
 */
import type { Household } from '../../config/household.js';
import type { DeviceEntities } from '../../config/entity-ids.js';
import type { Logger } from '../../log.js';
import { MAX_TIMER_MS, type Clock } from '../clock.js';
import type { HaClient, Unsubscribe } from '../ha/client.js';
import type { StateChange } from '../ha/state-changes.js';
import type { HubMqtt } from '../mqtt/client.js';
import {
  personAttributesTopic,
  personRoomTopic,
  personTrackerTopic,
  stateMessage,
  type DiscoveryContext,
} from '../../discovery/discovery.js';
import type { HubUnit, Link, UnitFactory } from '../unit.js';
import {
  AWAY,
  createPresenceEngine,
  type PersonPresence,
  type PresenceEngine,
  type PresenceNode,
  type Reading,
  type TrackedDevice,
  readingFromState,
} from './core/engine.js';

export interface PresenceUnitDeps {
  household: Household;
  devices: DeviceEntities[];
  ha: HaClient;
  mqtt: HubMqtt;
  context: DiscoveryContext;
  clock: Clock;
  logger: Logger;
}

export interface PersonRoom {
  person: string;
  /** Room id, `away`, or null while nothing is known (then nothing is published). */
  room: string | null;
  home: boolean | null;
  evidence: Record<string, unknown>;
}

/** What a successor takes over when the engine's inputs did not change (a reload of something else). */
export interface PresenceCarry {
  /** The engine's inputs (nodes, devices, options) as JSON: equal means the engine can be kept. */
  inputs: string;
  engine: PresenceEngine;
  /** Per person, the last published [room, home] as JSON. */
  published: Map<string, string>;
}

export interface PresenceUnit extends HubUnit {
  readonly name: 'presence';
  start(): void;
  stop(): void;
  list(): PersonRoom[];
  /** `mqtt`: every person's state again (after discovery, each MQTT connect). */
  onReconnect(link: Link): void;
  /** The engine and what was published, for a successor (see PresenceCarry). */
  carry(): PresenceCarry;
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

/**
 * An RSSI sensor's state change as the engine's Reading (core/reading.ts): dBm; `unknown` = the
 * node is up and did not hear the tracker; `unavailable` (or a removed entity) = the node is
 * offline; an impossible value is handed on for the engine to drop and count. The time is HA's
 * `last_updated`, never later than now. Undefined for an entity that is not an RSSI source.
 */
export function readingOf(change: StateChange, source: RssiSource | undefined, now: number): Reading | undefined {
  if (!source) return undefined;
  const parsed = change.new ? Date.parse(change.new.last_updated) : NaN;
  const at = Number.isFinite(parsed) ? Math.min(parsed, now) : now;
  return readingFromState(source.device, source.tracker, change.new?.state ?? 'unavailable', at);
}

/** The engine's inputs from the household: presence nodes (known to HA, once resolved) and tracked devices. */
function engineInputs(household: Household, devices: DeviceEntities[]): { nodes: PresenceNode[]; devices: TrackedDevice[] } {
  // The firmware already applies `rssi_offset` (an ESPHome `offset` filter), so HA's readings
  // are calibrated; adding it here again would count it twice.
  const nodes = household.devices.flatMap(({ spec }) =>
    spec.kind === 'presence-node' ? [{ node: spec.name, room: spec.room, rssi_offset: 0 }] : [],
  );
  const known = new Set(devices.filter((d) => d.kind === 'presence-node').map((d) => d.device));
  return {
    nodes: nodes.filter((n) => known.has(n.node) || known.size === 0),
    devices: household.config.trackers.map((t) => ({ tracker: t.id, person: t.person })),
  };
}

/**
 * When to look again without a new reading: `now` + 1 s (a fixed tick). The engine does not say
 * when its next time-based change falls due (a stale cutoff, the away timeout, a challenger's
 * hysteresis ending), so the unit re-evaluates every second; such a change is seen at most 1 s
 * late. Cheap: one update() per tracked device per second.
 */
const TICK_MS = 1000;

/**
 * A batch of readings spans at most this much of the clock: a reading later than that brings the
 * engine up to date first (as the tick would). Only a blocked event loop or a test's stepped
 * clock gets there; HA's readings of one turn arrive within a few ms.
 */
const BATCH_SPAN_MS = TICK_MS;

export function createPresenceUnit(deps: PresenceUnitDeps, previous?: PresenceCarry): PresenceUnit {
  const log = deps.logger.child({ unit: 'presence' });
  const { household } = deps;
  const sources = new Map(rssiSources(deps.devices).map((s) => [s.entityId, s]));
  const inputs = engineInputs(household, deps.devices);
  const options = household.config.presence;
  const inputsKey = JSON.stringify([inputs, options]);
  // The same nodes, devices and options: the engine (and what each person's entities show) goes on.
  const kept = previous?.inputs === inputsKey ? previous : undefined;
  const engine = kept?.engine ?? createPresenceEngine({ ...inputs, start: deps.clock.now(), ...(options ? { options } : {}) });
  const published = kept?.published ?? new Map<string, string>();
  const peopleWithTrackers = new Set(household.config.trackers.map((t) => t.person));
  const unsubs: Unsubscribe[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  /**
   * Readings ingested that no update has seen yet: `at` is the clock when the first came in, and
   * `flush` the update due at the end of this event-loop turn (setImmediate: after the turn's
   * websocket frames, a press among them included, were handled).
   */
  let batch: { at: number; flush: NodeJS.Immediate } | undefined;

  const people = household.config.people.filter((p) => peopleWithTrackers.has(p.id));

  /** A person's room as published (evidence in the attributes; `devices`: found's, or the engine's since its last update). */
  const personRoom = (person: string, found: PersonPresence | undefined, devices = found?.evidence): PersonRoom => {
    const room = found?.room ?? null;
    return {
      person,
      room,
      home: room === null ? null : room !== AWAY,
      evidence: {
        since: found ? new Date(found.since).toISOString() : null,
        // Nodes whose readings no BLE receiver can measure (0, +31, +127, empty): dropped.
        ignored_readings: Object.fromEntries(engine.faults().map((f) => [f.node, f.count])),
        from: found?.from ?? null,
        devices: Object.fromEntries(
          Object.entries(devices ?? {}).map(([tracker, e]) => [
            tracker,
            {
              room: e.room,
              rssi: e.rssi,
              unheard: e.unheard,
              unavailable: e.unavailable,
              challengers: e.challengers,
              ...(e.posterior ? { posterior: e.posterior } : {}),
              last_seen: e.lastSeen ? new Date(e.lastSeen).toISOString() : null,
            },
          ]),
        ),
      },
    };
  };

  const rooms = (at: number): PersonRoom[] => {
    const byPerson = new Map(engine.update(at).map((p) => [p.person, p]));
    return people.map((p) => personRoom(p.id, byPerson.get(p.id)));
  };

  /**
   * The engine updated to now; a person's entities are published when their room or home changed
   * (or `force`). The evidence is built only for who is published: this runs once per batch of
   * readings and on every tick. Every reading ingested so far is seen: the pending batch is done.
   */
  const update = (force = false): void => {
    if (batch) {
      clearImmediate(batch.flush);
      batch = undefined;
    }
    const now = deps.clock.now();
    // HA down: nothing is known from any node (rooms are held, nobody goes away for it).
    if (deps.ha.state !== 'connected') engine.unavailable(now);
    const byPerson = new Map(engine.update(now, false).map((p) => [p.person, p]));
    for (const { id } of people) {
      const found = byPerson.get(id);
      const room = found?.room ?? null;
      // Nothing known yet: publish nothing (HA keeps the retained state), never `away`.
      if (room === null) continue;
      const key = JSON.stringify([room, room !== AWAY]);
      if (!force && published.get(id) === key) continue;
      if (deps.mqtt.state !== 'connected') continue;
      const changed = published.get(id) !== key;
      published.set(id, key);
      const { evidence } = personRoom(id, found, engine.evidence(id, now));
      const ctx = deps.context;
      void deps.mqtt.publish(stateMessage(personAttributesTopic(ctx, id), { room, ...evidence })).catch(() => {});
      void deps.mqtt.publish(stateMessage(personRoomTopic(ctx, id), room)).catch(() => {});
      void deps.mqtt.publish(stateMessage(personTrackerTopic(ctx, id), room !== AWAY ? 'home' : 'not_home')).catch(() => {});
      if (changed) log.info({ person: id, room }, 'room');
    }
  };

  const schedule = (): void => {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(
      () => {
        update();
        schedule();
      },
      Math.min(MAX_TIMER_MS, TICK_MS),
    );
  };

  /** The batch's update: the engine brought up to now, what changed published, the tick restarted. */
  const flush = (): void => {
    update();
    schedule();
  };

  /**
   * State change → Reading → engine; the rooms are updated and published once per batch (the
   * readings of one event-loop turn: HA changes its sensors in bursts, many per websocket frame),
   * not once per reading: the engine driven as bench/presence.ts replays it (an instant's
   * readings, then one update), at a fraction of the work.
   */
  const onRssiChange = (change: StateChange): void => {
    const now = deps.clock.now();
    const reading = readingOf(change, sources.get(change.entityId), now);
    if (!reading) return;
    if (batch && now - batch.at >= BATCH_SPAN_MS) flush();
    engine.ingest(reading);
    batch ??= { at: now, flush: setImmediate(flush) };
  };

  return {
    name: 'presence',
    start() {
      if (!stopped) return;
      stopped = false;
      if (sources.size) unsubs.push(deps.ha.subscribeStates([...sources.keys()], onRssiChange));
      // A kept engine's people are published already: only what changed goes out.
      update(!kept);
      schedule();
      log.info({ sensors: sources.size, people: household.config.people.length, kept: kept !== undefined }, 'presence started');
    },
    stop() {
      // A batch still pending is published as it would have been at the end of the turn.
      if (batch) update();
      stopped = true;
      clearTimeout(timer);
      for (const u of unsubs.splice(0)) u();
    },
    list: () => rooms(deps.clock.now()),
    onReconnect(link) {
      if (link === 'mqtt') update(true);
    },
    carry: () => ({ inputs: inputsKey, engine, published }),
  };
}

/** Presence as a configuration-built unit: a successor keeps the engine when its inputs are unchanged. */
export const presenceUnit: UnitFactory<PresenceUnit> = {
  name: 'presence',
  create: (deps, previous) => createPresenceUnit(deps, previous?.carry()),
};
