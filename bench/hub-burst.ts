/**
 * A burst of presses on a bigger household's buttons, through the real stack, without and under
 * 200 RSSI readings/s.
 *
 *   tsx bench/hub-burst.ts [--buttons 50] [--bursts 10] [--singles 5] [--nodes 20] [--trackers 10]
 *
 * The household: the repo's, plus `--buttons` reminder buttons with a routine each
 * (bench/lib/burst-household.ts), emulated over the ESPHome native API by one more emulator
 * process and added to HA as esphome config entries (bench/lib/burst-devices.ts), plus
 * `--nodes` × `--trackers` presence sensors that HA's `hearth_rssi` sets once a second
 * (bench/lib/hub-process.ts `presenceLoad`, as in hub-latency's rssi variant). The hub runs
 * compiled, with the deployed NODE_OPTIONS.
 *
 * A hearth burst: every burst routine made due over the hub's API, every LED on (pulsing) at the
 * emulator, then every button pressed in one turn of the emulator's loop (`POST /press`); each
 * press → its LED-off command at the device (both CLOCK_MONOTONIC at the emulator). A press
 * without its LED command within 10 s is lost, and counted.
 * Anchors, measured in the same rounds:
 * - the burst's: the same burst with one native HA automation per button (press → its LED off),
 *   hearth having nothing pending (its presses send no command): what HA and the emulator
 *   alone make of 50 presses at once;
 * - the single press: hearth on kitchen-meds-button and the native automation on
 *   desk-stretch-button, one at a time (bench/hub-latency.ts's presses).
 * Each round measures both conditions, without readings then under them, so both see the
 * same machine load. Hub CPU (and HA's) is read from /proc over each burst, press → the last
 * LED command seen. Beside the pooled percentiles, each burst's own p99 (median and range over
 * the bursts): a burst the machine stalled shows as the range. bench/lib/hub-probe.ts splits
 * each hearth press at the hub's socket (HA in, hearth, HA out); after each block of readings,
 * how long hearth's count of state changes took to settle is the backlog.
 *
 * Figures only: nothing here fails on a slow figure.
 */
import { pathToFileURL } from 'node:url';
import type { StackInfo } from '../tests/stack/stack.js';
import { control } from '../tests/helpers/emulator.js';
import { benchStack, haEntityId, stopBenchStack, type BenchStack } from './lib/bench-stack.js';
import { addBurstDevices, setAnchors, type BurstDevices } from './lib/burst-devices.js';
import { burstHousehold, burstRoutine } from './lib/burst-household.js';
import type { LightCommand, Press } from './lib/emulator.js';
import { startHubProcess, type HubProcess } from './lib/hub-process.js';
import { noParts, splitPresses, type Parts } from './lib/press-split.js';
import { compileHearth } from './lib/compile.js';
import { DEPLOYED_NODE_FLAGS } from './lib/deployed.js';
import { CLOCK_TICKS, cpuTicks, findPids, fmt, loadAverage, sleep, summarize, table } from './lib/stats.js';
import { benchOptions, numberOption } from './lib/args.js';
import { sourceState } from './lib/source-state.js';
import { anchorPress, hearthPress, metricValue, TARGETS } from './hub-latency.js';

/** The single-press anchor's button (bench/hub-latency.ts hearthPress). */
const SINGLE_BUTTON = 'kitchen-meds-button';
/** A press without its LED command this long after it is lost. */
const LOST_AFTER_MS = 10_000;

type Emulator = Pick<StackInfo, 'emulator'>;

/** One burst's figures. */
export interface Burst {
  /** press → LED-off command at the device, ms, one per press that got its command */
  latencies: number[];
  /** Each press (CLOCK_MONOTONIC ns at the emulator) and its LED-off command, if it came. */
  samples: { device: string; pressNs: number; commandNs?: number }[];
  /** Buttons whose press got no LED-off command within LOST_AFTER_MS. */
  lost: string[];
  /** First press → last press sent by the emulator, ms (how simultaneous the burst was). */
  spreadMs: number;
  /** First press → last LED command, ms. */
  spanMs: number;
  /** Hub and HA CPU over press → every command seen (or the deadline), ms of CPU. */
  hubCpuMs: number;
  haCpuMs: number;
  /** That window, ms. */
  windowMs: number;
}

