/**
 * Runs hearth's hub against a test stack, in-process (`startHub`) or as a child process
 * (`spawnHearth`, for kill -9 and signals): a hearth.yaml made from the repo's (same routines,
 * people, trackers; the same devices/; `configure` changes it), pointed at the stack's HA and
 * broker, secrets in files, the store and HTTP API (port 0) in a throwaway directory on
 * 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { createRecorder } from '../helpers/recorder.js';
import { connect, type StackInfo } from '../helpers/index.js';
import { createHub, type Hub } from '../../src/hub/service.js';
import { createLogger, type Logger } from '../../src/log.js';

export interface RunningHub {
  hub: Hub;
  dir: string;
  /** http://127.0.0.1:<port> */
  base: string;
  token: string;
  fatal: Error[];
  logger: Logger;
  files: HubFiles;
  api<T = unknown>(method: string, path: string): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export interface HubConfigOptions {
  haToken?: string;
  /** Keep the state dir of an earlier run (restart tests). */
  dir?: string;
  /** HA heartbeat (seconds, hearth.yaml `homeassistant.heartbeat_interval/heartbeat_timeout`); default 5 and 3. */
  heartbeatInterval?: number;
  heartbeatTimeout?: number;
  /** Changes to the test hearth.yaml (made from the repo's), e.g. a short `escalate_after`. */
  configure?: (config: HearthYaml) => void;
}

export interface HubHarnessOptions extends HubConfigOptions {
  /** Waits for HA RUNNING and MQTT connected (default true). */
  waitConnected?: boolean;
}

/** hearth.yaml as plain data (before validation). */
export type HearthYaml = Record<string, unknown> & { routines?: Array<Record<string, unknown>>; people?: Array<Record<string, unknown>> };

export interface HubFiles {
  dir: string;
  configFile: string;
  /** The HTTP API's bearer token. */
  token: string;
  /** The config as written; `rewrite` changes and writes it again (reload tests). */
  config: HearthYaml;
  rewrite(change: (config: HearthYaml) => void): void;
  /** Removes the directory (store, secrets, config). */
  remove(): void;
}

export const HTTP_TEST_TOKEN = 'hub-test-http-token';

/**
 * A throwaway dir with the secrets in files and a hearth.yaml made from the repo's, pointed at
 * the stack (HA, broker, HTTP on 127.0.0.1 port 0, the store under `<dir>/state`).
 */
