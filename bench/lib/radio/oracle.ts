/**
 * An ORACLE for measuring the frontier of the realistic radio (simulate.ts), NOT an estimator:
 * it is told what no causal engine can know — the noise-free RSSI of every node at every spot
 * of every room (the simulator's `meanRssi`: a radio map), or per room its mean over the spots
 * the walk visits or over the floor; the radio's true noise parameters; the floor plan; and when
 * the phone lies on the desk — and filters the same readings replayRadio feeds the engine,
 * causally. What it reaches bounds what an engine can reach on these traces (frontier.ts).
 *
 * Model: a forward filter (hidden Markov model) over spots — a 0.5 m grid in each room; for
 * `away` the way out of the front door and back, one spot a second's walk apart (room-level
 * fingerprints: one spot per room, its spread a slow error) — and a decision over the rooms'
 * summed probabilities:
 * - transition per second: leave the room with `switchRate`, into a room next to it (the floor
 *   plan's doors, hall–away; without the plan any room), landing near their door (without the
 *   plan: anywhere); move to another spot of the same room with `spotRate`; outside, walk on one
 *   spot a second (no standing by the kitchen's outside wall), staying only at the far end;
 * - emission: a node's report is the spot's level plus an error that is Gaussian and correlated
 *   in time as the simulator makes it — shadowing (Ornstein–Uhlenbeck σ, τ; half shared by the
 *   devices), the body (mean and spread of a random facing, τ 30 s; not the facing itself), the
 *   spot's spread (room-level prints, τ 60 s) — plus the fading averaged over the packets heard,
 *   which are those above the node's floor (a truncated normal: weak reports read high). Each
 *   report is scored by its density given the same node's reports of the last `memoryS` seconds
 *   (a Gaussian conditional: the held part of the error is not new evidence);
 * - a report tick without a report (nothing heard in the interval) by the chance that every
 *   packet of the interval fell under the floor or was lost, averaged over the held error; an
 *   `unavailable` node counts as nothing until it reports again; the phone's reports while on
 *   the desk are left out;
 * - decision: the shown room changes when a room's log-odds over it reach `threshold`.
 */
import { HALL, type Point, roomOf } from './house.js';
import { meanRssi } from './radio.js';
import { AWAY, PHONE, type RadioReading, type RadioTrace } from './simulate.js';
import { positionAt } from './walk.js';
import type { Change } from '../presence/evaluate.js';

/** What the oracle is told; each ablation replaces one piece by what an engine could assume. */
export interface OracleKnowledge {
  /**
   * `map` — the noise-free level of every node at every spot (0.5 m grid) of every room;
   * per room, the level's mean and spread per node: `visited` — over the spots the walk visits
   * (time-weighted), `area` — over the room's floor; `generic` — one prior for "own node" and
   * one for "another room's node", the same in every room (no household fingerprints).
   */
  fingerprints: 'map' | 'visited' | 'area' | 'generic';
  /** `true` — the radio's parameters; `typical` — mid-range ones; `white` — true σ, every report independent (no τ). */
  noise: 'true' | 'typical' | 'white';
  /** The doors (who can move to where); false: any room to any room. */
  floorPlan: boolean;
}

export const FULL_KNOWLEDGE: OracleKnowledge = { fingerprints: 'map', noise: 'true', floorPlan: true };

export interface OracleOptions {
  knowledge?: OracleKnowledge;
  /** Probability per second of leaving the room (the sticky prior). */
  switchRate?: number;
  /** Probability per second of moving to another spot of the same room. */
  spotRate?: number;
  /** How far back (s) a node's reports condition the next one. */
  memoryS?: number;
  /** Diagnosis: per scored report or silent tick, the room of the likeliest spot and its log-likelihood. */
  probe?: (t: number, node: string, tracker: string, rssi: number | null, ll: Map<string, number>) => void;
}

export interface OracleRun {
  rooms: string[];
  /** Instants (ms) the posterior was recorded at (each node's report tick). */
  t: number[];
  /** Room log-probabilities, rooms.length per instant (normalised: the max is 0). */
  logp: Float64Array;
  /** First instant with a number from any node (ms): nothing is shown before. */
  firstReading: number;
}

