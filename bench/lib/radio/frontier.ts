/**
 * The frontier of the realistic radio: flaps per hour against switch delay (p50, p95) and
 * accuracy, for the ORACLE (oracle.ts: told the true fingerprints, noise model and floor plan;
 * a bound, not an estimator) over its decision threshold and stickiness, and for the engine
 * over `hmm_threshold`, scored as the bench scores (replay.ts, bench.ts). Tuning seeds only.
 *
 *   npx tsx bench/lib/radio/frontier.ts [--seeds 1-16] [--hours 2] [--scenario walks]
 *     [--thresholds 2,4,6,8] [--rates 0.01,0.003] [--engine 1.5,2.5,4] [--ablate]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { percentile } from '../presence/evaluate.js';
import { fmt, mergeRadio, pct, withMisses } from './bench.js';
import { decide, FULL_KNOWLEDGE, type OracleKnowledge, runOracle } from './oracle.js';
import { replayRadio, scoreRadio, type RadioScore } from './replay.js';
import { RADIO_SCENARIOS, type RadioScenario, type RadioTrace, simulateRadio } from './simulate.js';

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
      ablate: { type: 'boolean', default: false },
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
  const variants = knowledgeVariants(values.ablate);

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
      for (const th of engine) add(`engine hmm_threshold=${th}`, scoreRadio(trace, replayRadio(trace, { engine: { hmm_threshold: th } })));
      process.stderr.write(`${scenario} seed ${seed} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  const points = [...scores].map(([label, list]) => ({ label, score: mergeRadio(list) }));
  console.log(`frontier: ${scenarios.join(', ')} × seeds ${values.seeds}, ${hours} h each`);
  console.log(frontierTable(points));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
