/**
 * The boards hearth knows, and the pin rules of their chips. Pure data + rules;
 * the checks that use them live in pin-checks.ts.
 */
export type Chip = 'esp32' | 'esp8266';

export interface Board {
  chip: Chip;
  /** ESP32 variant as ESPHome's `esp32: variant:` names it. */
  variant?: 'esp32' | 'esp32c3' | 'esp32s3';
}

export const BOARDS: Record<string, Board> = {
  esp32dev: { chip: 'esp32', variant: 'esp32' },
  'nodemcu-32s': { chip: 'esp32', variant: 'esp32' },
  'lolin32': { chip: 'esp32', variant: 'esp32' },
  'wemos_d1_mini32': { chip: 'esp32', variant: 'esp32' },
  'm5stack-atom': { chip: 'esp32', variant: 'esp32' },
  'esp32-c3-devkitm-1': { chip: 'esp32', variant: 'esp32c3' },
  'esp32-s3-devkitc-1': { chip: 'esp32', variant: 'esp32s3' },
  esp01_1m: { chip: 'esp8266' },
  d1_mini: { chip: 'esp8266' },
  nodemcuv2: { chip: 'esp8266' },
  esp8285: { chip: 'esp8266' },
};

export interface PinRules {
  /** Highest GPIO number that exists. */
  max: number;
  /** Wired to the SPI flash: using them bricks the boot. */
  flash: readonly number[];
  /** Sampled at reset: a button holding one low can stop the board from booting. */
  strapping: readonly number[];
  /** Input-only pins (no output driver). */
  inputOnly: readonly number[];
  /** GPIO numbers that do not exist on the chip. */
  missing: readonly number[];
}

export const PIN_RULES: Record<Chip, PinRules> = {
  esp32: {
    max: 39,
    flash: [6, 7, 8, 9, 10, 11],
    strapping: [0, 2, 5, 12, 15],
    inputOnly: [34, 35, 36, 37, 38, 39],
    missing: [20, 24, 28, 29, 30, 31],
  },
  esp8266: {
    max: 17,
    flash: [6, 7, 8, 9, 10, 11],
    strapping: [0, 2, 15],
    inputOnly: [17],
    missing: [],
  },
};

/**
 * The ESP32-C3 and -S3 have their own pin maps; everything else on the ESP32 follows the
 * classic chip's rules above.
 */
export const VARIANT_PIN_RULES: Partial<Record<NonNullable<Board['variant']>, PinRules>> = {
  esp32c3: { max: 21, flash: [12, 13, 14, 15, 16, 17], strapping: [2, 8, 9], inputOnly: [], missing: [] },
  esp32s3: {
    max: 48,
    flash: [26, 27, 28, 29, 30, 31, 32],
    strapping: [0, 3, 45, 46],
    inputOnly: [],
    missing: [22, 23, 24, 25],
  },
};

/** The pin rules of a board's chip (variant-specific where the variant differs). */
export function pinRulesFor(board: Board): PinRules {
  return (board.variant && VARIANT_PIN_RULES[board.variant]) || PIN_RULES[board.chip];
}

/** How a board's chip is named to a person: `ESP32`, `ESP32-C3`, `ESP8266`. */
export function chipLabel(board: Board): string {
  if (board.chip === 'esp8266') return 'ESP8266';
  return board.variant && board.variant !== 'esp32' ? `ESP32-${board.variant.slice(5).toUpperCase()}` : 'ESP32';
}

/** Every ESP32 variant hearth knows has BLE; the ESP8266 has no Bluetooth at all. */
export const hasBluetooth = (board: Board): boolean => board.chip === 'esp32';

/** ESPHome names pins `GPIO<n>`; specs may use the number or that name. */
export const pinName = (pin: number): string => `GPIO${pin}`;