/** A hidden state: a spot in a room (or away), with each node's noise-free level there. */
export interface Spot {
  room: number;
  /** dB without the device's tx power, per node (house.names order). */
  level: Float64Array;
  /** dB², per node: the spread of the level around `level` (room-level fingerprints; 0 with the map). */
  spread: Float64Array;
  /** Where (map and away's spots); none for a room-level fingerprint. */
  at?: Point;
}

/** Noise-free level (dB relative to tx) of the node at p. */
function geo(trace: RadioTrace, p: Point, node: string): number {
  return meanRssi(trace.house, trace.radio, PHONE, p, node) - trace.radio.txPower[PHONE]!;
}

/** Walking speed outside (m/s): away's spots are one second's walk apart. */
const OUTSIDE_STEP_M = 1.1;

/** Points along the way out of the front door (away's spots), one second's walk apart. */
function outsideSpots(trace: RadioTrace): Point[] {
  const way = [trace.house.frontDoor, ...trace.house.outside];
  const out: Point[] = [];
  let carry = 0;
  for (let i = 1; i < way.length; i++) {
    const a = way[i - 1]!;
    const b = way[i]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    for (let s = carry; s < len; s += OUTSIDE_STEP_M) out.push({ x: a.x + ((b.x - a.x) * s) / len, y: a.y + ((b.y - a.y) * s) / len });
    carry = (((carry - len) % OUTSIDE_STEP_M) + OUTSIDE_STEP_M) % OUTSIDE_STEP_M;
  }
  out.push(way.at(-1)!);
  return out.filter((p) => roomOf(trace.house, p) === undefined);
}

function meanSpread(trace: RadioTrace, room: number, pts: readonly Point[]): Spot {
  const names = trace.house.names;
  const level = new Float64Array(names.length);
  const spread = new Float64Array(names.length);
  names.forEach((n, k) => {
    const v = pts.map((p) => geo(trace, p, n));
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    level[k] = m;
    spread[k] = v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length;
  });
  return { room, level, spread };
}

/** The oracle's hidden states for a trace, as `kind` says; rooms are house.names then away. */
export function spotsOf(trace: RadioTrace, kind: OracleKnowledge['fingerprints']): Spot[] {
  const { house } = trace;
  const names = house.names;
  const N = names.length;
  const grid = (room: string, step: number): Point[] => {
    const b = house.rooms[room]!;
    const pts: Point[] = [];
    for (let x = b.x0 + step / 2; x < b.x1; x += step) for (let y = b.y0 + step / 2; y < b.y1; y += step) pts.push({ x, y });
    return pts;
  };
  const awayIndex = N;
  // Away: the way out (door → far), then the way back (far → door), the far spot shared.
  const way = outsideSpots(trace);
  const away: Spot[] = [...way, ...way.slice(0, -1).reverse()].map((p) => ({
    room: awayIndex,
    level: Float64Array.from(names, (n) => geo(trace, p, n)),
    spread: new Float64Array(N),
    at: p,
  }));
  if (kind === 'map')
    return [
      ...names.flatMap((room, j) =>
        grid(room, 0.5).map((p) => ({
          room: j,
          level: Float64Array.from(names, (n) => geo(trace, p, n)),
          spread: new Float64Array(N),
          at: p,
        })),
      ),
      ...away,
    ];
  const visited = new Map<string, Point[]>(names.map((r) => [r, []]));
  for (let t = 0; t < trace.path.at(-1)!.t; t += 1000) {
    const p = positionAt(trace.path, t);
    const r = roomOf(house, p);
    if (r) visited.get(r)!.push(p);
  }
  const rooms = names.map((room, j) =>
    meanSpread(trace, j, kind === 'area' || !visited.get(room)!.length ? grid(room, 0.25) : visited.get(room)!),
  );
  if (kind !== 'generic') return [...rooms, ...away];
  // Generic: "own node" and "another room's node" pooled over the house's rooms.
  const pool = (own: boolean): [number, number] => {
    const v = rooms.flatMap((s, j) => [...s.level].filter((_, k) => (k === j) === own));
    const sp = rooms.flatMap((s, j) => [...s.spread].filter((_, k) => (k === j) === own));
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return [m, v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length + sp.reduce((a, b) => a + b, 0) / sp.length];
  };
  const [om, ov] = pool(true);
  const [xm, xv] = pool(false);
  return [
    ...names.map((_, j) => ({
      room: j,
      level: Float64Array.from(names, (__, k) => (k === j ? om : xm)),
      spread: Float64Array.from(names, (__, k) => (k === j ? ov : xv)),
    })),
    ...away,
  ];
}

