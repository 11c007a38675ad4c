/**
 * `hearth run` as a child process against a bench stack, the way it runs in production (its
 * own Node process, secrets from files): a hearth.yaml made from the repo's (same routines,
 * people, devices/), pointed at the stack, quiet hours removed (a bench runs at any hour and
 * makes routines due itself; `schedules: 'never'` also moves every schedule to 1 January),
 * the HTTP API on a free 127.0.0.1 port, state in a throwaway dir.
 *
 * Started as `node --import tsx [--import bench/lib/hub-probe.ts] src/cli.ts run` (not via
 * `npx tsx`, whose pid would be a wrapper's): `pid` is the hub's own process, so /proc/<pid>
 * is the hub. `compiled` runs `node <dir>/src/cli.js` instead (tsc output, what the Nix
 * package runs: no transpiler in the process; bench/lib/compile.ts).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { StackInfo } from '../../tests/stack/stack.js';
import { ManagedProcess } from '../../tests/stack/process.js';
import { REPO_ROOT } from '../../tests/stack/paths.js';
import { freePort, poll } from '../../tests/stack/net.js';
import { sleep } from './stats.js';
import { loadHousehold } from '../../src/config/load.js';
import { householdEntities } from '../../src/config/entity-ids.js';

export const PROBE = join(REPO_ROOT, 'bench', 'lib', 'hub-probe.ts');

export interface HubProcessOptions {
  /**
   * Preload the probe; `entities`: frames naming these are timestamped (see hub-probe.ts);
   * with none it only reports memory (no websocket patching).
   */
  probe?: { entities: string[] };
  /** Run tsc output (bench/lib/compile.ts) instead of tsx on src/. */
  compiled?: { cli: string; probe: string };
  /** HEARTH_LOG_LEVEL of the hub (default info, the service's default). */
  logLevel?: string;
  /**
   * `household` (default): the routines' own schedules (a routine may be due by the wall
   * clock when the bench starts; the benches make routines due themselves anyway).
   * `never`: every routine due only on 1 January at 03:00, so nothing pulses or nags on its
   * own. Note that the streak hearth computes on every publish looks back up to 120 days
   * for 7 scheduled days: a rare schedule makes it (and each press) much slower.
   */
  schedules?: 'household' | 'never';
  /** Extra node flags (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
  /** A command the hub runs under (e.g. `strace -f -o F`); `pid` is then the wrapper's. */
  wrapper?: string[];
  /** Changes to the hearth.yaml (e.g. the life coach's sections, bench/lifecoach.ts). */
  configure?: (config: Record<string, unknown>) => void;
  /**
   * A bigger household's presence: `nodes` more presence nodes (`load-presence-<i>`, each in a
   * room of its own) tracking `trackers` more trackers (`load-tracker-<j>`, one person each),
   * beside the repo's devices. HA has no such devices: the hub watches the entity ids derived
   * from the specs, which `hearth_rssi` sets (HubProcess.rssiSensors).
   */
  presenceLoad?: { nodes: number; trackers: number };
  /**
   * More devices and routines beside the repo's (e.g. bench/lib/burst-household.ts's 50
   * reminder buttons): each device spec is written to the hub's devices dir as `<name>.yaml`,
   * the routines are added to hearth.yaml's. HA must have the devices (an emulator serving them).
   */
  extra?: { devices: Record<string, unknown>[]; routines: Record<string, unknown>[] };
}

export interface ProbeDump {
  in: { mono_ns: number; raw_ns?: number; entity: string; bytes: number }[];
  out: { mono_ns: number; written_ns?: number; service: string; entity_id: unknown; id: unknown }[];
  /** Extensions negotiated on each websocket the hub opened. */
  extensions: string[];
  memory: NodeJS.MemoryUsage;
  mono_ns: number;
}

export interface HubProcess {
  pid: number;
  dir: string;
  base: string;
  token: string;
  logFile: string;
  api<T = unknown>(method: string, path: string): Promise<T>;
  metrics(): Promise<string>;
  /** With `presenceLoad`: [entity id, node index, tracker index] of each added RSSI sensor. */
  rssiSensors: [string, number, number][];
  /** The probe's records since the last dump (needs `probe`). */
  probeDump(): Promise<ProbeDump>;
  stop(): Promise<void>;
}

