/**
 * Press → LED command latency through the real stack, and hearth's own handling time.
 *
 *   tsx bench/hub-latency.ts [--presses 200] [--warmup 10] [--schedules household|never]
 *                            [--variants compiled,deployed,rssi] [--nodes 20] [--trackers 10] [--seconds 20]
 *
 * hearth: a routine is made due (`POST /api/routines/morning-meds/due`), the bench waits for
 * the LED to pulse at the emulated device, presses the emulated button (the emulator returns
 * the press's CLOCK_MONOTONIC `mono_ns`) and reads the `turn_off` light command's `mono_ns`
 * from the device's log: emulator → HA (esphome) → hearth (websocket) → HA → emulator.
 *
 * anchor: the same reaction done by a native HA automation (bench/lib/bench-stack.ts:
 * desk-stretch-button's event → plants-button's LED off), measured the same way: the LED is
 * turned on first, then the other button pressed.
 *
 * The two alternate press by press, so both see the same machine load. The hub runs as its
 * own process (`hearth run`) with bench/lib/hub-probe.ts preloaded, which timestamps the press
 * frame reaching the hub's socket and the LED command written to it (same clock): the press
 * latency splits into HA in (press → frame at hearth), hearth (frame in → command written:
 * the wait for the event loop, hearth's code up to ws.send, the write) and HA out
 * (command written → at the device). hearth's own histogram on /metrics
 * (`hearth_press_handling_seconds`: inside the handler, up to ws.send only, and every press
 * counts, also those with nothing pending) is printed beside it.
 *
 * Variants (`--variants`), each with its own hub, compiled with tsc as the Nix package runs it:
 *   compiled    node's default flags;
 *   deployed    the flags the service runs with (bench/lib/deployed.ts: NODE_OPTIONS of
 *               nix/package.nix's wrapper and nix/module.nix's unit): this pair is the latency
 *               cost of those flags;
 *   rssi        as deployed, with `--nodes` × `--trackers` more presence sensors (200 by default,
 *               bench/lib/hub-process.ts `presenceLoad`) that HA's `hearth_rssi` integration
 *               sets once a second: hub CPU over an idle window (the anchor) and over
 *               `--seconds` of readings, whether hearth kept up (changes received against those
 *               made, how long its count took to settle), then presses without and under the
 *               readings (target: a p99 that does not move);
 *   rssi-defaults  the same with node's default flags (the deployed flags' cost under readings);
 *   tsx         `npx tsx src/cli.ts run` (dev).
 * `--schedules never` moves every routine's schedule to 1 January (the streak hearth computes
 * on each publish then looks back 120 days: a slower press).
 *
 * Figures only: nothing here fails on a slow figure.
 */
import { pathToFileURL } from 'node:url';
import { sourceState } from './lib/source-state.js';
import type { Stack } from '../tests/stack/stack.js';
import { benchStack, haEntityId, stopBenchStack, type BenchStack } from './lib/bench-stack.js';
import { clearLog, press, waitLight, waitLightCommand } from './lib/emulator.js';
import { startHubProcess, type HubProcess, type ProbeDump } from './lib/hub-process.js';
import { CLOCK_TICKS, cpuTicks, fmt, loadAverage, sleep, summarize, table, type Summary } from './lib/stats.js';
import { compileHearth, type Compiled } from './lib/compile.js';
import { DEPLOYED_NODE_FLAGS } from './lib/deployed.js';
import { benchOptions, numberOption } from './lib/args.js';

export const TARGETS = { pressToLedP99Ms: 50, handlingP99Ms: 2, rssiCpuPercent: 5 };
const BUTTON = 'kitchen-meds-button';
const ROUTINE = 'morning-meds';

export interface Sample {
  /** press → LED-off command at the device, ms */
  total: number;
  pressNs: number;
  commandNs: number;
}

const ms = (ns: number) => ns / 1e6;

/**
 * One hearth press: morning-meds made due over the hub's API, its LED on at kitchen-meds-button,
 * then the button pressed; the press → LED-off command at the emulated device (ms, both
 * CLOCK_MONOTONIC at the emulator). Throws when no command came within 10 s.
 */
