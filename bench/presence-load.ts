/**
 * The presence unit under a bigger household's load, in process: RSSI from `--nodes` presence
 * nodes × `--trackers` trackers every second (200 readings/s by default) delivered as HA state
 * changes to the unit's state callback, for `--seconds`. What it measures is the unit's own work
 * (state change → Reading → engine → rooms → MQTT publish when a room changes), not the
 * websocket: the real-stack benches (hub-latency, hub-load) cover that.
 *
 *   tsx bench/presence-load.ts [--nodes 20] [--trackers 10] [--seconds 20]
 *
 * The readings are those HA's `hearth_rssi` makes for hub-latency's rssi variant
 * (bench/lib/ha/custom_components/hearth_rssi): each tracker near one node (-60 dBm with 8 dB of
 * noise), a different node every 30 s, every other node hearing it weaker (-80 .. -103 dBm);
 * each sensor once a second, in 20 batches (one event-loop turn each, as HA's frames arrive).
 *
 * Anchor, measured in the same run: the same feed with a state callback that does nothing (the
 * harness's own cost). Figures: CPU (user+system, % of one core) over each window, the time in
 * garbage collection (ms per second, from `gc` performance entries), the feed's backlog (how
 * late the last batch of each second ran) and the event loop's delay p99.
 * Target: the unit's CPU under 5 % of a core at 200 readings/s, no backlog.
 *
 * Figures only: nothing here fails on a slow figure.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Household } from '../src/config/household.js';
import type { DeviceEntities } from '../src/config/entity-ids.js';
import type { HaClient, StatesCallback } from '../src/hub/ha/client.js';
import type { StateChange } from '../src/hub/ha/state-changes.js';
import type { HubMqtt } from '../src/hub/mqtt/client.js';
import { createPresenceUnit } from '../src/hub/presence/unit.js';
import { silentLogger } from '../src/log.js';
import { benchOptions, numberOption } from './lib/args.js';
import { fmt, loadAverage, table } from './lib/stats.js';

export const TARGETS = { cpuPercent: 5 };

interface Window {
  cpuPercent: number;
  /** ms spent in garbage collection per second of the window. */
  gcMsPerS: number;
  readings: number;
  /** ms the feed ran behind its schedule at the end. */
  backlogMs: number;
  loopDelayP99Ms: number;
}

/** A synthetic household: nodes in rooms of their own, one person per tracker. */
function household(nodes: number, trackers: number): { household: Household; devices: DeviceEntities[] } {
  const nodeNames = Array.from({ length: nodes }, (_, i) => `node-${i}`);
  const trackerIds = Array.from({ length: trackers }, (_, i) => `tracker-${i}`);
  const h = {
    devices: nodeNames.map((name, i) => ({ spec: { kind: 'presence-node', name, room: `room-${i}` } })),
    config: {
      people: trackerIds.map((_, i) => ({ id: `person-${i}`, name: `Person ${i}` })),
      trackers: trackerIds.map((id, i) => ({ id, person: `person-${i}` })),
    },
  } as unknown as Household;
  const devices = nodeNames.map((device, i) => ({
    device,
    kind: 'presence-node',
    room: `room-${i}`,
    entities: trackerIds.map((tracker) => ({
      role: 'rssi',
      tracker,
      entityId: `sensor.${device.replace('-', '_')}_${tracker.replace('-', '_')}_rssi`,
    })),
  })) as unknown as DeviceEntities[];
  return { household: h, devices };
}

/** An RSSI sensor of the load: node `node` hearing tracker `tracker`. */
interface Sensor {
  entityId: string;
  node: number;
  tracker: number;
}

/** dBm as hearth_rssi makes it: the tracker near one node (which changes every 30 s), the others weaker. */
function rssiOf({ node, tracker }: Sensor, nodes: number, second: number): number {
  const near = (tracker + Math.floor(second / 30)) % nodes;
  if (node === near) return Math.round(-60 - Math.random() * 8);
  return Math.round(-80 - ((node * 7 + second) % 15) - Math.random() * 8);
}

