import { z } from 'zod';
import { deviceBase } from './base.js';
import { gpio } from '../pin.js';
import { slugId } from '../names.js';

/** ESP32 push button + LED that lights up while a routine is due. */
export const reminderButtonSpec = deviceBase
  .extend({
    kind: z.literal('reminder-button'),
    /** Id of the routine in hearth.yaml that a press acknowledges. */
    routine: slugId,
    button: z
      .object({
        pin: gpio,
        /** Button wired to GND with the internal pull-up (the usual wiring). */
        inverted: z.boolean().default(true),
        pullup: z.boolean().default(true),
      })
      .strict(),
    led: z
      .object({
        pin: gpio,
        inverted: z.boolean().default(false),
      })
      .strict(),
  })
  .strict();

export type ReminderButtonSpec = z.output<typeof reminderButtonSpec>;