export async function hearthPress(stack: Stack, hub: HubProcess): Promise<Sample> {
  await clearLog(stack, BUTTON);
  await hub.api('POST', `/api/routines/${ROUTINE}/due`);
  await waitLight(stack, BUTTON, true);
  await sleep(20); // let HA and the hub finish with the LED-on (state pushes, MQTT)
  const p = await press(stack, BUTTON, 'single');
  const c = await waitLightCommand(stack, BUTTON, p.mono_ns, (c) => c.command.state === false || c.state_after.state === false);
  return { total: ms(c.mono_ns - p.mono_ns), pressNs: p.mono_ns, commandNs: c.mono_ns };
}

/** One anchor press: the native HA automation's same reaction, measured as hearthPress is. */
export async function anchorPress(bs: BenchStack): Promise<Sample> {
  const { stack, anchor } = bs;
  await clearLog(stack, anchor.ledDevice);
  await stack.conn.sendMessagePromise({
    type: 'call_service',
    domain: 'light',
    service: 'turn_on',
    target: { entity_id: anchor.ledEntity },
  });
  await waitLight(stack, anchor.ledDevice, true);
  await sleep(20);
  const p = await press(stack, anchor.button, 'single');
  const c = await waitLightCommand(stack, anchor.ledDevice, p.mono_ns, (c) => c.command.state === false || c.state_after.state === false);
  return { total: ms(c.mono_ns - p.mono_ns), pressNs: p.mono_ns, commandNs: c.mono_ns };
}

interface Split {
  haIn: number[];
  inflate: number[];
  code: number[];
  deflate: number[];
  hearth: number[];
  haOut: number[];
  unmatched: number;
  reasons: Record<string, number>;
}

/** Splits each hearth sample with the probe's records (frame in, command out). */
function split(samples: Sample[], dump: ProbeDump, pressEntity: string): Split {
  const ins = dump.in.filter((r) => r.entity === pressEntity).sort((a, b) => a.mono_ns - b.mono_ns);
  const outs = dump.out.filter((r) => r.service === 'turn_off').sort((a, b) => a.mono_ns - b.mono_ns);
  const result: Split = { haIn: [], inflate: [], code: [], deflate: [], hearth: [], haOut: [], unmatched: 0, reasons: {} };
  for (const s of samples) {
    const frame = ins.find((r) => r.mono_ns > s.pressNs && r.mono_ns < s.commandNs);
    const sent = frame && outs.find((r) => r.mono_ns > frame.mono_ns && r.mono_ns < s.commandNs);
    const reason = !frame
      ? 'no press frame'
      : !sent
        ? 'no turn_off sent'
        : frame.raw_ns === undefined
          ? 'no socket data'
          : sent.written_ns === undefined
            ? 'no socket write'
            : undefined;
    if (reason || !frame || !sent || frame.raw_ns === undefined || sent.written_ns === undefined) {
      result.unmatched++;
      result.reasons[reason ?? '?'] = (result.reasons[reason ?? '?'] ?? 0) + 1;
      continue;
    }
    result.haIn.push(ms(frame.raw_ns - s.pressNs));
    result.inflate.push(ms(frame.mono_ns - frame.raw_ns));
    result.code.push(ms(sent.mono_ns - frame.mono_ns));
    result.deflate.push(ms(sent.written_ns - sent.mono_ns));
    result.hearth.push(ms(sent.written_ns - frame.raw_ns));
    result.haOut.push(ms(s.commandNs - sent.written_ns));
  }
  return result;
}

/** p50/p99/mean bounds from a Prometheus histogram in the /metrics text. */
export function histogramFromMetrics(
  text: string,
  name: string,
): { buckets: [number, number][]; count: number; sum: number; series: number } {
  const buckets = new Map<number, number>();
  let count = 0;
  let sum = 0;
  let series = 0;
  for (const line of text.split('\n')) {
    const b = new RegExp(`^${name}_bucket\\{(?:.*,)?le="([^"]+)"\\} (\\S+)$`).exec(line);
    if (b) {
      const le = b[1] === '+Inf' ? Infinity : Number(b[1]);
      buckets.set(le, (buckets.get(le) ?? 0) + Number(b[2]));
      continue;
    }
    const c = new RegExp(`^${name}_count(?:\\{.*\\})? (\\S+)$`).exec(line);
    if (c) {
      count += Number(c[1]);
      series++;
    }
    const s = new RegExp(`^${name}_sum(?:\\{.*\\})? (\\S+)$`).exec(line);
    if (s) sum += Number(s[1]);
  }
  return { buckets: [...buckets].sort((a, b) => a[0] - b[0]), count, sum, series };
}

