/**
 * A house drawn per seed for the radio simulator: a hall along the middle with the front door at
 * its west end, two to three rooms south of it and two to three north, one BLE node per room
 * (the hall has one too). Walls are line segments with their own loss; the straight line from a
 * device to a node loses the sum of the walls it crosses (doors are not modelled as openings:
 * BLE goes through a closed or open door alike, roughly).
 *
 *        y ┌──────┬────────┬──────┐
 *          │office│bedroom │bath  │   north rooms (door to the hall each)
 *          ├──────┴────────┴──────┤
 *   front ─┤ hall                 │
 *          ├───────┬──────────────┤
 *          │kitchen│ living-room  │   south rooms (kitchen–living-room door too)
 *        0 └───────┴──────────────┘
 *          0                      W (metres)
 *
 * Some nodes sit near a wall shared with the next room (they then hear that room well), as
 * people mount them on whatever wall has a socket. Pure: a seeded PRNG draws everything.
 */
import type { Random } from './random.js';

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Wall {
  a: Point;
  b: Point;
  /** dB lost crossing it. */
  loss: number;
  exterior: boolean;
}

export interface House {
  rooms: Record<string, Box>;
  /** Room names in a fixed order (the hall first). */
  names: string[];
  walls: Wall[];
  /** Node position per room. */
  nodes: Record<string, Point>;
  /** Door points: key "a|b" (sorted) → midpoint of the doorway. */
  doors: Record<string, Point>;
  frontDoor: Point;
  /** Where a person walks from (and back to) when away. */
  outside: Point[];
  /** Room adjacency through doors (the floor plan's optional configuration). */
  adjacency: Record<string, string[]>;
  /** A desk (phone-on-desk scenario): a spot in a room that is not the hall. */
  desk: { room: string; at: Point };
}

export const HALL = 'hall';
const SOUTH = ['kitchen', 'living-room', 'dining-room'];
const NORTH = ['office', 'bedroom', 'bathroom'];

export const doorKey = (a: string, b: string): string => [a, b].sort().join('|');

function splits(random: Random, width: number, count: number): number[] {
  // Room widths 3–6 m, scaled to fill the width.
  const raw = Array.from({ length: count }, () => 3 + random.next() * 3);
  const sum = raw.reduce((s, w) => s + w, 0);
  const xs = [0];
  for (const w of raw) xs.push(xs.at(-1)! + (w / sum) * width);
  xs[xs.length - 1] = width;
  return xs;
}

