/** The emulated ESPHome devices' control API (tests/stack/emulator/README.md), as the benches use it. */
import type { StackInfo } from '../../tests/stack/stack.js';
import { control } from '../../tests/helpers/emulator.js';

type StackLike = Pick<StackInfo, 'emulator'>;

const dev = (device: string) => `/devices/${encodeURIComponent(device)}`;

export interface Press {
  object_id: string;
  event_type: string;
  delivered: number;
  mono_ns: number;
  wall_ms: number;
}

export interface LightCommand {
  mono_ns: number;
  wall_ms: number;
  object_id: string;
  command: Record<string, unknown>;
  state_after: Record<string, unknown> & { state?: boolean };
}

export const press = (stack: StackLike, device: string, type = 'single') => control<Press>(stack, 'POST', `${dev(device)}/press`, { type });
export const clearLog = (stack: StackLike, device: string) => control<unknown>(stack, 'POST', `${dev(device)}/log/clear`, {});
export const lightCommands = async (stack: StackLike, device: string) =>
  (await control<{ light_commands: LightCommand[] }>(stack, 'GET', `${dev(device)}/log`)).light_commands;
export const lights = (stack: StackLike, device: string) =>
  control<{ object_id: string; state: boolean; effect: string }[]>(stack, 'GET', `${dev(device)}/lights`);

/** Polls the device's log until a light command matching `match` after `afterNs` is there. */
export async function waitLightCommand(
  stack: StackLike,
  device: string,
  afterNs: number,
  match: (c: LightCommand) => boolean,
  { timeoutMs = 10_000, intervalMs = 10 } = {},
): Promise<LightCommand> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await lightCommands(stack, device)).find((c) => c.mono_ns > afterNs && match(c));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching light command at ${device} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Polls until the device's first light is on (`on` true) or off. */
export async function waitLight(
  stack: StackLike,
  device: string,
  on: boolean,
  { timeoutMs = 10_000, intervalMs = 10 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await lights(stack, device))[0]?.state === on) return;
    if (Date.now() > deadline) throw new Error(`${device}'s LED not ${on ? 'on' : 'off'} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
