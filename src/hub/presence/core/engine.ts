/**
 * Room presence from BLE RSSI, per tracked device and per person. Pure: readings and the
 * current time come in as arguments; the engine keeps its state in memory and does no I/O.
 *
 * - per node and device, a Kalman filter on the offset-corrected RSSI (node-filter.ts); a node
 *   that is up but does not hear the device counts as far from it, a node that is unavailable
 *   counts as nothing (device.ts);
 * - per device, the room by an evidence account per challenger room (device.ts), or (options
 *   `estimator: hmm`) by a forward filter over the rooms with learned fingerprints (hmm.ts);
 * - per person, the devices fused: the last one to move wins (fusion.ts).
 * - a reading no BLE receiver can measure (reading.ts) is dropped and counted per node (faults()).
 * - nothing known (at start, every node unavailable, the data source down): the room is null
 *   (unknown) or held, never `away`.
 *
 * Options and their defaults: options.ts (tuned with bench/presence.ts).
 */
import { adjacency } from './first-room.js';
import {
  AWAY,
  type DeviceContext,
  type DeviceTrack,
  fresh,
  ingestReading,
  ingestUnavailable,
  ingestUnheard,
  newDevice,
  updateDevice,
} from './device.js';
import { plausibleRssi } from './reading.js';
import { posterior } from './hmm.js';
import { fuse } from './fusion.js';
import { type GroupState, updateGroup } from './group.js';
import { DEFAULT_PRESENCE_OPTIONS, type PresenceOptions } from '../../../config/presence-options.js';

export { AWAY } from './device.js';
export { fromHaState, plausibleRssi, readingFromState, RSSI_RANGE, type HaRssi } from './reading.js';
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
  /** dBm as the node reported it (before the offset); null when there is no number (see `missing`). */
  rssi: number | null;
  /**
   * Why `rssi` is null: `unavailable` (HA `unavailable`: the node is offline, nothing is known;
   * the default) or `unheard` (HA `unknown`: the node is up and did not hear the device).
   */
  missing?: 'unavailable' | 'unheard';
  /** ms */
  t: number;
}

export interface DeviceEvidence {
  /** Room, `away`, or null while nothing is known yet. */
  room: string | null;
  since: number;
  /** Filtered, offset-corrected RSSI of each node that hears the device. */
  rssi: Record<string, number>;
  /** Nodes that are up and do not hear the device. */
  unheard: string[];
  /** Nodes that are unavailable (nothing known from them). */
  unavailable: string[];
  /** Challenger rooms' evidence accounts, dB·s (rounded). */
  challengers: Record<string, number>;
  /** Estimator `hmm`: each room's probability, % (rounded; rooms under 0.5 % left out). */
  posterior?: Record<string, number>;
  lastSeen?: number;
}

/** A node that sent readings no BLE receiver can measure (dropped). */
export interface NodeFault {
  node: string;
  /** How many, since the start. */
  count: number;
  /** The last such value and when (ms). */
  last: number | null;
  at: number;
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
  /** One report of a node's RSSI sensor for a device (see Reading). */
  ingest(reading: Reading): void;
  /**
   * Every node (or the named ones) unavailable from `t`: the data source went down (HA
   * disconnected). Rooms are held; the away clock waits until nodes report again.
   */
  unavailable(t: number, nodes?: readonly string[]): void;
  /** Nodes that sent impossible readings, most first. */
  faults(): NodeFault[];
  /**
   * Brings every device and person up to `now`; returns all people, sorted by id. `withEvidence`
   * false leaves `evidence` empty (replays that only need the rooms).
   */
  update(now: number, withEvidence?: boolean): PersonPresence[];
  /**
   * A person's evidence per device (tracker → DeviceEvidence) as the last update left it, the
   * nodes judged fresh or stale at `now` (that update's time): what `update(now)` returns in
   * `evidence`, for a caller that updates without evidence and needs it for a few people only.
   * Empty for an unknown person.
   */
  evidence(person: string, now: number): Record<string, DeviceEvidence>;
}

export interface PresenceSetup {
  nodes: readonly PresenceNode[];
  devices: readonly TrackedDevice[];
  options?: Partial<PresenceOptions>;
  /** When the engine starts (ms): a device never heard from is away `away_after` later. */
  start: number;
}

/**
 * `a.localeCompare(b)` (ECMA-402: the same as `new Intl.Collator().compare`), with the collator
 * made once instead of on every call.
 */
const byName = new Intl.Collator().compare;

