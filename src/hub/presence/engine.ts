/**
 * Room presence from BLE RSSI, per tracked device and per person. Pure: readings and the
 * current time come in as arguments; the engine keeps its state in memory and does no I/O.
 *
 * Per device (tracker):
 * - each node's readings get the node's rssi offset, then an exponential moving average whose
 *   weight follows the time between readings (time constant `smoothing`);
 * - a node with no reading for `stale_after` (or reported unavailable) drops out;
 * - a room's score is its best fresh node; the incumbent room stays until a challenger beats it
 *   by `switch_margin` dB for `switch_hold` seconds and its lead beyond the margin adds up to
 *   `switch_evidence` dB·s (hysteresis: equal rooms never flap; a clear lead switches fast, a
 *   marginal one slowly); a challenger needs two readings (one stray packet is not a move);
 * - when the incumbent's own nodes fall silent (a node offline) while others still hear the
 *   device, there is no evidence against it: a challenger must then *rise* by `switch_margin`
 *   above the level it had when the incumbent went silent (positive evidence of movement);
 * - no fresh reading from any node for `away_after` → `away`.
 *
 * Per person, devices are fused by "the last one to move wins": a worn watch moves with the
 * person while a phone put down on a desk stays put, so the device whose room changed most
 * recently is followed (going away counts as a move: the phone leaving with the person while the
 * watch charges at home makes the person away). A change straight back to the room a device
 * left less than `flap_window` ago is not a move. With no moves yet, the strongest device wins.
 */
import { z } from 'zod';
import { duration } from '../../config/duration.js';

export const AWAY = 'away';

export const presenceOptions = z
  .object({
    /** Time constant of the RSSI moving average. */
    smoothing: duration.default(2),
    /** A node with no fresh reading for this long drops out. */
    stale_after: duration.default(15),
    /** dB a challenger room must beat the incumbent by… */
    switch_margin: z.number().min(0).max(30).default(4),
    /** …for at least this long… */
    switch_hold: duration.default(1),
    /**
     * …and until the margin has been exceeded by this many dB·s in total (a clear lead switches
     * quickly, a marginal one only after a while; 0 = the hold time alone decides).
     */
    switch_evidence: z.number().min(0).max(1000).default(10),
    /** No node has heard a device for this long → away. */
    away_after: duration.default(40),
    /** A device going back to the room it left less than this long ago is a flap, not a move. */
    flap_window: duration.default(60),
    /**
     * When a person's devices disagree, the one that moved last must have stayed in its room this
     * long before the person follows it (when they agree, the person follows at once).
     */
    fusion_hold: duration.default(0),
  })
  .strict();

export type PresenceOptions = z.output<typeof presenceOptions>;
export const DEFAULT_PRESENCE_OPTIONS: PresenceOptions = presenceOptions.parse({});

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
  /** Smoothed, offset-corrected RSSI of each fresh node. */
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

interface NodeTrack {
  value: number;
  last: number;
  /** Readings since the node became fresh: one reading alone never moves a device. */
  count: number;
}

interface DeviceTrack {
  tracker: string;
  person: string;
  nodes: Map<string, NodeTrack>;
  room: string | null;
  since: number;
  lastSeen?: number;
  challenger?: { room: string; since: number; evidence: number; at: number };
  /** Room scores when the incumbent fell silent. */
  baseline?: Map<string, number>;
  movedAt?: number;
  left?: { room: string | null; at: number; movedAt?: number };
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
  const tau = options.smoothing * 1000;
  const staleMs = options.stale_after * 1000;
  const awayMs = options.away_after * 1000;
  const holdMs = options.switch_hold * 1000;
  const flapMs = options.flap_window * 1000;
  const fusionHoldMs = options.fusion_hold * 1000;
  const nodes = new Map(setup.nodes.map((n) => [n.node, n]));
  const devices = new Map<string, DeviceTrack>();
  for (const d of setup.devices) {
    devices.set(d.tracker, { tracker: d.tracker, person: d.person, nodes: new Map(), room: null, since: setup.start });
  }
  const people = [...new Set(setup.devices.map((d) => d.person))].sort();
  const personState = new Map<string, { room: string | null; since: number; from?: string }>();
  for (const p of people) personState.set(p, { room: null, since: setup.start });

  function ingest(r: Reading): void {
    const device = devices.get(r.tracker);
    const node = nodes.get(r.node);
    if (!device || !node) return;
    if (r.rssi === null || !Number.isFinite(r.rssi)) {
      device.nodes.delete(r.node);
      return;
    }
    const value = r.rssi + (node.rssi_offset ?? 0);
    const track = device.nodes.get(r.node);
    if (!track || r.t - track.last > staleMs) {
      device.nodes.set(r.node, { value, last: r.t, count: 1 });
    } else {
      const alpha = tau > 0 ? 1 - Math.exp(-Math.max(0, r.t - track.last) / tau) : 1;
      track.value += alpha * (value - track.value);
      track.last = Math.max(track.last, r.t);
      track.count++;
    }
    if (device.lastSeen === undefined || r.t > device.lastSeen) device.lastSeen = r.t;
  }

