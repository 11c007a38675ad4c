/**
 * Presence benchmark: synthetic walks (src/hub/presence/simulate.ts) replayed through the
 * presence engine with its default options; prints room accuracy, flaps per hour, switch delay
 * and away delay per scenario and in aggregate over several fixed seeds.
 *
 *   npx tsx bench/presence.ts [--interval 2] [--seeds 1,2,3,4,5] [--hours 2]
 */
import { pathToFileURL } from 'node:url';
import { DEFAULT_PRESENCE_OPTIONS, type PresenceOptions } from '../src/hub/presence/engine.js';
import { percentile, replay, score, type Score } from '../src/hub/presence/evaluate.js';
import { SCENARIOS, simulate, type Scenario } from '../src/hub/presence/simulate.js';

export const DEFINITIONS = `Definitions:
  accuracy      share of time the detected room equals the true room, after a 60 s warm-up, not
                counting the first 10 s after each true room change (60 s after leaving):
                within the target delay either answer is fair. "raw" counts every moment.
  flaps/h       detected room changes that no true change into that room explains, from 30 s
                before (90 s for away) to 10 s after the detected change, per hour.
  switch delay  from a true change into a room where the person stays >= 30 s to the first
                moment the detected room equals it (passing through a room is not a stay).
  away delay    from walking out of the front door to the detected room becoming "away".`;

export const TARGETS = { accuracy: 0.97, flapsPerHour: 1, switchDelayS: 10, awayDelayS: 60 };

export interface BenchOptions {
  seeds: number[];
  reportInterval: number;
  hours: number;
  engine?: Partial<PresenceOptions>;
}

interface Row {
  scenario: Scenario | 'all';
  scores: Score[];
}

function merge(scores: Score[]): Score {
  const seconds = scores.reduce((s, x) => s + x.seconds, 0);
  const weighted = (f: (s: Score) => number): number => scores.reduce((s, x) => s + f(x) * x.seconds, 0) / (seconds || 1);
  const flaps = scores.reduce((s, x) => s + x.flaps, 0);
  return {
    seconds,
    accuracy: weighted((s) => s.accuracy),
    rawAccuracy: weighted((s) => s.rawAccuracy),
    flaps,
    flapsPerHour: seconds ? (flaps * 3600) / seconds : 0,
    switchDelays: scores.flatMap((s) => s.switchDelays),
    switchesNotSeen: scores.reduce((s, x) => s + x.switchesNotSeen, 0),
    awayDelays: scores.flatMap((s) => s.awayDelays),
    awaysNotSeen: scores.reduce((s, x) => s + x.awaysNotSeen, 0),
  };
}

const fmt = (v: number | undefined, digits = 1): string => (v === undefined ? '-' : v.toFixed(digits));
const pct = (v: number): string => `${(v * 100).toFixed(2)} %`;

export function runBench(options: BenchOptions): { rows: Row[]; all: Score; meetsTargets: boolean } {
  const rows: Row[] = [];
  for (const scenario of SCENARIOS) {
    const scores: Score[] = [];
    for (const seed of options.seeds) {
      const trace = simulate({ scenario, seed, reportInterval: options.reportInterval, duration: options.hours * 3600 });
      for (const result of replay(trace, options.engine)) scores.push(score(trace, result));
    }
    rows.push({ scenario, scores });
  }
  const all = merge(rows.flatMap((r) => r.scores));
  const p95 = percentile(all.switchDelays, 95) ?? Infinity;
  const awayMax = all.awayDelays.length ? Math.max(...all.awayDelays) : Infinity;
  const meetsTargets =
    all.accuracy >= TARGETS.accuracy &&
    all.flapsPerHour <= TARGETS.flapsPerHour &&
    p95 <= TARGETS.switchDelayS &&
    awayMax <= TARGETS.awayDelayS &&
    all.switchesNotSeen === 0 &&
    all.awaysNotSeen === 0;
  return { rows, all, meetsTargets };
}

function table(rows: Row[], all: Score): string {
  const header = ['scenario', 'hours', 'accuracy', 'raw', 'flaps/h', 'switch p50/p95/max s', 'not seen', 'away p50/max s'];
  const line = (name: string, s: Score): string[] => [
    name,
    (s.seconds / 3600).toFixed(1),
    pct(s.accuracy),
    pct(s.rawAccuracy),
    fmt(s.flapsPerHour, 2),
    `${fmt(percentile(s.switchDelays, 50))} / ${fmt(percentile(s.switchDelays, 95))} / ${fmt(s.switchDelays.length ? Math.max(...s.switchDelays) : undefined)} (n=${s.switchDelays.length})`,
    String(s.switchesNotSeen + s.awaysNotSeen),
    s.awayDelays.length ? `${fmt(percentile(s.awayDelays, 50))} / ${fmt(Math.max(...s.awayDelays))} (n=${s.awayDelays.length})` : '-',
  ];
  const body = [header, ...rows.map((r) => line(r.scenario, merge(r.scores))), line('all', all)];
  const widths = header.map((_, i) => Math.max(...body.map((r) => r[i]!.length)));
  return body.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function main(argv: string[] = process.argv.slice(2)): number {
  const seeds = (arg(argv, 'seeds') ?? '1,2,3,4,5,6,7,8').split(',').map(Number);
  const reportInterval = Number(arg(argv, 'interval') ?? 2);
  const hours = Number(arg(argv, 'hours') ?? 2);
  const engine = DEFAULT_PRESENCE_OPTIONS;
  console.log(`presence bench: ${SCENARIOS.length} scenarios × ${seeds.length} seeds (${seeds.join(',')}), ${hours} h each,` +
    ` report interval ${reportInterval} s, σ = 4 dB, 20 % dropped reports`);
  console.log(`engine options: ${JSON.stringify(engine)}`);
  const { rows, all, meetsTargets } = runBench({ seeds, reportInterval, hours, engine });
  console.log(table(rows, all));
  console.log(
    `targets: accuracy >= ${TARGETS.accuracy * 100} %, <= ${TARGETS.flapsPerHour} flap/h, switch p95 <= ${TARGETS.switchDelayS} s, away max <= ${TARGETS.awayDelayS} s: ${meetsTargets ? 'met' : 'NOT met'}`,
  );
  console.log(DEFINITIONS);
  return meetsTargets ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main();
}
