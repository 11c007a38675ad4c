/**
 * The frontier of the realistic radio: flaps per hour against switch delay (p50, p95) and
 * accuracy, for the ORACLE (oracle.ts: told the true fingerprints, noise model and floor plan;
 * a bound, not an estimator) over its decision threshold and stickiness, and for the engine
 * over `hmm_threshold`, scored as the bench scores (replay.ts, bench.ts). Tuning seeds only.
 *
 *   npx tsx bench/lib/radio/frontier.ts [--seeds 1-16] [--hours 2] [--scenario walks]
 *     [--thresholds 2,4,6,8] [--rates 0.01,0.001] [--engine 1.5,2.5,4] [--engine-rates 0.003,0.03]
 *     [--ablate] [--why 0.001,6]
 *
 * --ablate: the oracle again with one piece of knowledge replaced (oracle.ts OracleKnowledge);
 * --why q,θ: the oracle's stays seen after more than 10 s at that point, with the walk from the
 * doorway to the person's spot and the spot's noise-free margin (what limits the delay).
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type Change, percentile, roomAt } from '../presence/evaluate.js';
import { fmt, mergeRadio, pct, withMisses } from './bench.js';
import { decide, FULL_KNOWLEDGE, type OracleKnowledge, runOracle } from './oracle.js';
import { replayRadio, scoreRadio, type RadioScore } from './replay.js';
import { RADIO_SCENARIOS, type RadioScenario, type RadioTrace, simulateRadio, WATCH } from './simulate.js';
import { meanRssi } from './radio.js';
import { positionAt } from './walk.js';

/** One point of a frontier: what was swept, and the merged score over every trace. */
export interface FrontierPoint {
  label: string;
  score: RadioScore;
}

/** Comma list of numbers and ranges (`1-16,21`). */
export function parseList(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const m = /^(\d+)-(\d+)$/.exec(part.trim());
    if (!m) return [Number(part)];
    return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i);
  });
}

export function frontierRow(p: FrontierPoint): string[] {
  const s = p.score;
  const d = withMisses(s.switchDelays, s.switchesNotSeen);
  const away = withMisses(s.awayDelays, s.awaysNotSeen);
  return [
    p.label,
    pct(s.accuracy),
    fmt(s.flapsPerHour, 2),
    fmt(percentile(d, 50)),
    fmt(percentile(d, 90)),
    fmt(percentile(d, 95)),
    `${s.switchesNotSeen}/${d.length}`,
    away.length ? fmt(percentile(away, 50)) : '-',
    s.homecomings.n ? `${s.homecomings.right}/${s.homecomings.n}` : '-',
  ];
}

