/**
 * Realistic presence traces: a drawn house (house.ts), a drawn radio (radio.ts), a person's
 * day (walk.ts) with a phone and a watch, and the ESPHome nodes' reports as Home Assistant
 * would pass them on: a number (dBm), `unknown` (the node did not hear the device during a
 * scan) or `unavailable` (the node is offline). Deterministic per seed.
 *
 * Scenarios:
 * - walks:         moves between rooms (through the hall), a quarter of them short visits;
 * - leaving:       three times out of the front door for 8–18 min and home again;
 * - phone-on-desk: the phone lies on a desk from 10 to 70 min while the watch moves on;
 * - node-offline:  one room's node offline 30–45 min, and every node `unavailable` 80–83 min
 *                  (Home Assistant restarting: nothing is known).
 */
import { type House, drawHouse, HALL, type Point } from './house.js';
import { bodyLoss, drawRadio, meanRssi, ouStep, type RadioParams } from './radio.js';
import { random as seeded } from './random.js';
import { AWAY, facingAt, positionAt, trueRoom, type Walk, Walker, type Waypoint } from './walk.js';

export type RadioScenario = 'walks' | 'leaving' | 'phone-on-desk' | 'node-offline';
export const RADIO_SCENARIOS: readonly RadioScenario[] = ['walks', 'leaving', 'phone-on-desk', 'node-offline'];

export const PERSON = 'sam';
export const PHONE = 'sam-phone';
export const WATCH = 'sam-watch';
const DEVICES = [
  { tracker: PHONE, kind: 'phone' as const },
  { tracker: WATCH, kind: 'watch' as const },
];

/** What HA hands the hub for one RSSI sensor (node × device). */
export interface RadioReading {
  /** ms */
  t: number;
  node: string;
  tracker: string;
  /** dBm (rounded as the firmware publishes it), or null with `missing`. */
  rssi: number | null;
  /** Why there is no number: the node did not hear the device (`unknown`), or is offline. */
  missing?: 'unheard' | 'unavailable';
}

export interface RadioTrace {
  house: House;
  radio: RadioParams;
  nodes: { node: string; room: string }[];
  devices: { tracker: string; person: string }[];
  readings: RadioReading[];
  /** The person's true room from t on (sampled every 100 ms, changes only). */
  truth: { t: number; person: string; room: string }[];
  /** The person's path (the watch's, and the phone's unless on the desk). */
  path: Waypoint[];
  /** When no node is available (nothing known): [from, to) ms. */
  blackouts: { from: number; to: number }[];
  /** Phone on the desk: [from, to) ms. */
  phoneDown?: { from: number; to: number };
  scenario: RadioScenario;
  seed: number;
}

export const nodeName = (room: string): string => `${room}-presence`;

function plan(scenario: RadioScenario, house: House, walker: Walker, duration: number): { phoneDown?: { from: number; to: number } } {
  const r = walker.random;
  const leaves = scenario === 'leaving' ? [1, 2, 3].map((k) => (duration * k) / 4) : [];
  let phoneDown: { from: number; to: number } | undefined;
  const desk = scenario === 'phone-on-desk' ? { putDown: 10 * 60_000, pickUp: 70 * 60_000 } : undefined;
  while (walker.t < duration) {
    walker.dwell();
    if (leaves.length && walker.t >= leaves[0]!) {
      leaves.shift();
      walker.leaveAndReturn(r.between(8 * 60, 18 * 60));
      walker.walkTo(walker.otherRoom());
    } else if (desk && !phoneDown && walker.t >= desk.putDown) {
      if (walker.room !== house.desk.room) walker.walkTo(house.desk.room, house.desk.at);
      else walker.go(house.desk.at);
      walker.stay(r.between(20, 60));
      phoneDown = { from: walker.t, to: Infinity };
      walker.walkTo(walker.otherRoom());
    } else if (desk && phoneDown && phoneDown.to === Infinity && walker.t >= desk.pickUp) {
      if (walker.room !== house.desk.room) walker.walkTo(house.desk.room, house.desk.at);
      else walker.go(house.desk.at);
      phoneDown.to = walker.t;
      walker.stay(r.between(20, 60));
    } else if (r.next() < 0.15 && walker.room !== HALL) {
      // In and out: a few seconds in another room, then back.
      const back = walker.room;
      const spot = walker.at;
      walker.walkTo(walker.otherRoom());
      walker.stay(r.between(3, 25));
      walker.walkTo(back, spot);
    } else {
      walker.walkTo(walker.otherRoom());
    }
  }
  return phoneDown ? { phoneDown } : {};
}

