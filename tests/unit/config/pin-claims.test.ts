/** The pins each kind's spec claims, with the use and the ESPHome platform (config/pin-claims.ts). */
import { describe, expect, it } from 'vitest';
import { pinClaims } from '../../../src/config/pin-claims.js';
import { ledStripSpec } from '../../../src/config/kinds/led-strip.js';
import { presenceNodeSpec } from '../../../src/config/kinds/presence-node.js';
import { reminderButtonSpec } from '../../../src/config/kinds/reminder-button.js';
import type { DeviceSpec } from '../../../src/config/kinds/index.js';

const brief = (spec: DeviceSpec) => pinClaims(spec).map(({ path, pin, use, platform }) => ({ path, pin, use, platform }));

describe('pinClaims', () => {
  it('lists every pin a spec claims, with its use and ESPHome platform', () => {
    const spec = reminderButtonSpec.parse({
      kind: 'reminder-button',
      name: 'a',
      board: 'esp32dev',
      routine: 'r',
      button: { pin: 'GPIO25' },
      led: { pin: 26 },
    });
    expect(brief(spec)).toEqual([
      { path: 'button.pin', pin: 25, use: 'digital-in', platform: 'gpio' },
      { path: 'led.pin', pin: 26, use: 'pwm', platform: 'ledc' },
    ]);
    expect(brief({ ...spec, board: 'd1_mini' })[1]).toEqual({ path: 'led.pin', pin: 26, use: 'pwm', platform: 'esp8266_pwm' });
  });

  it('a led-strip claims its PWM channels in spec order, or its WS2812 data line, by chip', () => {
    const rgb = ledStripSpec.parse({
      kind: 'led-strip',
      name: 's',
      board: 'd1_mini',
      light: { type: 'rgb', pins: { red: 12, green: 14, blue: 13 } },
    });
    expect(brief(rgb)).toEqual([
      { path: 'light.pins.red', pin: 12, use: 'pwm', platform: 'esp8266_pwm' },
      { path: 'light.pins.green', pin: 14, use: 'pwm', platform: 'esp8266_pwm' },
      { path: 'light.pins.blue', pin: 13, use: 'pwm', platform: 'esp8266_pwm' },
    ]);
    const ws = ledStripSpec.parse({ kind: 'led-strip', name: 'w', board: 'd1_mini', light: { type: 'ws2812', pin: 3, num_leds: 30 } });
    expect(brief(ws)).toEqual([{ path: 'light.pin', pin: 3, use: 'addressable', platform: 'neopixelbus' }]);
    expect(brief({ ...ws, board: 'esp32dev' })).toEqual([
      { path: 'light.pin', pin: 3, use: 'addressable', platform: 'esp32_rmt_led_strip' },
    ]);
  });

  it('a presence node claims no pin; an unknown board claims nothing', () => {
    const node = presenceNodeSpec.parse({ kind: 'presence-node', name: 'n', board: 'esp32dev', room: 'hall' });
    expect(pinClaims(node)).toEqual([]);
    const button = reminderButtonSpec.parse({
      kind: 'reminder-button',
      name: 'a',
      board: 'esp32dev',
      routine: 'r',
      button: { pin: 25 },
      led: { pin: 26 },
    });
    expect(pinClaims({ ...button, board: 'no_such_board' })).toEqual([]);
  });
});
