/**
 * The test stack: Mosquitto, the pinned Home Assistant and the household's ESPHome devices
 * (emulated), on free 127.0.0.1 ports in a throwaway directory. Used by the integration
 * tests' global setup, by tests that restart HA or the broker (their own stack), and by
 * `npm run sandbox`.
 *
 *   const stack = await startStack();
 *   ... stack.hass.url, stack.hass.token, stack.mqtt.url, stack.emulator.controlUrl ...
 *   await stack.stop();
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Connection } from 'home-assistant-js-websocket';
import type { DeviceEntities } from '../../src/config/entity-ids.js';
import { connectHA, entityRegistry, getStates } from './ha-client.js';
import { fillForm, HomeAssistant, type FlowResult, type FlowStepRecord, type HassOwner } from './hass.js';
import { Mosquitto, type MqttUsers } from './mosquitto.js';
import { EmulatorProcess, type EmulatedDevice } from './emulator-process.js';
import { generateDeviceConfigs, type DeviceSource } from './devices.js';
import { freePort, LOOPBACK, poll, portIsFree } from './net.js';
import { forgetRemoveOnExit, removeOnExit, tailFile, type ManagedProcess } from './process.js';

export interface StackOptions {
  /** HA's HTTP port; default: `preferredHaPort` if free, else a free port. */
  haPort?: number;
  /** Tried first when `haPort` is not given (the sandbox uses 8123). */
  preferredHaPort?: number;
  /** Emulate the household's ESPHome devices and add them to HA (default true). */
  devices?: boolean;
  /** Where the household comes from (default: the repo's hearth.yaml and devices/). */
  deviceSource?: DeviceSource;
  /** HA's owner login (default hearth / hearth-stack). */
  owner?: Partial<HassOwner>;
  /** Extra YAML for HA's configuration.yaml (helpers a test needs). */
  haExtraYaml?: string;
  /** Reuse/fill the cached onboarded HA auth state (default true). */
  haTemplate?: boolean;
  /** Keep the throwaway directory after stop() (default: env HEARTH_KEEP_STACK=1). */
  keep?: boolean;
  /** Progress lines (default: console.error with a `stack:` prefix; pass () => {} for quiet). */
  log?: (message: string) => void;
  /**
   * Hook for hearth itself, run once the stack is ready (the hub connects here once it
   * exists); the returned function is awaited first in stop().
   */
  connectHearth?: (stack: Stack) => Promise<(() => Promise<void>) | void>;
}

/** One entity HA created for an emulated device. */
export interface HaDeviceEntity {
  entityId: string;
  /** ESPHome's unique id as HA stores it (2026.x: `<mac>/<device id>/<domain>/<entity name>`). */
  uniqueId: string;
  domain: string;
  /** The ESPHome entity name (`original_name`). */
  name: string | null;
}

/** What a test needs to talk to the stack; plain data (vitest `provide`/`inject`-able). */
export interface StackInfo {
  dir: string;
  hass: {
    url: string;
    port: number;
    /** Long-lived access token of the owner. */
    token: string;
    /** File holding the token (for hearth's `token_file`, or a person). */
    tokenFile: string;
    configDir: string;
    logFile: string;
    owner: HassOwner;
    version: string;
  };
  mqtt: {
    url: string;
    host: string;
    port: number;
    users: MqttUsers;
  };
  emulator: {
    controlUrl: string;
    devices: EmulatedDevice[];
  };
  /** The household's devices with the entity ids src/config/entity-ids.ts derives. */
  devices: DeviceEntities[];
  /**
   * The entities HA itself created for each emulated device (from its entity registry), by
   * device name: HA decides the ids (2026.x prefixes the area), so tests look them up here.
   */
  haEntities: Record<string, HaDeviceEntity[]>;
  /** Config entry id of each emulated device's esphome entry, by device name. */
  esphomeEntries: Record<string, string>;
  mqttEntryId: string;
  /** A local to-do list (HA's local_todo, entity `todo.hearth`) for tests that need one. */
  todoEntityId: string;
  /** Seconds from startStack() to ready. */
  startupSeconds: number;
  /** Seconds per phase (each from the start, so they overlap). */
  timings: Record<string, number>;
  /** Every config-flow step HA presented. */
  flowSteps: FlowStepRecord[];
  /** Log files by component. */
  logs: Record<string, string>;
}

