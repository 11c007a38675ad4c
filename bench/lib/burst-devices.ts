/**
 * The burst household's buttons in a running bench stack, added the way the stack adds the
 * repo's devices (tests/stack/stack.ts): hearth's generator writes their ESPHome configs, one
 * more emulator process (tests/stack/emulator, the firmware's test double) serves every button
 * over the ESPHome native API on a 127.0.0.1 port of its own, and HA's esphome config flow adds
 * each as a config entry of its own. One process for all the buttons: the cheapest real way
 * (50 processes would cost the machine more than the hub under test).
 *
 * Also one native HA automation per button (press → that button's LED off), the burst's anchor,
 * added to automations.yaml with `automation.reload` and left off until the anchor burst.
 * `remove()` undoes all of it (entries, automations, emulator), so later benches see the stack
 * as before.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Stack } from '../../tests/stack/stack.js';
import { EmulatorProcess, type EmulatedDevice } from '../../tests/stack/emulator-process.js';
import { generateDeviceConfigs } from '../../tests/stack/devices.js';
import { fillForm, HomeAssistant, type FlowResult } from '../../tests/stack/hass.js';
import { entityRegistry, getStates } from '../../tests/stack/ha-client.js';
import { freePort, LOOPBACK, poll } from '../../tests/stack/net.js';
import { REPO_ROOT } from '../../tests/stack/paths.js';
import type { BurstHousehold } from './burst-household.js';

/** One burst button as HA has it. */
export interface BurstButton {
  device: string;
  /** The button's event entity (its presses). */
  pressEntity: string;
  /** The LED's light entity. */
  ledEntity: string;
  /** The native anchor automation's entity (press → this LED off). */
  automationEntity: string;
}

export interface BurstDevices {
  buttons: BurstButton[];
  /** The second emulator's control API, in the shape tests/helpers/emulator.ts takes. */
  emulator: { controlUrl: string; devices: EmulatedDevice[] };
  /** Seconds each phase took: generate + emulator, config flows, entities, automations. */
  timings: Record<string, number>;
  remove(): Promise<void>;
}

const automationId = (device: string) => `hearth_bench_burst_${device.replace(/-/g, '_')}`;

/**
 * Adds `household`'s devices to the stack's HA (served by an emulator of their own) with one
 * anchor automation each (off). Throws if HA does not load them; what was added is removed first.
 */
