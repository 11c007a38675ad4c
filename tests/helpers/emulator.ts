/** Driving the emulated ESPHome devices through the emulator's control API (127.0.0.1). */
import type { StackInfo } from '../stack/stack.js';

type StackLike = Pick<StackInfo, 'emulator'>;

export type PressType = 'single' | 'double' | 'long';

/** One call to the emulator's control API; throws with the emulator's answer on HTTP errors. */
export async function control<T>(stack: StackLike, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(new URL(path, stack.emulator.controlUrl), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`emulator ${method} ${path}: HTTP ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface PressResult {
  object_id: string;
  event_type: string;
  /** Number of connected API clients (HA) the event went to. */
  delivered: number;
  wall_ms: number;
  mono_ns: number;
}

/** Presses the device's button (its first event entity unless `objectId` names another). */
export function press(stack: StackLike, device: string, type: PressType = 'single', objectId?: string): Promise<PressResult> {
  return control(stack, 'POST', `/devices/${encodeURIComponent(device)}/press`, { type, ...(objectId ? { object_id: objectId } : {}) });
}

/**
 * Sets an RSSI (or any) sensor of a device: `sensor` is the ESPHome object id
 * (e.g. `sam_s_iphone_rssi`) or entity name; `null` makes it unknown.
 */
export function setRssi(stack: StackLike, device: string, sensor: string, value: number | null): Promise<unknown> {
  return control(stack, 'POST', `/devices/${encodeURIComponent(device)}/rssi`, { object_id: sensor, value });
}

/**
 * Emulated presence nodes that keep hearing a person: each `[node, sensor object id, dBm]`
 * reading is sent now and again every `everyMs` (a node's report interval), as ESPHome's
 * `ble_rssi` with `throttle_average` reports while it hears the device (it sends each average
 * once; the emulator repeats nothing by itself). Returns the stop function (awaits the last round).
 */
export function keepHearing(
  stack: StackLike,
  readings: ReadonlyArray<readonly [string, string, number]>,
  everyMs = 2_000,
): () => Promise<void> {
  let feeding = true;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (feeding) {
      for (const [node, sensor, dbm] of readings) await setRssi(stack, node, sensor, dbm);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, everyMs);
      });
    }
  })();
  return async () => {
    feeding = false;
    wake?.();
    await loop;
  };
}

/** Sam in the office, heard faintly by the other rooms' nodes (the household's trackers with labels). */
export const SAM_IN_OFFICE: ReadonlyArray<readonly [string, string, number]> = [
  ['office-presence', 'sam_s_iphone_rssi', -50],
  ['office-presence', 'sam_s_apple_watch_rssi', -52],
  ...['kitchen-presence', 'bedroom-presence', 'living-room-presence'].flatMap((node) => [
    [node, 'sam_s_iphone_rssi', -90] as const,
    [node, 'sam_s_apple_watch_rssi', -92] as const,
  ]),
];

export interface EmulatedLight {
  key: number;
  object_id: string;
  name: string;
  state: boolean;
  brightness?: number;
  color_mode?: number;
  red?: number;
  green?: number;
  blue?: number;
  white?: number;
  effect: string;
  [field: string]: unknown;
}

/** The device's lights as the emulated firmware holds them (on/off, brightness, effect…). */
export function lightStates(stack: StackLike, device: string): Promise<EmulatedLight[]> {
  return control(stack, 'GET', `/devices/${encodeURIComponent(device)}/lights`);
}

/** The device's light (its first, or the one with `objectId`): state and effect. */
export async function lightState(stack: StackLike, device: string, objectId?: string): Promise<EmulatedLight> {
  const lights = await lightStates(stack, device);
  const light = objectId ? lights.find((l) => l.object_id === objectId || l.name === objectId) : lights[0];
  if (!light) throw new Error(`${device} has no light${objectId ? ` ${objectId}` : ''}`);
  return light;
}

/** Takes a device off the network: `close` drops connections; `hang` leaves them half-open. */
export function setOffline(stack: StackLike, device: string, mode: 'close' | 'hang' = 'close'): Promise<unknown> {
  return control(stack, 'POST', `/devices/${encodeURIComponent(device)}/offline`, { mode });
}

export function setOnline(stack: StackLike, device: string): Promise<unknown> {
  return control(stack, 'POST', `/devices/${encodeURIComponent(device)}/online`, {});
}

export interface DeviceLog {
  light_commands: { wall_ms: number; object_id: string; command: Record<string, unknown>; state_after: Record<string, unknown> }[];
  events: PressResult[];
  connections: unknown[];
}

export function deviceLog(stack: StackLike, device: string): Promise<DeviceLog> {
  return control(stack, 'GET', `/devices/${encodeURIComponent(device)}/log`);
}

export function emulatedDevices(
  stack: StackLike,
): Promise<{ name: string; port: number; online: boolean; entities: { object_id: string; name: string; domain: string }[] }[]> {
  return control(stack, 'GET', '/devices');
}
