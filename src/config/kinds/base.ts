import { z } from 'zod';
import { esphomeName } from '../names.js';
import { BOARDS } from '../boards.js';

/** Fields every device spec has, whatever its kind. */
export const deviceBase = z.object({
  name: esphomeName,
  /** Shown in HA; defaults to the name made readable. Entity ids derive from it. */
  friendly_name: z.string().min(1).max(120).optional(),
  /** HA area the device belongs to (ESPHome `area:`). */
  area: z.string().min(1).optional(),
  board: z.string().refine((b) => b in BOARDS, {
    message: `unknown board; known boards: ${Object.keys(BOARDS).join(', ')}`,
  }),
  comment: z.string().optional(),
});
