/**
 * `npm run bench [-- NAME... [--option value...]]`: runs the benchmarks (all, or the named
 * ones) and prints their figures. Benchmarks are not timed tests: a figure beyond its
 * target never fails the run; the exit code is non-zero only when a bench could not measure
 * (it threw). Options after the names go to every chosen bench (e.g. `-- hub-latency
 * --presses 50`). Each bench file exports `main()` and is also runnable on its own
 * (`tsx bench/<name>.ts`).
 *
 *   codegen      device specs → ESPHome YAML, in-process and whole-process (the compiled CLI
 *                beside `node -e 0`, and under tsx) (bench/codegen.ts)
 *   presence     room accuracy / flaps / switch and away delay / first room coming home on a
 *                realistic BLE radio, the earlier generator as anchor (bench/presence.ts)
 *   hub-latency  press → LED command through the real stack, hearth's handling time, native
 *                HA automation anchor; compiled with node's defaults and with the deployed
 *                NODE_OPTIONS; hub CPU at 200 RSSI readings/s made inside HA (hearth_rssi) and
 *                the press under them (bench/hub-latency.ts)
 *   hub-burst    a burst of presses on 50 more reminder buttons (one emulator process, 50 esphome
 *                config entries) with and without 200 RSSI readings/s: press → LED p50/p99 beside
 *                the single press and 50 native HA automations, lost presses, hub and HA CPU over
 *                the burst (bench/hub-burst.ts)
 *   hub-load     hub RSS after 100,000 state changes with 2,000 extra entities, and hub CPU
 *                while HA changes 2,000 states/s (bench/hub-load.ts)
 *   presence-load  the presence unit's CPU at 200 RSSI readings/s (20 nodes × 10 trackers),
 *                in process, beside the feed alone (bench/presence-load.ts)
 *   lifecoach    both stills captured and downscaled, hearth's share of a check-in with an
 *                instant model, and the hub's RSS with the coach idle and at its peak during
 *                check-ins (bench/lifecoach.ts)
 *
 * The hub benches (hub-latency, hub-burst, hub-load, lifecoach's hub part) share one stack (real HA, Mosquitto, emulated devices).
 */
import { cpus, loadavg } from 'node:os';
import { main as codegen } from './codegen.js';
import { main as presence } from './presence.js';
import { main as hubLatency } from './hub-latency.js';
import { main as hubBurst } from './hub-burst.js';
import { main as hubLoad } from './hub-load.js';
import { main as presenceLoad } from './presence-load.js';
import { main as lifecoach } from './lifecoach.js';
import { stopBenchStack } from './lib/bench-stack.js';

type Bench = (argv: string[]) => Promise<number> | number;

const benches: Record<string, Bench> = {
  codegen: (argv) => codegen(argv),
  presence: (argv) => presence(argv),
  'hub-latency': (argv) => hubLatency(argv, false),
  'hub-burst': (argv) => hubBurst(argv, false),
  'hub-load': (argv) => hubLoad(argv, false),
  'presence-load': (argv) => presenceLoad(argv),
  lifecoach: (argv) => lifecoach(argv),
};

const args = process.argv.slice(2).filter((a) => a !== '--');
const firstOption = args.findIndex((a) => a.startsWith('--'));
const names = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);
const unknown = names.filter((n) => !(n in benches));
if (unknown.length) {
  console.error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
const chosen = names.length ? names : Object.keys(benches);

console.log(
  `benches: ${chosen.join(', ')}; ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const results: [string, string][] = [];
try {
  for (const name of chosen) {
    console.log(`\n== bench/${name}.ts`);
    try {
      const code = await benches[name]!(options);
      // A non-zero answer means "targets not met" for some benches: still measured.
      results.push([name, code === 0 ? 'measured' : 'measured (reported targets not met)']);
    } catch (error) {
      results.push([name, 'COULD NOT MEASURE']);
      console.error(`bench/${name}.ts failed: ${(error as Error).stack ?? String(error)}`);
    }
  }
} finally {
  await stopBenchStack();
}
console.log(`\n${results.map(([n, r]) => `${n}: ${r}`).join('\n')}`);
process.exitCode = results.some(([, r]) => r === 'COULD NOT MEASURE') ? 1 : 0;
