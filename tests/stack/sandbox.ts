/**
 * `npm run sandbox`: the test stack in the foreground for a person to poke at. Home Assistant
 * on http://127.0.0.1:8123 (or a free port if 8123 is taken), the household's devices emulated
 * and added to HA, Mosquitto with hearth's/HA's/a test user, and hearth itself as `hearth run`
 * (the real CLI, a child process) against them. Everything binds to 127.0.0.1 only.
 *
 * The ready block names everything a newcomer needs (hearth's HA entities, its config file and
 * state folder, the emulator's endpoints) with commands that work as printed; they are also
 * written to `<stack dir>/sandbox.json` (the soak script runs them).
 *
 * The sandbox watches its parts: when HA, Mosquitto, the emulator or hearth exits, it says so
 * at once (which part, exit code, the log's last lines). HA asking to be restarted (exit code
 * 100, e.g. from its UI) is restarted; any other exit stops everything and the sandbox exits 1.
 * hearth's /healthz is polled: every change (e.g. 503 while HA reconnects) is printed.
 * Ctrl-C stops everything (exit 0).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type Stack } from './stack.js';
import { startHearthProcess, type HearthProcess } from './hearth-process.js';
import { startHouseholdSimulation } from './household-sim.js';
import { entityRegistry } from './ha-client.js';
import { poll } from './net.js';
import { REPO_ROOT } from './paths.js';
import { pushSandboxDashboard } from '../helpers/sandbox-dashboard.js';
import { startSandboxCoach, type SandboxCoach } from '../stand-ins/coach-sandbox.js';
import { describeExit, HA_RESTART_EXIT_CODE, watchParts, type WatchedPart } from './watch.js';

// `npm run sandbox -- --still`: no simulated walking (RSSI only when you set it).
const simulateWalks = !process.argv.includes('--still');
const say = (m: string) => console.log(`sandbox: ${m}`);

let hearth: HearthProcess | undefined;
// The life coach joins the sandbox's hearth: two ffmpeg lavfi webcams and the Ollama stand-in
// (tests/stand-ins/: no Ollama binary is in reach here).
let coach: SandboxCoach | undefined;
async function connectHearth(stack: Stack): Promise<() => Promise<void>> {
  coach = await startSandboxCoach(join(stack.dir, 'coach'));
  hearth = await startHearthProcess(stack.info(), { configFile: coach.configFile });
  return async () => {
    await hearth!.stop();
    await coach!.stop();
  };
}

const stack = await startStack({ preferredHaPort: 8123, connectHearth, log: say });

/** One example command of the ready block: shown, and run by the soak script (tests/stack/soak.ts). */
interface SandboxCommand {
  what: string;
  /** A shell command line (bash), run from the repository root. */
  command: string;
}

/** The entities hearth published into HA (MQTT discovery: every mqtt entity here is hearth's). */
async function hearthEntities(): Promise<string[]> {
  const list = async () =>
    (await entityRegistry(stack.conn))
      .filter((e) => e.platform === 'mqtt')
      .map((e) => e.entity_id)
      .sort();
  let last: string[] = [];
  // Discovery configs arrive one by one: wait until the list stops growing.
  await poll(
    "hearth's entities in HA",
    async () => {
      const now = await list();
      const settled = now.length > 0 && now.length === last.length;
      last = now;
      return settled;
    },
    { timeoutMs: 30_000, intervalMs: 1_000 },
  ).catch(() => undefined);
  return last;
}

