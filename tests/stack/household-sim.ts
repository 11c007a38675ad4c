/**
 * Makes the sandbox's household move: replays a synthetic walk (src/hub/presence/simulate.ts,
 * the presence benchmark's radio model) in real time into the emulated presence nodes, so
 * hearth's `sensor.sam_room` follows a "person" walking through the house. Sandbox only.
 */
import { simulate, PHONE, WATCH } from '../../bench/lib/presence/simulate.js';
import type { StackInfo } from './stack.js';
import { setRssi } from '../helpers/emulator.js';

export interface HouseholdSimulation {
  stop(): void;
}

export function startHouseholdSimulation(
  stack: StackInfo,
  options: { seed?: number; log?: (line: string) => void } = {},
): HouseholdSimulation {
  const trace = simulate({ scenario: 'walks', seed: options.seed ?? 7, duration: 6 * 3600, reportInterval: 2 });
  // The simulator's phone and watch stand for the household's first two trackers of a person.
  const rssiSensors = new Map<string, string>(); // `${node}|${simTracker}` → ESPHome object id
  const trackers = [
    ...new Set(stack.devices.flatMap((d) => d.entities.flatMap((e) => (e.role === 'rssi' && e.tracker ? [e.tracker] : [])))),
  ];
  const simToReal: Record<string, string | undefined> = { [PHONE]: trackers[0], [WATCH]: trackers[1] };
  for (const device of stack.devices) {
    for (const entity of device.entities) {
      if (entity.role !== 'rssi' || !entity.tracker) continue;
      for (const [sim, real] of Object.entries(simToReal)) {
        if (real === entity.tracker) rssiSensors.set(`${device.device}|${sim}`, entity.objectId);
      }
    }
  }

  const started = Date.now();
  let next = 0;
  let truth = 0;
  const timer = setInterval(() => {
    const elapsed = Date.now() - started;
    while (truth < trace.truth.length && trace.truth[truth]!.t <= elapsed) {
      options.log?.(`${trace.truth[truth]!.person} is now in: ${trace.truth[truth]!.room}`);
      truth++;
    }
    while (next < trace.readings.length && trace.readings[next]!.t <= elapsed) {
      const { node, tracker, rssi } = trace.readings[next++]!;
      const sensor = rssiSensors.get(`${node}|${tracker}`);
      // null = not heard: the firmware's throttle_average sends nothing then.
      if (sensor && rssi !== null) void setRssi(stack, node, sensor, Math.round(rssi)).catch(() => {});
    }
  }, 200);
  return { stop: () => clearInterval(timer) };
}
