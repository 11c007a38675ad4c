/**
 * The stack the hub benchmarks run against: tests/stack's `startStack()` (real HA 2026.10,
 * Mosquitto, emulated ESPHome devices) plus, in HA's config dir, what the benches need:
 *
 * - the `hearth_load` custom integration (bench/lib/ha/custom_components/, README there),
 *   which changes entity states inside HA (`hearth_load.start`), not over REST;
 * - the `hearth_rssi` custom integration beside it, which sets presence nodes' RSSI sensors
 *   inside HA once a second (`hearth_rssi.start`): a load that reaches hearth;
 * - `automation:` with one native automation, the anchor for the press → LED figure:
 *   a state change of ANCHOR_BUTTON's event entity → `light.turn_off` on ANCHOR_LED_DEVICE's LED.
 *
 * startStack() has no hook for files in HA's config dir before HA starts (only
 * `haExtraYaml`), and the automation needs the entity ids HA picks for the devices (area
 * first), known only once they are added. So: start the stack, copy the integration, write
 * automations.yaml, append to configuration.yaml, then `stack.restartHA()` (one restart).
 */
import { appendFileSync, cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startStack, type Stack, type StackInfo } from '../../tests/stack/stack.js';
import { REPO_ROOT } from '../../tests/stack/paths.js';
import { getStates } from '../../tests/stack/ha-client.js';

/** The bench's HA custom integrations: `hearth_load` and `hearth_rssi` (which uses hearth_load's runs.py). */
export const BENCH_INTEGRATIONS_DIR = join(REPO_ROOT, 'bench', 'lib', 'ha', 'custom_components');

/** The anchor automation: pressing this button turns off the other button's LED. */
export const ANCHOR_BUTTON = 'desk-stretch-button';
export const ANCHOR_LED_DEVICE = 'plants-button';
export const ANCHOR_AUTOMATION_ID = 'hearth_bench_anchor';

/** The entity id HA gave a device's entity with `role` (via the registry captured at startup). */
export function haEntityId(stack: Pick<StackInfo, 'devices' | 'haEntities'>, device: string, role: string): string {
  const derived = stack.devices.find((d) => d.device === device)?.entities.find((e) => e.role === role);
  if (!derived) throw new Error(`${device} has no ${role} entity`);
  const created = stack.haEntities[device]?.find((e) => e.domain === derived.domain && e.name === derived.name);
  return created?.entityId ?? derived.entityId;
}

/** The object id (ESPHome) of a device's entity with `role`, as the emulator names it. */
export function objectIdOf(stack: Pick<StackInfo, 'devices'>, device: string, role: string): string {
  const derived = stack.devices.find((d) => d.device === device)?.entities.find((e) => e.role === role);
  if (!derived) throw new Error(`${device} has no ${role} entity`);
  return derived.objectId ?? derived.entityId.split('.')[1]!;
}

export interface BenchStack {
  stack: Stack;
  /** The anchor automation's trigger and target. */
  anchor: { button: string; pressEntity: string; ledDevice: string; ledEntity: string; automationEntity: string };
  stop(): Promise<void>;
}

let shared: Promise<BenchStack> | undefined;

/** One stack per process: both hub benches share it (`npm run bench`); stopped by stopBenchStack(). */
export function benchStack(): Promise<BenchStack> {
  return (shared ??= startBenchStack());
}

export async function stopBenchStack(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (s) await (await s).stop();
}

async function startBenchStack(): Promise<BenchStack> {
  const log = (m: string) => console.error(`stack: ${m}`);
  const stack = await startStack({ log });
  try {
    const pressEntity = haEntityId(stack, ANCHOR_BUTTON, 'press');
    const ledEntity = haEntityId(stack, ANCHOR_LED_DEVICE, 'led');
    const configDir = stack.hass.configDir;
    cpSync(BENCH_INTEGRATIONS_DIR, join(configDir, 'custom_components'), { recursive: true });
    const automations = [
      {
        id: ANCHOR_AUTOMATION_ID,
        alias: 'hearth bench anchor',
        description: `Native HA reaction for bench/hub-latency.ts: ${ANCHOR_BUTTON} press → ${ANCHOR_LED_DEVICE} LED off`,
        mode: 'queued',
        max: 100,
        triggers: [{ trigger: 'state', entity_id: pressEntity, not_from: ['unavailable'], not_to: ['unavailable', 'unknown'] }],
        actions: [{ action: 'light.turn_off', target: { entity_id: ledEntity } }],
      },
    ];
    writeFileSync(join(configDir, 'automations.yaml'), stringify(automations));
    appendFileSync(
      join(configDir, 'configuration.yaml'),
      '\n# bench/lib/bench-stack.ts\nautomation: !include automations.yaml\nhearth_load:\nhearth_rssi:\n',
    );
    log('restarting Home Assistant with hearth_load and the anchor automation');
    await stack.restartHA();
    const states = await getStates(stack.conn);
    const automation = states.find((s) => s.entity_id.startsWith('automation.') && s.attributes.id === ANCHOR_AUTOMATION_ID);
    if (!automation) throw new Error(`the anchor automation did not load; see ${stack.hass.logFile}`);
    if (automation.state !== 'on') throw new Error(`the anchor automation is ${automation.state}`);
    const services = await stack.conn.sendMessagePromise<Record<string, Record<string, unknown>>>({ type: 'get_services' });
    if (!services.hearth_load?.start) throw new Error(`hearth_load did not load; see ${stack.hass.logFile}`);
    if (!services.hearth_rssi?.start) throw new Error(`hearth_rssi did not load; see ${stack.hass.logFile}`);
    return {
      stack,
      anchor: { button: ANCHOR_BUTTON, pressEntity, ledDevice: ANCHOR_LED_DEVICE, ledEntity, automationEntity: automation.entity_id },
      stop: () => stack.stop(),
    };
  } catch (err) {
    stack.dumpLogs(40, true);
    await stack.stop();
    throw err;
  }
}
