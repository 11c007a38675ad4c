/**
 * A person's day in a drawn house (house.ts): where they are and which way they face, over
 * time. Moves between rooms go through doors and the hall; some visits are short (in and out
 * in 5–40 s); leaving and coming home go through the front door and along the outside of the
 * house; at home they stop in the hall a moment (shoes, keys) before going on. While sitting,
 * a person turns every 20–60 s (their body then shadows the nodes behind them). Pure.
 */
import { doorKey, HALL, type House, type Point, roomOf, spotIn } from './house.js';
import type { Random } from './random.js';

export interface Waypoint {
  /** ms */
  t: number;
  p: Point;
}

export interface Turn {
  /** ms: from then on, facing `angle` while still (radians). */
  t: number;
  angle: number;
}

export interface Walk {
  path: Waypoint[];
  turns: Turn[];
}

export const AWAY = 'away';

const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

export class Walker {
  readonly path: Waypoint[];
  readonly turns: Turn[] = [];
  room: string;
  private readonly speed: number;

  constructor(
    readonly house: House,
    readonly random: Random,
    start: string,
  ) {
    this.room = start;
    this.path = [{ t: 0, p: spotIn(house, start, random) }];
    this.speed = random.between(0.9, 1.4);
    this.turns.push({ t: 0, angle: random.between(0, 2 * Math.PI) });
  }

  get t(): number {
    return this.path.at(-1)!.t;
  }

  get at(): Point {
    return this.path.at(-1)!.p;
  }

  go(p: Point): void {
    this.path.push({ t: this.t + (dist(this.at, p) / this.speed) * 1000, p });
  }

  /** Stays put for `seconds`, turning every 20–60 s. */
  stay(seconds: number): void {
    const end = this.t + seconds * 1000;
    for (let t = this.t; t < end; t += this.random.between(20, 60) * 1000)
      this.turns.push({ t, angle: this.random.between(0, 2 * Math.PI) });
    this.path.push({ t: end, p: this.at });
  }

  private hallPoint(x: number): Point {
    const b = this.house.rooms[HALL]!;
    return { x: Math.min(b.x1 - 0.4, Math.max(b.x0 + 0.4, x)), y: (b.y0 + b.y1) / 2 + this.random.between(-0.2, 0.2) };
  }

  /** Through the doors to a spot in `room`. */
  walkTo(room: string, spot?: Point): void {
    const direct = this.house.doors[doorKey(this.room, room)];
    if (direct) this.go(direct);
    else {
      if (this.room !== HALL) {
        const out = this.house.doors[doorKey(this.room, HALL)]!;
        this.go(out);
        this.go(this.hallPoint(out.x));
      }
      if (room !== HALL) {
        const inn = this.house.doors[doorKey(room, HALL)]!;
        this.go(this.hallPoint(inn.x));
        this.go(inn);
      }
    }
    this.go(spot ?? spotIn(this.house, room, this.random));
    this.room = room;
  }

  otherRoom(notHall = true): string {
    const others = this.house.names.filter((r) => r !== this.room && (!notHall || r !== HALL));
    return others[Math.floor(this.random.next() * others.length)]!;
  }

  /** A stay: a quarter are short visits (5–40 s), the rest mostly minutes (capped at 20 min). */
  dwell(): void {
    const short = this.random.next() < 0.25;
    const seconds = short ? this.random.between(5, 40) : 60 + -Math.log(Math.max(this.random.next(), 1e-9)) * 300;
    this.stay(Math.min(seconds, 20 * 60));
  }

  /** Out of the front door, along the house, away for `awaySeconds`, home, a stop in the hall. */
  leaveAndReturn(awaySeconds: number): void {
    if (this.room !== HALL) this.walkTo(HALL, this.hallPoint(1.2));
    this.go({ x: this.house.frontDoor.x + 0.3, y: this.house.frontDoor.y });
    for (const p of this.house.outside) this.go(p);
    this.room = AWAY;
    this.stay(awaySeconds);
    for (const p of [...this.house.outside].reverse()) this.go(p);
    this.go({ x: this.house.frontDoor.x + 0.3, y: this.house.frontDoor.y });
    this.room = HALL;
    this.go(this.hallPoint(this.random.between(1, 2.5)));
    this.stay(this.random.between(5, 20));
  }
}

export function positionAt(path: readonly Waypoint[], t: number): Point {
  if (t <= path[0]!.t) return path[0]!.p;
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

/** Facing at t: the heading while walking, the last turn while still. */
export function facingAt(walk: Walk, t: number): number {
  const a = positionAt(walk.path, t);
  const b = positionAt(walk.path, t + 300);
  if (dist(a, b) > 0.05) return Math.atan2(b.y - a.y, b.x - a.x);
  let lo = 0;
  let hi = walk.turns.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (walk.turns[mid]!.t <= t) lo = mid;
    else hi = mid;
  }
  return walk.turns[lo]!.angle;
}

/** The person's true room at t: a room, or `away` outside the house. */
export function trueRoom(house: House, walk: Walk, t: number): string {
  return roomOf(house, positionAt(walk.path, t)) ?? AWAY;
}