export function writeHubFiles(stack: StackInfo, options: HubConfigOptions = {}): HubFiles {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hearth-hub-'));
  writeFileSync(join(dir, 'ha-token'), `${options.haToken ?? stack.hass.token}\n`);
  writeFileSync(join(dir, 'mqtt-password'), `${stack.mqtt.users.hearth.password}\n`);
  writeFileSync(join(dir, 'http-token'), `${HTTP_TEST_TOKEN}\n`);
  const config = parse(readFileSync('hearth.yaml', 'utf8')) as HearthYaml;
  Object.assign(config, {
    homeassistant: {
      url: stack.hass.url,
      token_file: join(dir, 'ha-token'),
      heartbeat_interval: options.heartbeatInterval ?? 5,
      heartbeat_timeout: options.heartbeatTimeout ?? 3,
    },
    mqtt: { url: stack.mqtt.url, username: stack.mqtt.users.hearth.username, password_file: join(dir, 'mqtt-password') },
    http: { host: '127.0.0.1', port: 0, token_file: join(dir, 'http-token') },
    state_dir: join(dir, 'state'),
  });
  // Tests run at any hour: the household's quiet hours (22:00-07:00) would hold every LED and
  // notification at night. Quiet hours have their own unit tests (tests/unit/hub/reminders/core).
  delete (config as { quiet_hours?: unknown }).quiet_hours;
  for (const routine of (config as { routines?: Array<{ quiet_hours?: unknown }> }).routines ?? []) delete routine.quiet_hours;
  options.configure?.(config);
  const configFile = join(dir, 'hearth.yaml');
  writeFileSync(configFile, stringify(config));
  return {
    dir,
    configFile,
    token: HTTP_TEST_TOKEN,
    config,
    rewrite(change) {
      change(config);
      writeFileSync(configFile, stringify(config));
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A routine of the test hearth.yaml, to change in `configure`. */
export function routineOf(config: HearthYaml, id: string): Record<string, unknown> {
  const routine = config.routines?.find((r) => r.id === id);
  if (!routine) throw new Error(`hearth.yaml has no routine ${id}`);
  return routine;
}

async function apiCall<T>(base: string, token: string, method: string, path: string): Promise<{ status: number; body: T }> {
  const r = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as T };
}

export async function startHub(stack: StackInfo, options: HubHarnessOptions = {}): Promise<RunningHub> {
  const files = writeHubFiles(stack, options);
  const { dir, configFile, token } = files;

  const fatal: Error[] = [];
  const logger = createLogger({ level: process.env.HEARTH_TEST_LOG ?? 'warn', name: 'hearth-test' });
  const hub = createHub({
    configFile,
    devicesDir: 'devices',
    logger,
    env: {},
    onFatal: (e) => fatal.push(e),
    overrides: { httpPort: 0 },
  });
  await hub.start();
  const address = hub.http!.address()!;
  const base = `http://127.0.0.1:${address.port}`;
  const running: RunningHub = {
    hub,
    dir,
    base,
    token,
    fatal,
    logger,
    files,
    api: <T>(method: string, path: string) => apiCall<T>(base, token, method, path),
    async stop() {
      await hub.stop();
      // A dir handed in belongs to the caller (restart tests start again on it).
      if (!options.dir) files.remove();
    },
  };
  if (options.waitConnected !== false)
    await waitFor(() => hub.health().ha === 'connected' && hub.health().mqtt === 'connected', 30_000, 'hub connected');
  return running;
}

/** One JSON log line of a hearth process (pino). */
export interface LogLine {
  level: number;
  msg?: string;
  [field: string]: unknown;
}

export interface HearthProcess {
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:<port> (known once the API listens). */
  base: string;
  token: string;
  /** Every JSON log line so far; `stderr` has the raw text. */
  readonly logs: LogLine[];
  readonly stderr: string;
  api<T = unknown>(method: string, path: string): Promise<{ status: number; body: T }>;
  /** The first log line (so far or to come) matching. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  /** SIGTERM and wait (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * `hearth run` as a child process, the way systemd runs it: `node --import tsx src/cli.ts run`
 * (the same as `npx tsx src/cli.ts run` without npx/tsx's wrapper processes in between, so
 * the pid is hearth itself and a kill -9 hits hearth, not a wrapper). Environment: PATH and
 * HOME only (secrets come from the files in hearth.yaml), log level info. `args` are added to
 * `hearth run`'s (e.g. `--only lifecoach`).
 */
export async function spawnHearth(
  files: HubFiles,
  options: { waitConnected?: boolean; args?: readonly string[] } = {},
): Promise<HearthProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO_ROOT, 'src/cli.ts'),
      'run',
      '-c',
      files.configFile,
      '-d',
      join(REPO_ROOT, 'devices'),
      ...(options.args ?? []),
    ],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, HEARTH_LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  if (child.pid === undefined) throw new Error('could not start hearth');
  const logs = createRecorder<LogLine>();
  let stderr = '';
  let buffer = '';
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      r(exitInfo);
      const tail = stderr.split('\n').slice(-30).join('\n');
      logs.failAll(
        () => new Error(`hearth exited (${JSON.stringify(exitInfo)}) before logging what a test waits for; stderr tail:\n${tail}`),
      );
    }),
  );
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (process.env.HEARTH_TEST_LOG === 'child') process.stderr.write(`[hearth ${child.pid}] ${text}\n`);
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        continue;
      }
      logs.push(line);
    }
  });
  const proc: HearthProcess = {
    child,
    pid: child.pid,
    base: '',
    token: files.token,
    logs: logs.items,
    get stderr() {
      return stderr;
    },
    api: <T>(method: string, path: string) => apiCall<T>(proc.base, files.token, method, path),
    waitForLog(predicate, timeoutMs = 30_000, what = 'a log line') {
      if (exitInfo !== undefined && !logs.items.some(predicate)) {
        return Promise.reject(new Error(`hearth exited (${JSON.stringify(exitInfo)}) before logging ${what}`));
      }
      return logs.waitFor(
        predicate,
        timeoutMs,
        () =>
          `hearth (pid ${child.pid}) logged no ${what} within ${timeoutMs} ms; stderr tail:\n${stderr.split('\n').slice(-30).join('\n')}`,
      );
    },
    exited,
    get running() {
      return exitInfo === undefined;
    },
    async stop() {
      if (exitInfo) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const listening = await proc.waitForLog((l) => l.msg === 'HTTP API listening', 60_000, 'HTTP API listening');
  proc.base = `http://127.0.0.1:${String(listening.port)}`;
  if (options.waitConnected !== false) {
    await waitFor(async () => (await fetch(`${proc.base}/healthz`)).status === 200, 30_000, `hearth ${child.pid} healthy`);
  }
  return proc;
}

/**
 * `hearth run` as a child process (as spawnHearth) that is expected to exit on its own: its
 * exit code, signal and stderr. SIGKILLed after `timeoutMs` (then `code` is null).
 */
export async function runHearthUntilExit(
  files: HubFiles,
  timeoutMs = 30_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'src/cli.ts'), 'run', '-c', files.configFile, '-d', join(REPO_ROOT, 'devices')],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => void (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = (await new Promise((r) => child.once('exit', (c, s) => r([c, s])))) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, stderr, ms: Date.now() - started };
}

/**
 * The pid of the stack's Home Assistant (the python process running `hass -c <configDir>`),
 * found in /proc: the stack spawns it (no fork in between) but does not expose its pid.
 */