export interface RadioSimOptions {
  scenario: RadioScenario;
  seed: number;
  /** Simulated length, seconds (default 2 h). */
  duration?: number;
}

export function simulateRadio(options: RadioSimOptions): RadioTrace {
  const duration = (options.duration ?? 7200) * 1000;
  const root = seeded(options.seed);
  const pathLossExponent = root.split('n').between(2.2, 3.0);
  const house = drawHouse(root.split('house'), pathLossExponent);
  const radio = drawRadio(house, root.split('radio'), DEVICES, pathLossExponent);
  const walkRandom = root.split(`walk:${options.scenario}`);
  const startRooms = house.names.filter((n) => n !== HALL);
  const walker = new Walker(house, walkRandom, startRooms[Math.floor(walkRandom.next() * startRooms.length)]!);
  const { phoneDown } = plan(options.scenario, house, walker, duration);
  const walk: Walk = { path: walker.path, turns: walker.turns };

  // Node availability: one node offline, and a blackout of every node.
  const outages: { room: string; from: number; to: number }[] = [];
  const blackouts: { from: number; to: number }[] = [];
  if (options.scenario === 'node-offline') {
    const rooms = house.names.filter((n) => n !== HALL);
    const room = rooms[Math.floor(root.split('offline').next() * rooms.length)]!;
    outages.push({ room, from: 30 * 60_000, to: 45 * 60_000 });
    if (duration > 83 * 60_000) {
      blackouts.push({ from: 80 * 60_000, to: 83 * 60_000 });
      for (const r of house.names) outages.push({ room: r, from: 80 * 60_000, to: 83 * 60_000 });
    }
  }
  const offline = (room: string, t: number): boolean => outages.some((o) => o.room === room && t >= o.from && t < o.to);

  const deviceAt = (tracker: string, t: number): { p: Point; worn: boolean } =>
    tracker === PHONE && phoneDown && t >= phoneDown.from && t < phoneDown.to
      ? { p: house.desk.at, worn: false }
      : { p: positionAt(walk.path, t), worn: true };

  // Advertisements of both devices in time order.
  const adv: { t: number; tracker: string }[] = [];
  const advRandom = root.split('adv');
  for (const d of DEVICES) {
    const every = radio.advIntervalS[d.tracker]! * 1000;
    for (let t = advRandom.next() * every; t < duration; t += every + advRandom.next() * 10) adv.push({ t, tracker: d.tracker });
  }
  adv.sort((a, b) => a.t - b.t);

  const rooms = house.names;
  const chan = root.split('channel');
  const shared = new Map(rooms.map((r) => [r, { x: chan.gauss() * radio.shadowSigmaDb * Math.sqrt(radio.shadowShared), t: 0 }]));
  const own = new Map<string, { x: number; t: number }>();
  for (const r of rooms)
    for (const d of DEVICES)
      own.set(`${r}|${d.tracker}`, { x: chan.gauss() * radio.shadowSigmaDb * Math.sqrt(1 - radio.shadowShared), t: 0 });
  const sigShared = radio.shadowSigmaDb * Math.sqrt(radio.shadowShared);
  const sigOwn = radio.shadowSigmaDb * Math.sqrt(1 - radio.shadowShared);

  // Heard packets per link, then the firmware's reports.
  const heard = new Map<string, { t: number; rssi: number }[]>();
  for (const r of rooms) for (const d of DEVICES) heard.set(`${r}|${d.tracker}`, []);
  for (const a of adv) {
    const { p, worn } = deviceAt(a.tracker, a.t);
    const facing = worn ? facingAt(walk, a.t) : 0;
    for (const room of rooms) {
      const s = shared.get(room)!;
      s.x = ouStep(s.x, (a.t - s.t) / 1000, sigShared, radio.shadowTauS, chan);
      s.t = a.t;
      const o = own.get(`${room}|${a.tracker}`)!;
      o.x = ouStep(o.x, (a.t - o.t) / 1000, sigOwn, radio.shadowTauS, chan);
      o.t = a.t;
      if (offline(room, a.t)) continue;
      const node = house.nodes[room]!;
      const body = worn ? bodyLoss(facing, Math.atan2(node.y - p.y, node.x - p.x), radio.bodyDb) : 0;
      const rssi = meanRssi(house, radio, a.tracker, p, room) - body + s.x + o.x + chan.gauss() * radio.fadingSigmaDb;
      if (rssi < radio.floorDbm[room]! || chan.next() > radio.scanDuty || chan.next() < radio.collision) continue;
      heard.get(`${room}|${a.tracker}`)!.push({ t: a.t, rssi });
    }
  }

  const readings: RadioReading[] = [];
  const phases = root.split('phase');
  const report = radio.reportIntervalS * 1000;
  const scan = radio.scanDurationS * 1000;
  for (const room of rooms) {
    const node = nodeName(room);
    const tick0 = phases.next() * report;
    const scan0 = phases.next() * scan;
    for (const d of DEVICES) {
      const packets = heard.get(`${room}|${d.tracker}`)!;
      let k = 0;
      let nanPending = false;
      let seenThisScan = false;
      let nextScanEnd = scan0;
      let wasOffline = false;
      for (let t = tick0; t < duration; t += report) {
        while (nextScanEnd <= t) {
          if (!seenThisScan) nanPending = true;
          seenThisScan = false;
          nextScanEnd += scan;
        }
        let sum = 0;
        let n = 0;
        while (k < packets.length && packets[k]!.t <= t) {
          sum += packets[k]!.rssi;
          n++;
          k++;
        }
        if (n > 0) seenThisScan = true;
        if (offline(room, t)) {
          if (!wasOffline) readings.push({ t: Math.round(t), node, tracker: d.tracker, rssi: null, missing: 'unavailable' });
          wasOffline = true;
          nanPending = false;
          continue;
        }
        if (wasOffline && n === 0) {
          // Back online: ESPHome sends its sensors' states; one without a state reads `unknown`.
          readings.push({ t: Math.round(t), node, tracker: d.tracker, rssi: null, missing: 'unheard' });
        }
        wasOffline = false;
        if (n > 0) {
          readings.push({ t: Math.round(t), node, tracker: d.tracker, rssi: Math.round(sum / n) });
          nanPending = false;
        } else if (nanPending) {
          readings.push({ t: Math.round(t), node, tracker: d.tracker, rssi: null, missing: 'unheard' });
          nanPending = false;
        }
      }
    }
  }
  readings.sort((a, b) => a.t - b.t);

  const truth: RadioTrace['truth'] = [];
  let last: string | undefined;
  for (let t = 0; t < duration; t += 100) {
    const room = trueRoom(house, walk, t);
    if (room !== last) truth.push({ t, person: PERSON, room });
    last = room;
  }
  const out: RadioTrace = {
    house,
    radio,
    nodes: rooms.map((room) => ({ node: nodeName(room), room })),
    devices: DEVICES.map((d) => ({ tracker: d.tracker, person: PERSON })),
    readings,
    truth,
    path: walk.path,
    blackouts,
    scenario: options.scenario,
    seed: options.seed,
  };
  if (phoneDown) out.phoneDown = phoneDown;
  return out;
}

export { AWAY };
