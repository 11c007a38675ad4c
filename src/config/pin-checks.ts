/**
 * What a device's board can do: which GPIOs exist, which are wired to the flash, which are
 * input-only or sampled at boot, and whether there is Bluetooth. Pure: one parsed device in,
 * its issues out.
 */
import { BOARDS, chipLabel, hasBluetooth, pinName, pinRulesFor, type Board, type PinRules } from './boards.js';
import { configError, configWarning, type ConfigIssue } from './issues.js';
import type { LoadedDevice } from './household.js';
import type { DeviceSpec } from './kinds/index.js';

/** How a spec uses a pin: a button reads it, an LED or PWM channel drives it. */
export type PinUse = 'input' | 'output';

export interface PinUsage {
  /** Path in the spec, e.g. `button.pin` or `light.pins.red`. */
  path: string;
  pin: number;
  use: PinUse;
  /** Reader-facing role, e.g. `the button`, `the red PWM channel`. */
  role: string;
  /** Inputs only: whether the spec asks for the chip's internal pull-up. */
  pullup?: boolean;
}

/** Every GPIO a spec claims, in spec order. */
export function pinUsages(spec: DeviceSpec): PinUsage[] {
  switch (spec.kind) {
    case 'reminder-button':
      return [
        { path: 'button.pin', pin: spec.button.pin, use: 'input', role: 'the button', pullup: spec.button.pullup },
        { path: 'led.pin', pin: spec.led.pin, use: 'output', role: 'the LED' },
      ];
    case 'led-strip': {
      const light = spec.light;
      if (light.type === 'ws2812') return [{ path: 'light.pin', pin: light.pin, use: 'output', role: 'the LED data line' }];
      return (['red', 'green', 'blue', 'white'] as const).flatMap((channel) => {
        const pin = light.pins[channel];
        return pin === undefined ? [] : [{ path: `light.pins.${channel}`, pin, use: 'output' as const, role: `the ${channel} PWM channel` }];
      });
    }
    case 'presence-node':
      return [];
  }
}

/** Kinds whose whole job needs Bluetooth LE. */
const NEEDS_BLE = new Set<DeviceSpec['kind']>(['presence-node']);

/** Board and pin checks of one device. */
export function checkDeviceHardware({ file, spec }: LoadedDevice): ConfigIssue[] {
  const board = BOARDS[spec.board];
  if (!board) return []; // already reported by the schema
  const issues: ConfigIssue[] = [];
  const chip = chipLabel(board);

  if (NEEDS_BLE.has(spec.kind) && !hasBluetooth(board)) {
    issues.push(
      configError(
        file,
        'board',
        `a ${spec.kind} scans Bluetooth LE, but board "${spec.board}" is an ESP8266, which has no Bluetooth; use an ESP32 board such as esp32dev`,
      ),
    );
  }

  const seen = new Map<number, PinUsage>();
  for (const usage of pinUsages(spec)) {
    const first = seen.get(usage.pin);
    if (first) {
      issues.push(configError(file, usage.path, `${pinName(usage.pin)} is already used by ${first.path}; each pin can do one job`));
    } else {
      seen.set(usage.pin, usage);
    }
    issues.push(...checkPin(file, usage, board, chip));
  }
  return issues;
}

function checkPin(file: string, usage: PinUsage, board: Board, chip: string): ConfigIssue[] {
  const rules = pinRulesFor(board);
  const { pin, path } = usage;
  const name = pinName(pin);

  if (pin > rules.max || rules.missing.includes(pin)) {
    return [configError(file, path, `${name} does not exist on the ${chip}; its pins are ${existingPins(rules)}`)];
  }
  if (rules.flash.includes(pin)) {
    return [
      configError(
        file,
        path,
        `${name} is wired to the SPI flash on the ${chip} (${ranges(rules.flash)}); using it crashes or stops the board from booting`,
      ),
    ];
  }
  const issues: ConfigIssue[] = [];
  if (usage.use === 'output' && rules.inputOnly.includes(pin)) {
    issues.push(
      configError(file, path, `${name} is input-only on the ${chip} (${ranges(rules.inputOnly)}) and cannot drive ${usage.role}; pick an output-capable pin`),
    );
  }
  if (usage.use === 'input' && usage.pullup && rules.inputOnly.includes(pin) && board.chip === 'esp32') {
    issues.push(
      configError(
        file,
        path,
        `${name} is input-only on the ${chip} and has no internal pull-up; set pullup: false and fit an external pull-up resistor, or pick another pin`,
      ),
    );
  }
  if (usage.use === 'input' && usage.pullup && board.chip === 'esp8266' && pin === 16) {
    issues.push(configError(file, path, `GPIO16 on the ESP8266 has no internal pull-up (only a pull-down); pick another pin or set pullup: false and fit a resistor`));
  }
  if (usage.use === 'input' && rules.strapping.includes(pin)) {
    issues.push(
      configWarning(
        file,
        path,
        `${name} is a strapping pin on the ${chip} (${ranges(rules.strapping)}), read at boot: if ${usage.role} is held down while the board powers up or resets, it can stop the board from booting; prefer a non-strapping pin`,
      ),
    );
  }
  return issues;
}

/** `GPIO0–19, GPIO21–23, …`: the pins that exist, as ranges. */
function existingPins(rules: PinRules): string {
  const pins: number[] = [];
  for (let n = 0; n <= rules.max; n++) if (!rules.missing.includes(n)) pins.push(n);
  return ranges(pins);
}

function ranges(pins: readonly number[]): string {
  const out: string[] = [];
  const sorted = [...pins].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(j > i + 1 ? `GPIO${sorted[i]}–${sorted[j]}` : j === i + 1 ? `GPIO${sorted[i]}, GPIO${sorted[j]}` : `GPIO${sorted[i]}`);
    i = j + 1;
  }
  return out.join(', ');
}