const ms = (ns: number) => ns / 1e6;
const isOff = (c: LightCommand) => c.command.state === false || c.state_after.state === false;

/**
 * Presses every button at once (after `arm` made their LEDs light) and waits for each LED-off
 * command. Throws if an LED did not light within 15 s (the burst could not start).
 */
export async function burst(
  emulator: Emulator,
  devices: string[],
  pids: { hub: number; ha?: number },
  arm: () => Promise<void>,
): Promise<Burst> {
  await control(emulator, 'POST', '/log/clear', {});
  await arm();
  const deadline = Date.now() + 15_000;
  for (;;) {
    const lights = await control<Record<string, { state: boolean }[]>>(emulator, 'GET', '/lights');
    const dark = devices.filter((d) => lights[d]?.[0]?.state !== true);
    if (!dark.length) break;
    if (Date.now() > deadline) throw new Error(`${dark.length} burst LEDs not on within 15 s: ${dark.slice(0, 5).join(', ')}`);
    await sleep(50);
  }
  await sleep(300); // let HA and the hub finish with the LEDs going on (state pushes, MQTT)
  const hub0 = cpuTicks(pids.hub);
  const ha0 = pids.ha ? cpuTicks(pids.ha) : 0;
  const t0 = performance.now();
  const presses = await control<(Press & { device: string })[]>(emulator, 'POST', '/press', { devices, type: 'single' });
  const pending = new Map(presses.map((p) => [p.device, p]));
  const latencies: number[] = [];
  const samples: Burst['samples'] = presses.map((p) => ({ device: p.device, pressNs: p.mono_ns }));
  let lastNs = 0;
  const lostAt = Date.now() + LOST_AFTER_MS;
  while (pending.size && Date.now() < lostAt) {
    await sleep(20);
    const log = await control<Record<string, { light_commands: LightCommand[] }>>(emulator, 'GET', '/log');
    for (const [device, p] of pending) {
      const c = log[device]?.light_commands.find((c) => c.mono_ns > p.mono_ns && isOff(c));
      if (!c) continue;
      latencies.push(ms(c.mono_ns - p.mono_ns));
      samples.find((x) => x.device === device)!.commandNs = c.mono_ns;
      lastNs = Math.max(lastNs, c.mono_ns);
      pending.delete(device);
    }
  }
  const windowMs = performance.now() - t0;
  const tick = 1000 / CLOCK_TICKS;
  const first = Math.min(...presses.map((p) => p.mono_ns));
  return {
    latencies,
    samples,
    lost: [...pending.keys()],
    spreadMs: ms(Math.max(...presses.map((p) => p.mono_ns)) - first),
    spanMs: lastNs ? ms(lastNs - first) : Number.NaN,
    hubCpuMs: (cpuTicks(pids.hub) - hub0) * tick,
    haCpuMs: pids.ha ? (cpuTicks(pids.ha) - ha0) * tick : Number.NaN,
    windowMs,
  };
}

type Condition = 'idle' | 'readings';

/** One block of readings: what HA made, and how long hearth took to catch up once they stopped. */
interface Backlog {
  changes: number;
  /** changes/s */
  rate: number;
  lagMs: number;
  settleMs: number;
}

interface Figures {
  single: { hearth: number[]; anchor: number[]; lostHearth: number; lostAnchor: number; parts: Parts };
  hearth: Burst[];
  anchor: Burst[];
  parts: Parts;
}

