/**
 * Which pins each ESPHome platform that hearth emits accepts on each chip, beyond what the chip
 * itself allows (boards.ts). Each kind's spec claims its pins with the platform that will drive
 * them and for what (`PinClaim`, pin-claims.ts); pin-checks.ts checks the claim against the chip
 * and against the rule here, before anything is generated. Lives in config/ beside boards.ts:
 * it is a fact about a board's pins, and the ESPHome emitters only read it.
 *
 * Rules learnt from ESPHome's own validators:
 *  - `esp8266_pwm` (esp8266_pwm/output.py, `valid_pwm_pin`): GPIO0–5, 9, 10, 12–16;
 *  - `neopixelbus` on an ESP8266 (neopixelbus/_methods.py): GPIO3 via DMA, GPIO1/2 via UART,
 *    otherwise bit-bang, which "only supports pins GPIO0-GPIO15";
 *  - `ledc`, `esp32_rmt_led_strip` and `gpio` outputs: any output-capable pin of the chip;
 *  - `gpio` binary sensors: any digital input.
 */
import type { Board } from './boards.js';
import { pinRanges } from './boards.js';

/** What a spec asks of a pin. */
export type PinUse = 'digital-in' | 'digital-out' | 'pwm' | 'addressable';

/** One pin a device claims: where in its spec, for what, through which ESPHome platform. */
export interface PinClaim {
  /** Path in the spec, e.g. `button.pin` or `light.pins.red`. */
  path: string;
  pin: number;
  use: PinUse;
  /** The ESPHome platform that drives or reads it, e.g. `gpio`, `ledc`, `esp8266_pwm`. */
  platform: string;
  /** Reader-facing role, e.g. `the button`, `the red PWM channel`. */
  role: string;
  /** Inputs only: whether the spec asks for the chip's internal pull-up. */
  pullup?: boolean;
}

const ESP8266_PWM_PINS = [0, 1, 2, 3, 4, 5, 9, 10, 12, 13, 14, 15, 16];
const ESP8266_NEOPIXEL_PINS = [...Array.from({ length: 16 }, (_, i) => i)];

/** Why `platform` refuses this pin on this board, or undefined when it takes it. */
export function platformPinProblem(platform: string, board: Board, pin: number): string | undefined {
  if (board.chip !== 'esp8266') return undefined;
  if (platform === 'esp8266_pwm' && !ESP8266_PWM_PINS.includes(pin)) {
    return `ESPHome's esp8266_pwm output only takes ${pinRanges(ESP8266_PWM_PINS)}`;
  }
  if (platform === 'neopixelbus' && !ESP8266_NEOPIXEL_PINS.includes(pin)) {
    return `ESPHome's neopixelbus light on an ESP8266 only takes GPIO0–15 (bit-bang; GPIO1/2 use a UART, GPIO3 DMA)`;
  }
  return undefined;
}
