/**
 * The one place the presence unit meets the pure presence engine (src/hub/presence/engine.ts):
 * nodes and tracked devices from the household, readings in, rooms per person out.
 */
import type { Household } from '../config/household.js';
import type { DeviceEntities } from '../esphome/entity-ids.js';
import { AWAY, createPresenceEngine, type PresenceOptions } from './presence/engine.js';

export interface RssiReading {
  node: string;
  room: string;
  tracker: string;
  /** dBm; undefined when there is no number (see `missing`). */
  rssi: number | undefined;
  /** Why: the node did not hear the tracker (HA `unknown`), or is offline (`unavailable`, the default). */
  missing?: 'unheard' | 'unavailable';
  at: number;
}

export interface PersonRoom {
  person: string;
  /** Room id, `away`, or null while nothing is known (publish nothing then). */
  room: string | null;
  home: boolean | null;
  evidence: Record<string, unknown>;
}

export interface PresenceEngineAdapter {
  reading(r: RssiReading): void;
  /** The data source (HA) is down: nothing is known from any node from `now` on. */
  unavailable(now: number): void;
  rooms(now: number): PersonRoom[];
  /**
   * When to look again without a new reading: always `now` + 1 s (a fixed tick). The engine
   * does not say when its next time-based change falls due (a stale cutoff, the away timeout,
   * a challenger's hysteresis ending), so the unit re-evaluates every second; such a change is
   * seen at most 1 s late. Cheap: one update() per tracked device per second.
   */
  nextWakeup(now: number): number | undefined;
}

/** The fixed re-evaluation tick (see nextWakeup). */
const TICK_MS = 1000;

export function createPresenceEngineAdapter(
  household: Household,
  devices: DeviceEntities[],
  now: number,
  options?: Partial<PresenceOptions>,
): PresenceEngineAdapter {
  // The firmware already applies `rssi_offset` (an ESPHome `offset` filter), so HA's readings
  // are calibrated; adding it here again would count it twice.
  const nodes = household.devices.flatMap(({ spec }) =>
    spec.kind === 'presence-node' ? [{ node: spec.name, room: spec.room, rssi_offset: 0 }] : [],
  );
  const known = new Set(devices.filter((d) => d.kind === 'presence-node').map((d) => d.device));
  const engine = createPresenceEngine({
    nodes: nodes.filter((n) => known.has(n.node) || known.size === 0),
    devices: household.config.trackers.map((t) => ({ tracker: t.id, person: t.person })),
    start: now,
    ...(options ? { options } : {}),
  });
  const peopleWithTrackers = new Set(household.config.trackers.map((t) => t.person));
  return {
    reading(r) {
      if (r.rssi === undefined) engine.ingest({ node: r.node, tracker: r.tracker, rssi: null, missing: r.missing ?? 'unavailable', t: r.at });
      else engine.ingest({ node: r.node, tracker: r.tracker, rssi: r.rssi, t: r.at });
    },
    unavailable: (at) => engine.unavailable(at),
    rooms(at) {
      const byPerson = new Map(engine.update(at).map((p) => [p.person, p]));
      return household.config.people
        .filter((p) => peopleWithTrackers.has(p.id))
        .map((p) => {
          const found = byPerson.get(p.id);
          const room = found?.room ?? null;
          return {
            person: p.id,
            room,
            home: room === null ? null : room !== AWAY,
            evidence: {
              since: found ? new Date(found.since).toISOString() : null,
              // Nodes whose readings no BLE receiver can measure (0, +31, +127, empty): dropped.
              ignored_readings: Object.fromEntries(engine.faults().map((f) => [f.node, f.count])),
              from: found?.from ?? null,
              devices: Object.fromEntries(
                Object.entries(found?.evidence ?? {}).map(([tracker, e]) => [
                  tracker,
                  {
                    room: e.room,
                    rssi: e.rssi,
                    unheard: e.unheard,
                    unavailable: e.unavailable,
                    challengers: e.challengers,
                    last_seen: e.lastSeen ? new Date(e.lastSeen).toISOString() : null,
                  },
                ]),
              ),
            },
          };
        });
    },
    nextWakeup: (at) => at + TICK_MS,
  };
}