export async function main(argv: string[] = process.argv.slice(2), ownStack = true): Promise<number> {
  const o = benchOptions(argv, ['buttons', 'bursts', 'singles', 'nodes', 'trackers']);
  const whole = (n: number) => Number.isInteger(n) && n >= 0;
  const buttons = numberOption(o.buttons, 'buttons', 50, (n) => whole(n) && n > 0, 'a whole number > 0');
  const bursts = numberOption(o.bursts, 'bursts', 10, (n) => whole(n) && n > 0, 'a whole number > 0');
  const singles = numberOption(o.singles, 'singles', 5, whole, 'a whole number');
  const nodes = numberOption(o.nodes, 'nodes', 20, (n) => whole(n) && n > 0, 'a whole number > 0');
  const trackers = numberOption(o.trackers, 'trackers', 10, (n) => whole(n) && n > 0, 'a whole number > 0');
  const load: string[] = [loadAverage()];
  const log = (m: string) => console.error(`hub-burst: ${m}`);
  const bs = await benchStack();
  const { stack } = bs;
  console.log(
    `burst: ${buttons} buttons pressed at once, ${bursts} bursts per condition (after 1 warm-up round), hearth and ${buttons} native HA automations alternating,` +
      ` ${singles} single presses of each between bursts; readings: ${nodes} nodes × ${trackers} trackers once a second; HA ${stack.hass.version}`,
  );
  console.log(`src: ${sourceState()}`);
  const household = burstHousehold(buttons);
  const compiled = compileHearth();
  console.log(
    `compiled with tsc in ${fmt(compiled.seconds, 1)} s${compiled.errors ? ` (tsc reported errors, emitted anyway: ${compiled.errors.split('\n')[0]})` : ''}`,
  );
  let added: BurstDevices | undefined;
  let hub: HubProcess | undefined;
  try {
    added = await addBurstDevices(stack, household, log);
    console.log(
      `${buttons} buttons on one emulator process, each an esphome config entry in HA (${Object.entries(added.timings)
        .map(([k, v]) => `${k} ${v} s`)
        .join(', ')})`,
    );
    hub = await startHubProcess(stack, {
      probe: { entities: [haEntityId(stack, SINGLE_BUTTON, 'press'), ...added.buttons.map((b) => b.pressEntity)] },
      schedules: 'household',
      nodeFlags: DEPLOYED_NODE_FLAGS,
      compiled,
      presenceLoad: { nodes, trackers },
      extra: household,
    });
    await run(bs, added, hub);
  } finally {
    await rssi(bs, 'stop').catch(() => undefined);
    await hub?.stop();
    await added?.remove();
    compiled.remove();
    if (ownStack) await stopBenchStack();
  }
  console.log(`load average: ${load.join(' → ')} (2 cores, other engineers' tests may run)`);
  return 0;

  async function run(bs: BenchStack, added: BurstDevices, hub: HubProcess): Promise<void> {
    const haPid = findPids(['/opt/hass/bin/hass', '-c', stack.hass.configDir])[0];
    const pids = { hub: hub.pid, ...(haPid ? { ha: haPid } : {}) };
    const devices = added.buttons.map((b) => b.device);
    const emulator = { emulator: added.emulator };
    const leds = added.buttons.map((b) => b.ledEntity);
    console.log(
      `hub pid ${hub.pid}${haPid ? `, HA pid ${haPid}` : ' (HA pid not found: no HA CPU figure)'}; ${hub.rssiSensors.length} RSSI sensors`,
    );
    const fresh = (): Figures => ({
      single: { hearth: [], anchor: [], lostHearth: 0, lostAnchor: 0, parts: noParts() },
      hearth: [],
      anchor: [],
      parts: noParts(),
    });
    const figures: Record<Condition, Figures> = { idle: fresh(), readings: fresh() };
    const single = { pressEntity: haEntityId(stack, SINGLE_BUTTON, 'press'), ledEntity: haEntityId(stack, SINGLE_BUTTON, 'led') };
    const byDevice = new Map(added.buttons.map((b) => [b.device, b]));
    const hearthArm = async () => {
      await Promise.all(household.routines.map((_, i) => hub.api('POST', `/api/routines/${burstRoutine(i)}/due`)));
    };
    const anchorArm = async () => {
      await stack.conn.sendMessagePromise({
        type: 'call_service',
        domain: 'light',
        service: 'turn_on',
        service_data: {},
        target: { entity_id: leds },
      });
    };
    const backlog: Backlog[] = [];
    const t0 = performance.now();
    for (let round = 0; round <= bursts; round++) {
      const warmup = round === 0;
      for (const condition of ['idle', 'readings'] as const) {
        if (condition === 'readings') {
          await rssi(bs, 'start', { sensors: hub.rssiSensors, duration: 3600 });
          await sleep(1000);
        }
        try {
          const f = figures[condition];
          await hub.probeDump(); // drops earlier records
          const singleSamples: { pressNs: number; commandNs: number }[] = [];
          for (let i = 0; i < singles; i++) {
            await hearthPress(stack, hub).then(
              (s) => singleSamples.push(s) && !warmup && f.single.hearth.push(s.total),
              () => !warmup && f.single.lostHearth++,
            );
            await anchorPress(bs).then(
              (s) => !warmup && f.single.anchor.push(s.total),
              () => !warmup && f.single.lostAnchor++,
            );
          }
          const h = await burst(emulator, devices, pids, hearthArm);
          const dump = await hub.probeDump();
          if (!warmup) {
            splitPresses(
              singleSamples.map((x) => ({ ...x, ...single })),
              dump,
              f.single.parts,
            );
            splitPresses(
              h.samples.map((x) => ({
                ...x,
                pressEntity: byDevice.get(x.device)!.pressEntity,
                ledEntity: byDevice.get(x.device)!.ledEntity,
              })),
              dump,
              f.parts,
            );
          }
          await setAnchors(stack, added.buttons, true);
          let a: Burst;
          try {
            a = await burst(emulator, devices, pids, anchorArm);
          } finally {
            await setAnchors(stack, added.buttons, false);
          }
          if (!warmup) {
            f.hearth.push(h);
            f.anchor.push(a);
          }
          log(
            `round ${round}${warmup ? ' (warm-up)' : ''} ${condition}: hearth p99 ${fmt(summarize(h.latencies).p99, 0)} ms lost ${h.lost.length};` +
              ` anchor p99 ${fmt(summarize(a.latencies).p99, 0)} ms lost ${a.lost.length}; load ${loadAverage()}`,
          );
        } finally {
          if (condition === 'readings') backlog.push(await stopReadings(hub));
        }
      }
      load.push(loadAverage());
    }
    const seconds = (performance.now() - t0) / 1000;
    print(figures, seconds);
    const b = backlog.slice(1); // past the warm-up
    console.log(
      `readings: ${b.reduce((n, x) => n + x.changes, 0)} RSSI changes made by hearth_rssi in ${b.length} blocks at` +
        ` ${fmt(Math.min(...b.map((x) => x.rate)), 0)}–${fmt(Math.max(...b.map((x) => x.rate)), 0)}/s (at most ${fmt(Math.max(...b.map((x) => x.lagMs)), 0)} ms behind its schedule);` +
        ` backlog: hearth's count of state changes settled ${fmt(Math.max(...b.map((x) => x.settleMs)), 0)} ms at most after each block's readings stopped (polled every 100 ms)`,
    );
  }

  /** Stops the readings; how far HA got, and how long hearth's count of changes took to settle. */
  async function stopReadings(hub: HubProcess): Promise<Backlog> {
    const r = (await rssi(bs, 'stop')) as { response?: { changes?: number; achieved_rate?: number; max_lag_ms?: number } };
    const count = async () => metricValue(await hub.metrics(), 'hearth_ha_state_changes_total');
    let last = await count();
    const t = performance.now();
    for (;;) {
      await sleep(100);
      const now = await count();
      if (now === last) break;
      last = now;
    }
    return {
      changes: r.response?.changes ?? Number.NaN,
      rate: r.response?.achieved_rate ?? Number.NaN,
      lagMs: r.response?.max_lag_ms ?? Number.NaN,
      settleMs: Math.max(0, performance.now() - t - 100),
    };
  }

  function print(figures: Record<Condition, Figures>, seconds: number): void {
    const label: Record<Condition, string> = { idle: 'no readings', readings: `${nodes * trackers} readings/s` };
    const rows: string[][] = [];
    // A burst's own p99 (its slowest presses), median and range over the bursts: one burst that
    // the machine stalled shows here as the range, not as the whole condition's p99.
    const perBurst = (b: Burst[]) => {
      const p99s = summarize(b.map((x) => summarize(x.latencies).p99));
      return `${fmt(p99s.p50, 0)} (${fmt(p99s.min, 0)}–${fmt(p99s.max, 0)})`;
    };
    const latencyRow = (name: string, values: number[], lost: number, of: number, target = '', bursts?: Burst[]) => {
      const s = summarize(values);
      rows.push([
        name,
        String(s.n),
        fmt(s.p50, 1),
        fmt(s.p90, 1),
        fmt(s.p99, 1),
        fmt(s.max, 1),
        bursts ? perBurst(bursts) : '',
        `${lost} of ${of}`,
        target,
      ]);
    };
    for (const c of ['idle', 'readings'] as const) {
      const f = figures[c];
      const all = (b: Burst[]) => b.flatMap((x) => x.latencies);
      const lost = (b: Burst[]) => b.reduce((n, x) => n + x.lost.length, 0);
      latencyRow(
        `${label[c]}: single press, hearth (anchor)`,
        f.single.hearth,
        f.single.lostHearth,
        singles * bursts,
        `p99 ≤ ${TARGETS.pressToLedP99Ms}`,
      );
      latencyRow(`${label[c]}: single press, native HA automation`, f.single.anchor, f.single.lostAnchor, singles * bursts);
      latencyRow(`${label[c]}: burst of ${buttons}, hearth`, all(f.hearth), lost(f.hearth), buttons * bursts, 'p99 unchanged', f.hearth);
      latencyRow(
        `${label[c]}: burst of ${buttons}, ${buttons} native HA automations`,
        all(f.anchor),
        lost(f.anchor),
        buttons * bursts,
        '(anchor)',
        f.anchor,
      );
    }
    console.log(
      `\npress → LED-off command at the device, ms (${bursts} bursts per condition in ${fmt(seconds, 0)} s; lost: no command within ${LOST_AFTER_MS / 1000} s)`,
    );
    console.log(table(['ms', 'n', 'p50', 'p90', 'p99', 'max', 'p99 per burst', 'lost', 'target'], rows));

    const partRows: string[][] = [];
    const pair = (v: number[]) => `${fmt(summarize(v).p50, 1)} / ${fmt(summarize(v).p99, 1)}`;
    for (const c of ['idle', 'readings'] as const) {
      for (const [what, p] of [
        ['single press', figures[c].single.parts],
        [`burst of ${buttons}`, figures[c].parts],
      ] as const) {
        partRows.push([
          `${label[c]}: ${what}`,
          String(p.hearth.length),
          pair(p.haIn),
          pair(p.hearth),
          pair(p.haOut),
          Object.entries(p.unmatched)
            .map(([r, n]) => `${n} ${r}`)
            .join(', ') || '0',
        ]);
      }
    }
    console.log(
      `\nwhere hearth's presses spend the time, ms p50 / p99 (bench/lib/hub-probe.ts: the press frame's raw socket data at the hub, the LED command written to the socket)`,
    );
    console.log(
      table(['hearth', 'n', 'HA in: press → frame', 'hearth: frame → command', 'HA out: command → device', 'unmatched'], partRows),
    );

    const cpuRows: string[][] = [];
    for (const c of ['idle', 'readings'] as const) {
      for (const [who, b] of [
        ['hearth', figures[c].hearth],
        ['native HA', figures[c].anchor],
      ] as const) {
        const window = b.reduce((n, x) => n + x.windowMs, 0);
        const hub = b.reduce((n, x) => n + x.hubCpuMs, 0);
        const ha = b.reduce((n, x) => n + x.haCpuMs, 0);
        cpuRows.push([
          `${label[c]}: burst, ${who}`,
          fmt(summarize(b.map((x) => x.spreadMs)).max, 2),
          fmt(summarize(b.map((x) => x.spanMs)).p50, 0),
          fmt(window / Math.max(1, b.length), 0),
          `${fmt((hub / window) * 100, 1)} %`,
          fmt(hub / Math.max(1, b.length), 0),
          fmt(hub / Math.max(1, b.length) / buttons, 2),
          `${fmt((ha / window) * 100, 0)} %`,
        ]);
      }
    }
    console.log(
      `\nCPU over each burst (press → every LED command seen; utime+stime from /proc, 10 ms ticks); in the native HA bursts hearth has nothing pending (its presses send no command)`,
    );
    console.log(
      table(['burst', 'press spread max ms', 'span p50 ms', 'window ms', 'hub CPU', 'hub CPU ms/burst', 'ms/press', 'HA CPU'], cpuRows),
    );
  }
}

function rssi(bs: BenchStack, service: 'start' | 'stop', data: Record<string, unknown> = {}): Promise<unknown> {
  return bs.stack.conn.sendMessagePromise({
    type: 'call_service',
    domain: 'hearth_rssi',
    service,
    service_data: data,
    return_response: true,
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main();
}
