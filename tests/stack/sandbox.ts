/**
 * `npm run sandbox`: the test stack in the foreground for a person to poke at. Home Assistant
 * on http://127.0.0.1:8123 (or a free port if 8123 is taken), the household's devices emulated
 * and added to HA, Mosquitto with hearth's/HA's/a test user. Ctrl-C stops everything.
 * hearth itself runs as `hearth run` (the real CLI, a child process) against the stack.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type Stack } from './stack.js';
import { startHearthProcess, type HearthProcess } from './hearth-process.js';
import { startHouseholdSimulation } from './household-sim.js';

// `npm run sandbox -- --still`: no simulated walking (RSSI only when you set it).
const simulateWalks = !process.argv.includes('--still');

let hearth: HearthProcess | undefined;
async function connectHearth(stack: Stack): Promise<() => Promise<void>> {
  hearth = await startHearthProcess(stack.info());
  return () => hearth!.stop();
}

const stack = await startStack({ preferredHaPort: 8123, connectHearth, log: (m) => console.log(`sandbox: ${m}`) });

const { hass, mqtt, emulator } = stack;
const credentials = join(stack.dir, 'sandbox.txt');
const lines = [
  '',
  `Home Assistant  ${hass.url}   (version ${hass.version})`,
  `  login         ${hass.owner.username} / ${hass.owner.password}`,
  `  token file    ${hass.tokenFile}`,
  `MQTT broker     ${mqtt.url}`,
  ...Object.values(mqtt.users).map((u) => `  user          ${u.username} / ${u.password}`),
  `hearth          ${hearth!.url}   (pid ${hearth!.pid}; GET /healthz, /api/routines with the bearer token)`,
  `  token file    ${hearth!.httpTokenFile}`,
  `  log           ${hearth!.logFile}`,
  `  try           curl -X POST -H "Authorization: Bearer $(cat ${hearth!.httpTokenFile})" ${hearth!.url}/api/routines/morning-meds/due`,
  `Emulator API    ${emulator.controlUrl}   (GET /devices, POST /devices/<name>/press {"type":"single"})`,
  'Devices emulated:',
  ...stack.devices.map((d) => {
    const port = emulator.devices.find((e) => e.name === d.device)?.port;
    const ids = (stack.haEntities[d.device] ?? []).map((e) => e.entityId);
    return `  ${d.device.padEnd(24)} ${d.kind.padEnd(16)} 127.0.0.1:${port}  ${ids.join(', ')}`;
  }),
  `Logs            ${Object.values(stack.logs).join('\n                ')}`,
  '',
  simulateWalks
    ? 'Simulation     a person walks through the house (RSSI into the presence nodes); watch sensor.sam_room. --still turns it off.'
    : 'Simulation     off (--still)',
  'Ctrl-C stops the sandbox.',
  '',
];
writeFileSync(credentials, lines.join('\n'));
console.log(lines.join('\n'));
const simulation = simulateWalks ? startHouseholdSimulation(stack.info(), { log: (m) => console.log(`sandbox: simulation: ${m}`) }) : undefined;

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  simulation?.stop();
  console.log(`\nsandbox: ${signal}, stopping…`);
  await stack.stop();
  console.log('sandbox: stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// Keep the event loop alive until a signal arrives.
setInterval(() => {}, 1 << 30);