interface Noise {
  /** Variance of each half of the shadowing (shared by the devices, own). */
  halfShadow: number;
  shadowTau: number;
  bodyMean: number;
  bodyVar: number;
  bodyTau: number;
  fadingVar: number;
  floor: number[];
  adv: number[];
  pHeard: number;
  independent: boolean;
}

function noiseOf(trace: RadioTrace, kind: OracleKnowledge['noise']): Noise {
  const r = trace.radio;
  const typical = kind === 'typical';
  const bodyDb = typical ? 6.5 : r.bodyDb;
  const shadow = typical ? 6 : r.shadowSigmaDb;
  // A random facing: no loss half the time, the full loss a quarter, a ramp between (radio.ts bodyLoss).
  return {
    halfShadow: (shadow * shadow) / 2,
    shadowTau: typical ? 3.75 : r.shadowTauS,
    bodyMean: -0.375 * bodyDb,
    bodyVar: (0.44 * bodyDb) ** 2,
    bodyTau: 30,
    fadingVar: (typical ? 4 : r.fadingSigmaDb) ** 2,
    floor: trace.house.names.map((n) => (typical ? -94 : r.floorDbm[n]!)),
    adv: trace.devices.map((d) => (typical ? (d.tracker === PHONE ? 0.65 : 1.2) : r.advIntervalS[d.tracker]!)),
    pHeard: r.scanDuty * (1 - r.collision),
    independent: kind === 'white',
  };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26). */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Gauss–Hermite nodes and weights for E[f(Z)], Z standard normal (probabilists', 7 points). */
const GH_X = [-3.750439717725742, -2.366759410734541, -1.154405394739968, 0, 1.154405394739968, 2.366759410734541, 3.750439717725742];
const GH_W = [
  0.000548268855972, 0.030757123967586, 0.240123178605013, 0.457142857142857, 0.240123178605013, 0.030757123967586, 0.000548268855972,
];

/** How far under the floor (dB) a level still counts in silentTable (below: always silent). */
const SILENT_LO = 60;

/** Inverse Mills ratio φ(α)/(1 − Φ(α)): how far above the floor F the mean of a normal truncated at F lies, in σ (α = (F − μ)/σ). */
function millsExact(a: number): number {
  if (a > 4) return a + 1 / a - 2 / a ** 3;
  return Math.exp((-a * a) / 2) / Math.sqrt(2 * Math.PI) / (1 - phi(a));
}

/** millsExact tabulated on [−8, 12] every 0.01 (linear between; the filter calls it per spot and report). */
const MILLS_TABLE = Float64Array.from({ length: 2001 }, (_, i) => millsExact(-8 + i * 0.01));
function mills(a: number): number {
  if (a <= -8) return 0;
  if (a >= 12) return millsExact(a);
  const x = (a + 8) * 100;
  const i = Math.floor(x);
  return MILLS_TABLE[i]! + (x - i) * (MILLS_TABLE[i + 1]! - MILLS_TABLE[i]!);
}

/** Solves S·k = b for a symmetric positive definite S (n×n, row-major) by Cholesky; returns k. */
function solve(S: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = S[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-9)) : s / L[j * n + j]!;
    }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * y[k]!;
    y[i] = s / L[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}

interface Obs {
  t: number;
  dv: number;
  rssi: number;
  /** Fading and rounding variance of this report (dB²). */
  white: number;
}

