/**
 * The realistic-radio part of the presence bench: every scenario of simulate.ts on each seed,
 * replayed through the engine, scored (replay.ts) and summed up per scenario and overall.
 */
import { percentile } from '../presence/evaluate.js';
import type { PresenceOptions } from '../../../src/hub/presence/core/engine.js';
import { meanRssi } from './radio.js';
import { replayRadio, scoreRadio, type RadioScore } from './replay.js';
import { RADIO_SCENARIOS, type RadioScenario, type RadioTrace, simulateRadio } from './simulate.js';
import { positionAt } from './walk.js';

export interface RadioBenchOptions {
  seeds: readonly number[];
  hours: number;
  engine?: Partial<PresenceOptions>;
  blurMissing?: boolean;
  adjacency?: boolean;
  entrance?: boolean;
  scenarios?: readonly RadioScenario[];
}

export interface RadioRow {
  scenario: RadioScenario | 'all';
  score: RadioScore;
}

/** Share of at-home time the strongest node without shadowing, body or fading is in the true room. */
export function solvable(trace: RadioTrace): number {
  let right = 0;
  let n = 0;
  for (let k = 0; k < trace.truth.length; k++) {
    const g = trace.truth[k]!;
    const end = trace.truth[k + 1]?.t ?? g.t;
    if (g.room === 'away') continue;
    for (let t = g.t; t < end; t += 1000) {
      const p = positionAt(trace.path, t);
      let best = '';
      let bestV = -Infinity;
      for (const room of trace.house.names) {
        const v = meanRssi(trace.house, trace.radio, trace.devices[1]!.tracker, p, room);
        if (v > bestV) [best, bestV] = [room, v];
      }
      n++;
      if (best === g.room) right++;
    }
  }
  return n ? right / n : 1;
}

export function mergeRadio(scores: readonly RadioScore[]): RadioScore {
  const seconds = scores.reduce((s, x) => s + x.seconds, 0);
  const weighted = (f: (s: RadioScore) => number): number => scores.reduce((s, x) => s + f(x) * x.seconds, 0) / (seconds || 1);
  const flaps = scores.reduce((s, x) => s + x.flaps, 0);
  const sum = (f: (s: RadioScore) => number): number => scores.reduce((s, x) => s + f(x), 0);
  const desk = scores.filter((s) => s.phoneDown);
  const out: RadioScore = {
    seconds,
    accuracy: weighted((s) => s.accuracy),
    rawAccuracy: weighted((s) => s.rawAccuracy),
    flaps,
    flapsPerHour: seconds ? (flaps * 3600) / seconds : 0,
    lateFlaps: sum((s) => s.lateFlaps),
    switchDelays: scores.flatMap((s) => s.switchDelays),
    switchesNotSeen: sum((s) => s.switchesNotSeen),
    awayDelays: scores.flatMap((s) => s.awayDelays),
    awaysNotSeen: sum((s) => s.awaysNotSeen),
    starts: { right: sum((s) => s.starts.right), n: sum((s) => s.starts.n) },
    homecomings: { right: sum((s) => s.homecomings.right), n: sum((s) => s.homecomings.n) },
    awayWhileUnknownS: sum((s) => s.awayWhileUnknownS),
    blind: { delays: scores.flatMap((s) => s.blind.delays), notSeen: sum((s) => s.blind.notSeen) },
  };
  if (desk.length)
    out.phoneDown = {
      correct: desk.reduce((s, x) => s + x.phoneDown!.correct, 0),
      counted: desk.reduce((s, x) => s + x.phoneDown!.counted, 0),
    };
  return out;
}

export function runRadioBench(options: RadioBenchOptions): { rows: RadioRow[]; all: RadioScore; solvable: number } {
  const rows: RadioRow[] = [];
  const all: RadioScore[] = [];
  let solv = 0;
  let solvN = 0;
  for (const scenario of options.scenarios ?? RADIO_SCENARIOS) {
    const scores: RadioScore[] = [];
    for (const seed of options.seeds) {
      const trace = simulateRadio({ scenario, seed, duration: options.hours * 3600 });
      if (scenario === 'walks') {
        solv += solvable(trace);
        solvN++;
      }
      const detected = replayRadio(trace, {
        ...(options.engine ? { engine: options.engine } : {}),
        ...(options.blurMissing ? { blurMissing: true } : {}),
        ...(options.adjacency ? { adjacency: true } : {}),
        ...(options.entrance ? { entrance: true } : {}),
      });
      scores.push(scoreRadio(trace, detected));
    }
    all.push(...scores);
    rows.push({ scenario, score: mergeRadio(scores) });
  }
  return { rows, all: mergeRadio(all), solvable: solvN ? solv / solvN : NaN };
}

export const fmt = (v: number | undefined, digits = 1): string =>
  v === undefined ? '-' : Number.isFinite(v) ? v.toFixed(digits) : 'not seen';
export const pct = (v: number): string => `${(v * 100).toFixed(2)} %`;

export function withMisses(delays: readonly number[], misses: number): number[] {
  return [...delays, ...Array.from({ length: misses }, () => Infinity)];
}

/**
 * The switch delays (misses as Infinity) without the stays begun while nothing was known (every
 * node unavailable): what an estimator can be judged on. Each blind delay removes one equal value.
 */
export function seeableDelays(s: RadioScore): number[] {
  const out = withMisses(s.switchDelays, s.switchesNotSeen - s.blind.notSeen);
  for (const d of s.blind.delays) {
    const i = out.indexOf(d);
    if (i >= 0) out.splice(i, 1);
  }
  return out;
}

export function radioTable(rows: readonly RadioRow[], all: RadioScore): string {
  const header = [
    'scenario',
    'hours',
    'accuracy',
    'flaps/h (late)',
    'switch p50 / p95 s',
    'not seen',
    'away p50 / max s',
    'first room: start',
    'home',
    'desk acc.',
    'away unknown s',
  ];
  const line = (name: string, s: RadioScore): string[] => {
    const delays = withMisses(s.switchDelays, s.switchesNotSeen);
    const away = withMisses(s.awayDelays, s.awaysNotSeen);
    return [
      name,
      (s.seconds / 3600).toFixed(1),
      pct(s.accuracy),
      `${fmt(s.flapsPerHour, 2)} (${fmt(s.seconds ? (s.lateFlaps * 3600) / s.seconds : 0, 2)})`,
      `${fmt(percentile(delays, 50))} / ${fmt(percentile(delays, 95))} (n=${delays.length})`,
      `${s.switchesNotSeen}`,
      away.length ? `${fmt(percentile(away, 50))} / ${fmt(Math.max(...away))} (n=${away.length})` : '-',
      `${s.starts.right}/${s.starts.n}`,
      s.homecomings.n ? `${s.homecomings.right}/${s.homecomings.n}` : '-',
      s.phoneDown ? pct(s.phoneDown.correct / Math.max(1, s.phoneDown.counted)) : '-',
      fmt(s.awayWhileUnknownS),
    ];
  };
  const body = [header, ...rows.map((r) => line(r.scenario, r.score)), line('all', all)];
  const widths = header.map((_, i) => Math.max(...body.map((r) => r[i]!.length)));
  return body.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}