export function createPresenceEngine(setup: PresenceSetup): PresenceEngine {
  const options: PresenceOptions = { ...DEFAULT_PRESENCE_OPTIONS, ...setup.options };
  const nodes = new Map(setup.nodes.map((n) => [n.node, n]));
  const ctx: DeviceContext = {
    options,
    filter: { noise: options.rssi_noise, motion: options.motion_noise },
    roomOf: (node) => nodes.get(node)?.room,
    adjacent: adjacency(options.doors),
    rooms: [...new Set(setup.nodes.map((n) => n.room))].sort(),
    start: setup.start,
  };
  const faults = new Map<string, NodeFault>();
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
    touch(device);
    if (r.rssi === null) {
      if (r.missing === 'unheard') ingestUnheard(device, r.node, r.t);
      else ingestUnavailable(device, r.node, r.t);
      return;
    }
    if (!plausibleRssi(r.rssi)) {
      // Not a BLE RSSI (0, +31, +127, NaN, an empty state): dropped, the node reported.
      const f = faults.get(r.node) ?? { node: r.node, count: 0, last: null, at: r.t };
      f.count++;
      f.last = Number.isFinite(r.rssi) ? r.rssi : null;
      f.at = r.t;
      faults.set(r.node, f);
      return;
    }
    ingestReading(device, r.node, r.rssi + (node.rssi_offset ?? 0), r.t, ctx);
  }

  function unavailable(t: number, which?: readonly string[]): void {
    for (const device of devices.values()) {
      touch(device);
      for (const node of which ?? [...nodes.keys()]) if (nodes.has(node)) ingestUnavailable(device, node, t);
    }
  }

  // The nodes of each device in name order, sorted again only when a node joins (links are
  // never removed): evidenceOf runs for every device on every reading the unit gets.
  const linkOrder = new WeakMap<DeviceTrack, string[]>();
  function sortedLinks(device: DeviceTrack): string[] {
    let names = linkOrder.get(device);
    if (names?.length !== device.links.size) {
      names = [...device.links.keys()].sort(byName);
      linkOrder.set(device, names);
    }
    return names;
  }

  // What each device's nodes say (rssi/unheard/unavailable), kept from the last evidenceOf
  // until a node says something new about the device (`touch`, from ingest and unavailable) or
  // a heard node goes stale: between two readings of one device the other devices' views
  // do not change, and the unit asks for every device's evidence on every reading.
  interface LinkView {
    version: number;
    at: number;
    /** The oldest `filter.last` of the fresh nodes: the view holds while that one is fresh. */
    oldest: number;
    rssi: Record<string, number>;
    unheard: string[];
    down: string[];
  }
  const versions = new WeakMap<DeviceTrack, number>();
  const views = new WeakMap<DeviceTrack, LinkView>();
  const touch = (device: DeviceTrack): void => void versions.set(device, (versions.get(device) ?? 0) + 1);

  function linkView(device: DeviceTrack, now: number): LinkView {
    const version = versions.get(device) ?? 0;
    const staleMs = options.stale_after * 1000;
    const kept = views.get(device);
    // Later than the view and its oldest fresh node still fresh: every node reads as it did then.
    if (kept && kept.version === version && now >= kept.at && now - kept.oldest <= staleMs) return kept;
    const view: LinkView = { version, at: now, oldest: Infinity, rssi: {}, unheard: [], down: [] };
    for (const name of sortedLinks(device)) {
      const l = device.links.get(name)!;
      if (!l.up) view.down.push(name);
      else if (fresh(l, now, staleMs)) {
        view.rssi[name] = Math.round(l.filter.x * 10) / 10;
        if (l.filter.last < view.oldest) view.oldest = l.filter.last;
      } else view.unheard.push(name);
    }
    views.set(device, view);
    return view;
  }

  function evidenceOf(device: DeviceTrack, now: number): DeviceEvidence {
    const view = linkView(device, now);
    // Copies: what a caller gets is its own, as when it was built anew.
    const rssi = { ...view.rssi };
    const unheard = view.unheard.slice();
    const down = view.down.slice();
    const challengers: Record<string, number> = {};
    const leading: string[] = [];
    for (const [room, e] of device.evidence) if (e > 0) leading.push(room);
    for (const room of leading.length > 1 ? leading.sort(byName) : leading) challengers[room] = Math.round(device.evidence.get(room)!);
    const out: DeviceEvidence = { room: device.room, since: device.since, rssi, unheard, unavailable: down, challengers };
    if (device.hmm && device.hmm.room === device.room) out.posterior = posterior(device.hmm);
    if (device.lastSeen !== undefined) out.lastSeen = device.lastSeen;
    return out;
  }

  const ownDevices = new Map(
    people.map((person) => [person, [...devices.values()].filter((d) => d.person === person).sort((a, b) => byName(a.tracker, b.tracker))]),
  );

  function personEvidence(own: readonly DeviceTrack[], now: number): Record<string, DeviceEvidence> {
    const evidence: Record<string, DeviceEvidence> = {};
    for (const d of own) evidence[d.tracker] = evidenceOf(d, now);
    return evidence;
  }

  function update(now: number, withEvidence = true): PersonPresence[] {
    const strongest = new Map<string, number>();
    return people.map((person) => {
      const own = ownDevices.get(person)!;
      const state = personState.get(person)!;
      // The one device the person is following alone decides on the solo rule; a device with
      // company (or left behind) on the stricter switch rule.
      const followed = own.filter((d) => d.room !== null && d.room === state.room);
      for (const device of own) {
        const rule = followed.length === 1 && followed[0] === device ? solo : strict;
        const score = updateDevice(device, now, ctx, rule, own.length > 1 ? own.filter((d) => d !== device) : []);
        if (device.room !== null && device.room !== AWAY) {
          const s = score.high.get(device.room);
          if (s !== undefined) strongest.set(device.tracker, s);
        }
      }
      if (options.group_evidence > 0 && options.estimator === 'evidence') updateGroup(state.group, own, now, ctx);
      const fused = fuse(own, strongest, state.room, now, options.fusion_hold * 1000);
      if (fused.room !== state.room) {
        state.room = fused.room;
        state.since = now;
      }
      if (fused.from === undefined) delete state.from;
      else state.from = fused.from;
      const evidence = withEvidence ? personEvidence(own, now) : {};
      const out: PersonPresence = { person, room: state.room, since: state.since, evidence };
      if (state.from !== undefined) out.from = state.from;
      return out;
    });
  }

  return {
    options,
    ingest,
    unavailable,
    faults: () => [...faults.values()].sort((a, b) => b.count - a.count),
    update,
    evidence: (person, now) => personEvidence(ownDevices.get(person) ?? [], now),
  };
}
