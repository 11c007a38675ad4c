/**
 * The radio between a person's BLE devices and the nodes, per advertisement packet, and what
 * the ESPHome nodes make of it. Parameters are drawn per seed (a different house, a different
 * radio):
 *
 *   rssi = tx − 10·n·log10(d) − walls − body + shadowing + fading + node bias
 *
 * - n, the path-loss exponent, 2.2–3.0 per house;
 * - walls: the losses of the walls crossed on the straight line (house.ts, 6–10 dB each);
 * - body: 5–8 dB per person while the node is behind them (facing away), which changes at
 *   every turn (20–60 s, walk.ts) and with the heading while walking; not for a phone on a desk;
 * - shadowing: per node and device an Ornstein–Uhlenbeck process (σ 5–7 dB, time constant
 *   1.5–6 s: correlated over seconds); half its variance shared by the person's devices at that
 *   node (they are in the same spot);
 * - fading: independent per packet, σ 3–5 dB;
 * - node bias: what the node's calibration (rssi_offset) left over, ±2 dB.
 *
 * A packet is heard when its rssi is above the node's floor (−96…−92 dBm), the node was
 * scanning (window 300 of 320 ms) and it did not collide (10 %). Each node averages what it
 * heard of a device over the report interval and publishes that average (ESPHome's
 * `throttle_average`); an interval in which it heard nothing publishes nothing, except that a
 * device not heard during a whole scan (30 s) is published as NaN (HA: `unknown`) at the next
 * report.
 */
import { type House, type Point, wallLoss } from './house.js';
import type { Random } from './random.js';

export interface RadioParams {
  pathLossExponent: number;
  txPower: Record<string, number>;
  advIntervalS: Record<string, number>;
  shadowSigmaDb: number;
  shadowTauS: number;
  /** Share of the shadowing's variance common to a person's devices at one node. */
  shadowShared: number;
  bodyDb: number;
  fadingSigmaDb: number;
  floorDbm: Record<string, number>;
  nodeBiasDb: Record<string, number>;
  scanDuty: number;
  collision: number;
  reportIntervalS: number;
  scanDurationS: number;
}

export function drawRadio(
  house: House,
  random: Random,
  devices: readonly { tracker: string; kind: 'phone' | 'watch' }[],
  pathLossExponent: number,
): RadioParams {
  const floorDbm: Record<string, number> = {};
  const nodeBiasDb: Record<string, number> = {};
  for (const room of house.names) {
    floorDbm[room] = random.between(-96, -92);
    nodeBiasDb[room] = random.between(-2, 2);
  }
  const txPower: Record<string, number> = {};
  const advIntervalS: Record<string, number> = {};
  for (const d of devices) {
    txPower[d.tracker] = d.kind === 'phone' ? random.between(-62, -56) : random.between(-68, -62);
    advIntervalS[d.tracker] = d.kind === 'phone' ? random.between(0.3, 1.0) : random.between(0.8, 1.6);
  }
  return {
    pathLossExponent,
    txPower,
    advIntervalS,
    shadowSigmaDb: random.between(5, 7),
    shadowTauS: random.between(1.5, 6),
    shadowShared: 0.5,
    bodyDb: random.between(5, 8),
    fadingSigmaDb: random.between(3, 5),
    floorDbm,
    nodeBiasDb,
    scanDuty: 300 / 320,
    collision: 0.1,
    reportIntervalS: 2,
    scanDurationS: 30,
  };
}

/** Body loss (dB ≥ 0) towards a node seen at `bearing` by a person facing `facing` (radians). */
export function bodyLoss(facing: number, bearing: number, bodyDb: number): number {
  let diff = Math.abs(bearing - facing) % (2 * Math.PI);
  if (diff > Math.PI) diff = 2 * Math.PI - diff;
  // Full loss with the node behind (≥ 135°), none beside or in front (≤ 90°).
  const f = Math.min(1, Math.max(0, (diff - Math.PI / 2) / (Math.PI / 4)));
  return f * bodyDb;
}

/** Mean rssi (no shadowing, fading or body) of a device at p towards a node. */
export function meanRssi(house: House, radio: RadioParams, tracker: string, p: Point, room: string): number {
  const node = house.nodes[room]!;
  const d = Math.max(0.5, Math.hypot(p.x - node.x, p.y - node.y));
  return radio.txPower[tracker]! - 10 * radio.pathLossExponent * Math.log10(d) - wallLoss(house, p, node) + radio.nodeBiasDb[room]!;
}

/** Ornstein–Uhlenbeck step: the value after dt seconds, stationary σ, time constant τ. */
export function ouStep(x: number, dtS: number, sigma: number, tauS: number, random: Random): number {
  const a = Math.exp(-dtS / tauS);
  return x * a + sigma * Math.sqrt(1 - a * a) * random.gauss();
}
