/**
 * Runs the real `hearth run` CLI as a child process against a stack: the repo's hearth.yaml
 * and devices/, pointed at the stack's HA and broker, secrets in files (never on the command
 * line), the store and the HTTP API in the stack's throwaway directory. Used by the sandbox.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { StackInfo } from './stack.js';
import { freePort } from './net.js';
import { REPO_ROOT } from './paths.js';

export interface HearthProcess {
  url: string;
  httpTokenFile: string;
  logFile: string;
  /** The hearth.yaml it runs with (the repo's, pointed at the stack). */
  configFile: string;
  devicesDir: string;
  /** Its state folder (`state_dir`: the store). */
  stateDir: string;
  pid: number;
  /** Resolves when the process exits (code, signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface HearthProcessOptions {
  configFile?: string;
  devicesDir?: string;
  /** HTTP API port (default: a free one); a restart passes the old one. */
  port?: number;
}

export async function startHearthProcess(stack: StackInfo, options: HearthProcessOptions = {}): Promise<HearthProcess> {
  const dir = join(stack.dir, 'hearth');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = (name: string, value: string) => {
    const file = join(dir, name);
    writeFileSync(file, `${value}\n`, { mode: 0o600 });
    return file;
  };
  const httpToken = randomBytes(24).toString('base64url');
  const port = options.port ?? (await freePort());
  const config = parse(readFileSync(options.configFile ?? join(REPO_ROOT, 'hearth.yaml'), 'utf8')) as Record<string, unknown>;
  Object.assign(config, {
    homeassistant: { url: stack.hass.url, token_file: secret('ha-token', stack.hass.token) },
    mqtt: {
      url: stack.mqtt.url,
      username: stack.mqtt.users.hearth.username,
      password_file: secret('mqtt-password', stack.mqtt.users.hearth.password),
    },
    http: { host: '127.0.0.1', port, token_file: secret('http-token', httpToken) },
    state_dir: join(dir, 'state'),
  });
  const devicesDir = options.devicesDir ?? join(REPO_ROOT, 'devices');
  const configFile = join(dir, 'hearth.yaml');
  writeFileSync(configFile, stringify(config));

  const logFile = join(dir, 'hearth.log');
  const out = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'src/cli.ts'), 'run', '--config', configFile, '--devices', devicesDir],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', out, out],
      env: { ...process.env, HEARTH_HA_TOKEN: '', HEARTH_MQTT_PASSWORD: '', HEARTH_HTTP_TOKEN: '' },
    },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;

  // Healthy = HA and MQTT connected and the store open (GET /healthz answers 200).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const code = await Promise.race([exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 250))]);
    if (code !== 'alive')
      throw new Error(
        `hearth exited (code ${code.code}, signal ${code.signal}) before it was healthy; see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-3000)}`,
      );
    const healthy = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) throw new Error(`hearth was not healthy within 60 s; see ${logFile}`);
  }
  return {
    url,
    httpTokenFile: join(dir, 'http-token'),
    logFile,
    configFile,
    devicesDir,
    stateDir: join(dir, 'state'),
    pid: child.pid!,
    exited,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
