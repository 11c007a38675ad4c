/**
 * The hub under Home Assistant load: CPU while HA changes 2,000 states/s, and RSS after
 * 100,000 state changes with 2,000 extra entities in HA.
 *
 *   tsx bench/hub-load.ts [--entities 2000] [--rate 2000] [--seconds 30] [--changes 100000]
 *                         [--variants compiled,deployed,tsx]
 *   (what-ifs: compiled-young1, compiled-young1-pool1, compiled-small)
 *
 * The load is made inside HA by the `hearth_load` custom integration
 * (bench/lib/ha/): `hearth_load.start` creates `sensor.load_<n>` and changes
 * them round-robin with `hass.states.async_set` on HA's event loop (not over REST).
 *
 * The hub runs as its own process (`hearth run`, bench/lib/hub-process.ts, the memory-only
 * probe preloaded for heap figures), once per variant: compiled with tsc (`node dist/src/cli.js`, as the
 * Nix package runs it) with node's defaults, the same with the deployed NODE_OPTIONS
 * (bench/lib/deployed.ts: what the service runs with; the target applies to it), and under tsx (`node --import tsx src/cli.ts`, what `npx tsx` runs;
 * tsx's transpiler and source maps live in the process). Phase 1 (CPU): an idle window of the same length first,
 * then `--seconds` at `--rate`; the hub's utime+stime delta from /proc/<pid>/stat over each
 * window → % of one core. HA's own CPU (its python process) and achieved rate are printed
 * beside it. Phase 2 (RSS): the load continues until HA has made `--changes` changes in all,
 * then VmRSS/VmHWM from /proc/<pid>/status, and heap from the probe.
 *
 * Figures only: nothing here fails on a slow or large figure.
 */
import { pathToFileURL } from 'node:url';
import { benchStack, stopBenchStack } from './lib/bench-stack.js';
import { compileHearth, type Compiled } from './lib/compile.js';
import { startHubProcess } from './lib/hub-process.js';
import { sourceState } from './lib/source-state.js';
import { CLOCK_TICKS, cpuTicks, findPids, fmt, loadAverage, MB, memory, sleep, table } from './lib/stats.js';
import { benchOptions, numberOption } from './lib/args.js';
import { DEPLOYED_NODE_FLAGS } from './lib/deployed.js';
import { loadService, type LoadFigures } from './lib/hearth-load.js';

export const TARGETS = { rssMb: 80 };

/** CPU seconds of `pid` (and of `other`) over `run()`, with the wall time. */
async function cpuOver(pids: number[], run: () => Promise<void>): Promise<{ wall: number; cpu: number[] }> {
  // HA's pid may be gone (HA restarted by the stack): its figure is then NaN, not a failed bench.
  const ticks = (pid: number): number => {
    try {
      return cpuTicks(pid);
    } catch {
      return Number.NaN;
    }
  };
  const before = pids.map(ticks);
  const t0 = performance.now();
  await run();
  const wall = (performance.now() - t0) / 1000;
  return { wall, cpu: pids.map((p, i) => (ticks(p) - before[i]!) / CLOCK_TICKS) };
}

const memRow = (label: string, m: ReturnType<typeof memory>, target = ''): string[] => [
  label,
  fmt(m.rss / MB),
  fmt(m.anon / MB),
  fmt(m.file / MB),
  fmt(m.hwm / MB),
  target,
];

const pct = (cpu: number, wall: number) => `${fmt((cpu / wall) * 100, 1)} %`;

