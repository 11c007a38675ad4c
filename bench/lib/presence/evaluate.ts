/**
 * Replays a trace through the presence engine and scores the result against the trace's
 * ground truth. Pure; the benchmark prints what this computes.
 *
 * Definitions (also printed by the benchmark):
 * - accuracy: share of time the detected room equals the true room, from `warmup` on, not
 *   counting the first `grace` seconds after each true change (`awayGrace` after a change to
 *   away): within the target delay either answer is fair. `rawAccuracy` counts every second.
 * - flap: a detected change to room R at t that no true change into R in [t − 30 s, t + grace]
 *   explains ([t − awayGrace − 30 s, t + grace] for away; a change seen a little early, e.g.
 *   the kitchen while still at the front door, is fair). `lateFlaps` counts the flaps that first
 *   show the room the person is in (entered more than 30 s before): a right switch seen late,
 *   which the definition counts as a flap too; the others are trips into a wrong room and back.
 * - switch delay: for each true change into a room that lasts ≥ 30 s (passing through a room
 *   on the way is not a stay), the time until the detected room first equals it; a stay that
 *   ends before it is detected counts as not seen.
 * - away delay: the same, for true changes to away.
 */
import { AWAY, createPresenceEngine, type PresenceOptions } from '../../../src/hub/presence/core/engine.js';
import type { Trace } from './trace.js';

export interface Change {
  t: number;
  room: string | null;
}

export interface ReplayResult {
  person: string;
  detected: Change[];
}

/** Feeds the readings in time order, evaluating after each instant and every `tickMs`. */
export function replay(trace: Trace, options: Partial<PresenceOptions> = {}, tickMs = 1000): ReplayResult[] {
  const engine = createPresenceEngine({
    nodes: trace.header.nodes,
    devices: trace.header.devices,
    options,
    start: 0,
  });
  const people = [...new Set(trace.header.devices.map((d) => d.person))].sort();
  const detected = new Map<string, Change[]>(people.map((p) => [p, []]));
  const end = Math.max(trace.readings.at(-1)?.t ?? 0, trace.truth.at(-1)?.t ?? 0) + tickMs;
  let i = 0;
  let nextTick = 0;
  const evaluate = (t: number): void => {
    for (const p of engine.update(t)) {
      const list = detected.get(p.person)!;
      if (list.at(-1)?.room !== p.room) list.push({ t, room: p.room });
    }
  };
  while (i < trace.readings.length || nextTick <= end) {
    const tr = i < trace.readings.length ? trace.readings[i]!.t : Infinity;
    if (nextTick <= tr) {
      evaluate(nextTick);
      nextTick += tickMs;
      continue;
    }
    while (i < trace.readings.length && trace.readings[i]!.t === tr) engine.ingest(trace.readings[i++]!);
    evaluate(tr);
  }
  return people.map((person) => ({ person, detected: detected.get(person)! }));
}

export interface Score {
  /** Seconds of trace scored. */
  seconds: number;
  accuracy: number;
  rawAccuracy: number;
  flaps: number;
  flapsPerHour: number;
  /** Of `flaps`, those that first show the room the person is in (a switch seen more than 30 s late). */
  lateFlaps: number;
  switchDelays: number[];
  switchesNotSeen: number;
  awayDelays: number[];
  awaysNotSeen: number;
}

export interface ScoreOptions {
  graceSeconds?: number;
  awayGraceSeconds?: number;
  warmupSeconds?: number;
  minStaySeconds?: number;
}

interface Segment {
  start: number;
  end: number;
  room: string;
}

function segmentsOf(trace: Trace, person: string, end: number): Segment[] {
  const changes = trace.truth.filter((g) => g.person === person);
  return changes.map((g, k) => ({ start: g.t, end: changes[k + 1]?.t ?? end, room: g.room }));
}

/** The room of a list of changes (sorted by t) at `t`: the last change at or before it, else null. */
export function roomAt(changes: readonly Change[], t: number): string | null {
  let room: string | null = null;
  for (const c of changes) {
    if (c.t > t) break;
    room = c.room;
  }
  return room;
}

export function score(trace: Trace, result: ReplayResult, options: ScoreOptions = {}): Score {
  const grace = (options.graceSeconds ?? 10) * 1000;
  const awayGrace = (options.awayGraceSeconds ?? 60) * 1000;
  const warmup = (options.warmupSeconds ?? 60) * 1000;
  const minStay = (options.minStaySeconds ?? 30) * 1000;
  const end = Math.max(trace.readings.at(-1)?.t ?? 0, trace.truth.at(-1)?.t ?? 0);
  const segments = segmentsOf(trace, result.person, end);
  const detected = result.detected;

  // Accuracy, on a 100 ms grid.
  const stepMs = 100;
  let counted = 0;
  let correct = 0;
  let rawCounted = 0;
  let rawCorrect = 0;
  let k = 0;
  let d = 0;
  let current: string | null = null;
  for (let t = warmup; t < end; t += stepMs) {
    while (k + 1 < segments.length && segments[k + 1]!.start <= t) k++;
    while (d < detected.length && detected[d]!.t <= t) current = detected[d++]!.room;
    const seg = segments[k];
    if (!seg || seg.start > t) continue;
    const ok = current === seg.room;
    rawCounted++;
    if (ok) rawCorrect++;
    const g = seg.room === AWAY ? awayGrace : grace;
    if (k > 0 && t - seg.start < g) continue;
    counted++;
    if (ok) correct++;
  }

  // Flaps.
  let flaps = 0;
  let lateFlaps = 0;
  for (let i = 1; i < detected.length; i++) {
    const c = detected[i]!;
    if (c.t < warmup) continue;
    const lookback = c.room === AWAY ? awayGrace + 30_000 : 30_000;
    const explained = segments.some((s) => s.room === c.room && s.start <= c.t + grace && s.start >= c.t - lookback);
    if (explained) continue;
    flaps++;
    // Late: the first time this stay is shown (not the way back from a trip into a wrong room).
    const stay = segments.find((s) => s.start <= c.t && c.t < s.end);
    if (
      stay?.room === c.room &&
      roomAt(detected, stay.start) !== c.room &&
      !detected.slice(1, i).some((d) => d.t > stay.start && d.room === c.room)
    )
      lateFlaps++;
  }

  // Delays.
  const switchDelays: number[] = [];
  const awayDelays: number[] = [];
  let switchesNotSeen = 0;
  let awaysNotSeen = 0;
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.start < warmup || s.end - s.start < minStay) continue;
    let seenAt: number | undefined;
    if (roomAt(detected, s.start) === s.room) seenAt = s.start;
    else seenAt = detected.find((c) => c.t >= s.start && c.t < s.end && c.room === s.room)?.t;
    const away = s.room === AWAY;
    if (seenAt === undefined) {
      if (away) awaysNotSeen++;
      else switchesNotSeen++;
    } else {
      (away ? awayDelays : switchDelays).push((seenAt - s.start) / 1000);
    }
  }

  const seconds = Math.max(0, end - warmup) / 1000;
  return {
    seconds,
    accuracy: counted ? correct / counted : 1,
    rawAccuracy: rawCounted ? rawCorrect / rawCounted : 1,
    flaps,
    flapsPerHour: seconds ? (flaps * 3600) / seconds : 0,
    lateFlaps,
    switchDelays,
    switchesNotSeen,
    awayDelays,
    awaysNotSeen,
  };
}

export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