export function haPid(stack: Pick<StackInfo, 'hass'>): number {
  const wanted = stack.hass.configDir;
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const c = argv.indexOf('-c');
    if (c >= 0 && argv[c + 1] === wanted && argv.some((a) => a.endsWith('/hass'))) found.push(Number(name));
  }
  if (found.length !== 1) throw new Error(`expected one Home Assistant process for ${wanted}, found ${found.length}`);
  return found[0]!;
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < end) {
    try {
      if (await check()) return;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** What the companion app gets over HA's local push channel: a notify call's message, title and data. */
export interface PhoneNotification {
  message: string;
  title?: string;
  data?: { tag?: string; group?: string; actions?: Array<{ action: string; title: string }>; [k: string]: unknown };
  at: number;
}

export interface FakePhone {
  webhookId: string;
  /** `notify.<service>` HA created for the registration. */
  notifyService: string;
  readonly notifications: PhoneNotification[];
  /** The first notification (received or to come) matching. */
  waitForNotification(predicate: (n: PhoneNotification) => boolean, timeoutMs?: number): Promise<PhoneNotification>;
  /** The app's "notification action" tap: `fire_event` through the registration's webhook. */
  tapAction(action: string, extra?: Record<string, unknown>): Promise<void>;
  /** The app goes to the background: the push channel closes, the registration stays. */
  disconnect(): Promise<void>;
  /** Closes the push channel and removes the registration from HA. */
  remove(): Promise<void>;
}

/**
 * A phone as the HA companion app registers one, through HA's real mobile_app API: a
 * registration (`POST /api/mobile_app/registrations`, local push only, so HA creates
 * `notify.mobile_app_<device name>`), then the local push websocket channel the app holds
 * while connected (`mobile_app/push_notification_channel`, with delivery confirmation as the
 * app does), and actions sent back through the webhook as the app sends them.
 */
export async function registerFakePhone(stack: Pick<StackInfo, 'hass'>, deviceName: string): Promise<FakePhone> {
  const rest = async <T>(method: string, path: string, body?: unknown, auth = true): Promise<T> => {
    const r = await fetch(`${stack.hass.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${stack.hass.token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`HA ${method} ${path}: HTTP ${r.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const deviceId = `hearth-test-${deviceName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${process.pid}`;
  const registration = await rest<{ webhook_id: string }>('POST', '/api/mobile_app/registrations', {
    device_id: deviceId,
    app_id: 'io.robbie.HomeAssistant',
    app_name: 'Home Assistant',
    app_version: '2026.10 (hearth test)',
    device_name: deviceName,
    manufacturer: 'Apple',
    model: 'iPhone17,1',
    os_name: 'iOS',
    os_version: '26.1',
    supports_encryption: false,
    // Local push only (no push_url/push_token): notifications go over the websocket channel.
    app_data: { push_websocket_channel: true },
  });
  const webhookId = registration.webhook_id;
  const notifyService = `mobile_app_${deviceName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')}`;

  const conn = await connect(stack);
  const notifications = createRecorder<PhoneNotification>();
  let unsub: (() => Promise<void>) | undefined;
  try {
    await waitFor(
      async () => {
        const services = await conn.sendMessagePromise<Record<string, Record<string, unknown>>>({ type: 'get_services' });
        return notifyService in (services.notify ?? {});
      },
      15_000,
      `notify.${notifyService} in HA`,
    );
    unsub = await conn.subscribeMessage<Record<string, unknown>>(
      (event) => {
        const { hass_confirm_id: confirmId, ...payload } = event;
        if (typeof confirmId === 'string') {
          void conn
            .sendMessagePromise({ type: 'mobile_app/push_notification_confirm', webhook_id: webhookId, confirm_id: confirmId })
            .catch(() => {});
        }
        const n = { ...(payload as Omit<PhoneNotification, 'at'>), at: Date.now() };
        notifications.push(n);
      },
      { type: 'mobile_app/push_notification_channel', webhook_id: webhookId, support_confirm: true },
      { resubscribe: false },
    );
  } catch (e) {
    conn.close();
    throw e;
  }

  return {
    webhookId,
    notifyService,
    notifications: notifications.items,
    waitForNotification(predicate, timeoutMs = 10_000) {
      return notifications.waitFor(
        predicate,
        timeoutMs,
        () => `the phone got no matching notification within ${timeoutMs} ms; got: ${JSON.stringify(notifications.items)}`,
      );
    },
    async tapAction(action, extra = {}) {
      // The webhook needs no token: its id is the secret (as for the app).
      await rest(
        'POST',
        `/api/webhook/${webhookId}`,
        { type: 'fire_event', data: { event_type: 'mobile_app_notification_action', event_data: { action, ...extra } } },
        false,
      );
    },
    async disconnect() {
      await unsub?.().catch(() => {});
      unsub = undefined;
    },
    async remove() {
      await unsub?.().catch(() => {});
      conn.close();
      const entries = await rest<Array<{ entry_id: string; domain: string; title: string }>>(
        'GET',
        '/api/config/config_entries/entry?domain=mobile_app',
      );
      for (const entry of entries.filter((e) => e.title === deviceName)) {
        await rest('DELETE', `/api/config/config_entries/entry/${entry.entry_id}`);
      }
    },
  };
}