function metricValue(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

interface Variant {
  /** `--variants` picks by this. */
  key: string;
  name: string;
  compiled?: Compiled;
  nodeFlags?: string[];
}

export async function main(argv: string[] = process.argv.slice(2), ownStack = true): Promise<number> {
  const o = benchOptions(argv, ['entities', 'rate', 'seconds', 'changes', 'variants']);
  const chosen = (o.variants ?? 'compiled,deployed,tsx').split(',');
  const positive = (n: number) => Number.isFinite(n) && n > 0;
  const entities = numberOption(o.entities, 'entities', 2000, positive, 'a positive number');
  const rate = numberOption(o.rate, 'rate', 2000, positive, 'a positive number');
  const seconds = numberOption(o.seconds, 'seconds', 30, positive, 'a positive number');
  const totalChanges = numberOption(o.changes, 'changes', 100_000, positive, 'a positive number');
  const bs = await benchStack();
  const { stack } = bs;
  const conn = stack.conn;
  console.log(
    `hub under HA load: ${entities} extra entities in HA, ${rate} changes/s for ${seconds} s (CPU, after an idle window as long), then up to` +
      ` ${totalChanges} changes in all (RSS); HA ${stack.hass.version}; load made inside HA by hearth_load`,
  );
  console.log(`src: ${sourceState()}`);
  let compiled: Compiled | undefined;
  try {
    compiled = compileHearth();
    console.log(
      `compiled with tsc in ${fmt(compiled.seconds, 1)} s${compiled.errors ? ` (tsc reported errors, emitted anyway: ${compiled.errors.split('\n')[0]})` : ''}`,
    );
  } catch (e) {
    console.log(`could not compile hearth with tsc (${(e as Error).message}); measuring the tsx run only`);
  }
  const variants: Variant[] = [
    ...(compiled ? [{ key: 'compiled', name: 'compiled: node dist/src/cli.js run (as the Nix package runs it)', compiled }] : []),
    ...(compiled
      ? [
          {
            key: 'deployed',
            name: `compiled, as deployed: NODE_OPTIONS=${DEPLOYED_NODE_FLAGS.join(' ')} (bench/lib/deployed.ts)`,
            compiled,
            nodeFlags: DEPLOYED_NODE_FLAGS,
          },
        ]
      : []),
    // What-ifs, the deployed flags one by one and another: the young generation alone (semi-spaces
    // of 1 MB instead of Node 20's 16 MB).
    ...(compiled
      ? [
          {
            key: 'compiled-young1',
            name: 'compiled, NODE_OPTIONS=--max-semi-space-size=1 (what-if)',
            compiled,
            nodeFlags: ['--max-semi-space-size=1'],
          },
        ]
      : []),
    // What-if: one V8 worker thread instead of one per core (fewer thread stacks and malloc arenas).
    ...(compiled
      ? [
          {
            key: 'compiled-young1-pool1',
            name: 'compiled, NODE_OPTIONS=--max-semi-space-size=1 --v8-pool-size=1 (what-if)',
            compiled,
            nodeFlags: ['--max-semi-space-size=1', '--v8-pool-size=1'],
          },
        ]
      : []),
    // What-if: V8 also told to favour size over speed (fewer optimised functions, a tighter heap).
    ...(compiled
      ? [
          {
            key: 'compiled-small',
            name: 'compiled, NODE_OPTIONS=--max-semi-space-size=1 --optimize-for-size (what-if)',
            compiled,
            nodeFlags: ['--max-semi-space-size=1', '--optimize-for-size'],
          },
        ]
      : []),
    { key: 'tsx', name: 'tsx: node --import tsx src/cli.ts run (npx tsx src/cli.ts run, dev)' },
  ].filter((v) => chosen.includes(v.key));
  try {
    for (const v of variants) await measure(v);
  } finally {
    compiled?.remove();
    await loadService(conn, 'clear').catch(() => undefined);
    if (ownStack) await stopBenchStack();
  }
  return 0;

  async function measure(variant: Variant): Promise<void> {
    await loadService(conn, 'clear');
    const hub = await startHubProcess(stack, {
      probe: { entities: [] },
      ...(variant.compiled ? { compiled: variant.compiled } : {}),
      ...(variant.nodeFlags ? { nodeFlags: variant.nodeFlags } : {}),
    });
    try {
      const haPid = findPids(['/opt/hass/bin/hass', '-c', stack.hass.configDir])[0];
      const pids = haPid ? [hub.pid, haPid] : [hub.pid];
      await sleep(2000); // past the start-up work (discovery, registry)
      const memStart = memory(hub.pid);
      const changesStart = metricValue(await hub.metrics(), 'hearth_ha_state_changes_total');
      console.log(`\n-- ${variant.name}: hub pid ${hub.pid}${haPid ? `, HA pid ${haPid}` : ' (HA pid not found: no HA CPU figure)'}`);

      // Phase 1: CPU, idle window then load window.
      const loadIdle = loadAverage();
      const idle = await cpuOver(pids, () => sleep(seconds * 1000));
      const loadBeforeLoad = loadAverage();
      let phase1: LoadFigures | undefined;
      const busy = await cpuOver(pids, async () => {
        phase1 = await loadService(conn, 'start', { entities, rate, duration: seconds, wait: true });
      });
      const loadAfterLoad = loadAverage();
      const memAfterCpu = memory(hub.pid);

      // Phase 2: RSS after `totalChanges` changes in all.
      const rest = Math.max(0, totalChanges - (phase1?.changes ?? 0));
      let phase2: LoadFigures | undefined;
      let peakDuring = memAfterCpu.rss;
      if (rest > 0) {
        const sampler = setInterval(() => {
          peakDuring = Math.max(peakDuring, memory(hub.pid).rss);
        }, 250);
        try {
          phase2 = await loadService(conn, 'start', { entities, rate, changes: rest, duration: 3600, wait: true });
        } finally {
          clearInterval(sampler);
        }
      }
      const changes = (phase1?.changes ?? 0) + (phase2?.changes ?? 0);
      const memEnd = memory(hub.pid);
      const dumpEnd = await hub.probeDump();
      await sleep(5000);
      const memSettled = memory(hub.pid);
      const metrics = await hub.metrics();
      const seen = metricValue(metrics, 'hearth_ha_state_changes_total') - changesStart;

      console.log('CPU (utime+stime from /proc/<pid>/stat, % of one core)');
      console.log(
        table(
          ['window', 'seconds', 'hub CPU', 'HA CPU', 'HA changes', 'HA rate /s', 'load average'],
          [
            [
              'idle (no load)',
              fmt(idle.wall, 1),
              pct(idle.cpu[0]!, idle.wall),
              haPid ? pct(idle.cpu[1]!, idle.wall) : '-',
              '0',
              '0',
              loadIdle,
            ],
            [
              `hearth_load ${rate}/s`,
              fmt(busy.wall, 1),
              pct(busy.cpu[0]!, busy.wall),
              haPid ? pct(busy.cpu[1]!, busy.wall) : '-',
              String(phase1?.changes ?? '-'),
              `${fmt(phase1?.achieved_rate, 0)} of ${rate}`,
              `${loadBeforeLoad} → ${loadAfterLoad}`,
            ],
          ],
        ),
      );
      console.log(
        `HA: ${phase1?.entities} entities created in ${fmt(phase1?.create_seconds, 2)} s; max lag behind schedule ${phase1?.max_lag_changes} changes;` +
          ` hub CPU ${fmt(busy.cpu[0], 2)} s in the load window, ${fmt(idle.cpu[0], 2)} s idle; state changes the hub received meanwhile` +
          ` (hearth_ha_state_changes_total): ${seen}`,
      );
      console.log(
        `memory of the hub process (VmRSS/VmHWM from /proc/<pid>/status) after ${changes} state changes in HA with ${entities} extra entities`,
      );
      console.log(
        table(
          ['when', 'VmRSS MB', 'RssAnon MB', 'RssFile MB', 'VmHWM MB', 'target'],
          [
            memRow('hub started (+2 s)', memStart),
            memRow(`after the ${seconds} s CPU window`, memAfterCpu),
            ['peak VmRSS sampled during the rest', fmt(peakDuring / MB), '', '', '', ''],
            memRow(`after ${changes} changes`, memEnd, `VmRSS ≤ ${TARGETS.rssMb}`),
            memRow('5 s later', memSettled, `VmRSS ≤ ${TARGETS.rssMb}`),
          ],
        ),
      );
      const m = dumpEnd.memory;
      console.log(
        `heap after ${changes} changes (probe, process.memoryUsage; /metrics has no heap series): heapUsed ${fmt(m.heapUsed / MB)} MB,` +
          ` heapTotal ${fmt(m.heapTotal / MB)} MB, external ${fmt(m.external / MB)} MB, arrayBuffers ${fmt(m.arrayBuffers / MB)} MB;` +
          ` /metrics process_resident_memory_bytes ${fmt(metricValue(metrics, 'process_resident_memory_bytes') / MB)} MB`,
      );
      if (phase2)
        console.log(
          `phase 2: ${phase2.changes} changes in ${fmt(phase2.seconds, 1)} s (${fmt(phase2.achieved_rate, 0)}/s); load average ${loadAverage()}`,
        );
    } finally {
      await hub.stop();
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main();
}