export async function startHubProcess(stack: StackInfo, options: HubProcessOptions = {}): Promise<HubProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-hub-'));
  const token = 'bench-http-token';
  writeFileSync(join(dir, 'ha-token'), `${stack.hass.token}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'mqtt-password'), `${stack.mqtt.users.hearth.password}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'http-token'), `${token}\n`, { mode: 0o600 });
  const port = await freePort();
  const config = parse(readFileSync(join(REPO_ROOT, 'hearth.yaml'), 'utf8')) as Record<string, unknown> & {
    routines?: Record<string, unknown>[];
  };
  delete config.quiet_hours;
  for (const r of config.routines ?? []) {
    delete r.quiet_hours;
    if (options.schedules === 'never') r.due = { cron: '0 3 1 1 *' };
  }
  Object.assign(config, {
    homeassistant: { url: stack.hass.url, token_file: join(dir, 'ha-token') },
    mqtt: { url: stack.mqtt.url, username: stack.mqtt.users.hearth.username, password_file: join(dir, 'mqtt-password') },
    http: { host: '127.0.0.1', port, token_file: join(dir, 'http-token') },
    state_dir: join(dir, 'state'),
  });
  let devicesDir = join(REPO_ROOT, 'devices');
  const load = options.presenceLoad;
  if (load || options.extra) {
    devicesDir = join(dir, 'devices');
    mkdirSync(devicesDir);
    cpSync(join(REPO_ROOT, 'devices'), devicesDir, { recursive: true });
  }
  if (options.extra) {
    for (const spec of options.extra.devices) writeFileSync(join(devicesDir, `${String(spec.name)}.yaml`), stringify(spec));
    config.routines = [...(config.routines ?? []), ...options.extra.routines];
  }
  if (load) {
    const trackers = Array.from({ length: load.trackers }, (_, j) => `load-tracker-${j}`);
    const c = config as Record<string, unknown> & { people: unknown[]; trackers: unknown[] };
    c.people = [...c.people, ...trackers.map((_, j) => ({ id: `load-person-${j}`, name: `Load person ${j}` }))];
    c.trackers = [
      ...c.trackers,
      ...trackers.map((id, j) => ({
        id,
        person: `load-person-${j}`,
        type: 'mac',
        mac: `02:00:00:00:${(j >> 8).toString(16).padStart(2, '0')}:${(j & 255).toString(16).padStart(2, '0')}`,
      })),
    ];
    for (let i = 0; i < load.nodes; i++) {
      const spec = {
        kind: 'presence-node',
        name: `load-presence-${i}`,
        area: `Load room ${i}`,
        board: 'esp32dev',
        room: `load-room-${i}`,
        tracks: trackers,
      };
      writeFileSync(join(devicesDir, `load-presence-${i}.yaml`), stringify(spec));
    }
  }
  options.configure?.(config);
  const configFile = join(dir, 'hearth.yaml');
  writeFileSync(configFile, stringify(config));
  const rssiSensors: [string, number, number][] = [];
  if (load) {
    const entities = householdEntities(await loadHousehold({ configFile, devicesDir }));
    for (const d of entities) {
      const node = /^load-presence-(\d+)$/.exec(d.device);
      if (!node) continue;
      for (const e of d.entities) {
        const tracker = e.role === 'rssi' ? /^load-tracker-(\d+)$/.exec(e.tracker ?? '') : null;
        if (tracker) rssiSensors.push([e.entityId, Number(node[1]), Number(tracker[1])]);
      }
    }
    if (rssiSensors.length !== load.nodes * load.trackers)
      throw new Error(`expected ${load.nodes * load.trackers} RSSI sensors, found ${rssiSensors.length}`);
  }

  const probeFile = join(dir, 'probe.json');
  const nodeArgs = options.compiled
    ? [...(options.probe ? ['--import', options.compiled.probe] : []), options.compiled.cli]
    : ['--import', 'tsx', ...(options.probe ? ['--import', PROBE] : []), join(REPO_ROOT, 'src', 'cli.ts')];
  const logFile = join(dir, 'hub.log');
  const [cmd, ...wrapperArgs] = [...(options.wrapper ?? []), process.execPath];
  const child = new ManagedProcess({
    name: 'hearth hub',
    cmd: cmd!,
    args: [...wrapperArgs, ...(options.nodeFlags ?? []), ...nodeArgs, 'run', '--config', configFile, '--devices', devicesDir],
    logFile,
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TZ: process.env.TZ,
      HEARTH_LOG_LEVEL: options.logLevel ?? 'info',
      HEARTH_PROBE_FILE: probeFile,
      ...(options.probe ? { HEARTH_PROBE_ENTITIES: options.probe.entities.join(',') } : {}),
    },
  });
  const base = `http://127.0.0.1:${port}`;
  const api = async <T>(method: string, path: string): Promise<T> => {
    const r = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    const text = await r.text();
    if (!r.ok) throw new Error(`hub ${method} ${path}: HTTP ${r.status} ${text}`);
    return (path === '/metrics' ? text : JSON.parse(text)) as T;
  };
  const hub: HubProcess = {
    pid: child.pid,
    dir,
    base,
    token,
    logFile,
    rssiSensors,
    api,
    metrics: () => api<string>('GET', '/metrics'),
    async probeDump() {
      rmSync(probeFile, { force: true });
      process.kill(child.pid, 'SIGUSR2');
      await poll('the probe dump', () => existsSync(probeFile), { timeoutMs: 5_000, intervalMs: 10 });
      return JSON.parse(readFileSync(probeFile, 'utf8')) as ProbeDump;
    },
    async stop() {
      await child.stop(15_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await child.guard(
      poll(
        'the hub connected to HA and MQTT',
        async () => {
          const r = await fetch(`${base}/healthz`).catch(() => undefined);
          if (!r) return false;
          const h = (await r.json()) as { ha: string; mqtt: string };
          return h.ha === 'connected' && h.mqtt === 'connected';
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      ),
    );
    // The hub re-resolves entity ids from HA's registry once RUNNING and restarts its units.
    await sleep(1000);
  } catch (err) {
    await hub.stop();
    throw err;
  }
  return hub;
}