const { hass, mqtt, emulator } = stack;
const h = hearth!;
const buttons = stack.devices.filter((d) => d.kind === 'reminder-button');
const button = buttons.find((d) => d.routine === 'morning-meds') ?? buttons[0];
const node = stack.devices.find((d) => d.kind === 'presence-node');
const rssiSensor = node?.entities.find((e) => e.role === 'rssi');
const routineId = button?.routine ?? 'morning-meds';
const bearer = `-H "Authorization: Bearer $(cat ${h.httpTokenFile})"`;
const json = `-H 'content-type: application/json'`;
const commands: SandboxCommand[] = [
  { what: 'hearth: routines', command: `curl -sf ${bearer} ${h.url}/api/routines` },
  { what: 'hearth: make a routine due (the CLI)', command: `npm run --silent hearth -- routine due ${routineId} --config ${h.configFile}` },
  { what: 'emulator: the devices', command: `curl -sf ${emulator.controlUrl}/devices` },
  ...(button
    ? [
        {
          what: 'emulator: press a button',
          command: `curl -sf -X POST ${json} -d '{"type":"single"}' ${emulator.controlUrl}/devices/${button.device}/press`,
        },
        { what: 'emulator: light state', command: `curl -sf ${emulator.controlUrl}/devices/${button.device}/lights` },
      ]
    : []),
  ...(node && rssiSensor
    ? [
        {
          what: 'emulator: an RSSI reading',
          command: `curl -sf -X POST ${json} -d '{"object_id":"${rssiSensor.objectId}","value":-60}' ${emulator.controlUrl}/devices/${node.device}/rssi`,
        },
      ]
    : []),
];
const entities = await hearthEntities();
const dashboard = await pushSandboxDashboard({
  conn: stack.conn,
  haUrl: hass.url,
  haConfigDir: hass.configDir,
  configFile: h.configFile,
  devicesDir: h.devicesDir,
  stateDir: h.stateDir,
}).catch((e: Error) => {
  say(`dashboard: not pushed: ${e.message}`);
  return undefined;
});
for (const w of dashboard?.warnings ?? []) say(`dashboard: ${w}`);
const lines = [
  '',
  `Home Assistant  ${hass.url}   (version ${hass.version}; listens on 127.0.0.1 only)`,
  `  login         ${hass.owner.username} / ${hass.owner.password}`,
  `  token file    ${hass.tokenFile}`,
  `  config dir    ${hass.configDir}`,
  ...(dashboard ? [`  dashboard     ${dashboard.url}   (hearth's own, generated from the household and pushed by the sandbox)`] : []),
  `  hearth's entities (MQTT discovery, ${entities.length}):`,
  ...entities.map((e) => `                ${e}`),
  `MQTT broker     ${mqtt.url}`,
  ...Object.values(mqtt.users).map((u) => `  user          ${u.username} / ${u.password}`),
  `hearth          ${h.url}   (pid ${h.pid}; GET /healthz without a token, the rest with the bearer token)`,
  `  config file   ${h.configFile}   (the repo's hearth.yaml pointed at this stack)`,
  `  devices       ${h.devicesDir}`,
  `  state folder  ${h.stateDir}`,
  `  token file    ${h.httpTokenFile}`,
  `  log           ${h.logFile}`,
  ...coach!.lines(h.url, h.httpTokenFile),
  `Emulator API    ${emulator.controlUrl}   (tests/stack/emulator/README.md)`,
  'Devices emulated:',
  ...stack.devices.map((d) => {
    const port = emulator.devices.find((e) => e.name === d.device)?.port;
    const ids = (stack.haEntities[d.device] ?? []).map((e) => e.entityId);
    return `  ${d.device.padEnd(24)} ${d.kind.padEnd(16)} 127.0.0.1:${port}  ${ids.join(', ')}`;
  }),
  `To-do list      ${stack.todoEntityId} (HA local_todo)`,
  `Logs            ${[...Object.values(stack.logs), h.logFile].join('\n                ')}`,
  '',
  `Try (from ${REPO_ROOT}):`,
  ...commands.flatMap((c) => [`  # ${c.what}`, `  ${c.command}`]),
  '',
  simulateWalks
    ? `Simulation      a person walks through the house (RSSI into the presence nodes); watch sensor.sam_room. --still turns it off.`
    : 'Simulation      off (--still)',
  'Ctrl-C stops the sandbox.',
  '',
];
writeFileSync(join(stack.dir, 'sandbox.txt'), lines.join('\n'));
writeFileSync(
  join(stack.dir, 'sandbox.json'),
  JSON.stringify(
    {
      stack: stack.info(),
      hearth: {
        url: h.url,
        pid: h.pid,
        configFile: h.configFile,
        stateDir: h.stateDir,
        httpTokenFile: h.httpTokenFile,
        logFile: h.logFile,
      },
      commands,
    },
    null,
    2,
  ),
);
console.log(lines.join('\n'));
say(`ready block also in ${join(stack.dir, 'sandbox.txt')}`);
const simulation = simulateWalks ? startHouseholdSimulation(stack.info(), { log: (m) => say(`simulation: ${m}`) }) : undefined;

let stopping = false;
const shutdown = async (why: string, code: number) => {
  if (stopping) return;
  stopping = true;
  watcher.stop();
  clearInterval(health);
  simulation?.stop();
  say(`${why}, stopping everything…`);
  // After a failure the logs stay for reading.
  await stack.stop({ keepDir: code !== 0 });
  say(`stopped (exit ${code})`);
  process.exit(code);
};

const parts = (): WatchedPart[] => [
  ...stack.parts().flatMap((p) => (p.process ? [{ name: p.name, pid: p.process.pid, exited: p.process.exited, logFile: p.logFile }] : [])),
  ...(hearth ? [{ name: 'hearth', pid: hearth.pid, exited: hearth.exited, logFile: hearth.logFile }] : []),
];
let restartingHa = false;
const watcher = watchParts(parts, (exit) => {
  if (stopping) return;
  console.error(`sandbox: ${describeExit(exit)}`);
  if (exit.part === 'home-assistant' && exit.code === HA_RESTART_EXIT_CODE && !restartingHa) {
    restartingHa = true;
    say('Home Assistant asked to be restarted (exit code 100): starting it again');
    stack.restartHA().then(
      () => {
        restartingHa = false;
        say('Home Assistant is back');
      },
      (err: unknown) => void shutdown(`Home Assistant did not come back: ${err instanceof Error ? err.message : String(err)}`, 1),
    );
    return;
  }
  void shutdown(`${exit.part} is gone`, 1);
});

// hearth's health as it changes (e.g. 503 while HA restarts), never silently.
let lastHealth = '200';
const health = setInterval(() => {
  void fetch(`${h.url}/healthz`, { signal: AbortSignal.timeout(4_000) }).then(
    async (r) => {
      const now = r.ok ? '200' : `${r.status} ${await r.text()}`;
      if (now !== lastHealth && !stopping) say(`hearth /healthz: ${now}`);
      lastHealth = now;
    },
    (err: unknown) => {
      const now = `unreachable (${err instanceof Error ? err.message : String(err)})`;
      if (now !== lastHealth && !stopping) say(`hearth /healthz: ${now}`);
      lastHealth = now;
    },
  );
}, 5_000);

process.on('SIGINT', () => void shutdown('SIGINT', 0));
process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
