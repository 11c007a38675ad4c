/**
 * Runs hearth's hub in-process against a test stack: a hearth.yaml made from the repo's
 * (same routines, people, trackers; the same devices/), pointed at the stack's HA and broker,
 * secrets in files, the store and HTTP API (port 0) in a throwaway directory on 127.0.0.1.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { StackInfo } from '../helpers/index.js';
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
  api<T = unknown>(method: string, path: string): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export interface HubHarnessOptions {
  haToken?: string;
  /** Keep the state dir of an earlier run (restart tests). */
  dir?: string;
  heartbeatMs?: number;
  pongTimeoutMs?: number;
  /** Waits for HA RUNNING and MQTT connected (default true). */
  waitConnected?: boolean;
}

export async function startHub(stack: StackInfo, options: HubHarnessOptions = {}): Promise<RunningHub> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hearth-hub-'));
  const token = 'hub-test-http-token';
  writeFileSync(join(dir, 'ha-token'), `${options.haToken ?? stack.hass.token}\n`);
  writeFileSync(join(dir, 'mqtt-password'), `${stack.mqtt.users.hearth.password}\n`);
  writeFileSync(join(dir, 'http-token'), `${token}\n`);
  const config = parse(readFileSync('hearth.yaml', 'utf8')) as Record<string, unknown>;
  Object.assign(config, {
    homeassistant: { url: stack.hass.url, token_file: join(dir, 'ha-token') },
    mqtt: { url: stack.mqtt.url, username: stack.mqtt.users.hearth.username, password_file: join(dir, 'mqtt-password') },
    http: { host: '127.0.0.1', port: 0, token_file: join(dir, 'http-token') },
    state_dir: join(dir, 'state'),
  });
  const configFile = join(dir, 'hearth.yaml');
  writeFileSync(configFile, stringify(config));

  const fatal: Error[] = [];
  const logger = createLogger({ level: process.env.HEARTH_TEST_LOG ?? 'warn', name: 'hearth-test' });
  const hub = createHub({
    configFile,
    devicesDir: 'devices',
    logger,
    env: {},
    onFatal: (e) => fatal.push(e),
    overrides: { httpPort: 0, heartbeatMs: options.heartbeatMs ?? 5000, pongTimeoutMs: options.pongTimeoutMs ?? 3000 },
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
    async api<T>(method: string, path: string) {
      const r = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      return { status: r.status, body: (await r.json()) as T };
    },
    stop: () => hub.stop(),
  };
  if (options.waitConnected !== false) await waitFor(() => hub.health().ha === 'connected' && hub.health().mqtt === 'connected', 30_000, 'hub connected');
  return running;
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
