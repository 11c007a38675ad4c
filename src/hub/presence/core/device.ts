/**
 * The room of one tracked device, from what its nodes report. Pure: time comes in as an
 * argument.
 *
 * What a node says about a device is one of three things, and each is treated as what it is:
 * - a reading (dBm): folded into a Kalman filter (node-filter.ts);
 * - "not heard" (HA `unknown`: ESPHome's NaN after a scan without the device; or no report for
 *   `stale_after` from a node that is up — `throttle_average` sends nothing for an interval in
 *   which it heard nothing): the device is out of that node's range, i.e. evidence that it is
 *   far, scored as `unheard_rssi` (below any radio's floor);
 * - "unavailable" (HA `unavailable`: the node is offline, or the data source is down): nothing
 *   is known from that node; its room can be neither confirmed nor ruled out.
 *
 * The room: a room's score is its best node. Every other room is a challenger with an evidence
 * account (a CUSUM, dB·s): each second it gains its lead over the incumbent less `margin`,
 * clipped to ±`evidence_cap` dB, and never goes below zero; the device moves when an account
 * reaches the rule's evidence. A reading only counts for a challenger once the next one
 * confirms it (the lower of the filter's last two values), and for the incumbent the higher:
 * one stray report from one node never moves a device. Clear leads switch in seconds; a
 * neighbour lifted for 5–20 s by the person's body or by shadowing must pay back what it gained.
 * With the floor plan's doors (options `doors`), a room that is not next to the incumbent needs
 * `far_factor` times the evidence (default 1: the same).
 *
 * When the incumbent's own nodes are all unavailable, there is no evidence against it: a
 * challenger's lead is measured against its own level when the incumbent went dark (it must
 * *rise*: positive evidence of movement).
 *
 * The first room (at start, and coming home from away) is the strongest evidence, not the
 * first node to speak (first-room.ts). Coming home with an entrance configured (`doors:
 * [[hall, away]]`) it is the entrance; without, it waits until the evidence is decided.
 *
 * Away: up nodes have not heard the device for `away_after`. Time in which no node was up
 * (all unavailable, the data source down) does not count: a device nobody can hear is held
 * where it was (or stays unknown), never called away for lack of data.
 */
import { type FilterParams, type NodeFilter, observe, startFilter } from './node-filter.js';
import type { PresenceOptions } from '../../../config/presence-options.js';
import { type HmmState, seedHmm, stepHmm } from './hmm.js';
import { ENTRY_HOLD, firstRoom } from './first-room.js';
import { heardInside } from './weak-corner.js';

export const AWAY = 'away';

/** Weight of each new gap in a link's average gap between reports (≈ the last 10). */
const GAP_WEIGHT = 0.1;

/** One node's view of one device. */
export interface Link {
  /** The filter of the current run of readings (gone while not heard or unavailable). */
  filter?: NodeFilter;
  /** The filter's estimate before the last reading (a reading is confirmed by the next). */
  prev?: number;
  /** Whether the node is up (its last word was a reading or `unknown`), since when. */
  up: boolean;
  changed: number;
  /** When the node last said it does not hear the device. */
  unheardAt?: number;
  /**
   * The node's usual gap between two reports of the device while it hears it, ms (an average:
   * ESPHome's `throttle_average` interval, give or take the intervals without a packet).
   */
  gap?: number;
}

export interface DeviceTrack {
  tracker: string;
  person: string;
  links: Map<string, Link>;
  /** Room, `away`, or null while nothing is known yet. */
  room: string | null;
  since: number;
  lastSeen?: number;
  /** Last time no node was up (nothing known): the away clock starts after it. */
  blindAt?: number;
  /** Evidence per challenger room, dB·s. */
  evidence: Map<string, number>;
  /** When the evidence was last brought up to date. */
  at?: number;
  /** Room scores when the incumbent's nodes went unavailable. */
  baseline?: Map<string, number>;
  /** When the device last moved between rooms (fusion follows the last mover). */
  movedAt?: number;
  left?: { room: string | null; at: number; movedAt?: number };
  /** First fix race: since when (ms). */
  fixSince?: number;
  /** The forward filter over rooms (options.estimator `hmm`). */
  hmm?: HmmState;
  /** When the device came home through an entrance (fix): the filter holds it there a moment. */
  entered?: number;
  /**
   * Since when the filter has found "outside the house" likelier than every room while the
   * device is heard, and each room's summed emission lead over the incumbent since (heardInside).
   */
  outsideSince?: { at: number; t: number; lead: Map<string, number> };
}

