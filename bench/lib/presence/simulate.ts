/**
 * Synthetic walks through a four-room house, as presence traces. Deterministic: one seeded PRNG
 * drives the walks, the noise and the dropped reports.
 *
 * The house (metres), one BLE node per room, mounted on a wall:
 *
 *   y=9 ┌──────────────┬──────────────┐
 *       │ office    N  │  bedroom  N  │      doors: kitchen–living-room, kitchen–office,
 *   4.5 ├────── ───────┼────── ───────┤             living-room–bedroom, office–bedroom;
 *  door │ kitchen  N   │ living-room N│      front door in the kitchen's west wall.
 *   y=0 └──────────────┴──────────────┘
 *      x=0            4.5            9
 *
 * Radio model: rssi = txPower − 10·n·log10(d) − wall losses (5 dB per interior wall crossed,
 * 10 dB for the outside wall), plus Gaussian noise σ = 4 dB per report. Like an ESPHome
 * `ble_rssi` sensor with a throttle, each node reports each tracker's latest RSSI once per
 * report interval (unsynchronised phases); 20 % of reports are dropped, and a signal below the
 * receiver's sensitivity is not reported at all (the firmware must not repeat a stale value).
 */
import type { Trace, TraceReading, TraceTruth } from './trace.js';
import { AWAY } from '../../../src/hub/presence/core/engine.js';

export const ROOMS = ['kitchen', 'living-room', 'office', 'bedroom'] as const;
export type Room = (typeof ROOMS)[number];

interface Point {
  x: number;
  y: number;
}

const ROOM_BOX: Record<Room, { x0: number; y0: number; x1: number; y1: number }> = {
  kitchen: { x0: 0, y0: 0, x1: 4.5, y1: 4.5 },
  'living-room': { x0: 4.5, y0: 0, x1: 9, y1: 4.5 },
  office: { x0: 0, y0: 4.5, x1: 4.5, y1: 9 },
  bedroom: { x0: 4.5, y0: 4.5, x1: 9, y1: 9 },
};

const NODE_AT: Record<Room, Point> = {
  kitchen: { x: 0.3, y: 2.6 },
  'living-room': { x: 8.7, y: 1.2 },
  office: { x: 1.2, y: 8.7 },
  bedroom: { x: 7.4, y: 8.7 },
};

/** Doors between adjacent rooms (midpoints on the shared wall). */
const DOORS: Record<string, Point> = {
  'kitchen|living-room': { x: 4.5, y: 2.0 },
  'kitchen|office': { x: 2.4, y: 4.5 },
  'bedroom|living-room': { x: 6.6, y: 4.5 },
  'bedroom|office': { x: 4.5, y: 6.8 },
};
const FRONT_DOOR: Point = { x: 0, y: 1.0 };
const DESK: Point = { x: 3.2, y: 7.6 }; // in the office

export const NODE_NAMES: Record<Room, string> = {
  kitchen: 'kitchen-presence',
  'living-room': 'living-room-presence',
  office: 'office-presence',
  bedroom: 'bedroom-presence',
};

export interface RadioModel {
  /** RSSI at 1 m per tracker kind. */
  txPower: { phone: number; watch: number };
  pathLossExponent: number;
  interiorWallDb: number;
  exteriorWallDb: number;
  noiseSigmaDb: number;
  dropRate: number;
  /** Weakest RSSI a node reports. */
  sensitivityDbm: number;
  /** Per-node bias (a node in a cupboard reads low); the trace's rssi_offset undoes it. */
  nodeBiasDb: Partial<Record<Room, number>>;
}

export const DEFAULT_RADIO: RadioModel = {
  txPower: { phone: -59, watch: -64 },
  pathLossExponent: 2.7,
  interiorWallDb: 5,
  exteriorWallDb: 10,
  noiseSigmaDb: 4,
  dropRate: 0.2,
  sensitivityDbm: -95,
  nodeBiasDb: { bedroom: -6 },
};

export type Scenario = 'walks' | 'node-offline' | 'phone-on-desk' | 'leaving';
export const SCENARIOS: readonly Scenario[] = ['walks', 'node-offline', 'phone-on-desk', 'leaving'];

export interface SimulationOptions {
  scenario: Scenario;
  seed: number;
  /** Simulated length, seconds. */
  duration?: number;
  /** Seconds between two reports of a node for a tracker. */
  reportInterval?: number;
  radio?: Partial<RadioModel>;
}

// ---------------------------------------------------------------------------------------

/** mulberry32: small, fast, good enough for simulations; same seed → same sequence. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Piecewise-linear path: position at time t (ms) between waypoints. */
interface Waypoint {
  t: number;
  p: Point;
}

const WALK_SPEED = 1.2; // m/s

