/**
 * vitest globalSetup of the integration project: ONE stack (Mosquitto, Home Assistant, the
 * emulated household devices) per run, handed to tests via `inject('hearthStack')`
 * (tests/helpers/stack.ts) and the environment (HASS_URL, HASS_TOKEN, MQTT_URL,
 * MQTT_USERNAME/MQTT_PASSWORD (test user), EMULATOR_URL, HEARTH_STACK_JSON).
 * Tests that restart HA or the broker start their own stack. Teardown stops only what the
 * stack started, always; set HEARTH_KEEP_STACK=1 to keep its directory.
 */
import type { TestProject } from 'vitest/node';
import { join } from 'node:path';
import { startStack, type Stack } from '../stack/stack.js';
import '../helpers/stack.js';

let stack: Stack | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  stack = await startStack();
  const info = stack.info();
  project.provide('hearthStack', info);
  Object.assign(process.env, {
    HASS_URL: info.hass.url,
    HASS_TOKEN: info.hass.token,
    MQTT_URL: info.mqtt.url,
    MQTT_USERNAME: info.mqtt.users.test.username,
    MQTT_PASSWORD: info.mqtt.users.test.password,
    EMULATOR_URL: info.emulator.controlUrl,
    HEARTH_STACK_JSON: join(info.dir, 'stack.json'),
  });
  return async () => {
    if (process.env.HEARTH_STACK_LOGS === '1') stack?.dumpLogs(80, true);
    await stack?.stop();
    stack = undefined;
  };
}
