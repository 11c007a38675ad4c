/**
 * Replays a radio trace (simulate.ts) through the presence engine as the hub feeds it, and
 * scores it: the common figures (src/hub/presence/evaluate.ts: accuracy, flaps, switch and away
 * delays) plus the ones this radio adds — the first room at start and on coming home, time shown
 * away while nothing was known, and accuracy while the phone lies on the desk.
 */
import { AWAY, createPresenceEngine, type PersonPresence, type PresenceOptions } from '../../../src/hub/presence/core/engine.js';
import { type Change, roomAt, score, type Score } from '../presence/evaluate.js';
import type { Trace } from '../presence/trace.js';
import { HALL } from './house.js';
import type { RadioTrace } from './simulate.js';

export interface ReplayOptions {
  engine?: Partial<PresenceOptions>;
  /**
   * Feed `unknown` like `unavailable` (both as "no reading"), as the hub did before the engine
   * told them apart: for the figures of the engine before the fix.
   */
  blurMissing?: boolean;
  /** Hand the engine the house's floor plan (its doors, the front door as [hall, away]). */
  adjacency?: boolean;
  /** Hand the engine only the entrance (`doors: [[hall, away]]`): what a user configures at least. */
  entrance?: boolean;
  /** Called at each evaluation with the person's presence and evidence (diagnose.ts); slower. */
  probe?: (t: number, person: PersonPresence) => void;
}

/** Detected room changes of the trace's person; evaluated after each reading instant and every second. */
export function replayRadio(trace: RadioTrace, options: ReplayOptions = {}): Change[] {
  const engineOptions: Partial<PresenceOptions> = { ...options.engine };
  if (options.adjacency)
    engineOptions.doors = [...Object.keys(trace.house.doors).map((k) => k.split('|') as [string, string]), [HALL, AWAY]];
  else if (options.entrance) engineOptions.doors = [[HALL, AWAY]];
  const engine = createPresenceEngine({ nodes: trace.nodes, devices: trace.devices, options: engineOptions, start: 0 });
  const detected: Change[] = [];
  const end = trace.truth.at(-1)!.t + 1000;
  const evaluate = (t: number): void => {
    const person = engine.update(t, options.probe !== undefined)[0]!;
    options.probe?.(t, person);
    const room = person.room;
    if (detected.at(-1)?.room !== room) detected.push({ t, room });
  };
  let i = 0;
  let tick = 0;
  const readings = trace.readings;
  while (i < readings.length || tick <= end) {
    const tr = i < readings.length ? readings[i]!.t : Infinity;
    if (tick <= tr) {
      evaluate(tick);
      tick += 1000;
      continue;
    }
    while (i < readings.length && readings[i]!.t === tr) {
      const r = readings[i++]!;
      if (r.rssi !== null) engine.ingest({ t: r.t, node: r.node, tracker: r.tracker, rssi: r.rssi });
      else if (options.blurMissing) engine.ingest({ t: r.t, node: r.node, tracker: r.tracker, rssi: null });
      else engine.ingest({ t: r.t, node: r.node, tracker: r.tracker, rssi: null, missing: r.missing ?? 'unavailable' });
    }
    evaluate(tr);
  }
  return detected;
}

export interface RadioScore extends Score {
  starts: { right: number; n: number };
  homecomings: { right: number; n: number };
  /** Seconds shown away while at home and nothing was known (before the first reading, blackouts). */
  awayWhileUnknownS: number;
  /** Accuracy while the phone lay on the desk (same grace as `accuracy`), when it did. */
  phoneDown?: { correct: number; counted: number };
  /**
   * The stays (as scored in `switchDelays` / `switchesNotSeen`) that began while nothing was known
   * (every node unavailable): their delays (s) and how many were never seen. No estimator can
   * see them before the data returns; reported beside the figures, never dropped from them.
   */
  blind: { delays: number[]; notSeen: number };
}

