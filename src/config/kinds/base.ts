import { z } from 'zod';
import { didYouMean, esphomeName } from '../names.js';
import { BOARDS } from '../boards.js';
import { byteLimited, COMMENT_MAX_BYTES, FRIENDLY_NAME_MAX_BYTES } from '../esphome-strings.js';

export const KNOWN_BOARDS = Object.keys(BOARDS);

const board = z.string().superRefine((name, ctx) => {
  if (Object.hasOwn(BOARDS, name)) return;
  const guess = didYouMean(name, KNOWN_BOARDS);
  const known = KNOWN_BOARDS.join(', ');
  ctx.addIssue({
    code: 'custom',
    message: `unknown board "${name}"${guess ? `; did you mean "${guess}"? (known boards: ${known})` : `; known boards: ${known}`}`,
  });
});

/** Fields every device spec has, whatever its kind. */
export const deviceBase = z.object({
  name: esphomeName,
  /** Shown in HA; defaults to the name made readable. Entity ids derive from it. */
  friendly_name: byteLimited(FRIENDLY_NAME_MAX_BYTES, 'esphome: friendly_name').optional(),
  /** HA area the device belongs to (ESPHome `area:`). */
  area: byteLimited(FRIENDLY_NAME_MAX_BYTES, 'esphome: area').optional(),
  /** PlatformIO board id; its chip decides which pins and radios exist (boards.ts). */
  board,
  comment: byteLimited(COMMENT_MAX_BYTES, 'esphome: comment').optional(),
  /**
   * The firmware the device runs before its first ESPHome flash (`Tasmota`, `stock`), for the
   * first-flash steps in the generated header (esphome/migration-notes.ts). Absent: a device
   * built for ESPHome, which needs no migration steps.
   */
  migrated_from: z.string().min(1).optional(),
});
