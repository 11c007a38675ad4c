import { z } from 'zod';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses `90s`, `15m`, `2h`, `1h30m` or a bare number of seconds; undefined when malformed. */
export function parseDurationSeconds(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)\s*([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed.replace(/\s+/g, '')) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_SECONDS[p[2]!]!, 0);
}

/** A zod field for durations, parsed to seconds. */
export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (use e.g. 30s, 15m, 2h, 1h30m)` });
    return z.NEVER;
  }
  return seconds;
});

/** `HH:MM` (24 h) as minutes after midnight. */
export const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24 h)')
  .transform((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)));