function truthAt(trace: RadioTrace, t: number): string {
  let room = trace.truth[0]!.room;
  for (const g of trace.truth) {
    if (g.t > t) break;
    room = g.room;
  }
  return room;
}

export function scoreRadio(trace: RadioTrace, detected: Change[]): RadioScore {
  const asTrace: Trace = {
    header: {
      format: 'hearth-presence-trace',
      version: 1,
      report_interval: trace.radio.reportIntervalS,
      nodes: trace.nodes.map((n) => ({ ...n, rssi_offset: 0 })),
      devices: trace.devices,
    },
    readings: trace.readings.map((r) => ({ t: r.t, node: r.node, tracker: r.tracker, rssi: r.rssi })),
    truth: trace.truth,
  };
  const base = score(asTrace, { person: trace.devices[0]!.person, detected });

  // First room at start: the first room shown is the true room then.
  const first = detected.find((c) => c.room !== null);
  const starts = { right: first && first.room === truthAt(trace, first.t) ? 1 : 0, n: 1 };

  // Coming home: the first room shown after the away spell is the room walked into (the hall),
  // shown within 10 s of coming through the front door.
  const homecomings = { right: 0, n: 0 };
  for (let k = 1; k < trace.truth.length; k++) {
    if (trace.truth[k - 1]!.room !== AWAY || trace.truth[k]!.room === AWAY) continue;
    const back = trace.truth[k]!.t;
    homecomings.n++;
    const lastAway = [...detected].reverse().find((c) => c.room === AWAY && c.t <= back + 10_000);
    const shown = lastAway ? detected.find((c) => c.t > lastAway.t && c.room !== AWAY && c.room !== null) : undefined;
    if (shown && shown.t <= back + 10_000 && shown.room === truthAt(trace, Math.max(shown.t, back))) homecomings.right++;
  }

  // Away while nothing is known.
  let awayMs = 0;
  const firstReading = trace.readings.find((r) => r.rssi !== null)?.t ?? 0;
  const windows = [{ from: 0, to: firstReading }, ...trace.blackouts.map((b) => ({ from: b.from, to: b.to + 5000 }))];
  for (const w of windows) {
    for (let t = w.from; t < w.to; t += 100) if (roomAt(detected, t) === AWAY && truthAt(trace, t) !== AWAY) awayMs += 100;
  }

  // Stays begun while nothing was known (the same stays, and delays, as score() counts).
  const blind = { delays: [] as number[], notSeen: 0 };
  const end = Math.max(trace.readings.at(-1)?.t ?? 0, trace.truth.at(-1)?.t ?? 0);
  for (let k = 1; k < trace.truth.length; k++) {
    const s = { start: trace.truth[k]!.t, end: trace.truth[k + 1]?.t ?? end, room: trace.truth[k]!.room };
    if (s.room === AWAY || s.start < 60_000 || s.end - s.start < 30_000) continue;
    if (!trace.blackouts.some((b) => s.start >= b.from && s.start < b.to)) continue;
    const seenAt =
      roomAt(detected, s.start) === s.room ? s.start : detected.find((c) => c.t >= s.start && c.t < s.end && c.room === s.room)?.t;
    if (seenAt === undefined) blind.notSeen++;
    else blind.delays.push((seenAt - s.start) / 1000);
  }
  const out: RadioScore = { ...base, starts, homecomings, awayWhileUnknownS: awayMs / 1000, blind };
  if (trace.phoneDown) {
    let correct = 0;
    let counted = 0;
    let lastChange = -Infinity;
    let prev: string | undefined;
    for (let t = trace.phoneDown.from; t < Math.min(trace.phoneDown.to, trace.truth.at(-1)!.t); t += 100) {
      const truth = truthAt(trace, t);
      if (truth !== prev) lastChange = t;
      prev = truth;
      if (t - lastChange < 10_000) continue;
      counted++;
      if (roomAt(detected, t) === truth) correct++;
    }
    out.phoneDown = { correct, counted };
  }
  return out;
}
