/**
 * The room of one tracked device, from its nodes' filtered RSSI. Pure: time comes in as an
 * argument.
 *
 * - Each node's readings (offset applied) go through a Kalman filter (node-filter.ts); a node
 *   with no reading for `stale_after`, or reported unavailable, drops out.
 * - A room's score is its best fresh node. Every other room is a challenger with an evidence
 *   account (a CUSUM): each instant it gains (lead − margin)·dt, where lead is its score minus
 *   the incumbent's, and it never goes below zero. The device moves when an account reaches
 *   the evidence threshold (dB·s). The rule (margin, evidence) is `solo_*` for the one device a
 *   person is followed by alone and the stricter `switch_*` otherwise (engine.ts). A clear lead therefore switches fast, a marginal one slowly,
 *   and noise around equal levels keeps paying back what it gains (hysteresis without a
 *   hold timer). A challenger needs two readings: one stray packet is not a move.
 * - When the incumbent's own nodes fall silent (a node offline) while others still hear the
 *   device, there is no evidence against it: a challenger's lead is then measured against its
 *   own level when the incumbent went silent (it must *rise*: positive evidence of movement).
 * - No fresh reading from any node for `away_after` → `away`.
 */
import { type FilterParams, type NodeFilter, observe, startFilter } from './node-filter.js';
import type { PresenceOptions } from '../../../config/presence-options.js';

export const AWAY = 'away';

export interface DeviceTrack {
  tracker: string;
  person: string;
  nodes: Map<string, NodeFilter>;
  /** Room, `away`, or null while nothing is known yet. */
  room: string | null;
  since: number;
  lastSeen?: number;
  /** Evidence per challenger room, dB·s. */
  evidence: Map<string, number>;
  /** When the evidence was last brought up to date. */
  at?: number;
  /** Room scores when the incumbent fell silent. */
  baseline?: Map<string, number>;
  /** When the device last moved between rooms (fusion follows the last mover). */
  movedAt?: number;
  left?: { room: string | null; at: number; movedAt?: number };
}

export interface DeviceContext {
  options: PresenceOptions;
  filter: FilterParams;
  /** Node name → room. */
  roomOf: (node: string) => string | undefined;
  start: number;
}

/** The margin (dB) and evidence (dB·s) a challenger room needs. */
export interface SwitchRule {
  margin: number;
  evidence: number;
}

export function newDevice(tracker: string, person: string, start: number): DeviceTrack {
  return { tracker, person, nodes: new Map(), room: null, since: start, evidence: new Map() };
}

/** One reading (offset already applied; null = the node says unavailable). */
export function ingestDevice(device: DeviceTrack, node: string, rssi: number | null, t: number, ctx: DeviceContext): void {
  if (rssi === null) {
    device.nodes.delete(node);
    return;
  }
  const track = device.nodes.get(node);
  if (!track || t - track.last > ctx.options.stale_after * 1000) device.nodes.set(node, startFilter(rssi, t, ctx.filter));
  else observe(track, rssi, t, ctx.filter);
  if (device.lastSeen === undefined || t > device.lastSeen) device.lastSeen = t;
}

/** Best fresh node per room; `confirmed` only counts nodes with at least two readings. */
export function roomScores(device: DeviceTrack, now: number, ctx: DeviceContext, confirmed = false): Map<string, number> {
  const out = new Map<string, number>();
  const staleMs = ctx.options.stale_after * 1000;
  for (const [name, track] of device.nodes) {
    if (now - track.last > staleMs || (confirmed && track.count < 2)) continue;
    const room = ctx.roomOf(name);
    if (room === undefined) continue;
    const best = out.get(room);
    if (best === undefined || track.x > best) out.set(room, track.x);
  }
  return out;
}

export function moveTo(device: DeviceTrack, room: string | null, now: number, ctx: DeviceContext): void {
  device.evidence.clear();
  delete device.baseline;
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

/** Brings the device's room up to `now`; returns its room scores (all fresh nodes). */
export function updateDevice(device: DeviceTrack, now: number, ctx: DeviceContext, rule: SwitchRule): Map<string, number> {
  const { options } = ctx;
  const dt = device.at === undefined ? 0 : Math.max(0, now - device.at) / 1000;
  device.at = Math.max(device.at ?? now, now);
  const score = roomScores(device, now, ctx);
  if (score.size === 0) {
    device.evidence.clear();
    const silentSince = device.lastSeen ?? ctx.start;
    if (now - silentSince >= options.away_after * 1000) moveTo(device, AWAY, now, ctx);
    return score;
  }
  const candidates = roomScores(device, now, ctx, true);
  if (device.room === null || device.room === AWAY) {
    let best: string | undefined;
    let bestScore = -Infinity;
    for (const [room, value] of candidates) if (value > bestScore) [best, bestScore] = [room, value];
    if (best !== undefined) moveTo(device, best, now, ctx);
    return score;
  }
  const incumbent = score.get(device.room);
  if (incumbent !== undefined) delete device.baseline;
  else if (!device.baseline) device.baseline = new Map(score);
  let winner: string | undefined;
  let most = 0;
  for (const [room, value] of candidates) {
    if (room === device.room) continue;
    // Against the incumbent; with the incumbent silent, against the challenger's own earlier level.
    if (incumbent === undefined && !device.baseline!.has(room)) device.baseline!.set(room, value);
    const reference = incumbent ?? device.baseline!.get(room)!;
    const lead = value - reference - rule.margin;
    const e = Math.max(0, (device.evidence.get(room) ?? 0) + lead * dt);
    device.evidence.set(room, e);
    if (e > most) [winner, most] = [room, e];
  }
  for (const room of device.evidence.keys()) if (!candidates.has(room)) device.evidence.delete(room);
  if (winner !== undefined && most >= rule.evidence) moveTo(device, winner, now, ctx);
  return score;
}