  /** Best fresh node per room; `confirmed` only counts nodes with at least two readings. */
  function scores(device: DeviceTrack, now: number, confirmed = false): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, track] of device.nodes) {
      if (now - track.last > staleMs || (confirmed && track.count < 2)) continue;
      const room = nodes.get(name)!.room;
      const best = out.get(room);
      if (best === undefined || track.value > best) out.set(room, track.value);
    }
    return out;
  }

  function moveTo(device: DeviceTrack, room: string | null, now: number): void {
    if (device.room === room) return;
    const left = device.left;
    if (left && left.room === room && now - left.at < flapMs && device.room !== null) {
      // Straight back where it was: a flap, not a move.
      if (left.movedAt === undefined) delete device.movedAt;
      else device.movedAt = left.movedAt;
      delete device.left;
    } else {
      device.left = device.movedAt === undefined ? { room: device.room, at: now } : { room: device.room, at: now, movedAt: device.movedAt };
      // The first fix after start is not a move.
      if (device.room !== null) device.movedAt = now;
    }
    device.room = room;
    device.since = now;
    delete device.challenger;
    delete device.baseline;
  }

  function updateDevice(device: DeviceTrack, now: number): Map<string, number> {
    const score = scores(device, now);
    if (score.size === 0) {
      const silentSince = device.lastSeen ?? setup.start;
      if (now - silentSince >= awayMs) moveTo(device, AWAY, now);
      return score;
    }
    // Challengers need two readings: a lone outlier (or a far node catching one packet) is not a move.
    const candidates = scores(device, now, true);
    let best: string | undefined;
    let bestScore = -Infinity;
    for (const [room, value] of candidates) {
      if (value > bestScore) [best, bestScore] = [room, value];
    }
    if (best === undefined) return score;
    if (device.room === null || device.room === AWAY) {
      moveTo(device, best, now);
      return score;
    }
    const incumbent = score.get(device.room);
    let beats: boolean;
    if (incumbent !== undefined) {
      delete device.baseline;
      beats = best !== device.room && bestScore >= incumbent + options.switch_margin;
    } else {
      // The incumbent's nodes are silent: only a clear rise elsewhere shows the device moved.
      if (!device.baseline) device.baseline = new Map(score);
      const before = device.baseline.get(best);
      beats = before === undefined || bestScore >= before + options.switch_margin;
    }
    if (!beats) {
      delete device.challenger;
    } else if (device.challenger?.room !== best) {
      device.challenger = { room: best, since: now, evidence: 0, at: now };
    } else {
      const lead = bestScore - (incumbent ?? device.baseline?.get(best) ?? bestScore) - options.switch_margin;
      device.challenger.evidence += Math.max(0, lead) * ((now - device.challenger.at) / 1000);
      device.challenger.at = now;
    }
    const c = device.challenger;
    if (c && now - c.since >= holdMs && c.evidence >= options.switch_evidence) moveTo(device, best, now);
    return score;
  }

  function evidenceOf(device: DeviceTrack, now: number): DeviceEvidence {
    const rssi: Record<string, number> = {};
    for (const [name, track] of [...device.nodes].sort(([a], [b]) => a.localeCompare(b))) {
      if (now - track.last <= staleMs) rssi[name] = Math.round(track.value * 10) / 10;
    }
    const out: DeviceEvidence = { room: device.room, since: device.since, rssi };
    if (device.lastSeen !== undefined) out.lastSeen = device.lastSeen;
    return out;
  }

  function fuse(own: DeviceTrack[], strongest: Map<string, number>, current: string | null, now: number): { room: string | null; from?: string } {
    let pick: DeviceTrack | undefined;
    for (const d of own) {
      if (d.room === null) continue;
      if (!pick) {
        pick = d;
        continue;
      }
      const a = d.movedAt ?? -Infinity;
      const b = pick.movedAt ?? -Infinity;
      if (a > b || (a === b && (strongest.get(d.tracker) ?? -Infinity) > (strongest.get(pick.tracker) ?? -Infinity))) pick = d;
    }
    if (!pick) return { room: null };
    if (pick.room === current || current === null) return { room: pick.room, from: pick.tracker };
    const agree = own.every((d) => d.room === null || d.room === pick.room);
    if (agree || now - pick.since >= fusionHoldMs) return { room: pick.room, from: pick.tracker };
    // The devices disagree and the mover only just moved: wait (a flap of one device is not a move).
    const stay = own.find((d) => d.room === current);
    return stay ? { room: current, from: stay.tracker } : { room: current };
  }

  function update(now: number): PersonPresence[] {
    const strongest = new Map<string, number>();
    for (const device of devices.values()) {
      const score = updateDevice(device, now);
      if (device.room !== null && device.room !== AWAY) {
        const s = score.get(device.room);
        if (s !== undefined) strongest.set(device.tracker, s);
      }
    }
    return people.map((person) => {
      const own = [...devices.values()].filter((d) => d.person === person);
      const fused = fuse(own, strongest, personState.get(person)!.room, now);
      const state = personState.get(person)!;
      if (fused.room !== state.room) {
        state.room = fused.room;
        state.since = now;
      }
      if (fused.from === undefined) delete state.from;
      else state.from = fused.from;
      const evidence: Record<string, DeviceEvidence> = {};
      for (const d of own.sort((a, b) => a.tracker.localeCompare(b.tracker))) evidence[d.tracker] = evidenceOf(d, now);
      const out: PersonPresence = { person, room: state.room, since: state.since, evidence };
      if (state.from !== undefined) out.from = state.from;
      return out;
    });
  }

  return { options, ingest, update };
}