/**
 * Runs the oracle's filter over a trace's readings; returns the rooms' posterior at each node
 * report tick (decide() turns it into shown rooms for a threshold). Pure; about a second per 2 h trace.
 */
export function runOracle(trace: RadioTrace, options: OracleOptions = {}): OracleRun {
  const know = options.knowledge ?? FULL_KNOWLEDGE;
  const rate = options.switchRate ?? 0.01;
  const spotRate = options.spotRate ?? 0.1;
  const memory = (options.memoryS ?? 10) * 1000;
  const { house } = trace;
  const nodes = house.names; // one node per room
  const N = nodes.length;
  const rooms = [...nodes, AWAY];
  const R = rooms.length;
  const spots = spotsOf(trace, know.fingerprints);
  const H = spots.length;
  const noise = noiseOf(trace, know.noise);
  const trackers = trace.devices.map((d) => d.tracker);
  const tx = trackers.map((d) => trace.radio.txPower[d]!);
  const nodeIndex = new Map(trace.nodes.map((n) => [n.node, nodes.indexOf(n.room)]));
  const spotsIn = Array.from({ length: R }, (_, j) => spots.filter((s) => s.room === j).length);

  // Groups of spots with the same spread (the conditioning's covariance depends on it).
  const groupKey = spots.map((s) => [...s.spread].map((v) => v.toFixed(3)).join(','));
  const groups = [...new Set(groupKey)];
  const groupOf = Int32Array.from(groupKey, (k) => groups.indexOf(k));
  const groupSpread = groups.map((g) => spots[groupKey.indexOf(g)]!.spread);

  const next: number[][] = rooms.map((r) => {
    if (!know.floorPlan) return rooms.map((_, i) => i).filter((i) => rooms[i] !== r);
    const adj = [...(house.adjacency[r] ?? [])];
    if (r === AWAY) adj.push(HALL);
    if (r === HALL) adj.push(AWAY);
    return adj.map((a) => rooms.indexOf(a));
  });

  // Report ticks per node: every interval at the node's own phase (from its first report).
  const period = trace.radio.reportIntervalS * 1000;
  const byNode = new Map<number, Map<number, RadioReading[]>>();
  const phase = new Array<number>(N).fill(NaN);
  for (const r of trace.readings) {
    const k = nodeIndex.get(r.node)!;
    if (Number.isNaN(phase[k]!)) phase[k] = r.t % period;
    const tick = Math.round((r.t - phase[k]!) / period);
    const m = byNode.get(k) ?? new Map<number, RadioReading[]>();
    byNode.set(k, m);
    const list = m.get(tick) ?? [];
    m.set(tick, list);
    list.push(r);
  }
  const end = Math.max(trace.readings.at(-1)?.t ?? 0, trace.truth.at(-1)!.t) + 1000;
  const events: { t: number; k: number; tick: number }[] = [];
  for (let k = 0; k < N; k++)
    if (!Number.isNaN(phase[k]!))
      for (let tick = 0; phase[k]! + tick * period < end; tick++) events.push({ t: phase[k]! + tick * period, k, tick });
  events.sort((a, b) => a.t - b.t);

  /** Covariance of two reports' errors at one node (dB²), spot spread `sp` (dB²). */
  const cov = (a: Obs, b: Obs, sp: number): number => {
    if (noise.independent) return a === b ? noise.halfShadow * 2 + noise.bodyVar + sp + a.white : 0;
    const dt = Math.abs(a.t - b.t) / 1000;
    const rs = Math.exp(-dt / noise.shadowTau);
    let c = noise.halfShadow * rs * (a.dv === b.dv ? 2 : 1) + noise.bodyVar * Math.exp(-dt / noise.bodyTau) + sp * Math.exp(-dt / 60);
    if (a === b) c += a.white;
    return c;
  };

  // Floor bias of a report per spot, node and device (dB): its packets are those above the floor.
  const bias = new Float64Array(H * N * 2);
  for (let h = 0; h < H; h++)
    for (let k = 0; k < N; k++)
      for (let dv = 0; dv < 2; dv++) {
        const s = Math.sqrt(noise.halfShadow * 2 + noise.bodyVar + spots[h]!.spread[k]! + noise.fadingVar);
        bias[(h * N + k) * 2 + dv] = s * mills((noise.floor[k]! - (tx[dv]! + noise.bodyMean + spots[h]!.level[k]!)) / s);
      }
  // log P(nothing heard in an interval) against the level above the floor (dB, every 0.25 from
  // −SILENT_LO), per device and spread of the held error (0.05 dB steps): the held part is common
  // to the interval's packets, so it is averaged over (Gauss–Hermite), not drawn per packet.
  const silentTables = new Map<string, Float64Array>();
  const fd = Math.sqrt(noise.fadingVar);
  const silentTable = (dv: number, sd: number): Float64Array => {
    const key = `${dv}|${Math.round(sd * 20)}`;
    let table = silentTables.get(key);
    if (table) return table;
    const n = period / 1000 / noise.adv[dv]!;
    const s = Math.round(sd * 20) / 20;
    table = Float64Array.from({ length: (SILENT_LO + 40) * 4 + 1 }, (_, i) => {
      const d = i / 4 - SILENT_LO;
      let silent = 0;
      for (let g = 0; g < GH_X.length; g++) silent += GH_W[g]! * Math.pow(1 - noise.pHeard * phi((d + GH_X[g]! * s) / fd), n);
      return Math.log(Math.max(1e-6, silent));
    });
    silentTables.set(key, table);
    return table;
  };
  const logw = new Float64Array(H).fill(-Math.log(H));
  const p = new Float64Array(H);
  const roomP = new Float64Array(R);
  const up = new Array<boolean>(N).fill(false); // a node counts once it has reported
  const past: Obs[][] = nodes.map(() => []);
  const desk = trace.phoneDown;
  const firstReading = trace.readings.find((r) => r.rssi !== null)?.t ?? Infinity;
  const out: OracleRun = { rooms, t: [], logp: new Float64Array(events.length * R), firstReading };
  let lastMix = 0;

  // Where a move from room i into room j lands (i·R + j → weights over the spots): with the
  // floor plan, the spots within 1.5 m of their door (away: its first spot, at the front door);
  // else any spot of j.
  const entry = new Map<number, { h: number[]; w: number }>();
  const doorOf = (a: string, b: string): Point | undefined =>
    a === AWAY || b === AWAY ? house.frontDoor : house.doors[[a, b].sort().join('|')];
  for (let i = 0; i < R; i++)
    for (let j = 0; j < R; j++) {
      if (i === j) continue;
      const door = know.floorPlan ? doorOf(rooms[i]!, rooms[j]!) : undefined;
      const inJ = spots.map((s, h) => (s.room === j ? h : -1)).filter((h) => h >= 0);
      let near = door ? inJ.filter((h) => spots[h]!.at && Math.hypot(spots[h]!.at.x - door.x, spots[h]!.at.y - door.y) <= 1.5) : [];
      if (door && rooms[j] === AWAY) near = inJ.slice(0, 1);
      const land = near.length ? near : inJ;
      entry.set(i * R + j, { h: land, w: 1 / land.length });
    }
  // Away's spots are walked through in order (out, then back), one a second; only the far one is stayed at.
  const awayChain = spots.map((s, h) => (s.room === R - 1 ? h : -1)).filter((h) => h >= 0);
  const farAt = (awayChain.length - 1) / 2;

  const hallIndex = rooms.indexOf(HALL);
  const q = new Float64Array(H);

  const mix = (dtS: number): void => {
    const leave = 1 - Math.exp(-rate * dtS);
    const move = 1 - Math.exp(-spotRate * dtS);
    let top = -Infinity;
    for (let h = 0; h < H; h++) top = Math.max(top, logw[h]!);
    roomP.fill(0);
    for (let h = 0; h < H; h++) {
      p[h] = Math.exp(logw[h]! - top);
      roomP[spots[h]!.room] = roomP[spots[h]!.room]! + p[h]!;
    }
    // Staying in the room: the same spot, or another (rooms: any; away: the next along the way).
    for (let h = 0; h < H; h++) {
      const j = spots[h]!.room;
      const n = spotsIn[j]!;
      q[h] = n > 1 && j !== R - 1 ? (1 - leave) * ((1 - move) * p[h]! + (move * (roomP[j]! - p[h]!)) / (n - 1)) : (1 - leave) * p[h]!;
    }
    awayChain.forEach((h, c) => {
      // A walk does not stop on the way: one spot per second; away ~10 min at the far end.
      const step = (1 - leave) * (c === farAt ? 1 - Math.exp(-dtS / 600) : Math.min(1, dtS)) * p[h]!;
      q[h] = q[h]! - step;
      const to = awayChain[c + 1];
      if (to !== undefined) q[to] = q[to]! + step;
      else {
        // Back through the front door.
        const e = entry.get((R - 1) * R + hallIndex)!;
        for (const g of e.h) q[g] = q[g]! + step * e.w;
      }
    });
    // Into each room: from the rooms next to it (and, with the plan, a trickle from any room).
    for (let i = 0; i < R; i++) {
      const nb = next[i]!;
      for (let j = 0; j < R; j++) {
        if (j === i) continue;
        const share = nb.includes(j) ? 1 / nb.length : know.floorPlan ? 1e-3 / R : 0;
        const mass = leave * share * roomP[i]!;
        if (!mass) continue;
        const e = entry.get(i * R + j)!;
        for (const h of e.h) q[h] = q[h]! + mass * e.w;
      }
    }
    for (let h = 0; h < H; h++) logw[h] = Math.log(Math.max(q[h]!, 1e-300));
  };

  const ll = new Float64Array(H);
  events.forEach((e, ei) => {
    if (e.t - lastMix >= 1000) {
      mix((e.t - lastMix) / 1000);
      lastMix = e.t;
    }
    const k = e.k;
    const got = byNode.get(k)?.get(e.tick) ?? [];
    for (const r of got) up[k] = r.missing !== 'unavailable';
    const history = (past[k] = up[k] ? past[k]!.filter((o) => e.t - o.t <= memory) : []);
    if (up[k] && e.t >= firstReading) {
      const now: Obs[] = [];
      const silent: number[] = [];
      trackers.forEach((tracker, dv) => {
        if (tracker === PHONE && desk && e.t >= desk.from && e.t < desk.to) return; // told: the phone is on the desk
        const r = got.find((g) => g.tracker === tracker);
        if (r?.missing === 'unheard') return; // the silent ticks before it said so already
        const packets = Math.max(1, (period / 1000 / noise.adv[dv]!) * noise.pHeard);
        if (r?.rssi != null) now.push({ t: e.t, dv, rssi: r.rssi, white: noise.fadingVar / packets + 1 / 12 });
        else silent.push(dv);
      });
      ll.fill(0);
      // Each report given the node's earlier reports (and this tick's before it); then the silences.
      const targets: (Obs | number)[] = [...now, ...silent];
      targets.forEach((target, ti) => {
        const obs: Obs = typeof target === 'number' ? { t: e.t, dv: target, rssi: NaN, white: noise.fadingVar } : target;
        const given = [...history, ...now.slice(0, Math.min(ti, now.length))];
        const g = given.length;
        // Per group: gain, and the mean's parts (spot level enters as level·(1 − Σgain)).
        const per = groupSpread.map((spread) => {
          const sp = spread[k]!;
          const S = new Float64Array(g * g);
          const c = new Float64Array(g);
          given.forEach((a, i) => {
            c[i] = cov(obs, a, sp);
            given.forEach((b, j) => (S[i * g + j] = cov(a, b, sp)));
          });
          const gain = g ? solve(S, c, g) : new Float64Array(0);
          let v = cov(obs, obs, sp) - obs.white; // the held part's, given the earlier reports
          let base = tx[obs.dv]! + noise.bodyMean;
          let sum = 0;
          const byDevice = [0, 0];
          given.forEach((a, i) => {
            v -= gain[i]! * c[i]!;
            base += gain[i]! * (a.rssi - tx[a.dv]! - noise.bodyMean);
            sum += gain[i]!;
            byDevice[a.dv] = byDevice[a.dv]! + gain[i]!;
          });
          return { v: Math.max(v, 0.5), base, keep: 1 - sum, byDevice };
        });
        const floor = noise.floor[k]!;
        const packets = Math.max(1, (period / 1000 / noise.adv[obs.dv]!) * noise.pHeard);
        for (let h = 0; h < H; h++) {
          const q = per[groupOf[h]!]!;
          // The level before fading (earlier reports taken without their floor bias).
          const m =
            q.base + q.keep * spots[h]!.level[k]! - q.byDevice[0]! * bias[(h * N + k) * 2]! - q.byDevice[1]! * bias[(h * N + k) * 2 + 1]!;
          const s2 = q.v + noise.fadingVar;
          if (typeof target !== 'number') {
            // A report averages the packets heard, i.e. above the floor: a truncated normal.
            const s = Math.sqrt(s2);
            const a = (floor - m) / s;
            const lam = mills(a);
            const shrink = Math.max(0.05, 1 + a * lam - lam * lam);
            const mean = m + s * lam;
            const v = shrink * (q.v + noise.fadingVar / packets) + 1 / 12;
            const d = obs.rssi - mean;
            ll[h] = ll[h]! - 0.5 * (Math.log(2 * Math.PI * v) + (d * d) / v);
          } else {
            // Nothing heard in the interval: every packet under the floor or lost (silentLog).
            const table = silentTable(obs.dv, Math.sqrt(q.v));
            const x = (m - floor + SILENT_LO) * 4;
            if (x <= 0) continue; // every packet far under the floor
            const i = Math.min(table.length - 2, Math.floor(x));
            ll[h] = ll[h]! + table[i]! + (Math.min(x, table.length - 1) - i) * (table[i + 1]! - table[i]!);
          }
        }
      });
      if (options.probe) {
        const best = new Map<string, number>();
        for (let h = 0; h < H; h++) {
          const r = rooms[spots[h]!.room]!;
          best.set(r, Math.max(best.get(r) ?? -Infinity, ll[h]!));
        }
        options.probe(e.t, nodes[k]!, trackers[now[0]?.dv ?? 0]!, now[0]?.rssi ?? null, best);
      }
      for (let h = 0; h < H; h++) logw[h] = logw[h]! + ll[h]!;
      history.push(...now);
    }
    // Room posterior (log-sum over each room's spots), normalised.
    roomP.fill(0);
    let top = -Infinity;
    for (let h = 0; h < H; h++) top = Math.max(top, logw[h]!);
    for (let h = 0; h < H; h++) {
      logw[h] = logw[h]! - top;
      roomP[spots[h]!.room] = roomP[spots[h]!.room]! + Math.exp(logw[h]!);
    }
    let best = -Infinity;
    for (let j = 0; j < R; j++) best = Math.max(best, Math.log(roomP[j]!));
    for (let j = 0; j < R; j++) out.logp[ei * R + j] = Math.log(roomP[j]!) - best;
    out.t.push(e.t);
  });
  return out;
}

/**
 * The shown rooms for a decision threshold (log-odds, nats): nothing before the first reading,
 * then the first room once it leads every other by `threshold`, then a change whenever a room's
 * log-odds over the shown one reach `threshold`.
 */
export function decide(run: OracleRun, threshold: number): Change[] {
  const R = run.rooms.length;
  const out: Change[] = [];
  let shown = -1;
  for (let e = 0; e < run.t.length; e++) {
    const t = run.t[e]!;
    if (t < run.firstReading) continue;
    const row = run.logp.subarray(e * R, (e + 1) * R);
    let best = 0;
    for (let j = 1; j < R; j++) if (row[j]! > row[best]!) best = j;
    if (best === shown) continue;
    let lead: number;
    if (shown < 0) {
      let second = -Infinity;
      for (let j = 0; j < R; j++) if (j !== best) second = Math.max(second, row[j]!);
      lead = row[best]! - second;
    } else lead = row[best]! - row[shown]!;
    if (lead >= threshold) {
      shown = best;
      out.push({ t, room: run.rooms[best]! });
    }
  }
  return out;
}
