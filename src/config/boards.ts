/**
 * The boards hearth knows and what each of their GPIOs can do. Pure data + rules; the checks
 * that use them live in pin-checks.ts, what each ESPHome platform accepts in
 * platform-pins.ts.
 *
 * Pin rules follow the chip family (ESPHome's own validators: esphome/components/esp8266/gpio.py,
 * esp32/gpio_esp32.py, gpio_esp32_c3.py, gpio_esp32_s3.py), and then the board's module, which
 * decides how the SPI flash is wired: an ESP-12/ESP-01 module or an ESP32-WROOM wires GPIO9/10
 * to its flash (ESPHome only warns about them: "might already be used by the flash interface in
 * QUAD IO flash mode"), an ESP8285 has its flash inside the chip in DOUT mode and leaves
 * GPIO9/10 free (the Sonoff 4CH's buttons sit on them), and an ESP32-PICO-D4 (M5Stack Atom)
 * wires its embedded flash to GPIO16/17 instead (datasheet: "IO16, IO17, SD_CMD, SD_CLK,
 * SD_DATA_0 and SD_DATA_1 are used for connecting the embedded flash").
 */
export type Chip = 'esp32' | 'esp8266';
export type Variant = 'esp32' | 'esp32c3' | 'esp32s3';

export interface Board {
  chip: Chip;
  /** ESP32 variant as ESPHome's `esp32: variant:` names it. */
  variant?: Variant;
  /** The module or chip package on the board; it decides which GPIOs the flash takes. */
  module: string;
  /** Pins this module wires to its flash beyond the chip's own (using one crashes the board). */
  moduleFlash?: Readonly<Record<number, string>>;
  /** Pins the chip family may lose to a quad-IO flash that this module leaves free. */
  moduleFrees?: readonly number[];
}

const ESP8266_MODULE = (module: string): Board => ({ chip: 'esp8266', module });
const WROOM: Board = { chip: 'esp32', variant: 'esp32', module: 'ESP32-WROOM-32' };

export const BOARDS: Record<string, Board> = {
  esp32dev: WROOM,
  'nodemcu-32s': WROOM,
  lolin32: WROOM,
  wemos_d1_mini32: WROOM,
  'm5stack-atom': {
    chip: 'esp32',
    variant: 'esp32',
    module: 'ESP32-PICO-D4',
    moduleFlash: { 16: 'embedded flash SD2', 17: 'embedded flash SD3' },
    moduleFrees: [9, 10],
  },
  'esp32-c3-devkitm-1': { chip: 'esp32', variant: 'esp32c3', module: 'ESP32-C3-MINI-1' },
  'esp32-s3-devkitc-1': { chip: 'esp32', variant: 'esp32s3', module: 'ESP32-S3-WROOM-1 (no octal PSRAM)' },
  esp01_1m: ESP8266_MODULE('ESP-01'),
  d1_mini: ESP8266_MODULE('ESP-12F'),
  nodemcuv2: ESP8266_MODULE('ESP-12E'),
  esp8285: { chip: 'esp8266', module: 'ESP8285 (flash inside the chip, DOUT mode)', moduleFrees: [9, 10] },
};

/** What one GPIO of one board is, as far as ESPHome and the chip are concerned. */
export interface PinFacts {
  exists: boolean;
  /** Taken by the flash/PSRAM: ESPHome refuses it (error) or warns that it may be (warning). */
  flash?: { severity: 'error' | 'warning'; function: string };
  /** Can read a digital level (every existing GPIO except the ESP8266's analog-only A0). */
  digitalIn: boolean;
  /** Has an output driver. */
  digitalOut: boolean;
  /** Has an internal pull-up. */
  pullup: boolean;
  /** Only the ADC can use it (ESP8266 GPIO17 = A0/TOUT). */
  analogOnly: boolean;
  /** Sampled at reset (boot mode / flash voltage). */
  strapping: boolean;
  /** Shared with the built-in USB-Serial-JTAG (ESPHome warns). */
  usbJtag: boolean;
}

interface ChipPins {
  max: number;
  missing: readonly number[];
  /** Flash pins ESPHome refuses on every board of the family, by their flash function. */
  flash: Readonly<Record<number, string>>;
  /** Pins a quad-IO flash may take; ESPHome warns. */
  quadFlash: readonly number[];
  inputOnly: readonly number[];
  noPullup: readonly number[];
  analogOnly: readonly number[];
  strapping: readonly number[];
  usbJtag: readonly number[];
}

const SDIO = { 6: 'flash clock', 7: 'flash data 0', 8: 'flash data 1', 11: 'flash command' };