/** The upper bound of the bucket holding the p-th percentile. */
function bucketPercentile(buckets: [number, number][], count: number, p: number): number {
  const rank = Math.ceil((p / 100) * count);
  return buckets.find(([, n]) => n >= rank)?.[0] ?? Number.NaN;
}

const row = (label: string, s: Summary, target?: string): string[] => [
  label,
  String(s.n),
  fmt(s.p50, 2),
  fmt(s.p90, 2),
  fmt(s.p99, 2),
  fmt(s.max, 2),
  fmt(s.mean, 2),
  target ?? '',
];

interface Variant {
  key: string;
  name: string;
  compiled: boolean;
  nodeFlags: string[];
  /** 20 presence nodes × 10 trackers more, with RSSI readings from hearth_rssi (see measureRssi). */
  rssi?: boolean;
}

const VARIANTS: Variant[] = [
  { key: 'compiled', name: 'compiled, node defaults (node dist/src/cli.js run)', compiled: true, nodeFlags: [] },
  {
    key: 'deployed',
    name: `compiled, as deployed: NODE_OPTIONS=${DEPLOYED_NODE_FLAGS.join(' ')}`,
    compiled: true,
    nodeFlags: DEPLOYED_NODE_FLAGS,
  },
  {
    key: 'rssi',
    name: 'as deployed, 20 presence nodes × 10 trackers more: presses without, then under 200 RSSI readings/s',
    compiled: true,
    nodeFlags: DEPLOYED_NODE_FLAGS,
    rssi: true,
  },
  {
    key: 'rssi-defaults',
    name: 'rssi with node defaults (no NODE_OPTIONS): what the deployed flags cost under readings',
    compiled: true,
    nodeFlags: [],
    rssi: true,
  },
  { key: 'tsx', name: 'tsx (npx tsx src/cli.ts run, dev)', compiled: false, nodeFlags: [] },
];