export async function addBurstDevices(stack: Stack, household: BurstHousehold, log: (m: string) => void): Promise<BurstDevices> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const mark = (phase: string) => (timings[phase] = Number(((performance.now() - t0) / 1000).toFixed(1)));
  // Inside the stack's dir: the emulator's rootfs binds it, stop() removes it.
  const dir = join(stack.dir, 'burst');
  const devicesDir = join(dir, 'devices');
  const esphomeDir = join(dir, 'esphome');
  mkdirSync(devicesDir, { recursive: true });
  for (const spec of household.devices) writeFileSync(join(devicesDir, `${String(spec.name)}.yaml`), stringify(spec));
  // The repo's hearth.yaml (people, esphome secrets' names) with the burst's routines only.
  const config = parse(readFileSync(join(REPO_ROOT, 'hearth.yaml'), 'utf8')) as Record<string, unknown>;
  config.routines = household.routines;
  const configFile = join(dir, 'hearth.yaml');
  writeFileSync(configFile, stringify(config));
  const generated = await generateDeviceConfigs(esphomeDir, { configFile, devicesDir });

  const emulator = new EmulatorProcess(dir, esphomeDir, await freePort());
  const served = await emulator.start();
  mark('emulator');
  // The stack's own HomeAssistant class drives the flows against the running HA (no process of its own).
  const ha = new HomeAssistant({ baseDir: stack.dir, port: stack.hass.port, owner: stack.hass.owner });
  ha.token = stack.hass.token;
  const entries: string[] = [];
  const automationsFile = join(stack.hass.configDir, 'automations.yaml');
  const automationsBefore = readFileSync(automationsFile, 'utf8');
  let automationsWritten = false;
  const remove = async (): Promise<void> => {
    if (automationsWritten) {
      writeFileSync(automationsFile, automationsBefore);
      await stack.conn
        .sendMessagePromise({ type: 'call_service', domain: 'automation', service: 'reload', service_data: {} })
        .catch(() => undefined);
    }
    for (const id of entries.splice(0)) await ha.rest('DELETE', `/api/config/config_entries/entry/${id}`).catch(() => undefined);
    await emulator.stop();
  };
  try {
    const entryOf = new Map<string, string>();
    for (const device of served) {
      const entry = await ha.configFlow('esphome', (step: FlowResult) => {
        if (step.type === 'menu') {
          const options = Array.isArray(step.menu_options) ? step.menu_options : Object.keys(step.menu_options ?? {});
          return { next_step_id: options.find((o) => /overwrite|migrate|confirm/.test(o)) ?? options[0] };
        }
        return fillForm(step.data_schema ?? [], { host: LOOPBACK, port: device.port, password: '', noise_psk: '' });
      });
      entries.push(entry.entry_id);
      entryOf.set(entry.entry_id, device.name);
    }
    mark('config_flows');
    for (const id of entries) await ha.waitEntryLoaded(id);
    const expected = new Map(generated.devices.map((d) => [d.device, d.entities.length]));
    const byDevice = new Map<string, { entityId: string; domain: string }[]>();
    await poll(
      `the ${served.length} burst buttons' entities in HA`,
      async () => {
        byDevice.clear();
        for (const e of await entityRegistry(stack.conn)) {
          const device = e.config_entry_id ? entryOf.get(e.config_entry_id) : undefined;
          if (device && !e.disabled_by)
            byDevice.set(device, [...(byDevice.get(device) ?? []), { entityId: e.entity_id, domain: e.entity_id.split('.')[0]! }]);
        }
        if ([...expected].some(([d, n]) => (byDevice.get(d)?.length ?? 0) < n)) return false;
        const states = new Map((await getStates(stack.conn)).map((s) => [s.entity_id, s.state]));
        return [...byDevice.values()].flat().every((e) => states.has(e.entityId) && states.get(e.entityId) !== 'unavailable');
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    mark('entities');
    const buttons = served.map(({ name }) => {
      const entities = byDevice.get(name) ?? [];
      const pressEntity = entities.find((e) => e.domain === 'event')?.entityId;
      const ledEntity = entities.find((e) => e.domain === 'light')?.entityId;
      if (!pressEntity || !ledEntity) throw new Error(`${name}: HA has no event or light entity (${JSON.stringify(entities)})`);
      return { device: name, pressEntity, ledEntity, automationEntity: '' };
    });

    const anchors = buttons.map((b) => ({
      id: automationId(b.device),
      alias: `hearth bench burst anchor ${b.device}`,
      description: `Native HA reaction for bench/hub-burst.ts: ${b.device} press → its LED off`,
      mode: 'queued',
      max: 100,
      triggers: [{ trigger: 'state', entity_id: b.pressEntity, not_from: ['unavailable'], not_to: ['unavailable', 'unknown'] }],
      actions: [{ action: 'light.turn_off', target: { entity_id: b.ledEntity } }],
    }));
    const existing = (parse(automationsBefore) as unknown[] | null) ?? [];
    automationsWritten = true;
    writeFileSync(automationsFile, stringify([...existing, ...anchors]));
    await stack.conn.sendMessagePromise({ type: 'call_service', domain: 'automation', service: 'reload', service_data: {} });
    await poll(
      'the burst anchor automations loaded',
      async () => {
        const ids = new Map<unknown, string>();
        for (const s of await getStates(stack.conn)) if (s.entity_id.startsWith('automation.')) ids.set(s.attributes.id, s.entity_id);
        for (const b of buttons) b.automationEntity = ids.get(automationId(b.device)) ?? '';
        return buttons.every((b) => b.automationEntity);
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await setAnchors(stack, buttons, false);
    mark('automations');
    log(
      `${buttons.length} burst buttons added (${Object.entries(timings)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} s)`,
    );
    return { buttons, emulator: { controlUrl: emulator.controlUrl, devices: served }, timings, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

/** Turns the burst's anchor automations on (the anchor burst) or off (hearth's burst). */
export async function setAnchors(stack: Stack, buttons: BurstButton[], on: boolean): Promise<void> {
  await stack.conn.sendMessagePromise({
    type: 'call_service',
    domain: 'automation',
    service: on ? 'turn_on' : 'turn_off',
    service_data: {},
    target: { entity_id: buttons.map((b) => b.automationEntity) },
  });
  await poll(
    `the burst anchors ${on ? 'on' : 'off'}`,
    async () => {
      const states = new Map((await getStates(stack.conn)).map((s) => [s.entity_id, s.state]));
      return buttons.every((b) => states.get(b.automationEntity) === (on ? 'on' : 'off'));
    },
    { timeoutMs: 10_000, intervalMs: 50 },
  );
}