export interface Stack extends StackInfo {
  /** A websocket connection owned by the stack (LLAT auth); closed by stop(). */
  conn: Connection;
  /** Plain data for vitest `provide` or a JSON file. */
  info(): StackInfo;
  /** SIGTERM mosquitto, wait, start it again on the same port (retained messages persist). */
  restartBroker(): Promise<void>;
  /** SIGTERM HA, wait, start it on the same port/config and wait for RUNNING + devices. */
  restartHA(): Promise<void>;
  /** The tail of every log (also written to stderr when `print`). */
  dumpLogs(lines?: number, print?: boolean): string;
  /** The running processes of the stack by part (pids change when a part restarts). */
  parts(): StackPart[];
  /**
   * Stops everything this stack started (idempotent); removes the dir unless kept
   * (HEARTH_KEEP_STACK, or `keepDir` here: e.g. to read the logs after a part failed).
   */
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

/** One process of the stack, for watching it (sandbox, soak) or listing its sockets. */
export interface StackPart {
  name: 'home-assistant' | 'mosquitto' | 'esphome-emulator';
  process: ManagedProcess | undefined;
  logFile: string;
}

const STACK_DIR_PREFIX = 'hearth-stack-';
const OWNER_FILE = 'owner.pid';
const KEEP_FILE = 'keep';

/**
 * Removes throwaway dirs of earlier stacks whose process died without cleaning up (SIGKILL;
 * their children died with them via pdeathsig). Kept dirs and live owners are left alone.
 */
function sweepStaleStackDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith(STACK_DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(tmpdir(), name);
    try {
      if (existsSync(join(dir, KEEP_FILE))) continue;
      const pid = Number(readFileSync(join(dir, OWNER_FILE), 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 0) continue;
      try {
        process.kill(pid, 0);
        continue; // owner alive
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') continue;
      }
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* not ours to judge (no owner file yet, permissions) */
    }
  }
}

const DEFAULT_OWNER: HassOwner = { name: 'Hearth Tester', username: 'hearth', password: 'hearth-stack' };

function defaultUsers(): MqttUsers {
  return {
    hearth: { username: 'hearth', password: 'hearth-mqtt' },
    homeassistant: { username: 'homeassistant', password: 'homeassistant-mqtt' },
    test: { username: 'test', password: 'test-mqtt' },
  };
}

async function distinctFreePorts(count: number, taken: number[]): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const p = await freePort();
    if (!ports.includes(p) && !taken.includes(p)) ports.push(p);
  }
  return ports;
}

/** The fields a form asks for, from `values` or the form's own defaults (HA rejects extra keys). */
function pick(step: FlowResult, values: Record<string, unknown>): Record<string, unknown> {
  return fillForm(step.data_schema ?? [], values);
}

