import type { LedStripSpec } from '../../config/kinds/index.js';
import { stripAddressablePlatform, stripPwmPlatform } from '../../config/pin-claims.js';
import { entityWithRole } from '../../config/device-entities.js';
import { gpioName, type EmitContext, type KindEmitter } from '../context.js';
import type { ConfigObject, ConfigValue } from '../values.js';

type Channel = 'red' | 'green' | 'blue' | 'white';

/** Effects per light family, by the name config/device-entities.ts gives the light's effects. */
const PWM_EFFECTS: Record<string, ConfigObject> = {
  Pulse: { pulse: { name: 'Pulse', transition_length: '1s', update_interval: '1s' } },
  Random: { random: { name: 'Random', transition_length: '5s', update_interval: '7s' } },
  Flicker: { flicker: { name: 'Flicker' } },
};
const ADDRESSABLE_EFFECTS: Record<string, ConfigObject> = {
  Pulse: { pulse: { name: 'Pulse', transition_length: '1s', update_interval: '1s' } },
  Rainbow: { addressable_rainbow: { name: 'Rainbow' } },
  'Color wipe': { addressable_color_wipe: { name: 'Color wipe' } },
  Twinkle: { addressable_twinkle: { name: 'Twinkle' } },
};

const effectsFor = (spec: LedStripSpec): Record<string, ConfigObject> => (spec.light.type === 'ws2812' ? ADDRESSABLE_EFFECTS : PWM_EFFECTS);

/**
 * A light controller: PWM channels (`rgb`/`rgbw` through `esp8266_pwm`, or `ledc` on an
 * ESP32) or an addressable WS2812 strip (`neopixelbus` on an ESP8266; `esp32_rmt_led_strip`
 * on an ESP32, where neopixelbus would need the Arduino framework).
 */
export const ledStrip: KindEmitter<'led-strip'> = {
  emit(spec: LedStripSpec, ctx: EmitContext, entities) {
    const light = entityWithRole(entities, 'light');
    const available = effectsFor(spec);
    const effects: ConfigValue[] = (light.effects ?? []).flatMap((name) => (available[name] ? [available[name]] : []));
    const common = { id: 'strip', name: light.name, restore_mode: 'RESTORE_DEFAULT_OFF', default_transition_length: '500ms' };

    if (spec.light.type === 'ws2812') {
      const { pin, num_leds, rgb_order } = spec.light;
      const platform: ConfigObject =
        ctx.chip === 'esp8266'
          ? { platform: stripAddressablePlatform(ctx.chip), variant: 'WS2812X', type: rgb_order, pin: gpioName(pin), num_leds }
          : { platform: stripAddressablePlatform(ctx.chip), chipset: 'ws2812', channel_colors: rgb_order, pin: gpioName(pin), num_leds };
      return {
        light: [{ ...platform, ...common, effects }],
      };
    }

    const { pins, frequency } = spec.light;
    const channels: Channel[] = spec.light.type === 'rgbw' ? ['red', 'green', 'blue', 'white'] : ['red', 'green', 'blue'];
    const outputs: ConfigObject[] = channels.map((channel) => ({
      platform: stripPwmPlatform(ctx.chip),
      id: `${channel}_output`,
      pin: gpioName(pins[channel] as number),
      frequency: `${frequency}Hz`,
    }));
    const lightChannels = Object.fromEntries(channels.map((c) => [c, `${c}_output`]));
    return {
      output: outputs,
      light: [{ platform: spec.light.type, ...common, ...lightChannels, effects }],
    };
  },
};
