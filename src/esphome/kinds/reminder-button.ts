import type { ReminderButtonSpec } from '../../config/kinds/index.js';
import { buttonLedPlatform } from '../../config/pin-claims.js';
import { BUTTON_LED_EFFECTS, entityWithRole, type ButtonEventType } from '../../config/device-entities.js';
import { gpioName, type EmitContext, type KindEmitter } from '../context.js';
import type { ConfigObject } from '../values.js';

/** The period of each LED effect config/device-entities.ts names: the reminder's slow breathing pulse, a fast one. */
const LED_EFFECT_PERIODS: { readonly [E in (typeof BUTTON_LED_EFFECTS)[number]]: string } = { Pulse: '1s', 'Fast pulse': '250ms' };

const EVENT_ID = 'button_event';
const INPUT_ID = 'button_input';
const LED_OUTPUT_ID = 'led_output';
const LED_ID = 'led';

const trigger = (eventType: ButtonEventType): ConfigObject[] => [{ 'event.trigger': { id: EVENT_ID, event_type: eventType } }];

/**
 * ESP32 push button + LED. The raw GPIO binary sensor stays internal (not an HA entity); it
 * turns presses into `event` entity triggers (single/double/long), which is what HA's
 * automations and the hub listen to. Timings follow ESPHome's multi-click example: a double
 * click is matched first, a long press is a hold of 1 s or more.
 */
export const reminderButton: KindEmitter<'reminder-button'> = {
  emit(spec: ReminderButtonSpec, ctx: EmitContext, entities) {
    const press = entityWithRole(entities, 'press');
    const led = entityWithRole(entities, 'led');
    return {
      binary_sensor: [
        {
          platform: 'gpio',
          id: INPUT_ID,
          internal: true,
          pin: {
            number: gpioName(spec.button.pin),
            mode: { input: true, pullup: spec.button.pullup },
            inverted: spec.button.inverted,
          },
          filters: [{ delayed_on_off: '20ms' }],
          on_multi_click: [
            {
              timing: ['ON for at most 400ms', 'OFF for at most 400ms', 'ON for at most 400ms', 'OFF for at least 200ms'],
              then: trigger('double'),
            },
            // Single and long meet at 1 s, so every press length is one of the three.
            { timing: ['ON for at least 1s'], then: trigger('long') },
            { timing: ['ON for at most 1s', 'OFF for at least 450ms'], then: trigger('single') },
          ],
        },
      ],
      event: [
        {
          platform: 'template',
          id: EVENT_ID,
          name: press.name,
          device_class: press.deviceClass,
          event_types: [...(press.eventTypes ?? [])],
        },
      ],
      output: [
        {
          platform: buttonLedPlatform(ctx.chip),
          id: LED_OUTPUT_ID,
          pin: spec.led.inverted ? { number: gpioName(spec.led.pin), inverted: true } : gpioName(spec.led.pin),
        },
      ],
      light: [
        {
          platform: 'monochromatic',
          id: LED_ID,
          name: led.name,
          output: LED_OUTPUT_ID,
          restore_mode: 'ALWAYS_OFF',
          default_transition_length: '200ms',
          effects: BUTTON_LED_EFFECTS.filter((name) => led.effects?.includes(name)).map((name) => ({
            pulse: { name, transition_length: LED_EFFECT_PERIODS[name], update_interval: LED_EFFECT_PERIODS[name] },
          })),
        },
      ],
    };
  },
};
