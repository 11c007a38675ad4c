import { z } from 'zod';

/** A GPIO given as `GPIO25`, `gpio25` or `25`, normalised to its number. */
export const gpio = z.union([z.number().int().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const match = /^(?:GPIO)?(\d{1,2})$/i.exec(value.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a GPIO pin (use e.g. GPIO25 or 25)` });
    return z.NEVER;
  }
  return Number(match[1]);
});