export interface DeviceContext {
  options: PresenceOptions;
  filter: FilterParams;
  /** Node name → room. */
  roomOf: (node: string) => string | undefined;
  /** Whether two rooms are next to each other (always true without a floor plan); `away` = outside. */
  adjacent: (a: string, b: string) => boolean;
  /** Every room with a node, sorted. */
  rooms: readonly string[];
  start: number;
}

/** What a challenger room needs: `evidence` dB·s of lead over the incumbent beyond `margin` dB. */
export interface SwitchRule {
  margin: number;
  evidence: number;
}

export function newDevice(tracker: string, person: string, start: number): DeviceTrack {
  return { tracker, person, links: new Map(), room: null, since: start, evidence: new Map() };
}

function link(device: DeviceTrack, node: string, t: number): Link {
  let l = device.links.get(node);
  if (!l) {
    l = { up: false, changed: t };
    device.links.set(node, l);
  }
  return l;
}

function setUp(l: Link, up: boolean, t: number): void {
  if (l.up !== up) {
    l.up = up;
    l.changed = t;
  }
}

/** A reading (offset applied, plausible: see reading.ts). */
export function ingestReading(device: DeviceTrack, node: string, rssi: number, t: number, ctx: DeviceContext): void {
  const l = link(device, node, t);
  setUp(l, true, t);
  const f = l.filter;
  if (!f || t - f.last > ctx.options.stale_after * 1000 || (l.unheardAt !== undefined && l.unheardAt > f.last)) {
    l.filter = startFilter(rssi, t, ctx.filter);
    delete l.prev;
  } else {
    if (t > f.last) l.gap = l.gap === undefined ? t - f.last : l.gap + GAP_WEIGHT * (t - f.last - l.gap);
    l.prev = f.x;
    observe(f, rssi, t, ctx.filter);
  }
  if (device.lastSeen === undefined || t > device.lastSeen) device.lastSeen = t;
}

/** The node is up and does not hear the device (HA `unknown`). */
export function ingestUnheard(device: DeviceTrack, node: string, t: number): void {
  const l = link(device, node, t);
  setUp(l, true, t);
  if (l.filter && l.filter.last <= t) delete l.filter;
  l.unheardAt = t;
}

/** The node is unavailable (HA `unavailable`): nothing known from it. */
export function ingestUnavailable(device: DeviceTrack, node: string, t: number): void {
  const l = link(device, node, t);
  setUp(l, false, t);
  delete l.filter;
  delete l.prev;
}

export interface RoomScores {
  /** Best node per room (incumbent view: a reading counts at once). */
  high: Map<string, number>;
  /** Best confirmed node per room (challenger view: two readings, the lower of the last two). */
  low: Map<string, number>;
  /** Rooms with a node that is up but does not hear the device (scored `unheard_rssi`). */
  unheard: Set<string>;
  /** Whether any node is up. */
  anyUp: boolean;
  /** Whether any node hears the device. */
  heard: boolean;
}

export function fresh(l: Link, now: number, staleMs: number): l is Link & { filter: NodeFilter } {
  return l.up && l.filter !== undefined && now - l.filter.last <= staleMs;
}

function keepBest(m: Map<string, number>, room: string, v: number): void {
  const b = m.get(room);
  if (b === undefined || v > b) m.set(room, v);
}

export function roomScores(device: DeviceTrack, now: number, ctx: DeviceContext): RoomScores {
  const staleMs = ctx.options.stale_after * 1000;
  const high = new Map<string, number>();
  const low = new Map<string, number>();
  const unheard = new Set<string>();
  let anyUp = false;
  let heard = false;
  for (const [name, l] of device.links) {
    const room = ctx.roomOf(name);
    if (room === undefined || !l.up) continue;
    anyUp = true;
    if (fresh(l, now, staleMs)) {
      heard = true;
      const x = l.filter.x;
      keepBest(high, room, l.prev === undefined ? x : Math.max(x, l.prev));
      if (l.filter.count >= 2) keepBest(low, room, Math.min(x, l.prev ?? x));
    } else {
      unheard.add(room);
    }
  }
  const floor = ctx.options.unheard_rssi;
  for (const room of unheard) {
    if (!high.has(room)) high.set(room, floor);
    if (!low.has(room)) low.set(room, floor);
  }
  return { high, low, unheard, anyUp, heard };
}

