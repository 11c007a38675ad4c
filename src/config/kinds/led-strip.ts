import { z } from 'zod';
import { deviceBase } from './base.js';
import { gpio } from '../pin.js';

const pwmChannels = z.object({ red: gpio, green: gpio, blue: gpio, white: gpio.optional() }).strict();

/** A light controller (often an ESP8266 that shipped with Tasmota), reflashed to ESPHome. */
export const ledStripSpec = deviceBase
  .extend({
    kind: z.literal('led-strip'),
    light: z.discriminatedUnion('type', [
      z.object({ type: z.literal('rgb'), pins: pwmChannels, frequency: z.number().int().min(100).max(40000).default(1000) }).strict(),
      z
        .object({
          type: z.literal('rgbw'),
          pins: pwmChannels.required({ white: true }),
          frequency: z.number().int().min(100).max(40000).default(1000),
        })
        .strict(),
      z
        .object({
          type: z.literal('ws2812'),
          pin: gpio,
          num_leds: z.number().int().min(1).max(1000),
          rgb_order: z.enum(['RGB', 'GRB', 'BGR', 'RBG', 'GBR', 'BRG']).default('GRB'),
        })
        .strict(),
    ]),
  })
  .strict();

export type LedStripSpec = z.output<typeof ledStripSpec>;
