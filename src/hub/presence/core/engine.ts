/**
 * Room presence from BLE RSSI, per tracked device and per person. Pure: readings and the
 * current time come in as arguments; the engine keeps its state in memory and does no I/O.
 *
 * - per node and device, a Kalman filter on the offset-corrected RSSI (node-filter.ts);
 * - per device, the room by an evidence account per challenger room (device.ts);
 * - per person, the devices fused: the last one to move wins (fusion.ts).
 *
 * Options and their defaults: options.ts (tuned with bench/presence.ts).
 */
import { AWAY, type DeviceContext, type DeviceTrack, ingestDevice, newDevice, updateDevice } from './device.js';
import { fuse } from './fusion.js';
import { type GroupState, updateGroup } from './group.js';
import { DEFAULT_PRESENCE_OPTIONS, type PresenceOptions } from '../../../config/presence-options.js';

export { AWAY } from './device.js';
export { DEFAULT_PRESENCE_OPTIONS, presenceOptions, type PresenceOptions } from '../../../config/presence-options.js';

export interface PresenceNode {
  /** Node name (the ESPHome device name). */
  node: string;
  room: string;
  /** dB added to this node's readings. */
  rssi_offset?: number;
}

export interface TrackedDevice {
  tracker: string;
  person: string;
}

export interface Reading {
  node: string;
  tracker: string;
  /** dBm as the node reported it (before the offset); null when the sensor is unavailable. */
  rssi: number | null;
  /** ms */
  t: number;
}

export interface DeviceEvidence {
  /** Room, `away`, or null while nothing is known yet. */
  room: string | null;
  since: number;
  /** Filtered, offset-corrected RSSI of each fresh node. */
  rssi: Record<string, number>;
  lastSeen?: number;
}

export interface PersonPresence {
  person: string;
  /** Room, `away`, or null while nothing is known yet. */
  room: string | null;
  since: number;
  /** Which device the room comes from. */
  from?: string;
  evidence: Record<string, DeviceEvidence>;
}

export interface PresenceEngine {
  readonly options: PresenceOptions;
  ingest(reading: Reading): void;
  /** Brings every device and person up to `now`; returns all people, sorted by id. */
  update(now: number): PersonPresence[];
}

export interface PresenceSetup {
  nodes: readonly PresenceNode[];
  devices: readonly TrackedDevice[];
  options?: Partial<PresenceOptions>;
  /** When the engine starts (ms): a device never heard from is away `away_after` later. */
  start: number;
}

export function createPresenceEngine(setup: PresenceSetup): PresenceEngine {
  const options: PresenceOptions = { ...DEFAULT_PRESENCE_OPTIONS, ...setup.options };
  const nodes = new Map(setup.nodes.map((n) => [n.node, n]));
  const ctx: DeviceContext = {
    options,
    filter: { noise: options.rssi_noise, motion: options.motion_noise },
    roomOf: (node) => nodes.get(node)?.room,
    start: setup.start,
  };
  const strict = { margin: options.switch_margin, evidence: options.switch_evidence };
  const solo = { margin: options.solo_margin, evidence: options.solo_evidence };
  const devices = new Map<string, DeviceTrack>(setup.devices.map((d) => [d.tracker, newDevice(d.tracker, d.person, setup.start)]));
  const people = [...new Set(setup.devices.map((d) => d.person))].sort();
  const personState = new Map<string, { room: string | null; since: number; from?: string; group: GroupState }>(
    people.map((p) => [p, { room: null, since: setup.start, group: { evidence: new Map() } }]),
  );

  function ingest(r: Reading): void {
    const device = devices.get(r.tracker);
    const node = nodes.get(r.node);
    if (!device || !node) return;
    const rssi = r.rssi === null || !Number.isFinite(r.rssi) ? null : r.rssi + (node.rssi_offset ?? 0);
    ingestDevice(device, r.node, rssi, r.t, ctx);
  }

  function evidenceOf(device: DeviceTrack, now: number): DeviceEvidence {
    const rssi: Record<string, number> = {};
    for (const [name, track] of [...device.nodes].sort(([a], [b]) => a.localeCompare(b))) {
      if (now - track.last <= options.stale_after * 1000) rssi[name] = Math.round(track.x * 10) / 10;
    }
    const out: DeviceEvidence = { room: device.room, since: device.since, rssi };
    if (device.lastSeen !== undefined) out.lastSeen = device.lastSeen;
    return out;
  }

  function update(now: number): PersonPresence[] {
    const strongest = new Map<string, number>();
    return people.map((person) => {
      const own = [...devices.values()].filter((d) => d.person === person).sort((a, b) => a.tracker.localeCompare(b.tracker));
      const state = personState.get(person)!;
      // The one device the person is following alone decides on the solo rule; a device with
      // company (or left behind) on the stricter switch rule.
      const followed = own.filter((d) => d.room !== null && d.room === state.room);
      for (const device of own) {
        const rule = followed.length === 1 && followed[0] === device ? solo : strict;
        const score = updateDevice(device, now, ctx, rule);
        if (device.room !== null && device.room !== AWAY) {
          const s = score.get(device.room);
          if (s !== undefined) strongest.set(device.tracker, s);
        }
      }
      if (options.group_evidence > 0) updateGroup(state.group, own, now, ctx);
      const fused = fuse(own, strongest, state.room, now, options.fusion_hold * 1000);
      if (fused.room !== state.room) {
        state.room = fused.room;
        state.since = now;
      }
      if (fused.from === undefined) delete state.from;
      else state.from = fused.from;
      const evidence: Record<string, DeviceEvidence> = {};
      for (const d of own) evidence[d.tracker] = evidenceOf(d, now);
      const out: PersonPresence = { person, room: state.room, since: state.since, evidence };
      if (state.from !== undefined) out.from = state.from;
      return out;
    });
  }

  return { options, ingest, update };
}
