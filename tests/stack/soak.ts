/**
 * `npm run soak [-- --minutes N]`: runs `npm run sandbox` (as a child, the way a person does)
 * for N minutes (default 15) and says, every 30 s, whether every part is up:
 * - Home Assistant answers its API with the owner's token and is RUNNING-ready (`GET /api/`);
 * - Mosquitto accepts TCP connections on its port;
 * - the emulator's control API answers `/healthz`;
 * - hearth's `/healthz` is 200 (HA, MQTT and the store all connected);
 * - the sandbox process itself is alive and has reported no part exiting.
 * The ready block's example commands (`sandbox.json`) are run at the start and at the end and
 * must succeed as printed. At the end the sandbox gets SIGINT and must exit 0.
 * Prints a summary; exits 0 when every check passed, 1 otherwise. Not a test: a long run
 * (HA's 5-minute http revert would have stopped it) whose outcome is reported.
 */
import { spawn, execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './paths.js';
import { tcpAccepts } from './net.js';

const run = promisify(execFile);
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const minutes = Number(arg('--minutes') ?? process.env.HEARTH_SOAK_MINUTES ?? 15);
const intervalS = Number(arg('--every') ?? 30);
if (!(minutes > 0) || !(intervalS > 0)) {
  console.error('usage: npm run soak -- [--minutes N (15)] [--every SECONDS (30)]');
  process.exit(2);
}

const t0 = Date.now();
const stamp = () => {
  const s = Math.round((Date.now() - t0) / 1000);
  return `t+${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};
const say = (m: string) => console.log(`soak ${stamp()}: ${m}`);

interface SandboxJson {
  stack: { dir: string; hass: { url: string; token: string }; mqtt: { port: number }; emulator: { controlUrl: string } };
  hearth: { url: string };
  commands: { what: string; command: string }[];
}

const sandbox = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests/stack/sandbox.ts')], {
  cwd: REPO_ROOT,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let sandboxExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
const sandboxExited = new Promise<void>((r) =>
  sandbox.once('exit', (code, signal) => {
    sandboxExit = { code, signal };
    r();
  }),
);
const partExits: string[] = [];
let readyFile: string | undefined;
const output = (stream: NodeJS.ReadableStream, label: string) => {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const ready = /ready block also in (\S+)sandbox\.txt/.exec(line);
      if (ready) readyFile = join(ready[1]!, 'sandbox.json');
      if (/^sandbox: .*(exited with code|was killed by)/.test(line)) partExits.push(line);
      // The sandbox's own messages (not the ready block's body or the simulation's chatter).
      if (/^sandbox: /.test(line) && !/simulation:/.test(line)) console.log(`  ${label}| ${line}`);
    }
  });
};
output(sandbox.stdout!, 'out');
output(sandbox.stderr!, 'err');

async function waitReady(): Promise<SandboxJson> {
  const deadline = Date.now() + 600_000;
  while (!readyFile) {
    if (sandboxExit) throw new Error(`the sandbox exited before it was ready (${JSON.stringify(sandboxExit)})`);
    if (Date.now() > deadline) throw new Error('the sandbox was not ready within 10 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
  return JSON.parse(readFileSync(readyFile, 'utf8')) as SandboxJson;
}

async function status(url: string, headers: Record<string, string> = {}): Promise<string> {
  try {
    const r = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    return r.ok ? 'ok' : `HTTP ${r.status}`;
  } catch (err) {
    return `unreachable (${err instanceof Error ? err.message : String(err)})`;
  }
}

async function checkParts(info: SandboxJson): Promise<Record<string, string>> {
  const [ha, emulator, hearth, broker] = await Promise.all([
    status(`${info.stack.hass.url}/api/`, { authorization: `Bearer ${info.stack.hass.token}` }),
    status(`${info.stack.emulator.controlUrl}/healthz`),
    status(`${info.hearth.url}/healthz`),
    tcpAccepts(info.stack.mqtt.port).then((ok) => (ok ? 'ok' : 'refused')),
  ]);
  return {
    sandbox: sandboxExit ? `exited ${JSON.stringify(sandboxExit)}` : 'ok',
    'home-assistant': ha,
    mosquitto: broker,
    emulator,
    hearth,
  };
}

async function runCommands(info: SandboxJson, when: string): Promise<number> {
  let failed = 0;
  for (const c of info.commands) {
    try {
      await run('bash', ['-c', c.command], { cwd: REPO_ROOT, timeout: 60_000 });
    } catch (err) {
      failed++;
      const e = err as { code?: number; stderr?: string };
      say(`${when}: FAILED as printed: ${c.what}: ${c.command} (exit ${e.code}): ${(e.stderr ?? '').trim().slice(0, 400)}`);
    }
  }
  say(`${when}: ${info.commands.length - failed} of ${info.commands.length} ready-block commands work as printed`);
  return failed;
}

let checks = 0;
let failedChecks = 0;
let failedCommands = 0;
let outcome = 0;
try {
  const info = await waitReady();
  say(`sandbox ready (${info.stack.dir}); soaking for ${minutes} min, a check every ${intervalS} s`);
  failedCommands += await runCommands(info, 'start');
  const end = t0 + minutes * 60_000;
  while (Date.now() < end && !sandboxExit) {
    await Promise.race([new Promise((r) => setTimeout(r, Math.min(intervalS * 1000, Math.max(0, end - Date.now())))), sandboxExited]);
    const parts = await checkParts(info);
    checks++;
    const down = Object.entries(parts).filter(([, v]) => v !== 'ok');
    if (down.length) failedChecks++;
    say(down.length ? `DOWN: ${down.map(([k, v]) => `${k} ${v}`).join('; ')}` : `every part up (${Object.keys(parts).join(', ')})`);
  }
  if (!sandboxExit) failedCommands += await runCommands(info, 'end');
} catch (err) {
  say(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
  outcome = 1;
}
if (!sandboxExit) {
  sandbox.kill('SIGINT');
  const timer = setTimeout(() => sandbox.kill('SIGKILL'), 60_000);
  await sandboxExited;
  clearTimeout(timer);
}
const cleanExit = sandboxExit?.code === 0;
if (failedChecks || failedCommands || partExits.length || !cleanExit) outcome = 1;
say(
  `${outcome ? 'FAILED' : 'PASSED'}: ${minutes} min, ${checks - failedChecks}/${checks} checks with every part up, ` +
    `${failedCommands} ready-block command failures, ${partExits.length} part exits${partExits.length ? ` (${partExits.join(' | ')})` : ''}, ` +
    `sandbox exit ${JSON.stringify(sandboxExit)}`,
);
process.exit(outcome);