/** Draws a house for a seed. Wall losses 6–10 dB (interior) and 9–14 dB (exterior). */
export function drawHouse(random: Random, pathLossExponent: number): House {
  const south = SOUTH.slice(0, 2 + (random.next() < 0.5 ? 1 : 0));
  const north = NORTH.slice(0, 2 + (random.next() < 0.5 ? 1 : 0));
  const width = 3.8 * Math.max(south.length, north.length) + random.next() * 3;
  const dS = 3.5 + random.next() * 1.5;
  const hallW = 1.3 + random.next() * 0.6;
  const dN = 3.5 + random.next() * 1.5;
  const yH0 = dS;
  const yH1 = dS + hallW;
  const top = yH1 + dN;
  const rooms: Record<string, Box> = { [HALL]: { x0: 0, y0: yH0, x1: width, y1: yH1 } };
  const xsS = splits(random, width, south.length);
  const xsN = splits(random, width, north.length);
  south.forEach((r, i) => (rooms[r] = { x0: xsS[i]!, y0: 0, x1: xsS[i + 1]!, y1: yH0 }));
  north.forEach((r, i) => (rooms[r] = { x0: xsN[i]!, y0: yH1, x1: xsN[i + 1]!, y1: top }));

  const interior = (): number => 6 + random.next() * 4;
  const exterior = (): number => 9 + random.next() * 5;
  const walls: Wall[] = [];
  const wall = (a: Point, b: Point, loss: number, ext = false): void => void walls.push({ a, b, loss, exterior: ext });
  // Outside walls, one loss per side.
  wall({ x: 0, y: 0 }, { x: width, y: 0 }, exterior(), true);
  wall({ x: width, y: 0 }, { x: width, y: top }, exterior(), true);
  wall({ x: width, y: top }, { x: 0, y: top }, exterior(), true);
  wall({ x: 0, y: top }, { x: 0, y: 0 }, exterior(), true);
  // Hall walls, one segment (and loss) per room along them.
  south.forEach((r) => wall({ x: rooms[r]!.x0, y: yH0 }, { x: rooms[r]!.x1, y: yH0 }, interior()));
  north.forEach((r) => wall({ x: rooms[r]!.x0, y: yH1 }, { x: rooms[r]!.x1, y: yH1 }, interior()));
  // Partitions between neighbouring rooms.
  for (let i = 1; i < south.length; i++) wall({ x: xsS[i]!, y: 0 }, { x: xsS[i]!, y: yH0 }, interior());
  for (let i = 1; i < north.length; i++) wall({ x: xsN[i]!, y: yH1 }, { x: xsN[i]!, y: top }, interior());

  const doors: Record<string, Point> = {};
  const along = (lo: number, hi: number): number => lo + 0.8 + random.next() * Math.max(0, hi - lo - 1.6);
  for (const r of south) doors[doorKey(r, HALL)] = { x: along(rooms[r]!.x0, rooms[r]!.x1), y: yH0 };
  for (const r of north) doors[doorKey(r, HALL)] = { x: along(rooms[r]!.x0, rooms[r]!.x1), y: yH1 };
  // Kitchen and living room open into each other.
  doors[doorKey(south[0]!, south[1]!)] = { x: xsS[1]!, y: 0.8 + random.next() * (dS - 1.6) };

  const adjacency: Record<string, string[]> = {};
  for (const key of Object.keys(doors)) {
    const [a, b] = key.split('|') as [string, string];
    (adjacency[a] ??= []).push(b);
    (adjacency[b] ??= []).push(a);
  }

  // Nodes: 0.2 m off a wall of their room; the wall picked at random (a shared wall is as
  // likely as any), a spot along it away from the corners. A placement that leaves part of a
  // room to another room's node (noise-free) is redrawn, up to a point, as a householder moves a
  // node that gets its room wrong: the house stays solvable, and still has nodes on shared walls.
  const place = (name: string): Point => {
    const b = rooms[name]!;
    if (name === HALL) return { x: 0.8 + random.next() * (b.x1 - 1.6), y: random.next() < 0.5 ? b.y0 + off : b.y1 - off };
    const side = Math.floor(random.next() * 4);
    const u = 0.2 + random.next() * 0.6;
    const px = b.x0 + u * (b.x1 - b.x0);
    const py = b.y0 + u * (b.y1 - b.y0);
    return side === 0
      ? { x: px, y: b.y0 + off }
      : side === 1
        ? { x: px, y: b.y1 - off }
        : side === 2
          ? { x: b.x0 + off, y: py }
          : { x: b.x1 - off, y: py };
  };
  const off = 0.2;
  const names = [HALL, ...south, ...north];
  let nodes: Record<string, Point> = {};
  let bestScore = -Infinity;
  const draft: House = {
    rooms,
    names,
    walls,
    nodes,
    doors,
    frontDoor: { x: 0, y: 0 },
    outside: [],
    adjacency,
    desk: { room: '', at: { x: 0, y: 0 } },
  };
  for (let attempt = 0; attempt < 300 && bestScore < 1; attempt++) {
    draft.nodes = Object.fromEntries(names.map((n) => [n, place(n)]));
    // Every room (the hall, a passage, less strictly) mostly its own node's.
    const score = Math.min(
      ...names.map((n) => Math.min(1, ownShare(draft, n, pathLossExponent, n === HALL ? 0 : 3) / (n === HALL ? 0.7 : 1))),
    );
    if (score > bestScore) [nodes, bestScore] = [draft.nodes, score];
  }

  const frontDoor = { x: 0, y: (yH0 + yH1) / 2 };
  // Home along the south (front) side of the house, past the kitchen's outside wall.
  const outside = [
    { x: -0.6, y: frontDoor.y },
    { x: -1.2, y: -1.2 },
    { x: 6, y: -6 },
    { x: 40, y: -40 },
  ];
  const deskRoom = north[0]!;
  const db = rooms[deskRoom]!;
  const desk = { room: deskRoom, at: { x: db.x0 + 0.6 + random.next() * (db.x1 - db.x0 - 1.2), y: db.y1 - 0.6 } };
  return { rooms, names, walls, nodes, doors, frontDoor, outside, adjacency, desk };
}

export function roomOf(house: House, p: Point): string | undefined {
  for (const name of house.names) {
    const b = house.rooms[name]!;
    if (p.x >= b.x0 && p.x < b.x1 && p.y >= b.y0 && p.y < b.y1) return name;
  }
  return undefined;
}

function side(u: Point, v: Point, w: Point): number {
  return (v.x - u.x) * (w.y - u.y) - (v.y - u.y) * (w.x - u.x);
}

function crosses(p: Point, q: Point, a: Point, b: Point): boolean {
  const d = side;
  const d1 = d(a, b, p);
  const d2 = d(a, b, q);
  const d3 = d(p, q, a);
  const d4 = d(p, q, b);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

/** dB lost to walls on the straight line p → q. */
export function wallLoss(house: House, p: Point, q: Point): number {
  let loss = 0;
  for (const w of house.walls) if (crosses(p, q, w.a, w.b)) loss += w.loss;
  return loss;
}

/** A spot a person may stand or sit in a room, 0.5 m from its walls. */
export function spotIn(house: House, room: string, random: Random): Point {
  const b = house.rooms[room]!;
  const m = 0.5;
  return { x: b.x0 + m + random.next() * (b.x1 - b.x0 - 2 * m), y: b.y0 + m + random.next() * (b.y1 - b.y0 - 2 * m) };
}

/** Share of a room's spots (0.5 m grid) where its own node is the strongest by `margin` dB, noise-free. */
export function ownShare(house: House, room: string, pathLossExponent: number, margin = 0): number {
  const b = house.rooms[room]!;
  let own = 0;
  let n = 0;
  for (let x = b.x0 + 0.4; x < b.x1 - 0.3; x += 0.5) {
    for (let y = b.y0 + 0.4; y < b.y1 - 0.3; y += 0.5) {
      const p = { x, y };
      let mine = -Infinity;
      let most = -Infinity;
      for (const name of house.names) {
        const q = house.nodes[name]!;
        const v = -10 * pathLossExponent * Math.log10(Math.max(0.5, Math.hypot(p.x - q.x, p.y - q.y))) - wallLoss(house, p, q);
        if (name === room) mine = v;
        else if (v > most) most = v;
      }
      n++;
      if (mine >= most + margin) own++;
    }
  }
  return n ? own / n : 1;
}