function positionAt(path: readonly Waypoint[], t: number): Point {
  if (t <= path[0]!.t) return path[0]!.p;
  // Binary search for the segment.
  let lo = 0;
  let hi = path.length - 1;
  if (t >= path[hi]!.t) return path[hi]!.p;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (path[mid]!.t <= t) lo = mid;
    else hi = mid;
  }
  const a = path[lo]!;
  const b = path[hi]!;
  const f = b.t === a.t ? 1 : (t - a.t) / (b.t - a.t);
  return { x: a.p.x + (b.p.x - a.p.x) * f, y: a.p.y + (b.p.y - a.p.y) * f };
}

export function roomAt(p: Point): string {
  for (const room of ROOMS) {
    const b = ROOM_BOX[room];
    if (p.x >= b.x0 && p.x < b.x1 && p.y >= b.y0 && p.y < b.y1) return room;
  }
  return AWAY;
}

const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

function wallsBetween(a: Point, b: Point, radio: RadioModel): number {
  let loss = 0;
  // Interior walls are the lines x = 4.5 and y = 4.5 inside the house.
  if (a.x < 4.5 !== b.x < 4.5) loss += radio.interiorWallDb;
  if (a.y < 4.5 !== b.y < 4.5) loss += radio.interiorWallDb;
  const outside = (p: Point): boolean => p.x < 0 || p.x >= 9 || p.y < 0 || p.y >= 9;
  if (outside(a) !== outside(b)) loss += radio.exteriorWallDb;
  return loss;
}

/** Walk from `from` to a spot in `to` through the doors (the room between for diagonal moves). */
function route(from: Room, to: Room, random: () => number): Point[] {
  const key = (a: string, b: string): string => [a, b].sort().join('|');
  const direct = DOORS[key(from, to)];
  if (direct) return [direct];
  const via = ROOMS.find((r) => r !== from && r !== to && DOORS[key(from, r)] && DOORS[key(r, to)])!;
  const first = DOORS[key(from, via)]!;
  const second = DOORS[key(via, to)]!;
  // A couple of steps inside the room passed through.
  const box = ROOM_BOX[via];
  const mid = { x: (box.x0 + box.x1) / 2 + (random() - 0.5), y: (box.y0 + box.y1) / 2 + (random() - 0.5) };
  return [first, mid, second];
}

function spotIn(room: Room, random: () => number): Point {
  const b = ROOM_BOX[room];
  const m = 0.6;
  return { x: b.x0 + m + random() * (b.x1 - b.x0 - 2 * m), y: b.y0 + m + random() * (b.y1 - b.y0 - 2 * m) };
}

class Walker {
  readonly path: Waypoint[];
  room: Room;
  constructor(
    readonly random: () => number,
    start: Room,
  ) {
    this.room = start;
    this.path = [{ t: 0, p: spotIn(start, random) }];
  }
  get t(): number {
    return this.path[this.path.length - 1]!.t;
  }
  get at(): Point {
    return this.path[this.path.length - 1]!.p;
  }
  go(p: Point): void {
    this.path.push({ t: this.t + (dist(this.at, p) / WALK_SPEED) * 1000, p });
  }
  stay(seconds: number): void {
    this.path.push({ t: this.t + seconds * 1000, p: this.at });
  }
  walkTo(room: Room): void {
    for (const p of route(this.room, room, this.random)) this.go(p);
    this.go(spotIn(room, this.random));
    this.room = room;
  }
  /** Dwell: mostly a few minutes, sometimes short visits. */
  dwell(): void {
    const r = this.random();
    const seconds = r < 0.25 ? 20 + this.random() * 40 : 60 + -Math.log(Math.max(this.random(), 1e-9)) * 240;
    this.stay(Math.min(seconds, 20 * 60));
  }
  otherRoom(): Room {
    const others = ROOMS.filter((r) => r !== this.room);
    return others[Math.floor(this.random() * others.length)]!;
  }
  leaveAndReturn(awaySeconds: number): void {
    if (this.room !== 'kitchen') this.walkTo('kitchen');
    this.go({ x: FRONT_DOOR.x + 0.2, y: FRONT_DOOR.y });
    this.go({ x: FRONT_DOOR.x - 0.2, y: FRONT_DOOR.y });
    this.go({ x: -60, y: FRONT_DOOR.y });
    this.stay(awaySeconds);
    this.go({ x: FRONT_DOOR.x - 0.2, y: FRONT_DOOR.y });
    this.go({ x: FRONT_DOOR.x + 0.2, y: FRONT_DOOR.y });
    this.go(spotIn('kitchen', this.random));
  }
}

export const PERSON = 'sam';
export const PHONE = 'sam-phone';
export const WATCH = 'sam-watch';