export async function main(argv: string[] = process.argv.slice(2), ownStack = true): Promise<number> {
  const o = benchOptions(argv, ['presses', 'warmup', 'schedules', 'variants', 'nodes', 'trackers', 'seconds']);
  const whole = (n: number) => Number.isInteger(n) && n >= 0;
  const presses = numberOption(o.presses, 'presses', 200, whole, 'a whole number');
  const warmup = numberOption(o.warmup, 'warmup', 10, whole, 'a whole number');
  const rssiNodes = numberOption(o.nodes, 'nodes', 20, (n) => whole(n) && n > 0, 'a whole number > 0');
  const rssiTrackers = numberOption(o.trackers, 'trackers', 10, (n) => whole(n) && n > 0, 'a whole number > 0');
  const cpuSeconds = numberOption(o.seconds, 'seconds', 20, (n) => whole(n) && n > 0, 'a whole number > 0');
  const schedulesArg = o.schedules ?? 'household';
  if (schedulesArg !== 'household' && schedulesArg !== 'never') throw new Error('--schedules must be household or never');
  const schedules: 'household' | 'never' = schedulesArg;
  const chosen = (o.variants ?? 'compiled,deployed,rssi').split(',');
  const unknown = chosen.filter((k) => !VARIANTS.some((v) => v.key === k));
  if (unknown.length) throw new Error(`--variants: unknown ${unknown.join(', ')}; known: ${VARIANTS.map((v) => v.key).join(', ')}`);
  const bs = await benchStack();
  const { stack } = bs;
  const pressEntity = haEntityId(stack, BUTTON, 'press');
  const load: string[] = [loadAverage()];
  console.log(
    `press → LED: ${presses} presses per variant (after ${warmup} warm-up), hearth and the native HA anchor alternating; HA ${stack.hass.version};` +
      ` routine schedules: ${schedules === 'household' ? "the household's" : 'never due by the clock'}; variants ${chosen.join(', ')}`,
  );
  console.log(`src: ${sourceState()}`);
  let compiled: Compiled | undefined;
  if (VARIANTS.some((v) => chosen.includes(v.key) && v.compiled)) {
    compiled = compileHearth();
    console.log(
      `compiled with tsc in ${fmt(compiled.seconds, 1)} s${compiled.errors ? ` (tsc reported errors, emitted anyway: ${compiled.errors.split('\n')[0]})` : ''}`,
    );
  }
  try {
    for (const variant of VARIANTS.filter((v) => chosen.includes(v.key))) {
      await measure(variant);
      load.push(loadAverage());
    }
  } finally {
    compiled?.remove();
    await stack.conn
      .sendMessagePromise({ type: 'call_service', domain: 'hearth_rssi', service: 'stop', service_data: {}, return_response: true })
      .catch(() => undefined);
    if (ownStack) await stopBenchStack();
  }
  console.log(`load average: ${load.join(' → ')} (2 cores, other engineers' tests may run)`);
  return 0;

  async function measure(variant: Variant): Promise<void> {
    const hub = await startHubProcess(stack, {
      probe: { entities: [pressEntity] },
      schedules,
      nodeFlags: variant.nodeFlags,
      ...(variant.compiled && compiled ? { compiled } : {}),
      ...(variant.rssi ? { presenceLoad: { nodes: rssiNodes, trackers: rssiTrackers } } : {}),
    });
    try {
      for (let i = 0; i < warmup; i++) {
        await hearthPress(stack, hub);
        await anchorPress(bs);
      }
      if (!variant.rssi) {
        await pressRun(hub, `-- ${variant.name}`);
        return;
      }
      await measureRssi(hub, variant);
    } finally {
      await hub.stop();
    }
  }

  /** `presses` presses (hearth and anchor alternating); prints the table. */
  async function pressRun(hub: HubProcess, title: string): Promise<void> {
    const warm = await hub.probeDump(); // drops earlier records
    const metricsBefore = histogramFromMetrics(await hub.metrics(), 'hearth_press_handling_seconds');
    const hearth: Sample[] = [];
    const anchor: Sample[] = [];
    const t0 = Date.now();
    // A press whose LED command never came is counted and reported, not the end of the run.
    const lost = { hearth: [] as string[], anchor: [] as string[] };
    for (let i = 0; i < presses; i++) {
      await hearthPress(stack, hub).then(
        (x) => hearth.push(x),
        (e: Error) => lost.hearth.push(e.message),
      );
      await anchorPress(bs).then(
        (x) => anchor.push(x),
        (e: Error) => lost.anchor.push(e.message),
      );
    }
    const seconds = (Date.now() - t0) / 1000;
    if (lost.hearth.length || lost.anchor.length)
      console.log(
        `LOST presses (no LED command within 10 s): hearth ${lost.hearth.length}, anchor ${lost.anchor.length}; first: ${lost.hearth[0] ?? lost.anchor[0]}`,
      );
    const dump = await hub.probeDump();
    const parts = split(hearth, dump, pressEntity);
    const metrics = histogramFromMetrics(await hub.metrics(), 'hearth_press_handling_seconds');

    console.log(
      `\n${title}: HA websocket extensions ${[...new Set([...warm.extensions, ...dump.extensions])].join('; ')}; ${presses * 2} presses in ${seconds.toFixed(1)} s, load average ${loadAverage()}`,
    );
    const header = ['ms', 'n', 'p50', 'p90', 'p99', 'max', 'mean', 'target'];
    console.log(
      table(header, [
        row('hearth: press → LED-off command at the device', summarize(hearth.map((s) => s.total)), `p99 ≤ ${TARGETS.pressToLedP99Ms}`),
        row('  HA in: press → frame at hearth (socket)', summarize(parts.haIn)),
        row('  hearth: frame in → LED command written', summarize(parts.hearth), `p99 ≤ ${TARGETS.handlingP99Ms}`),
        row('    frame read → handler (event loop wait)', summarize(parts.inflate)),
        row("    hearth's code: message → ws.send", summarize(parts.code)),
        row('    ws.send → written to the socket', summarize(parts.deflate)),
        row('  HA out: command written → at the device', summarize(parts.haOut)),
        row('anchor: native HA automation, same reaction', summarize(anchor.map((s) => s.total)), '(anchor)'),
      ]),
    );
    if (parts.unmatched)
      console.log(
        `(${parts.unmatched} hearth presses without matching probe records are left out of the split: ${JSON.stringify(parts.reasons)})`,
      );
    const delta = metrics.count - metricsBefore.count;
    const b = metrics.buckets.map(([le, n]) => [le, n - (metricsBefore.buckets.find(([l]) => l === le)?.[1] ?? 0)] as [number, number]);
    console.log(
      `hearth's /metrics hearth_press_handling_seconds over these presses (in the handler up to ws.send; the anchor button's presses count too): n ${delta},` +
        ` mean ${fmt(((metrics.sum - metricsBefore.sum) / Math.max(1, delta)) * 1000, 3)} ms,` +
        ` p50 ≤ ${fmt(bucketPercentile(b, delta, 50) * 1000, 1)} ms, p99 ≤ ${fmt(bucketPercentile(b, delta, 99) * 1000, 1)} ms (bucket bounds);` +
        ` buckets ${b.map(([le, n]) => `≤${le === Infinity ? '+Inf' : `${le * 1000}ms`}: ${n}`).join(', ')}`,
    );
  }

  /**
   * The hub with the bigger household: hub CPU over an idle window and over a window of
   * `hearth_rssi` readings (nothing else), whether it kept up (state changes it received against
   * those HA made; how long its counter took to settle once the load stopped), then presses
   * without the load and under it, in that order.
   */
  async function measureRssi(hub: HubProcess, variant: Variant): Promise<void> {
    const rssi = (service: string, data: Record<string, unknown> = {}) =>
      stack.conn
        .sendMessagePromise<{ response: RssiFigures }>({
          type: 'call_service',
          domain: 'hearth_rssi',
          service,
          service_data: data,
          return_response: true,
        })
        .then((r) => r.response);
    const changesNow = async () => metricValue(await hub.metrics(), 'hearth_ha_state_changes_total');
    const sensors = hub.rssiSensors;
    console.log(
      `\n-- ${variant.name}: hub pid ${hub.pid}; ${sensors.length} RSSI sensors (${rssiNodes} nodes × ${rssiTrackers} trackers) set by hearth_rssi once a second`,
    );
    await pressRun(hub, `-- ${variant.key}: presses without RSSI load`);

    const idle = await cpuWindow(hub.pid, () => sleep(cpuSeconds * 1000));
    const before = await changesNow();
    let figures: RssiFigures | undefined;
    const busy = await cpuWindow(hub.pid, async () => {
      figures = await rssi('start', { sensors, duration: cpuSeconds, wait: true });
    });
    const atStop = await changesNow();
    const t0 = performance.now();
    let settled = atStop;
    for (;;) {
      await sleep(100);
      const now = await changesNow();
      if (now === settled) break;
      settled = now;
    }
    const settleMs = performance.now() - t0 - 100;
    console.log('hub CPU (utime+stime from /proc/<pid>/stat, % of one core)');
    console.log(
      table(
        ['window', 'seconds', 'hub CPU', 'HA changes', 'rate /s', 'received by hearth', 'target'],
        [
          ['anchor: idle (no readings)', fmt(idle.wall, 1), `${fmt(idle.percent, 2)} %`, '0', '0', '', ''],
          [
            `hearth_rssi, ${sensors.length} sensors/s`,
            fmt(busy.wall, 1),
            `${fmt(busy.percent, 2)} %`,
            String(figures?.changes ?? '-'),
            fmt(figures?.achieved_rate, 0),
            `${settled - before} (${atStop - before} when HA stopped)`,
            `< ${TARGETS.rssiCpuPercent} % (less the idle)`,
          ],
        ],
      ),
    );
    console.log(
      `backlog: hearth's count settled ${fmt(Math.max(0, settleMs), 0)} ms after the load stopped (polled every 100 ms); hearth_rssi ran at most ${fmt(figures?.max_lag_ms, 1)} ms` +
        ` behind its schedule; hub CPU above idle ${fmt(busy.percent - idle.percent, 2)} % of a core`,
    );
    await rssi('start', { sensors, duration: 3600 });
    try {
      await pressRun(hub, `-- ${variant.key}: presses under ${sensors.length} RSSI readings/s`);
      const during = await rssi('status');
      console.log(
        `hearth_rssi during the presses: ${during.changes} changes at ${fmt(during.achieved_rate, 0)}/s, at most ${fmt(during.max_lag_ms, 1)} ms behind`,
      );
    } finally {
      await rssi('stop');
    }
  }
}

interface RssiFigures {
  sensors: number;
  changes: number;
  seconds: number;
  achieved_rate: number;
  max_lag_ms: number;
  running: boolean;
}

/** The process's CPU (utime+stime, % of one core) over `run()`. */
async function cpuWindow(pid: number, run: () => Promise<void>): Promise<{ wall: number; percent: number }> {
  const before = cpuTicks(pid);
  const t0 = performance.now();
  await run();
  const wall = (performance.now() - t0) / 1000;
  return { wall, percent: ((cpuTicks(pid) - before) / CLOCK_TICKS / wall) * 100 };
}

/** A sample's value from the /metrics text (the first series of `name`); NaN when absent. */
export function metricValue(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main();
}