function menuOptions(step: FlowResult): string[] {
  return Array.isArray(step.menu_options) ? step.menu_options : Object.keys(step.menu_options ?? {});
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const t0 = performance.now();
  const since = () => Number(((performance.now() - t0) / 1000).toFixed(1));
  const log = options.log ?? ((m: string) => console.error(`stack: ${m}`));
  const keep = options.keep ?? process.env.HEARTH_KEEP_STACK === '1';
  const timings: Record<string, number> = {};
  const mark = (phase: string) => {
    timings[phase] = since();
  };

  sweepStaleStackDirs();
  const dir = mkdtempSync(join(tmpdir(), STACK_DIR_PREFIX));
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`);
  if (keep) writeFileSync(join(dir, KEEP_FILE), '');
  else removeOnExit(dir);
  const owner: HassOwner = { ...DEFAULT_OWNER, ...options.owner };
  const users = defaultUsers();

  let haPort = options.haPort;
  if (haPort === undefined && options.preferredHaPort !== undefined && (await portIsFree(options.preferredHaPort))) {
    haPort = options.preferredHaPort;
  }
  const [mqttPort, controlPort, autoHaPort] = await distinctFreePorts(3, haPort ? [haPort] : []);
  haPort ??= autoHaPort!;

  const mosquitto = new Mosquitto(dir, mqttPort!, users);
  const hass = new HomeAssistant({
    baseDir: dir,
    port: haPort,
    owner,
    extraYaml: options.haExtraYaml,
    useTemplate: options.haTemplate,
    log,
  });
  const esphomeDir = join(dir, 'esphome');
  const emulator = new EmulatorProcess(dir, esphomeDir, controlPort!);
  const logs: Record<string, string> = {
    'home-assistant': hass.logFile,
    'home-assistant console': hass.consoleLogFile,
    mosquitto: mosquitto.logFile,
    'esphome emulator': emulator.logFile,
  };

  let conn: Connection | undefined;
  let stopped = false;
  let hearthStop: (() => Promise<void>) | undefined;

  const dumpLogs = (lines = 60, print = true): string => {
    const parts: string[] = [];
    for (const [name, file] of Object.entries(logs)) {
      const text = tailFile(file, lines);
      if (text.trim()) parts.push(`----- ${name}: ${file} (last ${lines} lines) -----\n${text}`);
    }
    const out = parts.join('\n');
    if (print && out) process.stderr.write(`${out}\n`);
    return out;
  };

  const stop = async (stopOptions: { keepDir?: boolean } = {}): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      await hearthStop?.();
    } catch (err) {
      log(`hearth hook stop failed: ${String(err)}`);
    }
    try {
      conn?.close();
    } catch {
      /* closed */
    }
    // HA first, so that it does not log the devices and the broker going away.
    await Promise.allSettled([hass.stop()]);
    await Promise.allSettled([emulator.stop(), mosquitto.stop()]);
    if (keep || stopOptions.keepDir) {
      forgetRemoveOnExit(dir);
      writeFileSync(join(dir, KEEP_FILE), ''); // not swept by a later stack
      log(`kept ${dir}${keep ? ' (HEARTH_KEEP_STACK)' : ''}`);
    } else {
      rmSync(dir, { recursive: true, force: true });
      forgetRemoveOnExit(dir);
    }
  };

  const info: StackInfo = {
    dir,
    hass: {
      url: hass.url,
      port: haPort,
      token: '',
      tokenFile: hass.tokenFile,
      configDir: hass.configDir,
      logFile: hass.logFile,
      owner,
      version: '',
    },
    mqtt: { url: mosquitto.url, host: LOOPBACK, port: mqttPort!, users },
    emulator: { controlUrl: emulator.controlUrl, devices: [] },
    devices: [],
    haEntities: {},
    esphomeEntries: {},
    mqttEntryId: '',
    todoEntityId: '',
    startupSeconds: 0,
    timings,
    flowSteps: hass.flowSteps,
    logs,
  };

  /** Waits until every entity of the esphome entries has a state other than unavailable. */
  const waitDeviceEntities = async (c: Connection, timeoutMs = 60_000): Promise<void> => {
    const entryIds = new Set(Object.values(info.esphomeEntries));
    if (entryIds.size === 0) return;
    const expected = new Map(info.devices.map((d) => [info.esphomeEntries[d.device], d.entities.length]));
    await hass.guard(
      poll(
        'every emulated device entity in HA',
        async () => {
          const registry = (await entityRegistry(c)).filter((e) => e.config_entry_id && entryIds.has(e.config_entry_id) && !e.disabled_by);
          for (const [entryId, count] of expected) {
            if (entryId && registry.filter((e) => e.config_entry_id === entryId).length < count) return false;
          }
          const states = new Map((await getStates(c)).map((s) => [s.entity_id, s.state]));
          const waiting = registry.filter((e) => !states.has(e.entity_id) || states.get(e.entity_id) === 'unavailable');
          if (waiting.length) throw new Error(`not yet available: ${waiting.map((e) => e.entity_id).join(', ')}`);
          return true;
        },
        { timeoutMs, intervalMs: 250 },
      ),
    );
  };

  const stack: Stack = Object.assign(info, {
    conn: undefined as unknown as Connection,
    // A plain copy of what describes the stack (no connection, no functions): what tests and
    // the sandbox hand on.
    info: (): StackInfo => {
      const fields: Array<keyof StackInfo> = [
        'dir',
        'hass',
        'mqtt',
        'emulator',
        'devices',
        'haEntities',
        'esphomeEntries',
        'mqttEntryId',
        'todoEntityId',
        'startupSeconds',
        'timings',
        'flowSteps',
        'logs',
      ];
      return JSON.parse(JSON.stringify(Object.fromEntries(fields.map((k) => [k, stack[k]])))) as StackInfo;
    },
    restartBroker: async () => {
      await mosquitto.restart();
    },
    restartHA: async () => {
      const t = performance.now();
      try {
        stack.conn.close();
      } catch {
        /* closed */
      }
      await hass.stop();
      await hass.start();
      conn = await connectHA(hass.url, hass.token);
      stack.conn = conn;
      await hass.waitRunning(conn);
      await waitDeviceEntities(conn);
      log(`Home Assistant restarted in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    },
    dumpLogs,
    parts: (): StackPart[] => [
      { name: 'home-assistant', process: hass.process, logFile: hass.consoleLogFile },
      { name: 'mosquitto', process: mosquitto.process, logFile: mosquitto.logFile },
      ...(options.devices === false ? [] : [{ name: 'esphome-emulator' as const, process: emulator.process, logFile: emulator.logFile }]),
    ],
    stop,
  });

  try {
    await mosquitto.configure();
    hass.writeConfig();
    const templateToken = hass.applyTemplate();
    if (templateToken) hass.token = templateToken;

    // Everything slow starts at once: HA, the broker, the generator + emulator.
    const hassStarted = hass.start().then(() => mark('hass_http'));
    const brokerStarted = mosquitto.start().then(() => mark('mosquitto'));
    const emulatorStarted =
      options.devices === false
        ? Promise.resolve()
        : generateDeviceConfigs(esphomeDir, options.deviceSource).then(async (generated) => {
            info.devices = generated.devices;
            mark('generated');
            info.emulator.devices = await emulator.start();
            mark('emulator');
          });
    // Don't leave a rejection unobserved while we wait on HA.
    brokerStarted.catch(() => {});
    emulatorStarted.catch(() => {});

    await hassStarted;
    info.hass.token = await hass.onboard();
    mark(hass.fromTemplate ? 'onboarding (template)' : 'onboarding');
    conn = await connectHA(hass.url, hass.token);
    stack.conn = conn;
    // A fresh onboarding creates a few default config entries in background tasks; remove
    // them once they exist (at most a few seconds; runs beside the flows below).
    const onboardingCleanup = hass.fromTemplate
      ? Promise.resolve()
      : poll(
          'the config entries onboarding adds',
          async () => {
            const domains = new Set((await hass.configEntries()).map((e) => e.domain));
            return domains.has('google_translate') && domains.has('shopping_list');
          },
          { timeoutMs: 5_000, intervalMs: 200 },
        )
          .catch(() => undefined)
          .then(() => hass.removeOnboardingDefaults())
          .then((removed) => {
            if (removed.length) log(`removed the config entries onboarding added: ${removed.join(', ')}`);
          });
    onboardingCleanup.catch(() => {});

    await brokerStarted;
    const mqttEntry = await hass.configFlow('mqtt', (step) =>
      step.type === 'menu'
        ? { next_step_id: menuOptions(step).includes('broker') ? 'broker' : menuOptions(step)[0] }
        : pick(step, {
            broker: LOOPBACK,
            port: mqttPort,
            username: users.homeassistant.username,
            password: users.homeassistant.password,
          }),
    );
    info.mqttEntryId = mqttEntry.entry_id;
    // local_todo is config-entry only: one list, "Hearth" (todo.hearth).
    const todoEntry = await hass.configFlow('local_todo', (step) => pick(step, { todo_list_name: 'Hearth' }));
    const todoLoaded = hass.waitEntryLoaded(todoEntry.entry_id).then(async () => {
      const entity = (await entityRegistry(conn!)).find((e) => e.config_entry_id === todoEntry.entry_id);
      if (!entity) throw new Error('local_todo created no entity');
      info.todoEntityId = entity.entity_id;
    });
    todoLoaded.catch(() => {});
    const mqttLoaded = hass.waitEntryLoaded(mqttEntry.entry_id).then(() => mark('mqtt'));
    mqttLoaded.catch(() => {});

    await emulatorStarted;
    for (const device of info.emulator.devices) {
      const entry = await hass.configFlow('esphome', (step) => {
        if (step.type === 'menu') {
          const opts = menuOptions(step);
          return { next_step_id: opts.find((o) => /overwrite|migrate|confirm/.test(o)) ?? opts[0] };
        }
        return pick(step, { host: LOOPBACK, port: device.port, password: '', noise_psk: '' });
      });
      info.esphomeEntries[device.name] = entry.entry_id;
    }
    await Promise.all(Object.values(info.esphomeEntries).map((id) => hass.waitEntryLoaded(id)));
    mark('esphome_entries');
    await waitDeviceEntities(conn);
    mark('device_entities');
    const entryToDevice = new Map(Object.entries(info.esphomeEntries).map(([device, entry]) => [entry, device]));
    for (const e of await entityRegistry(conn)) {
      const device = e.config_entry_id ? entryToDevice.get(e.config_entry_id) : undefined;
      if (!device || e.platform !== 'esphome') continue;
      (info.haEntities[device] ??= []).push({
        entityId: e.entity_id,
        uniqueId: e.unique_id,
        domain: e.entity_id.split('.')[0]!,
        name: e.original_name ?? null,
      });
    }
    await mqttLoaded;
    await todoLoaded;
    await onboardingCleanup;
    await hass.waitRunning(conn);
    mark('running');
    const config = await conn.sendMessagePromise<{ version: string }>({ type: 'get_config' });
    info.hass.version = config.version;

    info.startupSeconds = since();
    writeFileSync(join(dir, 'stack.json'), JSON.stringify(stack.info(), null, 2));
    log(
      `stack ready in ${info.startupSeconds.toFixed(1)} s (${Object.entries(timings)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    );

    if (options.connectHearth) {
      hearthStop = (await options.connectHearth(stack)) ?? undefined;
    }
    return stack;
  } catch (err) {
    log(`stack failed to start: ${err instanceof Error ? err.message : String(err)}`);
    dumpLogs(40, true);
    await stop();
    throw err;
  }
}
