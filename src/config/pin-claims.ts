/**
 * Every GPIO a device spec claims on its board: where in the spec, for what use, and through
 * which ESPHome platform (`PinClaim`). These are facts about the spec and its board, so they
 * live in config/: pin-checks.ts checks them at load, and the ESPHome emitters
 * (esphome/kinds/) take the same platform choices from here, so the pin that was checked is
 * the pin that is generated, driven by the platform it was checked for. Pure.
 */
import { BOARDS, type Board, type Chip } from './boards.js';
import type { DeviceKind, DeviceSpec, SpecOfKind } from './kinds/index.js';
import type { PinClaim } from './platform-pins.js';

/** A reminder button's LED: the ESP32's LEDC peripheral; an ESP8266 has none, its software PWM does the job. */
export const buttonLedPlatform = (chip: Chip): string => (chip === 'esp32' ? 'ledc' : 'esp8266_pwm');

/** A led-strip's PWM channels: the ESP8266's software PWM, the ESP32's LEDC peripheral. */
export const stripPwmPlatform = (chip: Chip): string => (chip === 'esp8266' ? 'esp8266_pwm' : 'ledc');

/** WS2812 data: neopixelbus on an ESP8266; on an ESP32 the RMT driver (neopixelbus needs Arduino). */
export const stripAddressablePlatform = (chip: Chip): string => (chip === 'esp8266' ? 'neopixelbus' : 'esp32_rmt_led_strip');

const CHANNELS = ['red', 'green', 'blue', 'white'] as const;

/** kind → its pin claims. A new kind is one line here (the type insists). */
const PIN_CLAIMS: { readonly [K in DeviceKind]: (spec: SpecOfKind<K>, board: Board) => PinClaim[] } = {
  'reminder-button': (spec, board) => [
    { path: 'button.pin', pin: spec.button.pin, use: 'digital-in', platform: 'gpio', role: 'the button', pullup: spec.button.pullup },
    { path: 'led.pin', pin: spec.led.pin, use: 'pwm', platform: buttonLedPlatform(board.chip), role: 'the LED' },
  ],

  // A BLE scanner claims no GPIO.
  'presence-node': () => [],

  'led-strip': (spec, board) => {
    const light = spec.light;
    if (light.type === 'ws2812') {
      return [
        {
          path: 'light.pin',
          pin: light.pin,
          use: 'addressable',
          platform: stripAddressablePlatform(board.chip),
          role: 'the LED data line',
        },
      ];
    }
    return CHANNELS.flatMap((channel) => {
      const pin = light.pins[channel];
      return pin === undefined
        ? []
        : [
            {
              path: `light.pins.${channel}`,
              pin,
              use: 'pwm' as const,
              platform: stripPwmPlatform(board.chip),
              role: `the ${channel} PWM channel`,
            },
          ];
    });
  },
};

/** Every GPIO a spec claims on its board, in spec order (empty for an unknown board). */
export function pinClaims(spec: DeviceSpec): PinClaim[] {
  const board = BOARDS[spec.board];
  if (!board) return [];
  // Each entry is typed for its own kind; looking it up by `spec.kind` guarantees the match.
  const claims = PIN_CLAIMS[spec.kind] as (spec: DeviceSpec, board: Board) => PinClaim[];
  return claims(spec, board);
}