/** Feeds every sensor once a second (in 20 batches, `sensors[batch::20]` as hearth_rssi) for `seconds` into `deliver`. */
async function feed(sensors: Sensor[], nodes: number, seconds: number, deliver: (c: StateChange) => void): Promise<Window> {
  const batches = 20;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let readings = 0;
  let backlogMs = 0;
  for (let s = 0; s < seconds; s++) {
    for (let b = 0; b < batches; b++) {
      const due = t0 + s * 1000 + (b * 1000) / batches;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      backlogMs = Math.max(0, performance.now() - due);
      const at = new Date().toISOString();
      for (let i = b; i < sensors.length; i += batches) {
        const sensor = sensors[i]!;
        const { entityId } = sensor;
        deliver({
          entityId,
          old: undefined,
          snapshot: false,
          new: { entity_id: entityId, state: String(rssiOf(sensor, nodes, s)), attributes: {}, last_changed: at, last_updated: at },
        });
        readings++;
      }
    }
  }
  // The last batch's work (the unit's update at the end of its turn) belongs to the window.
  await new Promise((r) => setImmediate(r));
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  delay.disable();
  // Entries are delivered asynchronously: let the last ones in.
  await new Promise((r) => setTimeout(r, 0));
  gc.disconnect();
  return {
    cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
    gcMsPerS: gcMs / (elapsed / 1000),
    readings,
    backlogMs,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
  };
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const o = benchOptions(argv, ['nodes', 'trackers', 'seconds']);
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  const nodes = numberOption(o.nodes, 'nodes', 20, whole, 'a whole number >= 1');
  const trackers = numberOption(o.trackers, 'trackers', 10, whole, 'a whole number >= 1');
  const seconds = numberOption(o.seconds, 'seconds', 20, whole, 'a whole number >= 1');
  const { household: h, devices } = household(nodes, trackers);
  const sensors = devices.flatMap((d, node) => d.entities.map((e, tracker) => ({ entityId: e.entityId, node, tracker })));
  console.log(
    `presence load: ${nodes} nodes × ${trackers} trackers = ${sensors.length} readings/s (hearth_rssi's values) for ${seconds} s, in process; load average ${loadAverage()}`,
  );

  let listener: StatesCallback = () => {};
  let published = 0;
  const unit = createPresenceUnit({
    household: h,
    devices,
    ha: { state: 'connected', subscribeStates: (_ids: string[], cb: StatesCallback) => ((listener = cb), () => {}) } as unknown as HaClient,
    mqtt: { state: 'connected', publish: () => (published++, Promise.resolve()) } as unknown as HubMqtt,
    context: { prefix: 'homeassistant', baseTopic: 'hearth', version: 'bench' },
    clock: { now: () => Date.now() },
    logger: silentLogger(),
  });

  const anchor = await feed(sensors, nodes, seconds, () => {});
  unit.start();
  const loaded = await feed(sensors, nodes, seconds, (c) => listener(c));
  unit.stop();
  const rows = [
    [
      'anchor: the feed alone',
      fmt(anchor.cpuPercent, 2),
      fmt(anchor.gcMsPerS, 1),
      String(anchor.readings),
      fmt(anchor.backlogMs),
      fmt(anchor.loopDelayP99Ms),
      '',
      '',
    ],
    [
      'presence unit',
      fmt(loaded.cpuPercent, 2),
      fmt(loaded.gcMsPerS, 1),
      String(loaded.readings),
      fmt(loaded.backlogMs),
      fmt(loaded.loopDelayP99Ms),
      fmt(loaded.cpuPercent - anchor.cpuPercent, 2),
      `< ${TARGETS.cpuPercent}`,
    ],
  ];
  console.log(table(['window', 'CPU % of a core', 'GC ms/s', 'readings', 'backlog ms', 'loop delay p99 ms', 'unit CPU %', 'target'], rows));
  console.log(`MQTT messages published (room changes): ${published}`);
  const met = loaded.cpuPercent - anchor.cpuPercent < TARGETS.cpuPercent && loaded.backlogMs < 1000;
  return met ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main();
}
