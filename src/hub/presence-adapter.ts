/**
 * The one place the presence unit meets the pure presence engine (src/hub/presence/):
 * readings in, rooms per person out.
 * TEMPORARY until src/hub/presence lands: a plain "strongest fresh reading" rule.
 */
import type { Household } from '../config/household.js';
import type { DeviceEntities } from '../esphome/entity-ids.js';

export interface RssiReading {
  node: string;
  room: string;
  tracker: string;
  /** dBm; undefined when the node reports the tracker unseen. */
  rssi: number | undefined;
  at: number;
}

export interface PersonRoom {
  person: string;
  /** Room id, or `away`. */
  room: string;
  home: boolean;
  evidence: Record<string, unknown>;
}

export interface PresenceEngineAdapter {
  reading(r: RssiReading): void;
  rooms(now: number): PersonRoom[];
  nextWakeup(now: number): number | undefined;
}

export function createPresenceEngineAdapter(household: Household, _devices: DeviceEntities[], _now: number): PresenceEngineAdapter {
  const STALE_MS = 60_000;
  const last = new Map<string, RssiReading>();
  const trackersOf = (person: string) => household.config.trackers.filter((t) => t.person === person).map((t) => t.id);
  return {
    reading(r) {
      last.set(`${r.tracker}|${r.node}`, r);
    },
    rooms(now) {
      return household.config.people.map((p) => {
        const trackers = new Set(trackersOf(p.id));
        const fresh = [...last.values()].filter((r) => trackers.has(r.tracker) && r.rssi !== undefined && now - r.at <= STALE_MS);
        const best = fresh.sort((a, b) => b.rssi! - a.rssi!)[0];
        return {
          person: p.id,
          room: best ? best.room : 'away',
          home: Boolean(best),
          evidence: { readings: fresh.map((r) => ({ node: r.node, tracker: r.tracker, rssi: r.rssi })) },
        };
      });
    },
    nextWakeup(now) {
      return now + 5000;
    },
  };
}