export function simulate(options: SimulationOptions): Trace {
  const duration = (options.duration ?? 2 * 3600) * 1000;
  const interval = options.reportInterval ?? 10;
  const radio: RadioModel = { ...DEFAULT_RADIO, ...options.radio };
  const random = prng(options.seed);
  const noise = gaussian(prng(options.seed ^ 0x5bd1e995));
  const drops = prng(options.seed ^ 0x27d4eb2f);

  // The person's path. In `phone-on-desk` the person walks to the office desk after 10 minutes,
  // puts the phone down, walks about without it, and comes back for it an hour later.
  const walker = new Walker(random, ROOMS[Math.floor(random() * ROOMS.length)]!);
  const leaves: number[] = [];
  if (options.scenario === 'leaving') {
    // Leave three times, spread over the run.
    for (let k = 1; k <= 3; k++) leaves.push((duration * k) / 4);
  }
  const desk = options.scenario === 'phone-on-desk' ? { putDown: 10 * 60_000, pickUp: 70 * 60_000 } : undefined;
  let phoneDown: { from: number; to: number } | undefined;
  while (walker.t < duration) {
    walker.dwell();
    if (leaves.length && walker.t >= leaves[0]!) {
      leaves.shift();
      walker.leaveAndReturn(8 * 60 + random() * 10 * 60);
    } else if (desk && !phoneDown && walker.t >= desk.putDown) {
      if (walker.room !== 'office') walker.walkTo('office');
      walker.go(DESK);
      walker.stay(30);
      phoneDown = { from: walker.t, to: Infinity };
      walker.walkTo(walker.otherRoom());
    } else if (desk && phoneDown && phoneDown.to === Infinity && walker.t >= desk.pickUp) {
      if (walker.room !== 'office') walker.walkTo('office');
      walker.go(DESK);
      phoneDown.to = walker.t;
      walker.stay(30);
    } else {
      walker.walkTo(walker.otherRoom());
    }
  }
  const personPath = walker.path;
  const phoneAt = (t: number): Point => (phoneDown && t >= phoneDown.from && t < phoneDown.to ? DESK : positionAt(personPath, t));

  // A node offline: the office node, from 30 to 45 minutes (HA shows its sensors unavailable).
  const offline = options.scenario === 'node-offline' ? { node: 'office' as Room, from: 30 * 60_000, to: 45 * 60_000 } : undefined;

  const readings: TraceReading[] = [];
  const trackers = [
    { tracker: PHONE, kind: 'phone' as const },
    { tracker: WATCH, kind: 'watch' as const },
  ];
  for (const room of ROOMS) {
    for (const { tracker, kind } of trackers) {
      const phase = random() * interval * 1000;
      const at = (t: number): Point => (kind === 'phone' ? phoneAt(t) : positionAt(personPath, t));
      let wasOffline = false;
      for (let t = phase; t < duration; t += interval * 1000) {
        const down = offline !== undefined && offline.node === room && t >= offline.from && t < offline.to;
        if (down) {
          if (!wasOffline) readings.push({ t: Math.round(t), node: NODE_NAMES[room], tracker, rssi: null });
          wasOffline = true;
          continue;
        }
        wasOffline = false;
        const p = at(t);
        const d = Math.max(dist(p, NODE_AT[room]), 0.3);
        const clean = radio.txPower[kind] - 10 * radio.pathLossExponent * Math.log10(d) - wallsBetween(p, NODE_AT[room], radio);
        const rssi = clean + noise() * radio.noiseSigmaDb + (radio.nodeBiasDb[room] ?? 0);
        const dropped = drops() < radio.dropRate;
        if (dropped || rssi < radio.sensitivityDbm) continue;
        readings.push({ t: Math.round(t), node: NODE_NAMES[room], tracker, rssi: Math.round(rssi) });
      }
    }
  }
  readings.sort((a, b) => a.t - b.t);

  // Ground truth: the room the person (the watch) is in, sampled every 100 ms.
  const truth: TraceTruth[] = [];
  let last: string | undefined;
  for (let t = 0; t < duration; t += 100) {
    const room = roomAt(positionAt(personPath, t));
    if (room !== last) truth.push({ t, person: PERSON, room });
    last = room;
  }

  return {
    header: {
      format: 'hearth-presence-trace',
      version: 1,
      report_interval: interval,
      nodes: ROOMS.map((room) => ({ node: NODE_NAMES[room], room, rssi_offset: -(radio.nodeBiasDb[room] ?? 0) })),
      devices: trackers.map(({ tracker }) => ({ tracker, person: PERSON })),
      meta: { scenario: options.scenario, seed: options.seed, duration_s: duration / 1000 },
    },
    readings,
    truth,
  };
}