export function moveTo(device: DeviceTrack, room: string | null, now: number, ctx: DeviceContext): void {
  device.evidence.clear();
  delete device.outsideSince;
  delete device.baseline;
  delete device.fixSince;
  if (device.room === room) return;
  const left = device.left;
  if (left && left.room === room && now - left.at < ctx.options.flap_window * 1000 && device.room !== null) {
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
}

/** `v` limited to ±`cap`. */
export const clip = (v: number, cap: number): number => Math.max(-cap, Math.min(cap, v));

/** The evidence a challenger needs against `from` (more for a room that is not next to it). */
export function needed(from: string, to: string, evidence: number, ctx: DeviceContext): number {
  return ctx.adjacent(from, to) ? evidence : evidence * ctx.options.far_factor;
}

/** Brings the device's room up to `now`; returns its room scores. */
export function updateDevice(
  device: DeviceTrack,
  now: number,
  ctx: DeviceContext,
  rule: SwitchRule,
  companions: readonly DeviceTrack[] = [],
): RoomScores {
  const { options } = ctx;
  const dt = device.at === undefined ? 0 : Math.max(0, now - device.at) / 1000;
  device.at = Math.max(device.at ?? now, now);
  const scores = roomScores(device, now, ctx);
  if (!scores.anyUp) {
    // Nothing known: hold (or stay unknown); the away clock waits.
    device.blindAt = now;
    device.evidence.clear();
    delete device.fixSince;
    return scores;
  }
  if (!scores.heard) {
    device.evidence.clear();
    delete device.outsideSince;
    delete device.fixSince;
    const silentSince = Math.max(device.lastSeen ?? ctx.start, device.blindAt ?? ctx.start, ctx.start);
    if (now - silentSince >= options.away_after * 1000) moveTo(device, AWAY, now, ctx);
    return scores;
  }
  if (device.room === null || device.room === AWAY) {
    const first = firstRoom(device, scores, now, dt, ctx);
    if (first) {
      if (first.throughEntrance) device.entered = now;
      else delete device.entered;
      moveTo(device, first.room, now, ctx);
    }
    return scores;
  }
  const room = device.room;
  if (options.estimator === 'hmm') {
    // Just in through the front door: in the entrance a moment (shoes, keys), where the next
    // room's node often hears best. The filter starts from the entrance after it.
    const hold = device.entered !== undefined && now - device.entered < ENTRY_HOLD * options.fix_wait * 1000;
    if (!device.hmm || device.hmm.room !== room || hold) device.hmm = seedHmm(room, ctx.rooms, now, device.hmm?.prints);
    if (hold) return scores;
    const together = companions.flatMap((c) => (c.hmm && c.room === room ? [{ tracker: c.tracker, state: c.hmm }] : []));
    const to = stepHmm(device.hmm, device, now, ctx, ctx.rooms, together) ?? heardInside(device, device.hmm, scores, now, ctx);
    if (to !== undefined) moveTo(device, to, now, ctx);
    return scores;
  }
  const incumbentUp = scores.high.has(room);
  if (incumbentUp) delete device.baseline;
  else if (!device.baseline) device.baseline = new Map(scores.low);
  let winner: string | undefined;
  let most = 0;
  for (const [other, value] of scores.low) {
    if (other === room || (scores.unheard.has(other) && value === options.unheard_rssi)) continue;
    // Against the incumbent; with the incumbent unavailable, against the challenger's own earlier level.
    if (!incumbentUp && !device.baseline!.has(other)) device.baseline!.set(other, value);
    const lead = incumbentUp
      ? clip(value - scores.high.get(room)! - rule.margin, options.evidence_cap)
      : clip(value - device.baseline!.get(other)! - rule.margin, options.evidence_cap);
    const e = Math.max(0, (device.evidence.get(other) ?? 0) + lead * dt);
    device.evidence.set(other, e);
    const share = e / needed(room, other, rule.evidence, ctx);
    if (share > most) [winner, most] = [other, share];
  }
  for (const other of device.evidence.keys()) if (!scores.low.has(other)) device.evidence.delete(other);
  if (winner !== undefined && most >= 1) moveTo(device, winner, now, ctx);
  return scores;
}