export function frontierTable(points: readonly FrontierPoint[]): string {
  const header = ['point', 'accuracy', 'flaps/h', 'p50 s', 'p90 s', 'p95 s', 'not seen', 'away p50', 'home'];
  const body = [header, ...points.map(frontierRow)];
  const widths = header.map((_, i) => Math.max(...body.map((r) => r[i]!.length)));
  return body.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

/** A stay (≥ 30 s, scored) seen later than `overS`: why, as far as the trace tells. */
export interface SlowSwitch {
  scenario: RadioScenario;
  seed: number;
  /** ms */
  start: number;
  from: string;
  to: string;
  /** s; Infinity when never seen. */
  delay: number;
  /** s from crossing into the room until the person stops at their spot. */
  walkS: number;
  /** dB: at that spot, noise-free, the room's own node over the strongest other node (the watch). */
  marginDb: number;
  /** Only the watch moves with the person (the phone lies on the desk). */
  watchOnly: boolean;
}

/** The trace's stays seen later than `overS` (as scoreRadio counts stays), with what limited them. */
export function slowSwitches(trace: RadioTrace, detected: readonly Change[], overS = 10): SlowSwitch[] {
  const out: SlowSwitch[] = [];
  const truth = trace.truth;
  const end = Math.max(trace.readings.at(-1)?.t ?? 0, truth.at(-1)!.t);
  for (let k = 1; k < truth.length; k++) {
    const s = truth[k]!;
    const until = truth[k + 1]?.t ?? end;
    if (s.t < 60_000 || until - s.t < 30_000 || s.room === 'away') continue;
    const seen = roomAt(detected, s.t) === s.room ? s.t : detected.find((c) => c.t >= s.t && c.t < until && c.room === s.room)?.t;
    const delay = seen === undefined ? Infinity : (seen - s.t) / 1000;
    if (delay <= overS) continue;
    let still = s.t;
    while (still < until) {
      const a = positionAt(trace.path, still);
      const b = positionAt(trace.path, still + 200);
      if (Math.hypot(a.x - b.x, a.y - b.y) < 0.01) break;
      still += 200;
    }
    const p = positionAt(trace.path, still);
    const level = (room: string): number => meanRssi(trace.house, trace.radio, WATCH, p, room);
    const other = Math.max(...trace.house.names.filter((n) => n !== s.room).map(level));
    out.push({
      scenario: trace.scenario,
      seed: trace.seed,
      start: s.t,
      from: truth[k - 1]!.room,
      to: s.room,
      delay,
      walkS: (still - s.t) / 1000,
      marginDb: level(s.room) - other,
      watchOnly: !!trace.phoneDown && s.t >= trace.phoneDown.from && s.t < trace.phoneDown.to,
    });
  }
  return out;
}

/** A trace's flaps by kind (see flapKinds). */
export interface FlapKinds {
  /** The person is in that room, entered more than 30 s earlier: a switch seen late. */
  late: number;
  /** A room the person is not in: to `away`, or held under 30 s, or longer. */
  away: number;
  short: number;
  long: number;
}

/**
 * The trace's flaps (as score() counts them: a detected change no true change into that room in
 * [t − 30 s, t + 10 s] explains; 90 s more for away), by kind: a switch seen more than 30 s late
 * counts as a flap too.
 */
export function flapKinds(trace: RadioTrace, detected: readonly Change[]): FlapKinds {
  const out: FlapKinds = { late: 0, away: 0, short: 0, long: 0 };
  for (let i = 1; i < detected.length; i++) {
    const c = detected[i]!;
    if (c.t < 60_000) continue;
    const lookback = c.room === 'away' ? 90_000 : 30_000;
    if (trace.truth.some((g) => g.room === c.room && g.t <= c.t + 10_000 && g.t >= c.t - lookback)) continue;
    if (roomAt(trace.truth, c.t) === c.room) out.late++;
    else if (c.room === 'away') out.away++;
    else if ((detected[i + 1]?.t ?? Infinity) - c.t < 30_000) out.short++;
    else out.long++;
  }
  return out;
}

/** Summary of slow switches: how many, walk time and margin quartiles, shares. */
export function whyTable(slow: readonly SlowSwitch[], all: readonly SlowSwitch[], flaps: FlapKinds): string {
  const q = (v: number[], p: number): string => fmt(percentile(v, p));
  const walk = slow.map((s) => s.walkS);
  const margin = slow.map((s) => s.marginDb);
  const share = (f: (s: SlowSwitch) => boolean): string => `${slow.filter(f).length}/${slow.length}`;
  return [
    `flaps: ${flaps.late + flaps.away + flaps.short + flaps.long}: ${flaps.late} a switch seen more than 30 s late; wrong room:` +
      ` ${flaps.short} under 30 s, ${flaps.long} longer, ${flaps.away} away while home`,
    `stays seen after more than 10 s: ${slow.length} of ${all.length}`,
    `  walk from the doorway to the spot, s: p50 ${q(walk, 50)}, p90 ${q(walk, 90)}, max ${q(walk, 100)}`,
    `  own node over the strongest other at the spot (noise-free), dB: p25 ${q(margin, 25)}, p50 ${q(margin, 50)}, p75 ${q(margin, 75)}` +
      ` (every stay: p25 ${q(
        all.map((s) => s.marginDb),
        25,
      )}, p50 ${q(
        all.map((s) => s.marginDb),
        50,
      )})`,
    `  margin < 6 dB: ${share((s) => s.marginDb < 6)}; watch alone (phone on the desk): ${share((s) => s.watchOnly)}; into the hall's neighbour from the hall: ${share((s) => s.from === 'hall')}`,
  ].join('\n');
}

const knowledgeVariants = (ablate: boolean): { name: string; k: OracleKnowledge }[] => {
  const out = [{ name: 'oracle', k: FULL_KNOWLEDGE }];
  if (!ablate) return out;
  return [
    ...out,
    { name: 'visited prints', k: { ...FULL_KNOWLEDGE, fingerprints: 'visited' } },
    { name: 'area prints', k: { ...FULL_KNOWLEDGE, fingerprints: 'area' } },
    { name: 'no prints', k: { ...FULL_KNOWLEDGE, fingerprints: 'generic' } },
    { name: 'typical noise', k: { ...FULL_KNOWLEDGE, noise: 'typical' } },
    { name: 'white noise', k: { ...FULL_KNOWLEDGE, noise: 'white' } },
    { name: 'no plan', k: { ...FULL_KNOWLEDGE, floorPlan: false } },
  ];
};

export function main(argv: string[] = process.argv.slice(2)): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string', default: '1-16' },
      hours: { type: 'string', default: '2' },
      scenario: { type: 'string' },
      thresholds: { type: 'string', default: '1,2,3,4,6,8,10' },
      rates: { type: 'string', default: '0.01,0.003,0.001' },
      engine: { type: 'string', default: '' },
      'engine-rates': { type: 'string', default: '' },
      ablate: { type: 'boolean', default: false },
      why: { type: 'string' },
      'ablate-rate': { type: 'string', default: '0.003' },
    },
  });
  const seeds = parseList(values.seeds);
  if (seeds.some((s) => s > 100)) throw new Error('--seeds: the held-out seeds (> 100) are for reporting, not for tuning');
  const hours = Number(values.hours);
  const scenarios = values.scenario ? [values.scenario as RadioScenario] : RADIO_SCENARIOS;
  const thresholds = parseList(values.thresholds);
  const rates = values.rates ? parseList(values.rates) : [];
  const engine = values.engine ? parseList(values.engine) : [];
  const engineRates = values['engine-rates'] ? parseList(values['engine-rates']) : [];
  const variants = knowledgeVariants(values.ablate);
  // --why q,θ: the oracle's slow switches at that point.
  const why = values.why ? parseList(values.why) : undefined;
  const slow: SlowSwitch[] = [];
  const all: SlowSwitch[] = [];
  const flaps: FlapKinds = { late: 0, away: 0, short: 0, long: 0 };

  const scores = new Map<string, RadioScore[]>();
  const add = (label: string, s: RadioScore): void => void (scores.get(label) ?? scores.set(label, []).get(label)!).push(s);
  const started = Date.now();
  for (const scenario of scenarios)
    for (const seed of seeds) {
      const trace: RadioTrace = simulateRadio({ scenario, seed, duration: hours * 3600 });
      for (const v of variants)
        for (const rate of v.name === 'oracle' ? rates : rates.length ? [Number(values['ablate-rate'])] : []) {
          const run = runOracle(trace, { knowledge: v.k, switchRate: rate });
          for (const th of thresholds) add(`${v.name} q=${rate} θ=${th}`, scoreRadio(trace, decide(run, th)));
        }
      if (why) {
        const detected = decide(runOracle(trace, { switchRate: why[0]! }), why[1]!);
        slow.push(...slowSwitches(trace, detected));
        const kinds = flapKinds(trace, detected);
        for (const k of ['late', 'away', 'short', 'long'] as const) flaps[k] += kinds[k];
        all.push(...slowSwitches(trace, detected, -1));
      }
      for (const th of engine) add(`engine hmm_threshold=${th}`, scoreRadio(trace, replayRadio(trace, { engine: { hmm_threshold: th } })));
      for (const r of engineRates)
        add(`engine hmm_switch_rate=${r}`, scoreRadio(trace, replayRadio(trace, { engine: { hmm_switch_rate: r } })));
      process.stderr.write(`${scenario} seed ${seed} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  const points = [...scores].map(([label, list]) => ({ label, score: mergeRadio(list) }));
  console.log(`frontier: ${scenarios.join(', ')} × seeds ${values.seeds}, ${hours} h each`);
  console.log(frontierTable(points));
  if (why) console.log(`\noracle q=${why[0]} θ=${why[1]}: ${whyTable(slow, all, flaps)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