const CHIP_PINS: Record<'esp8266' | Variant, ChipPins> = {
  esp8266: {
    max: 17,
    missing: [],
    flash: SDIO,
    quadFlash: [9, 10],
    inputOnly: [],
    noPullup: [16, 17], // GPIO16 has a pull-down only (esp8266/gpio.py)
    analogOnly: [17],
    strapping: [0, 2, 15],
    usbJtag: [],
  },
  esp32: {
    max: 39,
    missing: [20, 24, 28, 29, 30, 31],
    flash: SDIO,
    quadFlash: [9, 10],
    inputOnly: [34, 35, 36, 37, 38, 39],
    noPullup: [34, 35, 36, 37, 38, 39],
    analogOnly: [],
    strapping: [0, 2, 5, 12, 15],
    usbJtag: [],
  },
  esp32c3: {
    max: 21,
    missing: [],
    flash: { 12: 'SPIHD', 13: 'SPIWP', 14: 'SPICS0', 15: 'SPICLK', 16: 'SPID', 17: 'SPIQ' },
    quadFlash: [],
    inputOnly: [],
    noPullup: [],
    analogOnly: [],
    strapping: [2, 8, 9],
    usbJtag: [18, 19],
  },
  esp32s3: {
    max: 48,
    missing: [22, 23, 24, 25],
    flash: { 26: 'SPICS1', 27: 'SPIHD', 28: 'SPIWP', 29: 'SPICS0', 30: 'SPICLK', 31: 'SPIQ', 32: 'SPID' },
    quadFlash: [],
    inputOnly: [],
    noPullup: [],
    analogOnly: [],
    strapping: [0, 3, 45, 46],
    usbJtag: [19, 20],
  },
};

const chipPins = (board: Board): ChipPins => CHIP_PINS[board.chip === 'esp8266' ? 'esp8266' : (board.variant ?? 'esp32')];

/** Everything hearth knows about one GPIO of a board. */
export function pinFacts(board: Board, pin: number): PinFacts {
  const rules = chipPins(board);
  const exists = Number.isInteger(pin) && pin >= 0 && pin <= rules.max && !rules.missing.includes(pin);
  const chipFlash = rules.flash[pin];
  const moduleFlash = board.moduleFlash?.[pin];
  const flash = chipFlash
    ? { severity: 'error' as const, function: chipFlash }
    : moduleFlash
      ? { severity: 'error' as const, function: moduleFlash }
      : rules.quadFlash.includes(pin) && !board.moduleFrees?.includes(pin)
        ? { severity: 'warning' as const, function: pin === 9 ? 'flash HOLD (quad IO)' : 'flash WP (quad IO)' }
        : undefined;
  const analogOnly = rules.analogOnly.includes(pin);
  return {
    exists,
    ...(flash ? { flash } : {}),
    digitalIn: exists && !analogOnly,
    digitalOut: exists && !analogOnly && !rules.inputOnly.includes(pin),
    pullup: exists && !rules.noPullup.includes(pin),
    analogOnly,
    strapping: rules.strapping.includes(pin),
    usbJtag: rules.usbJtag.includes(pin),
  };
}

/** The GPIO numbers that exist on a board's chip. */
export function existingPins(board: Board): number[] {
  const rules = chipPins(board);
  const pins: number[] = [];
  for (let n = 0; n <= rules.max; n++) if (!rules.missing.includes(n)) pins.push(n);
  return pins;
}

/** The strapping pins of a board's chip (for messages). */
export const strappingPins = (board: Board): readonly number[] => chipPins(board).strapping;

/** How a board's chip is named to a person: `ESP32`, `ESP32-C3`, `ESP8266`. */
export function chipLabel(board: Board): string {
  if (board.chip === 'esp8266') return board.module.startsWith('ESP8285') ? 'ESP8285' : 'ESP8266';
  return board.variant && board.variant !== 'esp32' ? `ESP32-${board.variant.slice(5).toUpperCase()}` : 'ESP32';
}

/** Every ESP32 variant hearth knows has BLE; the ESP8266 has no Bluetooth at all. */
export const hasBluetooth = (board: Board): boolean => board.chip === 'esp32';

/** ESPHome names pins `GPIO<n>`; specs may use the number or that name. */
export const pinName = (pin: number): string => `GPIO${pin}`;

/** `GPIO0–19, GPIO21–23, …`: pins as ranges, for messages. */
export function pinRanges(pins: readonly number[]): string {
  const out: string[] = [];
  const sorted = [...pins].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(j > i + 1 ? `GPIO${sorted[i]}–${sorted[j]}` : j === i + 1 ? `GPIO${sorted[i]}, GPIO${sorted[j]}` : `GPIO${sorted[i]}`);
    i = j + 1;
  }
  return out.join(', ');
}
