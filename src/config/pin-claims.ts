/**
 * Every GPIO a device spec claims on its board: where in the spec, for what use, and through
 * which ESPHome platform (`PinClaim`). These are facts about the spec and its board, so they
 * live in config/: pin-checks.ts checks them at load, and the ESPHome emitters
 * (esphome/kinds/) take the same platform choices from here, so the pin that was checked is
 * the pin that is generated, driven by the platform it was checked for. Pure.
 */
import { BOARDS, type Board, type Chip } from './boards.js';
import type { DeviceKind, PartialDeviceSpec } from './kinds/index.js';
import type { PinClaim } from './platform-pins.js';

/** A reminder button's LED: the ESP32's LEDC peripheral; an ESP8266 has none, its software PWM does the job. */
export const buttonLedPlatform = (chip: Chip): string => (chip === 'esp32' ? 'ledc' : 'esp8266_pwm');

/** A led-strip's PWM channels: the ESP8266's software PWM, the ESP32's LEDC peripheral. */
export const stripPwmPlatform = (chip: Chip): string => (chip === 'esp8266' ? 'esp8266_pwm' : 'ledc');

/** WS2812 data: neopixelbus on an ESP8266; on an ESP32 the RMT driver (neopixelbus needs Arduino). */
export const stripAddressablePlatform = (chip: Chip): string => (chip === 'esp8266' ? 'neopixelbus' : 'esp32_rmt_led_strip');

const CHANNELS = ['red', 'green', 'blue', 'white'] as const;

/** The claim of a pin the spec gives; none for a pin that is missing or did not parse. */
const claim = (pin: number | undefined, rest: Omit<PinClaim, 'pin'>): PinClaim[] => (pin === undefined ? [] : [{ ...rest, pin }]);

/**
 * kind → its pin claims. A new kind is one line here (the type insists). Each takes the spec as
 * far as it parsed (PartialDeviceSpec), so the pins that are there are checked even when
 * another field is missing.
 */
const PIN_CLAIMS: { readonly [K in DeviceKind]: (spec: Extract<PartialDeviceSpec, { kind: K }>, board: Board) => PinClaim[] } = {
  'reminder-button': (spec, board) => [
    ...claim(spec.button?.pin, {
      path: 'button.pin',
      use: 'digital-in',
      platform: 'gpio',
      role: 'the button',
      pullup: spec.button?.pullup,
    }),
    ...claim(spec.led?.pin, { path: 'led.pin', use: 'pwm', platform: buttonLedPlatform(board.chip), role: 'the LED' }),
  ],

  // A BLE scanner claims no GPIO.
  'presence-node': () => [],

  'led-strip': (spec, board) => {
    const light = spec.light;
    if (light?.type === 'ws2812') {
      return claim(light.pin, {
        path: 'light.pin',
        use: 'addressable',
        platform: stripAddressablePlatform(board.chip),
        role: 'the LED data line',
      });
    }
    const pins = light !== undefined && 'pins' in light ? light.pins : undefined;
    return CHANNELS.flatMap((channel) =>
      claim(pins?.[channel], {
        path: `light.pins.${channel}`,
        use: 'pwm',
        platform: stripPwmPlatform(board.chip),
        role: `the ${channel} PWM channel`,
      }),
    );
  },
};

/**
 * Every GPIO a spec claims on its board, in spec order (empty for an unknown or missing board;
 * only the pins that parsed for a spec that did not parse whole).
 */
export function pinClaims(spec: PartialDeviceSpec): PinClaim[] {
  const board = spec.board === undefined ? undefined : BOARDS[spec.board];
  if (!board) return [];
  // Each entry is typed for its own kind; looking it up by `spec.kind` guarantees the match.
  const claims = PIN_CLAIMS[spec.kind] as (spec: PartialDeviceSpec, board: Board) => PinClaim[];
  return claims(spec, board);
}
