import type { ReminderButtonSpec } from '../../config/kinds/index.js';
import { buttonLedPlatform } from '../../config/pin-claims.js';
import { entity, entityWithRole } from '../entities.js';
import { gpioName, type EmitContext, type KindEmitter } from '../context.js';
import type { ConfigObject } from '../values.js';

/** Event types of the button's `event` entity, in the order HA lists them. */
export const BUTTON_EVENT_TYPES = ['single', 'double', 'long'] as const;
export type ButtonEventType = (typeof BUTTON_EVENT_TYPES)[number];

/** The LED effect the hub switches on (`light.turn_on` with `effect: Pulse`) while a routine is due. */
export const REMINDER_EFFECT = 'Pulse';

/** The LED's effects: a slow breathing pulse (the reminder) and a fast one (e.g. "snoozed/overdue"). */
const LED_EFFECTS = [
  { name: REMINDER_EFFECT, period: '1s' },
  { name: 'Fast pulse', period: '250ms' },
] as const;

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
  entities: () => [
    entity({ domain: 'event', role: 'press', name: 'Button', eventTypes: [...BUTTON_EVENT_TYPES], deviceClass: 'button' }),
    entity({ domain: 'light', role: 'led', name: 'LED', effects: LED_EFFECTS.map((e) => e.name), colorModes: ['brightness'] }),
  ],

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
          effects: LED_EFFECTS.filter((e) => led.effects?.includes(e.name)).map((e) => ({
            pulse: { name: e.name, transition_length: e.period, update_interval: e.period },
          })),
        },
      ],
    };
  },
};
